//! « Modifier »: the three forms of the profile, and how a refused change is answered.

use app::accounts;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::Email;
use maud::{Markup, html};

use super::load;
use crate::layout::{csrf_field, flash, page};
use crate::routes::accounts::new_password_fields;
use crate::session::Parent;
use crate::{Shared, WebError};

fn edit_page(parent: &Parent, profile: &accounts::Profile, error: Option<(&str, &str)>) -> Markup {
    let error_for = |section: &str| {
        error
            .filter(|(s, _)| *s == section)
            .map(|(_, m)| m.to_owned())
    };
    let current_password = |id: &str| {
        html! {
            div class="field" {
                label for=(id) { "Mot de passe actuel" }
                input id=(id) name="actuel" type="password" autocomplete="current-password" required maxlength="128";
            }
        }
    };
    page(
        &parent.chrome,
        "Modifier le profil",
        "profil",
        html! {
            p { "Les modifications s'appliquent immédiatement." }
            section class="card" id="mot-de-passe" {
                h2 { "Modifier votre mot de passe" }
                @if let Some(message) = error_for("mot-de-passe") { (flash("error", &message)) }
                form class="stack" method="post" action="/profil/mot-de-passe" {
                    (csrf_field(parent.csrf()))
                    (current_password("actuel-mdp"))
                    (new_password_fields())
                    div class="actions" { button type="submit" { "Enregistrer le mot de passe" } }
                }
            }
            section class="card" id="courriel" {
                h2 { "Renseigner ou modifier votre adresse mail" }
                p { "Elle sert au compte rendu de vos réservations, aux avis de liste d'attente et au lien pour retrouver votre mot de passe. Un lien de confirmation est envoyé à la nouvelle adresse." }
                @if let Some(message) = error_for("courriel") { (flash("error", &message)) }
                form class="stack" method="post" action="/profil/courriel" {
                    (csrf_field(parent.csrf()))
                    div class="field" {
                        label for="courriel-champ" { "Adresse mail" }
                        input id="courriel-champ" name="courriel" type="email" autocomplete="email" required maxlength="80"
                            value=(profile.account.email.as_ref().map_or("", Email::as_str));
                    }
                    (current_password("actuel-courriel"))
                    div class="actions" { button type="submit" { "Enregistrer l'adresse" } }
                }
            }
            section class="card" id="question" {
                h2 { "Question / réponse de secours" }
                p { "Elle vous permettra de choisir un nouveau mot de passe si vous l'oubliez (« Le retrouver »). La réponse est conservée chiffrée ; majuscules et espaces n'y comptent pas." }
                @if let Some(message) = error_for("question") { (flash("error", &message)) }
                form class="stack" method="post" action="/profil/question" {
                    (csrf_field(parent.csrf()))
                    div class="field" {
                        label for="question-champ" { "Question" }
                        input id="question-champ" name="question" type="text" required maxlength="200"
                            value=(profile.question.as_deref().unwrap_or(""));
                    }
                    div class="field" {
                        label for="reponse-champ" { "Réponse" }
                        input id="reponse-champ" name="reponse" type="text" autocomplete="off" required maxlength="100";
                    }
                    (current_password("actuel-question"))
                    div class="actions" { button type="submit" { "Enregistrer la question" } }
                }
            }
            p { a class="button secondary" href="/profil" { "Retour" } }
        },
    )
}

pub async fn edit(State(services): State<Shared>, parent: Parent) -> Result<Response, WebError> {
    let profile = load(&services, &parent).await?;
    Ok(edit_page(&parent, &profile, None).into_response())
}

/// A refused change: the edit page again with the reason beside the form.
async fn refused(
    services: &Shared,
    parent: &Parent,
    section: &str,
    message: &str,
) -> Result<Response, WebError> {
    let profile = load(services, parent).await?;
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        edit_page(parent, &profile, Some((section, message))),
    )
        .into_response())
}

/// Runs a profile change (it checks the current password) on the hashing pool: `Ok(Err(page))`
/// when it was refused, the edit page with the reason beside `section`'s form.
pub(super) async fn profile_change<T: Send + 'static>(
    services: &Shared,
    parent: &Parent,
    section: &str,
    change: impl FnOnce(&app::App, domain::ids::FamilyId) -> Result<T, app::AppError> + Send + 'static,
) -> Result<Result<T, Response>, WebError> {
    let app = services.app.clone();
    let family = parent.family();
    match services.hashing.run(move || change(&app, family)).await {
        Ok(done) => Ok(Ok(done)),
        Err(WebError::Refused(message)) => {
            Ok(Err(refused(services, parent, section, &message).await?))
        }
        Err(error) => Err(error),
    }
}
