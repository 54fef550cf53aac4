//! « Le retrouver »: a reset link by mail, or the recovery question. No page depends on
//! whether the identifiant exists.

use app::accounts::{self, AccountRefusal, AnswerOutcome, RecoveryOutcome};
use axum::extract::{Form, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;

use crate::layout::{self, Chrome, csrf_field, flash, page};
use crate::session::{Visitor, see_other};
use crate::{Shared, WebError, blocking};

/// One of the two recovery forms: the identifiant alone, posted to `action`.
fn identifiant_form(chrome: &Chrome, action: &str, id: &str, button: &str) -> Markup {
    html! {
        form class="stack" method="post" action=(action) {
            (csrf_field(&chrome.csrf))
            div class="field" {
                label for=(id) { "Identifiant" }
                input id=(id) name="identifiant" type="text" autocomplete="username" required maxlength="100" autocapitalize="none" spellcheck="false";
            }
            div class="actions" { button type="submit" { (button) } }
        }
    }
}

/// « Le retrouver »: the two ways, offered to everyone, and the structure's contact for a parent
/// who set up neither. Nothing on these pages depends on whether the identifiant exists.
fn recovery_start(chrome: &Chrome, error: Option<&str>) -> Markup {
    page(
        chrome,
        "Mot de passe oublié",
        "",
        html! {
            @if let Some(error) = error { (flash("error", error)) }
            p { "Votre mot de passe actuel n'est jamais affiché ni envoyé : vous allez en choisir un nouveau, par l'un des deux moyens que vous avez pu prévoir dans votre profil." }
            section class="card" {
                h2 { "Recevoir un lien par mail" }
                p { "Si une adresse mail est renseignée dans votre profil, un lien pour choisir un nouveau mot de passe y sera envoyé. Il ne sert qu'une fois et n'est valable qu'une heure." }
                (identifiant_form(chrome, "/mot-de-passe-oublie/lien", "identifiant-lien", "Envoyer le lien"))
            }
            section class="card" {
                h2 { "Répondre à votre question de secours" }
                p { "Si vous avez enregistré une question et sa réponse dans votre profil, répondez-y pour choisir un nouveau mot de passe." }
                (identifiant_form(chrome, "/mot-de-passe-oublie", "identifiant-question", "Voir la question"))
            }
            (contact_the_structure(chrome))
            p { a href="/connexion" { "Retour à la connexion" } }
        },
    )
}

pub async fn recovery_form(visitor: Visitor) -> Markup {
    recovery_start(&visitor.chrome, None)
}

#[derive(Debug, Deserialize)]
pub struct LoginOnlyForm {
    identifiant: String,
}

fn contact_the_structure(chrome: &Chrome) -> Markup {
    html! {
        section class="card" {
            h2 { "Ni adresse mail ni question dans votre profil ?" }
            p { "Le mot de passe ne peut alors pas être retrouvé depuis le site. Contactez la Communauté de Communes :" }
            (layout::contact_block(&chrome.contact))
        }
    }
}

/// The question page: the same for every identifiant (its own question, or a stand-in).
fn question_page(chrome: &Chrome, login: &str, question: &str, error: Option<&str>) -> Markup {
    page(
        chrome,
        "Mot de passe oublié",
        "",
        html! {
            @if let Some(error) = error { (flash("error", error)) }
            section class="card" {
                h2 { "Répondre à votre question de secours" }
                form class="stack" method="post" action="/mot-de-passe-oublie/reponse" {
                    (csrf_field(&chrome.csrf))
                    input type="hidden" name="identifiant" value=(login);
                    div class="field" {
                        label for="reponse" { (question) }
                        input id="reponse" name="reponse" type="text" autocomplete="off" required maxlength="100";
                    }
                    div class="actions" { button type="submit" { "Valider la réponse" } }
                }
                p class="hint" { "Vous ne reconnaissez pas cette question ? Vérifiez l'identifiant saisi (" strong { (login) } ") : si c'est bien le vôtre, aucune question n'est enregistrée dans votre profil. Demandez plutôt un lien par mail." }
            }
            p { a href="/mot-de-passe-oublie" { "Revenir au choix" } " · " a href="/connexion" { "Retour à la connexion" } }
        },
    )
}

/// A recovery request that must wait: 429 with `Retry-After`, the same for every identifiant.
fn throttled(body: Markup, seconds: i64) -> Response {
    let mut response = (StatusCode::TOO_MANY_REQUESTS, body).into_response();
    response.headers_mut().insert(
        header::RETRY_AFTER,
        header::HeaderValue::from(seconds.max(1)),
    );
    response
}

fn missing_login(chrome: &Chrome) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        recovery_start(chrome, Some("Saisissez votre identifiant.")),
    )
        .into_response()
}

