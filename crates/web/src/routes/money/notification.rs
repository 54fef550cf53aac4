//! The provider's server-to-server notification, and the settling it shares with the return.

use app::online_payment::{self, Settlement};
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::{Shared, WebError, blocking};

/// PayFiP sends the operation id, and only that.
#[derive(Debug, Deserialize)]
pub struct OperationParams {
    #[serde(rename = "idOp", alias = "idop")]
    pub(super) id_op: String,
}

pub(super) async fn settle(services: &Shared, operation: String) -> Result<Settlement, WebError> {
    let Some(provider) = services.provider.clone() else {
        return Ok(Settlement::Unknown);
    };
    let app = services.app.clone();
    blocking(move || online_payment::settle(&app, provider.as_ref(), &operation)).await
}

/// Server-to-server notification: only a trigger; the outcome comes from the provider itself.
pub async fn payment_notification(
    State(services): State<Shared>,
    Form(params): Form<OperationParams>,
) -> Response {
    if let Err(error) = settle(&services, params.id_op).await {
        // The nightly reconciliation will settle it; the provider need not retry.
        let incident = crate::error::incident_id();
        tracing::warn!(%incident, %error, "payment notification not settled now");
    }
    (StatusCode::OK, "OK").into_response()
}
