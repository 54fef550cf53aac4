//! « Profil » then « Modifier »: password (current one required), e-mail (confirmed by a link
//! sent to the new address), recovery question. Changes apply at once.

use app::accounts;
use axum::extract::{Form, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::Email;
use maud::{Markup, html};
use serde::Deserialize;

use crate::layout::{csrf_field, flash, page};
use crate::routes::accounts::new_password_fields;
use crate::session::{
    LINK_FIELD, LinkInPath, Parent, Visitor, link_in_form, see_other, session_cookie,
};
use crate::{Shared, WebError, blocking};

#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    fait: Option<String>,
}

fn done_message(code: Option<&str>) -> Option<&'static str> {
    match code? {
        "mot-de-passe" => {
            Some("Votre nouveau mot de passe est enregistré. Vos autres sessions ont été fermées.")
        }
        "courriel" => Some(
            "Un lien de confirmation a été envoyé à la nouvelle adresse : elle sera celle de votre compte dès que vous l'aurez ouvert.",
        ),
        "question" => Some("Votre question et sa réponse sont enregistrées."),
        "courriel-confirme" => Some("Votre adresse mail est confirmée."),
        _ => None,
    }
}

async fn load(services: &Shared, parent: &Parent) -> Result<accounts::Profile, WebError> {
    let app = services.app.clone();
    let family = parent.family();
    blocking(move || accounts::profile(&app, family)).await
}

pub async fn profile(
    State(services): State<Shared>,
    parent: Parent,
    Query(query): Query<DoneQuery>,
) -> Response {
    let profile = match load(&services, &parent).await {
        Ok(profile) => profile,
        Err(error) => return error.into_response(),
    };
    page(
        &parent.chrome,
        "Profil",
        "profil",
        html! {
            @if let Some(message) = done_message(query.fait.as_deref()) { (flash("success", message)) }
            section class="card" {
                dl class="profile" {
                    div { dt { "Nom" } dd { (profile.account.addressee()) } }
                    div { dt { "Identifiant" } dd { (profile.account.login) } }
                    div { dt { "Adresse mail" } dd {
                        (profile.account.email.as_ref().map_or("non renseignée", Email::as_str))
                        @if let Some(pending) = &profile.email_pending { " (en attente de confirmation : " (pending) ")" }
                    } }
                    div { dt { "Question de secours" } dd { (profile.question.as_deref().unwrap_or("non renseignée")) } }
                    div { dt { "Mot de passe" } dd { "•••••••• (jamais affiché)" } }
                }
                @if profile.account.email.is_none() {
                    p { "Renseignez votre adresse mail : vous recevrez le compte rendu de vos réservations et vous serez averti si une place en liste d'attente vous est attribuée." }
                }
                div class="actions" { a class="button" href="/profil/modifier" { "Modifier" } }
            }
            section class="card" {
                h2 { "Vos données" }
                p { "Téléchargez tout ce que le portail conserve sur votre famille (compte, enfants, réservations, consommations, règlements, solde), dans un fichier lisible par un tableur ou un éditeur de texte." }
                p { a class="button secondary" href="/profil/donnees" download { "Télécharger mes données" } }
            }
        },
    )
    .into_response()
}

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

pub async fn edit(State(services): State<Shared>, parent: Parent) -> Response {
    match load(&services, &parent).await {
        Ok(profile) => edit_page(&parent, &profile, None).into_response(),
        Err(error) => error.into_response(),
    }
}

/// A refused change: the edit page again with the reason beside the form.
async fn refused(services: &Shared, parent: &Parent, section: &str, message: &str) -> Response {
    match load(services, parent).await {
        Ok(profile) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            edit_page(parent, &profile, Some((section, message))),
        )
            .into_response(),
        Err(error) => error.into_response(),
    }
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    actuel: String,
    nouveau: String,
    confirmation: String,
}

/// Runs a profile change (it checks the current password) on the hashing pool; a refusal
/// answers the edit page with the reason beside `section`'s form.
async fn profile_change<T: Send + 'static>(
    services: &Shared,
    parent: &Parent,
    section: &str,
    change: impl FnOnce(&app::App, domain::ids::FamilyId) -> Result<T, app::AppError> + Send + 'static,
) -> Result<T, Response> {
    let app = services.app.clone();
    let family = parent.family();
    match services.hashing.run(move || change(&app, family)).await {
        Ok(done) => Ok(done),
        Err(WebError::Refused(message)) => Err(refused(services, parent, section, &message).await),
        Err(error) => Err(error.into_response()),
    }
}

