//! The three documents of a family for staff, as the printable page or (`format=pdf`) the PDF.

use app::documents::Requester;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use documents::pdf::Document;
use domain::ids::{FamilyId, PaymentId};
use domain::staff::Permission;
use maud::html;

use crate::documents::{
    Format, FormatQuery, PeriodQuery, YearQuery, document_blocking, document_html, pdf_response,
};
use crate::extract::{Path, Query};
use crate::staff::StaffUser;
use crate::staff_layout::gestion_page;
use crate::{Shared, WebError};

pub(crate) async fn childcare(
    State(services): State<Shared>,
    staff: StaffUser,
    Path(family): Path<FamilyId>,
    Query(query): Query<YearQuery>,
) -> Result<Response, WebError> {
    staff.require(Permission::IssueAttestations)?;
    let app = services.app.clone();
    let who = Requester::Staff(staff.acting());
    let attestation = document_blocking(move || {
        app::documents::childcare_attestation(&app, &who, family, query.year)
    })
    .await?;
    Ok(answer(
        &staff,
        family,
        query.format,
        attestation.document(),
        || attestation.pdf(),
    ))
}

pub(crate) async fn statement(
    State(services): State<Shared>,
    staff: StaffUser,
    Path(family): Path<FamilyId>,
    Query(query): Query<PeriodQuery>,
) -> Result<Response, WebError> {
    staff.require(Permission::IssueAttestations)?;
    let app = services.app.clone();
    let who = Requester::Staff(staff.acting());
    let statement = document_blocking(move || {
        app::documents::account_statement(&app, &who, family, query.from, query.to)
    })
    .await?;
    Ok(answer(
        &staff,
        family,
        query.format,
        statement.document(),
        || statement.pdf(),
    ))
}

pub(crate) async fn receipt(
    State(services): State<Shared>,
    staff: StaffUser,
    Path((family, payment)): Path<(FamilyId, PaymentId)>,
    Query(FormatQuery(format)): Query<FormatQuery>,
) -> Result<Response, WebError> {
    staff.require(Permission::IssueAttestations)?;
    let app = services.app.clone();
    let who = Requester::Staff(staff.acting());
    let receipt =
        document_blocking(move || app::documents::payment_receipt(&app, &who, family, payment.0))
            .await?;
    Ok(answer(&staff, family, format, receipt.document(), || {
        receipt.pdf()
    }))
}

fn answer(
    staff: &StaffUser,
    family: FamilyId,
    format: Format,
    document: Document,
    pdf: impl FnOnce() -> Vec<u8>,
) -> Response {
    match format {
        Format::Pdf => pdf_response(&document, pdf()),
        Format::Html => {
            let body = html! {
                p class="no-print" {
                    a href={ "/gestion/familles/" (family) "/documents" } { "Retour aux documents de la famille" }
                    " — imprimez avec Ctrl+P."
                }
                (document_html(&document))
            };
            gestion_page(&staff.chrome, &document.title, "familles", body).into_response()
        }
    }
}
