//! The HTTP side of Portail Famille and the jobs `portail serve` runs.
//!
//! Handlers are thin: they parse the request, call the `app` services on the blocking pool (the
//! store and the payment adapter are synchronous) and render. Every response carries the
//! security headers (strict CSP without inline script or style, no framing, nosniff, no-store).
//! The router is built by [`router`], so tests drive it with `tower::ServiceExt::oneshot`.
#![forbid(unsafe_code)]

mod jobs;
mod pages;

use std::sync::Arc;

use app::App;
use app::online_payment::{self, Settlement};
use axum::extract::{Form, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use payment::PaymentProvider;
use serde::Deserialize;

pub use jobs::{NightlyReport, mail_worker, nightly, run_nightly};

/// What the handlers share.
pub struct Services {
    pub app: App,
    /// The card payment provider (PayFiP, or the simulator in demo); `None`: no online payment.
    pub provider: Option<Arc<dyn PaymentProvider>>,
}

/// The router's state.
pub type Shared = Arc<Services>;

/// Builds the router. `simulator`: the PayFiP simulator, mounted under `/simulateur-payfip`
/// (demo only: anyone can "pay" there).
pub fn router(services: Shared, simulator: Option<payment::simulator::SimulatorState>) -> Router {
    let mut router = Router::new()
        .route("/sante", get(health))
        .route("/paiement/notification", post(payment_notification))
        .route("/paiement/retour", get(payment_return))
        .fallback(not_found)
        .with_state(services);
    if let Some(simulator) = simulator {
        router = router.nest("/simulateur-payfip", payment::simulator::router(simulator));
    }
    router.layer(axum::middleware::map_response(security_headers))
}

async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    let mut set = |name: header::HeaderName, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    set(
        header::CONTENT_SECURITY_POLICY,
        "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    );
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::REFERRER_POLICY, "same-origin");
    set(header::CACHE_CONTROL, "no-store");
    response
}

/// A short id quoted to the user and written in the logs with the failure.
fn incident_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..8].to_owned()
}

/// Runs blocking work (store, payment adapter) off the async runtime.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, app::AppError> + Send + 'static,
) -> Result<T, app::AppError> {
    match tokio::task::spawn_blocking(work).await {
        Ok(result) => result,
        Err(join) => Err(app::AppError::Refused(format!(
            "tâche interrompue : {join}"
        ))),
    }
}

/// `/sante`: is the database reachable, where is the log, when was the last transmission.
async fn health(State(services): State<Shared>) -> Response {
    let app = services.app.clone();
    let result = blocking(move || {
        let head = app.store.head()?;
        let last = app.query(|conn| Ok(projections::booking_queries::last_transmission(conn)?))?;
        Ok((head, last))
    })
    .await;
    match result {
        Ok((head, last)) => Json(serde_json::json!({
            "database": "ok",
            "last_position": head.position,
            "last_recorded_at": head.recorded_at,
            "last_transmission": last.map(|t| serde_json::json!({ "id": t.transmission_id, "cut_off": t.cut_off })),
        }))
        .into_response(),
        Err(error) => {
            let incident = incident_id();
            tracing::error!(%incident, %error, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({ "database": "unreachable", "incident": incident })),
            )
                .into_response()
        }
    }
}

/// PayFiP sends the operation id, and only that.
#[derive(Debug, Deserialize)]
struct OperationParams {
    #[serde(rename = "idOp", alias = "idop")]
    id_op: String,
}

async fn settle(services: &Shared, operation: String) -> Result<Settlement, app::AppError> {
    let Some(provider) = services.provider.clone() else {
        return Ok(Settlement::Unknown);
    };
    let app = services.app.clone();
    blocking(move || online_payment::settle(&app, provider.as_ref(), &operation)).await
}

/// Server-to-server notification: only a trigger; the outcome comes from the provider itself.
async fn payment_notification(
    State(services): State<Shared>,
    Form(params): Form<OperationParams>,
) -> Response {
    match settle(&services, params.id_op).await {
        Ok(_) => (StatusCode::OK, "OK").into_response(),
        Err(error) => {
            // The nightly reconciliation will settle it; the provider need not retry.
            let incident = incident_id();
            tracing::warn!(%incident, %error, "payment notification not settled now");
            (StatusCode::OK, "OK").into_response()
        }
    }
}

/// The parent's browser comes back from the provider: tell the result.
async fn payment_return(
    State(services): State<Shared>,
    Query(params): Query<OperationParams>,
) -> Response {
    match settle(&services, params.id_op).await {
        Ok(settlement) => pages::payment_result(&settlement).into_response(),
        Err(error) => {
            let incident = incident_id();
            tracing::error!(%incident, %error, "payment return not settled");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                pages::error_page(503, &incident),
            )
                .into_response()
        }
    }
}

async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, pages::not_found()).into_response()
}
