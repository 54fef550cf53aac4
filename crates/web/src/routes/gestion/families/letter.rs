//! « Nouveau code et lettre d'activation »: the POST issues a new one-time code (the previous
//! one revoked) and answers the printable letter itself. The code exists only in this answer
//! (the server keeps its hash), so the letter is not a page to come back to: it is sent with
//! `Cache-Control: no-store`, and a new letter means a new code.

use app::desk::ActivationLetter;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use domain::ids::FamilyId;
use domain::staff::Permission;
use maud::{Markup, html};

use super::desk_blocking;
use crate::extract::Path;
use crate::layout::contact_block;
use crate::staff::StaffUser;
use crate::staff_layout::gestion_page;
use crate::{Shared, WebError};

pub(crate) async fn activation_letter(
    State(services): State<Shared>,
    staff: StaffUser,
    Path(family): Path<FamilyId>,
) -> Result<Response, WebError> {
    staff.require(Permission::AssistFamilyAccess)?;
    let app = services.app.clone();
    let by = staff.acting();
    let letter = desk_blocking(move || app::desk::issue_activation_code(&app, &by, family)).await?;
    let portal = services.config.base_url.clone();
    let body = html! {
        p class="no-print" {
            "Imprimez cette lettre maintenant (Ctrl+P) : le code n'est affiché qu'une fois. "
            a href={ "/gestion/familles/" (family) } { "Retour au dossier de la famille" }
        }
        (letter_body(&letter, &portal))
    };
    let mut response =
        gestion_page(&staff.chrome, "Lettre d'activation", "familles", body).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

fn letter_body(letter: &ActivationLetter, portal: &str) -> Markup {
    html! {
        article class="letter" {
            div class="letter-from" { (contact_block(&letter.contact)) }
            p class="letter-to" { (letter.addressee) }
            h2 { "Votre accès au Portail Famille" }
            p { "Madame, Monsieur," }
            p { "Voici de quoi ouvrir votre compte sur le Portail Famille, pour réserver les activités de vos enfants et régler en ligne." }
            dl class="facts" {
                div { dt { "Adresse du portail" } dd { (portal) } }
                div { dt { "Identifiant" } dd { strong { (letter.login) } } }
                div { dt { "Code d'activation" } dd { strong class="code" { (letter.code) } } }
            }
            h3 { "Pour activer votre compte" }
            ol {
                li { "Ouvrez l'adresse du portail, puis « Activer mon compte » (" (portal) "/activation)." }
                li { "Saisissez votre identifiant et le code d'activation ci-dessus." }
                li { "Choisissez votre mot de passe : vous vous connecterez ensuite avec votre identifiant et ce mot de passe." }
            }
            p { "Ce code ne sert qu'une fois ; il remplace tout code reçu auparavant. Gardez cette lettre à l'abri des regards." }
        }
    }
}
