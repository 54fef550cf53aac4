//! `/gestion/activation`: a staff member's first log-in with the one-time code the
//! administrator handed out, and a password of their choice (the parents' policy); then
//! enrolment of the second factor.

use app::AppError;
use app::accounts::AccountRefusal;
use app::staff;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::login::{answer, throttled, with_staff_cookie};
use crate::layout::{csrf_field, flash};
use crate::routes::accounts::new_password_fields;
use crate::session::Visitor;
use crate::staff_layout::gestion_visitor_page;
use crate::{Shared, WebError};

fn activation_page(visitor: &Visitor, login: &str, error: Option<&str>) -> Markup {
    gestion_visitor_page(
        &visitor.chrome.contact,
        "Activer votre compte du personnel",
        html! {
            @if let Some(error) = error { (flash("error", error)) }
            p { "Saisissez votre identifiant et le code d'activation remis par l'administrateur, puis choisissez votre mot de passe. Le code ne sert qu'une fois. Vous activerez ensuite la double authentification." }
            form class="stack" method="post" action="/gestion/activation" {
                (csrf_field(&visitor.chrome.csrf))
                div class="field" {
                    label for="identifiant" { "Identifiant" }
                    input id="identifiant" name="identifiant" type="text" autocomplete="username" required maxlength="100" value=(login)
                        autocapitalize="none" spellcheck="false";
                }
                div class="field" {
                    label for="code" { "Code d'activation" }
                    input id="code" name="code" type="text" autocomplete="one-time-code" required maxlength="40" aria-describedby="code-aide";
                    p class="hint" id="code-aide" { "Douze caractères, par exemple ABCD-EFGH-JKMN." }
                }
                (new_password_fields())
                div class="actions" { button type="submit" { "Activer mon compte" } }
            }
        },
    )
}

pub(super) async fn activation_form(visitor: Visitor) -> Markup {
    activation_page(&visitor, "", None)
}

#[derive(Debug, Deserialize)]
pub(super) struct ActivationForm {
    identifiant: String,
    code: String,
    nouveau: String,
    confirmation: String,
}

pub(super) async fn activate(
    State(services): State<Shared>,
    visitor: Visitor,
    Form(form): Form<ActivationForm>,
) -> Result<Response, WebError> {
    if form.nouveau != form.confirmation {
        let message = AccountRefusal::PasswordsDiffer.to_string();
        let page = activation_page(&visitor, &form.identifiant, Some(&message));
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let app = services.app.clone();
    let ip = visitor.ip.clone();
    let (login, code, password) = (form.identifiant.clone(), form.code, form.nouveau);
    let result = services
        .hashing
        .run(move || {
            Ok(staff::activate_staff(
                &app,
                &login,
                &code,
                &password,
                ip.as_deref(),
            ))
        })
        .await?;
    let (status, message, retry_after) = match result {
        Ok(token) => {
            return Ok(with_staff_cookie(
                &services,
                "/gestion/enrolement",
                Some(&token),
            ));
        }
        Err(AppError::Account(AccountRefusal::Throttled { seconds })) => (
            StatusCode::TOO_MANY_REQUESTS,
            throttled(seconds),
            Some(seconds),
        ),
        Err(error) if error.is_user_error() => {
            (StatusCode::UNPROCESSABLE_ENTITY, error.to_string(), None)
        }
        Err(error) => return Err(error.into()),
    };
    let page = activation_page(&visitor, &form.identifiant, Some(&message));
    Ok(answer(status, page, retry_after))
}
