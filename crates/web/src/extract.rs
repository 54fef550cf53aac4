//! Typed extractors: a path, a form or a query string parsed into typed values before the
//! handler runs (axum's custom-extractor pattern). What axum itself cannot read (a body that
//! is no form, a missing field) is the French page of its status, 400 or 422 as axum says; a
//! value of the wrong shape (an id that is no id, an unknown action) is the French 404, the
//! answer an id that is not the family's also gets.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use domain::ids::{ChildId, FamilyId, PaymentId};
use serde::de::DeserializeOwned;

use crate::WebError;
use crate::middleware::status_page;

/// Typed path parameters; anything else is the French 404.
pub(crate) struct Path<T>(pub T);

/// A value read from a route's path parameters.
pub(crate) trait FromPath: Sized {
    /// The parameters as axum reads them.
    type Raw: DeserializeOwned + Send;
    /// `None` when they do not name such a value.
    fn from_path(raw: Self::Raw) -> Option<Self>;
}

impl FromPath for ChildId {
    type Raw = String;
    fn from_path(raw: String) -> Option<ChildId> {
        raw.parse().ok()
    }
}

impl FromPath for FamilyId {
    type Raw = String;
    fn from_path(raw: String) -> Option<FamilyId> {
        raw.parse().ok()
    }
}

impl FromPath for PaymentId {
    type Raw = String;
    fn from_path(raw: String) -> Option<PaymentId> {
        raw.parse().ok()
    }
}

/// `/gestion/familles/{family}/documents/recu/{payment}`.
impl FromPath for (FamilyId, PaymentId) {
    type Raw = (String, String);
    fn from_path((family, payment): (String, String)) -> Option<(FamilyId, PaymentId)> {
        Some((family.parse().ok()?, payment.parse().ok()?))
    }
}

/// `/…/{child}/jour/{day}`: a year 0, a negative year or `+10000-…` is no day of the portal.
impl FromPath for (ChildId, NaiveDate) {
    type Raw = (String, String);
    fn from_path((child, day): (String, String)) -> Option<(ChildId, NaiveDate)> {
        Some((child.parse().ok()?, domain::calendar::parse_day(&day)?))
    }
}

impl<S: Send + Sync, T: FromPath> FromRequestParts<S> for Path<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let axum::extract::Path(raw) =
            axum::extract::Path::<T::Raw>::from_request_parts(parts, state)
                .await
                .map_err(|rejection| framework_page(rejection.status()))?;
        T::from_path(raw)
            .map(Path)
            .ok_or_else(|| WebError::NotFound.into_response())
    }
}

/// The value a form field names (an id, a day kind…): a field that names nothing is the French
/// 404, the answer an id that is not the caller's also gets.
pub(crate) fn named<T: std::str::FromStr>(field: &str) -> Result<T, WebError> {
    field.trim().parse().map_err(|_| WebError::NotFound)
}

/// A value read from the fields of a form or of a query string.
pub(crate) trait FromFields: Sized {
    /// The fields as axum reads them.
    type Raw: DeserializeOwned + Send;
    /// The typed value; `WebError::NotFound` when a field names nothing.
    fn from_fields(raw: Self::Raw) -> Result<Self, WebError>;
}

/// A typed form (`application/x-www-form-urlencoded` body).
pub(crate) struct Form<T>(pub T);

impl<S: Send + Sync, T: FromFields> FromRequest<S> for Form<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        let axum::Form(raw) = axum::Form::<T::Raw>::from_request(request, state)
            .await
            .map_err(|rejection| framework_page(rejection.status()))?;
        T::from_fields(raw)
            .map(Form)
            .map_err(IntoResponse::into_response)
    }
}

/// A typed query string.
pub(crate) struct Query<T>(pub T);

impl<S: Send + Sync, T: FromFields> FromRequestParts<S> for Query<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let axum::extract::Query(raw) =
            axum::extract::Query::<T::Raw>::from_request_parts(parts, state)
                .await
                .map_err(|rejection| framework_page(rejection.status()))?;
        T::from_fields(raw)
            .map(Query)
            .map_err(IntoResponse::into_response)
    }
}

/// What axum could not read: the French page of the status it gave.
fn framework_page(status: StatusCode) -> Response {
    (status, status_page(status)).into_response()
}
