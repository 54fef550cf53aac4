//! The web layer's error: what a handler could not do, and how the parent is told.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::pages;

/// A short id quoted to the user and written in the logs with the failure.
pub fn incident_id() -> String {
    let id = uuid::Uuid::new_v4().simple().to_string();
    id[..8].to_owned()
}

/// What went wrong while answering a request.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// The parent asked for something that cannot be done; the French reason is shown and
    /// nothing changed.
    #[error("{0}")]
    Refused(String),
    /// An id that does not exist or is not the family's: the same answer for both.
    #[error("not found")]
    NotFound,
    /// A staff member's roles do not grant this: the French 403 page, nothing read or written.
    #[error("forbidden: {0:?}")]
    Forbidden(domain::staff::Permission),
    /// Too many password checks queued: try again shortly.
    #[error("busy")]
    Busy,
    /// The disk is full: nothing was saved; 503 with `Retry-After`, the service recovers by
    /// itself when space returns.
    #[error("storage full")]
    StorageFull,
    /// Our failure: logged with an incident id, a 500 page shown.
    #[error("{0}")]
    Internal(String),
}

impl From<app::AppError> for WebError {
    fn from(error: app::AppError) -> Self {
        if let app::AppError::Staff(app::staff::StaffRefusal::NotAllowed(permission)) = error {
            WebError::Forbidden(permission)
        } else if error.is_storage_full() {
            WebError::StorageFull
        } else if error.is_user_error() {
            WebError::Refused(error.to_string())
        } else {
            WebError::Internal(error.to_string())
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        match self {
            WebError::Refused(message) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                pages::refused_page(&message),
            )
                .into_response(),
            WebError::NotFound => (StatusCode::NOT_FOUND, pages::not_found()).into_response(),
            WebError::Forbidden(permission) => (
                StatusCode::FORBIDDEN,
                crate::staff_layout::forbidden_page(permission),
            )
                .into_response(),
            WebError::Busy => {
                let mut response =
                    (StatusCode::TOO_MANY_REQUESTS, pages::busy_page()).into_response();
                response.headers_mut().insert(
                    axum::http::header::RETRY_AFTER,
                    axum::http::HeaderValue::from_static("5"),
                );
                response
            }
            WebError::StorageFull => {
                tracing::error!("request failed: the disk is full, nothing was written");
                let mut response =
                    (StatusCode::SERVICE_UNAVAILABLE, pages::storage_full_page()).into_response();
                response.headers_mut().insert(
                    axum::http::header::RETRY_AFTER,
                    axum::http::HeaderValue::from_static("300"),
                );
                response
            }
            WebError::Internal(detail) => {
                let incident = incident_id();
                tracing::error!(%incident, %detail, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    pages::error_page(500, &incident),
                )
                    .into_response()
            }
        }
    }
}
