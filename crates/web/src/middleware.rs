//! The layers every response goes through: security headers, French error pages, panics.

use std::panic::AssertUnwindSafe;

use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::FutureExt;
use maud::Markup;

use crate::{error, pages};

pub(crate) async fn security_headers(mut response: Response, hsts: bool) -> Response {
    let headers = response.headers_mut();
    let cache_set = headers.contains_key(header::CACHE_CONTROL);
    let mut set = |name: header::HeaderName, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    set(
        header::CONTENT_SECURITY_POLICY,
        "default-src 'self'; frame-ancestors 'none'; form-action 'self' https:; base-uri 'none'; object-src 'none'",
    );
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::REFERRER_POLICY, "same-origin");
    if !cache_set {
        set(header::CACHE_CONTROL, "no-store");
    }
    if hsts {
        set(
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    response
}

/// Errors answered by axum itself (a form that does not parse, a wrong method, a body too
/// large…) come as English plain text: they become the French page of their status.
pub(crate) async fn french_errors(response: Response) -> Response {
    let status = response.status();
    // Only bare or plain-text answers: pages, JSON and the simulator's SOAP faults (text/xml,
    // which the PayFiP adapter reads) pass untouched.
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("text/plain"));
    if !(status.is_client_error() || status.is_server_error()) || !plain {
        return response;
    }
    let page = status_page(status);
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    Response::from_parts(parts, axum::body::Body::from(page.into_string()))
}

/// The French page of an error status answered without a page of its own (by axum, or by
/// an extractor's rejection).
pub(crate) fn status_page(status: StatusCode) -> Markup {
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => pages::too_large(),
        StatusCode::METHOD_NOT_ALLOWED => pages::method_not_allowed(),
        StatusCode::NOT_FOUND => pages::not_found(),
        status if status.is_client_error() => pages::bad_request(),
        status => {
            let incident = error::incident_id();
            tracing::error!(%incident, %status, "request failed without a page");
            pages::error_page(status.as_u16(), &incident)
        }
    }
}

/// A panic in a handler becomes the French 500 page with an incident id, logged.
pub async fn catch_panics(request: Request, next: Next) -> Response {
    let method: Method = request.method().clone();
    let path = request.uri().path().to_owned();
    match AssertUnwindSafe(next.run(request)).catch_unwind().await {
        Ok(response) => response,
        Err(panic) => {
            let incident = error::incident_id();
            let detail = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            tracing::error!(%incident, %method, %path, %detail, "handler panicked");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                pages::error_page(500, &incident),
            )
                .into_response()
        }
    }
}
