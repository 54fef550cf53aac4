//! « Rester connecté » on the profile: the trusted devices that keep a session, and ending
//! them all but this one.

use app::accounts;
use axum::extract::State;
use axum::http::header;
use axum::response::Response;
use maud::{Markup, html};

use crate::layout::csrf_field;
use crate::session::{Parent, see_other, session_cookie};
use crate::{Shared, WebError, blocking};

/// The profile's section: how many devices are remembered, and the button that forgets them.
pub(crate) async fn devices_section(
    services: &Shared,
    parent: &Parent,
) -> Result<Markup, WebError> {
    let app = services.app.clone();
    let family = parent.family();
    let remembered = blocking(move || accounts::remembered_devices(&app, family)).await?;
    let this_one = parent.session.remembered_until.is_some();
    Ok(html! {
        section class="card" {
            h2 { "Appareils de confiance" }
            @if remembered == 0 {
                p { "Aucun appareil ne garde votre session : cochez « Rester connecté sur cet appareil » en vous connectant depuis votre téléphone ou votre ordinateur pour ne plus retaper votre mot de passe pendant "
                    (accounts::REMEMBERED_FOR.num_days()) " jours." }
            } @else {
                p {
                    @if remembered == 1 { "1 appareil garde votre session" } @else { (remembered) " appareils gardent votre session" }
                    @if this_one { ", dont celui-ci" }
                    " (« Rester connecté »)."
                }
            }
            form method="post" action="/profil/appareils" {
                (csrf_field(parent.csrf()))
                p { "Un appareil perdu, prêté ou vendu ? Fermez toutes vos autres sessions ; celle-ci continue jusqu'à la fermeture du navigateur." }
                div class="actions" { button class="secondary" type="submit" { "Fermer les sessions des autres appareils" } }
            }
        }
    })
}

/// « Fermer les sessions des autres appareils »: every other session of the family ends, this
/// one is no longer remembered (its cookie ends with the browser).
pub async fn forget_devices(
    State(services): State<Shared>,
    parent: Parent,
) -> Result<Response, WebError> {
    let app = services.app.clone();
    let session = parent.session.clone();
    let ended = blocking(move || accounts::forget_other_devices(&app, &session)).await?;
    tracing::info!(family = %parent.family(), ended, "other devices' sessions ended");
    let mut response = see_other("/profil?fait=appareils");
    response.headers_mut().append(
        header::SET_COOKIE,
        session_cookie(&services.config, Some(&parent.token)),
    );
    Ok(response)
}
