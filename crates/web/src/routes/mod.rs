//! The route table: one module per area of the portal, each handler a use case.

mod accounts;
mod agenda;
mod booking;
mod documents;
mod follow_up;
mod gestion;
mod money;
mod profile;

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::middleware::{catch_panics, french_errors, security_headers};
use crate::{BODY_LIMIT, Shared, layout, pages, session};

/// Builds the router. `simulator`: the PayFiP simulator, mounted under `/simulateur-payfip`
/// (demo only: anyone can "pay" there).
pub fn router(services: Shared, simulator: Option<payment::simulator::SimulatorState>) -> Router {
    let portal = Router::new()
        .route("/", get(accounts::home))
        .route("/style.css", get(layout::stylesheet))
        .route("/sante", get(pages::health))
        .route(
            "/connexion",
            get(accounts::login_form).post(accounts::login),
        )
        .route("/connexion/file/{ticket}", get(accounts::in_line))
        .route("/deconnexion", post(accounts::logout))
        .route("/accueil", get(accounts::welcome))
        .route(
            "/structure",
            get(accounts::structures).post(accounts::choose_structure),
        )
        .route(
            "/activation",
            get(accounts::activation_form).post(accounts::activate),
        )
        .route(
            "/mot-de-passe-oublie",
            get(accounts::recovery_form).post(accounts::recovery),
        )
        .route("/mot-de-passe-oublie/lien", post(accounts::send_reset_link))
        .route(
            "/mot-de-passe-oublie/reponse",
            post(accounts::answer_question),
        )
        .route("/reinitialisation/{token}", get(accounts::reset_form))
        .route("/reinitialisation", post(accounts::reset))
        .route("/profil", get(profile::profile))
        .route("/profil/modifier", get(profile::edit))
        .route("/profil/donnees", get(profile::download_data))
        .route("/profil/agenda", post(profile::agenda))
        .route("/agenda/{file}", get(agenda::feed))
        .route("/profil/mot-de-passe", post(profile::change_password))
        .route("/profil/appareils", post(accounts::forget_devices))
        .route("/profil/courriel", post(profile::change_email))
        .route("/profil/question", post(profile::change_question))
        .route(
            "/profil/confirmation/{token}",
            get(profile::confirm_email_form),
        )
        .route("/profil/confirmation", post(profile::confirm_email))
        .route("/historique/consommations", get(money::consumption_history))
        .route("/historique/reglements", get(money::payment_history))
        .route("/solde", get(money::wallet))
        .route("/documents", get(documents::documents))
        .route("/documents/frais-de-garde", get(documents::childcare))
        .route("/documents/releve", get(documents::statement))
        .route("/documents/recu/{payment}", get(documents::receipt))
        .route(
            "/paiement",
            get(money::payment_form).post(money::start_payment),
        )
        .route("/paiement/notification", post(money::payment_notification))
        .route("/paiement/retour", get(money::payment_return))
        .route("/reservations", get(booking::children))
        .route("/reservations/{child}", get(booking::calendar))
        .route("/reservations/{child}/jour/{day}", get(booking::day))
        .route("/reservations/{child}/panier", post(booking::toggle))
        .route(
            "/reservations/recapitulatif",
            get(booking::summary).post(booking::validate),
        )
        .route("/reservations/abandonner", post(booking::abandon))
        .route("/reservations/resultat", get(booking::result))
        .route("/suivi", get(follow_up::follow_up))
        .route("/suivi/retirer", post(follow_up::withdraw))
        .route("/suivi/annuler", post(follow_up::cancel))
        .merge(gestion::routes())
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&services),
            session::csrf_and_visitor,
        ))
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&services),
            crate::hashing::count_pages,
        ))
        .with_state(Arc::clone(&services));
    let mut router = portal;
    if let Some(simulator) = simulator {
        router = router.nest("/simulateur-payfip", payment::simulator::router(simulator));
    }
    let hsts = services.config.secure_cookies;
    router
        .layer(axum::middleware::map_response(french_errors))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn(catch_panics))
        .layer(axum::middleware::map_response(move |response: Response| {
            security_headers(response, hsts)
        }))
}

async fn not_found(State(_services): State<Shared>) -> Response {
    (StatusCode::NOT_FOUND, pages::not_found()).into_response()
}