/// `POST /mot-de-passe-oublie`: the question of the identifiant, after the throttle.
pub async fn recovery(
    State(services): State<Shared>,
    visitor: Visitor,
    Form(form): Form<LoginOnlyForm>,
) -> Result<Response, WebError> {
    let login = form.identifiant.trim().to_owned();
    if login.is_empty() {
        return Ok(missing_login(&visitor.chrome));
    }
    let app = services.app.clone();
    let ip = visitor.ip.clone();
    let lookup = login.clone();
    let outcome =
        blocking(move || accounts::ask_recovery_question(&app, &lookup, ip.as_deref())).await?;
    Ok(match outcome {
        RecoveryOutcome::Done(question) => {
            question_page(&visitor.chrome, &login, &question, None).into_response()
        }
        RecoveryOutcome::Throttled {
            retry_after_seconds,
        } => recovery_throttled(&visitor.chrome, retry_after_seconds),
    })
}

/// A recovery request over its throttle: the start page again, with the wait, as a 429.
fn recovery_throttled(chrome: &Chrome, retry_after_seconds: i64) -> Response {
    throttled(
        recovery_start(
            chrome,
            Some(
                &AccountRefusal::Throttled {
                    seconds: retry_after_seconds,
                }
                .to_string(),
            ),
        ),
        retry_after_seconds,
    )
}

pub async fn send_reset_link(
    State(services): State<Shared>,
    visitor: Visitor,
    Form(form): Form<LoginOnlyForm>,
) -> Result<Response, WebError> {
    let login = form.identifiant.trim().to_owned();
    if login.is_empty() {
        return Ok(missing_login(&visitor.chrome));
    }
    let app = services.app.clone();
    let base = services.config.base_url.clone();
    let ip = visitor.ip.clone();
    let outcome =
        blocking(move || accounts::send_reset_link(&app, &login, ip.as_deref(), &base)).await?;
    Ok(match outcome {
        RecoveryOutcome::Done(()) => page(
            &visitor.chrome,
            "Mot de passe oublié",
            "",
            html! {
                (flash("success", "Si un compte correspond à cet identifiant et qu'une adresse mail est renseignée dans son profil, un courriel a été envoyé. Ouvrez le lien dans l'heure pour choisir un nouveau mot de passe."))
                p { "Pensez à regarder dans les courriers indésirables. Chaque nouvelle demande remplace le lien précédent." }
                p { a href="/connexion" { "Retour à la connexion" } }
            },
        )
        .into_response(),
        RecoveryOutcome::Throttled {
            retry_after_seconds,
        } => recovery_throttled(&visitor.chrome, retry_after_seconds),
    })
}

#[derive(Debug, Deserialize)]
pub struct AnswerForm {
    identifiant: String,
    reponse: String,
}

pub async fn answer_question(
    State(services): State<Shared>,
    visitor: Visitor,
    Form(form): Form<AnswerForm>,
) -> Result<Response, WebError> {
    let app = services.app.clone();
    let ip = visitor.ip.clone();
    let (login, answer) = (form.identifiant.trim().to_owned(), form.reponse);
    let lookup = login.clone();
    let outcome = services
        .hashing
        .run(move || accounts::answer_question(&app, &lookup, &answer, ip.as_deref()))
        .await?;
    let (message, wait) = match outcome {
        AnswerOutcome::Correct { reset_token } => {
            return Ok(see_other(&format!("/reinitialisation/{reset_token}")));
        }
        AnswerOutcome::Wrong => ("Réponse incorrecte.".to_owned(), None),
        AnswerOutcome::Throttled {
            retry_after_seconds,
        } => (
            AccountRefusal::Throttled {
                seconds: retry_after_seconds,
            }
            .to_string(),
            Some(retry_after_seconds),
        ),
    };
    let app = services.app.clone();
    let lookup = login.clone();
    let question = blocking(move || accounts::recovery_question_again(&app, &lookup)).await?;
    let body = question_page(&visitor.chrome, &login, &question, Some(&message));
    Ok(match wait {
        Some(seconds) => throttled(body, seconds),
        None => (StatusCode::UNPROCESSABLE_ENTITY, body).into_response(),
    })
}
