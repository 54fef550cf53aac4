//! The back office (`/gestion/…`): staff pages, each handler one use case, each behind its
//! permission (`crate::staff::StaffUser::require`). One `.route` per line.

mod access_log;
mod accounts;
mod activation;
mod attendance;
mod charts;
mod console;
mod day_path;
mod days;
mod documents;
mod enrolment;
mod exports;
mod families;
mod home;
mod login;
mod occupancy;
mod payments;
mod phone;

use axum::Router;
use axum::routing::{get, post};

use crate::Shared;

/// The back office's routes, merged into the portal's router (same middleware: CSRF bound to the
/// staff cookie under `/gestion`, security headers, French errors).
pub(super) fn routes() -> Router<Shared> {
    Router::new()
        .route("/gestion", get(home::home))
        .route(
            "/gestion/connexion",
            get(login::login_form).post(login::login),
        )
        .route(
            "/gestion/connexion/code",
            get(login::code_form).post(login::code),
        )
        .route("/gestion/deconnexion", post(login::logout))
        .route(
            "/gestion/enrolement",
            get(enrolment::enrolment_form).post(enrolment::confirm),
        )
        .route(
            "/gestion/comptes",
            get(accounts::accounts).post(accounts::act),
        )
        .route("/gestion/journal-acces", get(access_log::access_log))
        .route(
            "/gestion/activation",
            get(activation::activation_form).post(activation::activate),
        )
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
            "/gestion/familles/{family}/documents",
            get(documents::documents),
        )
        .route(
            "/gestion/familles/{family}/documents/frais-de-garde",
            get(documents::childcare),
        )
        .route(
            "/gestion/familles/{family}/documents/releve",
            get(documents::statement),
        )
        .route(
            "/gestion/familles/{family}/documents/recu/{payment}",
            get(documents::receipt),
        )
        .route(
            "/gestion/reglements/{payment}/annulation",
            post(payments::cancel),
        )
        .route(
            "/gestion/familles/{family}/reservations",
            get(phone::children),
        )
        .route(
            "/gestion/familles/{family}/reservations/{child}",
            get(phone::calendar),
        )
        .route(
            "/gestion/familles/{family}/reservations/{child}/panier",
            post(phone::toggle),
        )
        .route(
            "/gestion/familles/{family}/recapitulatif",
            get(phone::summary).post(phone::validate),
        )
        .route(
            "/gestion/familles/{family}/abandonner",
            post(phone::abandon),
        )
        .route(
            "/gestion/familles/{family}/suivi",
            get(phone::follow_up).post(phone::follow_up_action),
        )
        .route(
            "/gestion/pointage",
            get(attendance::sheet).post(attendance::mark),
        )
        .route("/gestion/pointage/emargement", get(attendance::emargement))
        .route("/gestion/pointage/ajout", post(attendance::add_walk_in))
        .route("/gestion/exports", get(exports::page))
        .route("/gestion/exports/presences.csv", get(exports::attendance))
        .route(
            "/gestion/exports/consommations.csv",
            get(exports::consumptions),
        )
        .route("/gestion/exports/reglements.csv", get(exports::payments))
        .route(
            "/gestion/exports/dossiers-incomplets.csv",
            get(exports::files),
        )
        .route("/gestion/occupation", get(occupancy::board))
        .route("/gestion/occupation/{activity}/{day}", get(occupancy::day))
        .route(
            "/gestion/occupation/{activity}/{day}/capacite",
            get(days::capacity_form).post(days::change_capacity),
        )
        .route(
            "/gestion/occupation/{activity}/{day}/promotion",
            get(days::promotion_form).post(days::promote),
        )
        .route(
            "/gestion/occupation/{activity}/{day}/rang",
            get(days::rank_form).post(days::move_rank),
        )
        .route(
            "/gestion/occupation/{activity}/{day}/fermeture",
            get(days::closing_form).post(days::close),
        )
        .route(
            "/gestion/transmission",
            get(console::console).post(console::transmit),
        )
        .route("/gestion/transmission/{transmission}", get(console::detail))
        .route("/gestion/graphiques", get(charts::charts))
        .route("/gestion/courriels", get(console::outbox))
        .route("/gestion/courriels/{mail}/renvoi", post(console::resend))
}