pub async fn change_password(
    State(services): State<Shared>,
    parent: Parent,
    Form(form): Form<PasswordForm>,
) -> Response {
    let changed = profile_change(&services, &parent, "mot-de-passe", move |app, family| {
        accounts::change_password(app, family, &form.actuel, &form.nouveau, &form.confirmation)
    })
    .await;
    match changed {
        Ok(token) => {
            let mut response = see_other("/profil?fait=mot-de-passe");
            response.headers_mut().append(
                header::SET_COOKIE,
                session_cookie(&services.config, Some(&token)),
            );
            response
        }
        Err(response) => response,
    }
}

#[derive(Debug, Deserialize)]
pub struct EmailForm {
    courriel: String,
    actuel: String,
}

pub async fn change_email(
    State(services): State<Shared>,
    parent: Parent,
    Form(form): Form<EmailForm>,
) -> Response {
    let base = services.config.base_url.clone();
    let changed = profile_change(&services, &parent, "courriel", move |app, family| {
        accounts::request_email_change(app, family, &form.actuel, &form.courriel, &base)
    })
    .await;
    match changed {
        Ok(_) => see_other("/profil?fait=courriel"),
        Err(response) => response,
    }
}

#[derive(Debug, Deserialize)]
pub struct QuestionForm {
    question: String,
    reponse: String,
    actuel: String,
}

pub async fn change_question(
    State(services): State<Shared>,
    parent: Parent,
    Form(form): Form<QuestionForm>,
) -> Response {
    let changed = profile_change(&services, &parent, "question", move |app, family| {
        accounts::set_recovery_question(app, family, &form.actuel, &form.question, &form.reponse)
    })
    .await;
    match changed {
        Ok(()) => see_other("/profil?fait=question"),
        Err(response) => response,
    }
}

/// The link of the confirmation mail shows a button: opening a link (GET) changes nothing,
/// mail scanners that follow links do not confirm in the parent's place. The form posts to a
/// fixed path; the link's secret, parsed, travels in a field.
pub async fn confirm_email_form(visitor: Visitor, LinkInPath(token): LinkInPath) -> Response {
    page(
        &visitor.chrome,
        "Confirmer votre adresse mail",
        "",
        html! {
            p { "Confirmez que cette adresse est bien la vôtre : elle deviendra celle de votre compte famille." }
            form method="post" action="/profil/confirmation" {
                (csrf_field(&visitor.chrome.csrf))
                input type="hidden" name=(LINK_FIELD) value=(token);
                button type="submit" { "Confirmer l'adresse" }
            }
        },
    )
    .into_response()
}

#[derive(Debug, Deserialize)]
pub struct LinkForm {
    lien: String,
}

pub async fn confirm_email(
    State(services): State<Shared>,
    visitor: Visitor,
    Form(form): Form<LinkForm>,
) -> Response {
    let token = match link_in_form(&form.lien) {
        Ok(token) => token,
        Err(error) => return error.into_response(),
    };
    let app = services.app.clone();
    match blocking(move || accounts::confirm_email(&app, &token)).await {
        Ok(email) => page(
            &visitor.chrome,
            "Adresse mail confirmée",
            "",
            html! {
                (flash("success", &format!("L'adresse {email} est maintenant celle de votre compte famille.")))
                p { a href="/profil" { "Voir votre profil" } }
            },
        )
        .into_response(),
        Err(WebError::Refused(message)) => (
            StatusCode::NOT_FOUND,
            page(
                &visitor.chrome,
                "Lien expiré",
                "",
                html! { (flash("error", &message)) p { a href="/profil/modifier" { "Renseigner à nouveau l'adresse" } } },
            ),
        )
            .into_response(),
        Err(error) => error.into_response(),
    }
}

/// « Télécharger mes données » (RGPD): everything the portal holds about the family, as JSON.
pub async fn download_data(State(services): State<Shared>, parent: Parent) -> Response {
    let app = services.app.clone();
    let family = parent.family();
    let data = match blocking(move || app::privacy::family_data(&app, family)).await {
        Ok(data) => data,
        Err(error) => return error.into_response(),
    };
    let Ok(json) = serde_json::to_string_pretty(&data) else {
        return WebError::Internal("family data as JSON".to_owned()).into_response();
    };
    let file = format!(
        "attachment; filename=\"portail-famille-{}.json\"",
        data.account
            .login
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect::<String>()
    );
    let mut response = json.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json; charset=utf-8"),
    );
    if let Ok(value) = header::HeaderValue::from_str(&file) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}
