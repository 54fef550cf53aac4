//! First log-in: the one-time code handed out by the structure, then a password of the
//! parent's choice.

use app::accounts::{self, AccountRefusal};
use axum::extract::{Form, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::new_password_fields;
use crate::layout::{Chrome, csrf_field, flash, page};
use crate::session::{Visitor, rotate_visitor, see_other, session_cookie};
use crate::{Shared, WebError};

fn activation_page(chrome: &Chrome, login: &str, error: Option<&str>) -> Markup {
    page(
        chrome,
        "Activer votre compte",
        "",
        html! {
            @if let Some(error) = error { (flash("error", error)) }
            p { "Saisissez l'identifiant et le code d'activation remis par la structure, puis choisissez votre mot de passe. Le code ne sert qu'une fois." }
            form class="stack" method="post" action="/activation" {
                (csrf_field(&chrome.csrf))
                div class="field" {
                    label for="identifiant" { "Identifiant" }
                    input id="identifiant" name="identifiant" type="text" autocomplete="username" required maxlength="100" value=(login);
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

pub async fn activation_form(visitor: Visitor) -> Markup {
    activation_page(&visitor.chrome, "", None)
}

#[derive(Debug, Deserialize)]
pub struct ActivationForm {
    identifiant: String,
    code: String,
    nouveau: String,
    confirmation: String,
}

pub async fn activate(
    State(services): State<Shared>,
    visitor: Visitor,
    Form(form): Form<ActivationForm>,
) -> Result<Response, WebError> {
    if form.nouveau != form.confirmation {
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            activation_page(
                &visitor.chrome,
                &form.identifiant,
                Some(&AccountRefusal::PasswordsDiffer.to_string()),
            ),
        )
            .into_response());
    }
    let app = services.app.clone();
    let ip = visitor.ip.clone();
    let (login, code, password) = (form.identifiant.clone(), form.code, form.nouveau);
    let result = services
        .hashing
        .run(move || accounts::activate(&app, &login, &code, &password, ip.as_deref()))
        .await;
    match result {
        Ok(token) => {
            let mut response = see_other("/accueil");
            response.headers_mut().append(
                header::SET_COOKIE,
                session_cookie(&services.config, Some(&token)),
            );
            rotate_visitor(&mut response, &services.config);
            Ok(response)
        }
        Err(WebError::Refused(message)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            activation_page(&visitor.chrome, &form.identifiant, Some(&message)),
        )
            .into_response()),
        Err(error) => Err(error),
    }
}
