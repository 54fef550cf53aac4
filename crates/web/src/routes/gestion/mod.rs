//! The back office (`/gestion/…`): staff pages, each handler one use case, each behind its
//! permission (`crate::staff::StaffUser::require`). One `.route` per line.

mod families;
mod home;
mod payments;

use axum::Router;
use axum::routing::{get, post};

use crate::Shared;

/// The back office's routes, merged into the portal's router (same middleware: CSRF bound to the
/// staff cookie under `/gestion`, security headers, French errors).
pub(super) fn routes() -> Router<Shared> {
    Router::new()
        .route("/gestion", get(home::home))
        .route("/gestion/familles", get(families::search))
        .route("/gestion/familles/{family}", get(families::file_page))
        .route(
            "/gestion/familles/{family}/dossier",
            post(families::dossier),
        )
        .route(
            "/gestion/familles/{family}/quotient",
            post(families::quotient),
        )
        .route(
            "/gestion/familles/{family}/deblocage",
            post(families::unlock),
        )
        .route(
            "/gestion/familles/{family}/lien",
            post(families::reset_link),
        )
        .route(
            "/gestion/familles/{family}/activation",
            post(families::activation_letter),
        )
        .route(
            "/gestion/familles/{family}/reglement",
            get(payments::payment_form).post(payments::record),
        )
        .route("/gestion/reglements/{payment}", get(payments::receipt))
        .route(
            "/gestion/reglements/{payment}/annulation",
            post(payments::cancel),
        )
}
