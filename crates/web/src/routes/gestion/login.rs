//! The staff log-in: identifiant and password (`/gestion/connexion`), then the TOTP code or a
//! recovery code (`/gestion/connexion/code`); and « Se déconnecter ». The staff cookie is apart
//! from the parents': a parent's session here is simply not a staff one.

use app::accounts::AccountRefusal;
use app::staff::{self, SecondFactorOutcome, StaffLoginOutcome, StaffRefusal, Stage};
use axum::extract::{Form, FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;

use crate::layout::{csrf_field, flash};
use crate::session::{Visitor, see_other};
use crate::staff::{staff_cookie, staff_token};
use crate::staff_layout::gestion_visitor_page;
use crate::{Shared, WebError, blocking};

/// The staff cookie a request carries, whatever its session's stage.
pub(super) struct StaffCookie(pub Option<String>);

impl FromRequestParts<Shared> for StaffCookie {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, services: &Shared) -> Result<Self, Response> {
        Ok(StaffCookie(staff_token(parts, &services.config)))
    }
}

/// The stage of the session of the staff cookie, if it is live.
pub(super) async fn stage_of(
    services: &Shared,
    cookie: &StaffCookie,
) -> Result<Option<Stage>, WebError> {
    let Some(token) = cookie.0.clone() else {
        return Ok(None);
    };
    let app = services.app.clone();
    blocking(move || Ok(staff::staff_session(&app, &token)?.map(|s| s.stage))).await
}

/// A redirect that also sets (or deletes) the staff cookie.
pub(super) fn with_staff_cookie(services: &Shared, target: &str, token: Option<&str>) -> Response {
    let mut response = see_other(target);
    response
        .headers_mut()
        .append(header::SET_COOKIE, staff_cookie(&services.config, token));
    response
}

/// A page answering a refusal, with `Retry-After` when the answer is a wait.
pub(super) fn answer(status: StatusCode, page: Markup, retry_after: Option<i64>) -> Response {
    let mut response = (status, page).into_response();
    if let Some(seconds) = retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
    }
    response
}

