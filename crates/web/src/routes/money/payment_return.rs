//! The parent's browser back from the provider: the payment's outcome in words.

use app::online_payment::{OnlinePaymentState, Settlement};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use domain::values::OnlinePaymentFailure;
use maud::html;

use super::notification::{OperationParams, settle};
use crate::layout::{flash, page};
use crate::session::Visitor;
use crate::{Shared, WebError};

/// The parent's browser comes back from the provider: tell the result.
pub async fn payment_return(
    State(services): State<Shared>,
    visitor: Visitor,
    Query(params): Query<OperationParams>,
) -> Result<Response, WebError> {
    let settlement = settle(&services, params.id_op).await?;
    let (title, kind, text) = match &settlement {
        Settlement::Paid { amount } => (
            "Paiement accepté",
            "success",
            format!("Votre paiement de {amount} € est accepté : votre porte-monnaie est crédité."),
        ),
        Settlement::Failed {
            state: OnlinePaymentFailure::Refused,
        } => (
            "Paiement refusé",
            "error",
            "Votre banque a refusé le paiement : rien n'a été débité.".to_owned(),
        ),
        Settlement::Failed { .. } => (
            "Paiement non abouti",
            "error",
            "Le paiement n'a pas abouti : rien n'a été débité.".to_owned(),
        ),
        Settlement::Pending => (
            "Paiement en cours",
            "info",
            "Le paiement n'est pas encore confirmé. S'il aboutit, votre porte-monnaie sera crédité ; vous pouvez le vérifier dans « Solde et Paiement ».".to_owned(),
        ),
        Settlement::AlreadySettled {
            state: OnlinePaymentState::Paid,
        } => (
            "Paiement accepté",
            "success",
            "Ce paiement est déjà enregistré : votre porte-monnaie est crédité.".to_owned(),
        ),
        Settlement::AlreadySettled { .. } => (
            "Paiement non abouti",
            "error",
            "Ce paiement n'a pas abouti : rien n'a été débité.".to_owned(),
        ),
        Settlement::Unknown => (
            "Paiement inconnu",
            "error",
            "Nous ne connaissons pas ce paiement.".to_owned(),
        ),
    };
    Ok(page(
        &visitor.chrome,
        title,
        "solde",
        html! {
            (flash(kind, &text))
            p { a class="button" href="/solde" { "Retour à Solde et Paiement" } }
        },
    )
    .into_response())
}
