//! Log in and out. The log-in page shows every structure's welcome messages.

use app::accounts::{self, AccountRefusal, LoginOutcome, StructureWelcome};
use axum::extract::{Form, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::line;
use crate::hashing::LineEntry;
use crate::layout::{Chrome, csrf_field, flash, page};
use crate::session::{
    Parent, Visitor, rotate_visitor, see_other, session_cookie, session_cookie_kept,
};
use crate::{Shared, WebError, blocking};

/// Welcome messages of every structure (the log-in page shows them, as the seed asks).
async fn all_welcome_messages(services: &Shared) -> Result<Vec<StructureWelcome>, WebError> {
    let app = services.app.clone();
    blocking(move || accounts::every_welcome(&app)).await
}

fn welcome_block(messages: &[StructureWelcome]) -> Markup {
    html! {
        @for welcome in messages {
            div class="welcome" {
                h2 { (welcome.structure) }
                @for line in &welcome.messages { p { (line) } }
            }
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct LoginQuery {
    expiree: Option<String>,
    fait: Option<String>,
}

fn login_page(
    chrome: &Chrome,
    messages: &[StructureWelcome],
    login: &str,
    notice: Option<Markup>,
) -> Markup {
    page(
        chrome,
        "Connexion",
        "",
        html! {
            @if let Some(notice) = notice { (notice) }
            (welcome_block(messages))
            section class="card" {
                h2 { "Votre portail famille" }
                form class="stack" method="post" action="/connexion" {
                    (csrf_field(&chrome.csrf))
                    div class="field" {
                        label for="identifiant" { "Identifiant" }
                        input id="identifiant" name="identifiant" type="text" autocomplete="username"
                            required maxlength="100" value=(login) autocapitalize="none" spellcheck="false";
                    }
                    div class="field" {
                        label for="mot_de_passe" { "Mot de passe" }
                        input id="mot_de_passe" name="mot_de_passe" type="password"
                            autocomplete="current-password" required maxlength="128";
                    }
                    div class="field check" {
                        input id="rester_connecte" name="rester_connecte" type="checkbox" value="1"
                            aria-describedby="rester-aide";
                        label for="rester_connecte" { "Rester connecté sur cet appareil" }
                        p class="hint" id="rester-aide" {
                            "Pendant " (app::accounts::REMEMBERED_FOR.num_days()) " jours, sans retaper votre mot de passe. "
                            "Seulement sur votre téléphone ou votre ordinateur, jamais sur un appareil partagé. "
                            "« Se déconnecter » ou un nouveau mot de passe y mettent fin."
                        }
                    }
                    div class="actions" { button type="submit" { "Se connecter" } }
                }
                p { "Mot de passe oublié ? " a href="/mot-de-passe-oublie" { "Le retrouver" } }
                p { "Première connexion avec le code remis par la structure ? " a href="/activation" { "Activer votre compte" } }
            }
        },
    )
}

pub async fn login_form(
    State(services): State<Shared>,
    visitor: Visitor,
    Query(query): Query<LoginQuery>,
) -> Result<Response, WebError> {
    let messages = all_welcome_messages(&services).await?;
    let notice = if query.expiree.is_some() {
        Some(flash(
            "info",
            "Votre session a expiré (30 minutes sans activité, ou 12 heures depuis la connexion). Connectez-vous à nouveau.",
        ))
    } else {
        match query.fait.as_deref() {
            Some("deconnexion") => Some(flash("success", "Vous êtes déconnecté.")),
            Some("mot-de-passe") => Some(flash(
                "success",
                "Votre nouveau mot de passe est enregistré. Connectez-vous avec lui.",
            )),
            _ => None,
        }
    };
    Ok(login_page(&visitor.chrome, &messages, "", notice).into_response())
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    identifiant: String,
    mot_de_passe: String,
    /// « Rester connecté »: the checkbox, sent only when ticked.
    rester_connecte: Option<String>,
}

/// « Se connecter »: the password is verified in line, in arrival order. Verified within
/// the pool's patience (1.5 s), the answer is today's (the home page, or the refusal); otherwise the parent's
/// place in line, on a page that comes back for the outcome by itself.
pub async fn login(
    State(services): State<Shared>,
    visitor: Visitor,
    Form(form): Form<LoginForm>,
) -> Result<Response, WebError> {
    let app = services.app.clone();
    let (login, password) = (form.identifiant.clone(), form.mot_de_passe);
    let ip = visitor.ip.clone();
    let previous = visitor.session_token.clone();
    let remember = form.rester_connecte.is_some();
    let _waiting = services.hashing.not_a_page();
    let submitted = services.hashing.submit(move || {
        let previous = previous.as_deref();
        accounts::login(&app, &login, &password, ip.as_deref(), previous, remember)
    });
    let mut job = match submitted {
        Ok(job) => job,
        Err(full) => return Ok(line::too_long(&visitor.chrome, full.wait)),
    };
    if let Some(outcome) = job.within(services.hashing.patience()).await {
        return answer(&services, &visitor.chrome, &form.identifiant, outcome).await;
    }
    let seq = job.seq;
    let (cancelled, result) = job.keep();
    let entry = LineEntry {
        seq,
        login: form.identifiant,
        cancelled,
        result,
    };
    let ticket = services.hashing.line().enter(&visitor.browser, entry);
    Ok(line::waiting(&services, &visitor.chrome, &ticket, seq))
}

/// The answer to a verified log-in: the session opened and the home page, or the refusal on
/// the log-in form (the identifiant typed kept), with the throttle's wait when there is one.
pub(super) async fn answer(
    services: &Shared,
    chrome: &Chrome,
    login: &str,
    outcome: Result<LoginOutcome, WebError>,
) -> Result<Response, WebError> {
    let mut retry_after = None;
    let (status, message) = match outcome? {
        LoginOutcome::LoggedIn {
            token,
            family,
            remembered_until,
        } => {
            tracing::info!(%family, remembered = remembered_until.is_some(), "parent logged in");
            let mut response = see_other("/accueil");
            let now = services.app.now();
            response.headers_mut().append(
                header::SET_COOKIE,
                session_cookie_kept(&services.config, &token, remembered_until, now),
            );
            rotate_visitor(&mut response, &services.config);
            return Ok(response);
        }
        LoginOutcome::Rejected => (
            StatusCode::UNAUTHORIZED,
            AccountRefusal::LoginRejected.to_string(),
        ),
        LoginOutcome::Throttled {
            retry_after_seconds,
        } => {
            retry_after = Some(retry_after_seconds);
            (
                StatusCode::TOO_MANY_REQUESTS,
                AccountRefusal::Throttled {
                    seconds: retry_after_seconds,
                }
                .to_string(),
            )
        }
    };
    let messages = all_welcome_messages(services).await.unwrap_or_default();
    let mut response = (
        status,
        login_page(chrome, &messages, login, Some(flash("error", &message))),
    )
        .into_response();
    // The actual wait: it grows past a minute with the failures (up to the end of the day).
    if let Some(seconds) = retry_after {
        response.headers_mut().insert(
            header::RETRY_AFTER,
            header::HeaderValue::from(seconds.max(1)),
        );
    }
    Ok(response)
}

pub async fn logout(
    State(services): State<Shared>,
    parent: Result<Parent, Response>,
) -> Result<Response, WebError> {
    if let Ok(parent) = parent {
        let app = services.app.clone();
        let token = parent.token.clone();
        blocking(move || accounts::close_session(&app, &token)).await?;
    }
    let mut response = see_other("/connexion?fait=deconnexion");
    response
        .headers_mut()
        .append(header::SET_COOKIE, session_cookie(&services.config, None));
    rotate_visitor(&mut response, &services.config);
    Ok(response)
}
