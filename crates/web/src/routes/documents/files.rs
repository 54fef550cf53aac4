//! `/documents/frais-de-garde?annee=`, `/documents/releve?du=&au=`, `/documents/recu/{payment}`:
//! each as the printable page or, with `format=pdf`, the PDF.

use app::documents::Requester;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use documents::pdf::Document;
use domain::ids::PaymentId;
use maud::html;

use crate::documents::{
    Format, FormatQuery, PeriodQuery, YearQuery, document_blocking, document_html, pdf_response,
};
use crate::extract::{Path, Query};
use crate::layout::page;
use crate::session::Parent;
use crate::{Shared, WebError};

pub(crate) async fn childcare(
    State(services): State<Shared>,
    parent: Parent,
    Query(query): Query<YearQuery>,
) -> Result<Response, WebError> {
    let app = services.app.clone();
    let family = parent.family();
    let attestation = document_blocking(move || {
        app::documents::childcare_attestation(&app, &Requester::Family(family), family, query.year)
    })
    .await?;
    Ok(answer(
        &parent,
        query.format,
        attestation.document(),
        || attestation.pdf(),
    ))
}

pub(crate) async fn statement(
    State(services): State<Shared>,
    parent: Parent,
    Query(query): Query<PeriodQuery>,
) -> Result<Response, WebError> {
    let app = services.app.clone();
    let family = parent.family();
    let statement = document_blocking(move || {
        app::documents::account_statement(
            &app,
            &Requester::Family(family),
            family,
            query.from,
            query.to,
        )
    })
    .await?;
    Ok(answer(&parent, query.format, statement.document(), || {
        statement.pdf()
    }))
}

pub(crate) async fn receipt(
    State(services): State<Shared>,
    parent: Parent,
    Path(payment): Path<PaymentId>,
    Query(FormatQuery(format)): Query<FormatQuery>,
) -> Result<Response, WebError> {
    let app = services.app.clone();
    let family = parent.family();
    let receipt = document_blocking(move || {
        app::documents::payment_receipt(&app, &Requester::Family(family), family, payment.0)
    })
    .await?;
    Ok(answer(&parent, format, receipt.document(), || {
        receipt.pdf()
    }))
}

fn answer(
    parent: &Parent,
    format: Format,
    document: Document,
    pdf: impl FnOnce() -> Vec<u8>,
) -> Response {
    match format {
        Format::Pdf => pdf_response(&document, pdf()),
        Format::Html => {
            let body = html! {
                p class="no-print" {
                    a href="/documents" { "Retour à mes documents" }
                    " — imprimez avec Ctrl+P."
                }
                (document_html(&document))
            };
            page(&parent.chrome, &document.title, "solde", body).into_response()
        }
    }
}
