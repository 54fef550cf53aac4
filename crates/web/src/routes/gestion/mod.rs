//! The back office (`/gestion/…`): staff pages, each handler one use case, each behind its
//! permission (`crate::staff::StaffUser::require`). One `.route` per line.

mod attendance;
mod home;

use axum::Router;
use axum::routing::{get, post};

use crate::Shared;

/// The back office's routes, merged into the portal's router (same middleware: CSRF bound to the
/// staff cookie under `/gestion`, security headers, French errors).
pub(super) fn routes() -> Router<Shared> {
    Router::new()
        .route("/gestion", get(home::home))
        .route(
            "/gestion/pointage",
            get(attendance::sheet).post(attendance::mark),
        )
        .route("/gestion/pointage/emargement", get(attendance::emargement))
        .route("/gestion/pointage/ajout", post(attendance::add_walk_in))
}
