//! `/documents`: the years to attest, the statement form, the receipts.

use app::documents::Requester;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use maud::html;

use crate::documents::{choices_html, document_blocking};
use crate::layout::page;
use crate::session::Parent;
use crate::{Shared, WebError};

pub(crate) async fn documents(
    State(services): State<Shared>,
    parent: Parent,
) -> Result<Response, WebError> {
    let app = services.app.clone();
    let family = parent.family();
    let choices = document_blocking(move || {
        app::documents::document_choices(&app, &Requester::Family(family), family)
    })
    .await?;
    let body = html! {
        p class="no-print" { a href="/solde" { "Retour à Solde et Paiement" } }
        (choices_html("/documents", &choices))
    };
    Ok(page(&parent.chrome, "Mes documents", "solde", body).into_response())
}