/// The wording of a wait, the parents' one.
pub(super) fn throttled(seconds: i64) -> String {
    AccountRefusal::Throttled { seconds }.to_string()
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct LoginQuery {
    expiree: Option<String>,
    fait: Option<String>,
}

fn login_page(visitor: &Visitor, login: &str, notice: Option<Markup>) -> Markup {
    gestion_visitor_page(
        &visitor.chrome.contact,
        "Connexion du personnel",
        html! {
            @if let Some(notice) = notice { (notice) }
            section class="card" {
                form class="stack" method="post" action="/gestion/connexion" {
                    (csrf_field(&visitor.chrome.csrf))
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
                    div class="actions" { button type="submit" { "Continuer" } }
                }
                p { "Première connexion avec le code remis par l'administrateur ? " a href="/gestion/activation" { "Activer votre compte" } }
                p { "Vous êtes parent ? " a href="/connexion" { "Connexion au portail famille" } }
            }
        },
    )
}

pub(super) async fn login_form(visitor: Visitor, Query(query): Query<LoginQuery>) -> Response {
    let notice = if query.expiree.is_some() {
        Some(flash(
            "info",
            "Votre session a pris fin (15 minutes sans activité, ou 8 heures depuis la connexion). Connectez-vous à nouveau.",
        ))
    } else if query.fait.as_deref() == Some("deconnexion") {
        Some(flash("success", "Vous êtes déconnecté."))
    } else {
        None
    };
    login_page(&visitor, "", notice).into_response()
}

#[derive(Debug, Deserialize)]
pub(super) struct LoginForm {
    identifiant: String,
    mot_de_passe: String,
}

pub(super) async fn login(
    State(services): State<Shared>,
    visitor: Visitor,
    cookie: StaffCookie,
    Form(form): Form<LoginForm>,
) -> Result<Response, WebError> {
    let app = services.app.clone();
    let (login, password) = (form.identifiant.clone(), form.mot_de_passe);
    let ip = visitor.ip.clone();
    let previous = cookie.0;
    let outcome = services
        .hashing
        .run(move || {
            staff::staff_login(&app, &login, &password, ip.as_deref(), previous.as_deref())
        })
        .await?;
    let (status, message, retry_after) = match outcome {
        StaffLoginOutcome::Started { token, stage } => {
            let next = match stage {
                Stage::Enrolment => "/gestion/enrolement",
                Stage::SecondFactor | Stage::Ready => "/gestion/connexion/code",
            };
            return Ok(with_staff_cookie(&services, next, Some(&token)));
        }
        StaffLoginOutcome::Rejected => (
            StatusCode::UNAUTHORIZED,
            AccountRefusal::LoginRejected.to_string(),
            None,
        ),
        StaffLoginOutcome::Throttled {
            retry_after_seconds,
        } => (
            StatusCode::TOO_MANY_REQUESTS,
            throttled(retry_after_seconds),
            Some(retry_after_seconds),
        ),
    };
    let page = login_page(&visitor, &form.identifiant, Some(flash("error", &message)));
    Ok(answer(status, page, retry_after))
}

fn code_page(visitor: &Visitor, error: Option<&str>) -> Markup {
    gestion_visitor_page(
        &visitor.chrome.contact,
        "Code de vérification",
        html! {
            @if let Some(error) = error { (flash("error", error)) }
            section class="card" {
                form class="stack" method="post" action="/gestion/connexion/code" {
                    (csrf_field(&visitor.chrome.csrf))
                    div class="field" {
                        label for="code" { "Code à 6 chiffres de votre application d'authentification" }
                        input id="code" name="code" type="text" autocomplete="one-time-code"
                            required maxlength="20" autocapitalize="none" spellcheck="false" aria-describedby="code-aide";
                        p class="hint" id="code-aide" {
                            "Téléphone perdu ? Saisissez à la place un de vos codes de secours (par exemple ABCD-EFGH-JKMN) : chacun ne sert qu'une fois."
                        }
                    }
                    div class="actions" { button type="submit" { "Se connecter" } }
                }
                p { a href="/gestion/connexion" { "Recommencer la connexion" } }
            }
        },
    )
}

pub(super) async fn code_form(
    State(services): State<Shared>,
    visitor: Visitor,
    cookie: StaffCookie,
) -> Result<Response, WebError> {
    match stage_of(&services, &cookie).await? {
        Some(Stage::SecondFactor) => Ok(code_page(&visitor, None).into_response()),
        Some(Stage::Enrolment) => Ok(see_other("/gestion/enrolement")),
        Some(Stage::Ready) => Ok(see_other("/gestion")),
        None => Ok(see_other("/gestion/connexion")),
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct CodeForm {
    code: String,
}

pub(super) async fn code(
    State(services): State<Shared>,
    visitor: Visitor,
    cookie: StaffCookie,
    Form(form): Form<CodeForm>,
) -> Result<Response, WebError> {
    let Some(token) = cookie.0 else {
        return Ok(see_other("/gestion/connexion"));
    };
    let app = services.app.clone();
    let ip = visitor.ip.clone();
    let outcome =
        blocking(
            move || match staff::second_factor(&app, &token, &form.code, ip.as_deref()) {
                Err(app::AppError::Account(AccountRefusal::SessionEnded)) => Ok(None),
                other => other.map(Some),
            },
        )
        .await?;
    let (status, message, retry_after) = match outcome {
        None => {
            return Ok(with_staff_cookie(
                &services,
                "/gestion/connexion?expiree=1",
                None,
            ));
        }
        Some(SecondFactorOutcome::Ready { token }) => {
            return Ok(with_staff_cookie(&services, "/gestion", Some(&token)));
        }
        Some(SecondFactorOutcome::Rejected) => (
            StatusCode::UNAUTHORIZED,
            StaffRefusal::WrongCode.to_string(),
            None,
        ),
        Some(SecondFactorOutcome::Throttled {
            retry_after_seconds,
        }) => (
            StatusCode::TOO_MANY_REQUESTS,
            throttled(retry_after_seconds),
            Some(retry_after_seconds),
        ),
    };
    Ok(answer(
        status,
        code_page(&visitor, Some(&message)),
        retry_after,
    ))
}

/// « Se déconnecter »: the session is deleted, whatever its stage, and the cookie too.
pub(super) async fn logout(
    State(services): State<Shared>,
    cookie: StaffCookie,
) -> Result<Response, WebError> {
    if let Some(token) = cookie.0 {
        let app = services.app.clone();
        blocking(move || staff::close_staff_session(&app, &token)).await?;
    }
    Ok(with_staff_cookie(
        &services,
        "/gestion/connexion?fait=deconnexion",
        None,
    ))
}
