//! A reset link opened: the parent chooses a new password; every session of the account ends.

use app::accounts::{self, LinkToken};
use axum::extract::{Form, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::new_password_fields;
use crate::layout::{Chrome, csrf_field, flash, page};
use crate::session::{
    LINK_FIELD, LinkInPath, Visitor, link_in_form, rotate_visitor, see_other, session_cookie,
};
use crate::{Shared, WebError, blocking};

fn reset_page(chrome: &Chrome, token: &LinkToken, login: &str, error: Option<&str>) -> Markup {
    page(
        chrome,
        "Choisir un nouveau mot de passe",
        "",
        html! {
            @if let Some(error) = error { (flash("error", error)) }
            p { "Identifiant : " strong { (login) } }
            form class="stack" method="post" action="/reinitialisation" {
                (csrf_field(&chrome.csrf))
                input type="hidden" name=(LINK_FIELD) value=(token);
                (new_password_fields())
                div class="actions" { button type="submit" { "Enregistrer le nouveau mot de passe" } }
            }
        },
    )
}

fn dead_link_page(chrome: &Chrome) -> Response {
    (
        StatusCode::NOT_FOUND,
        page(
            chrome,
            "Lien expiré",
            "",
            html! {
                (flash("error", "Ce lien n'est plus valable (il a déjà servi, a expiré ou a été remplacé par un plus récent)."))
                p { a href="/mot-de-passe-oublie" { "Refaire une demande" } }
            },
        ),
    )
        .into_response()
}

pub async fn reset_form(
    State(services): State<Shared>,
    visitor: Visitor,
    LinkInPath(token): LinkInPath,
) -> Result<Response, WebError> {
    let app = services.app.clone();
    let lookup = token.clone();
    Ok(
        match blocking(move || accounts::reset_link_login(&app, &lookup)).await? {
            Some(login) => reset_page(&visitor.chrome, &token, &login, None).into_response(),
            None => dead_link_page(&visitor.chrome),
        },
    )
}

#[derive(Debug, Deserialize)]
pub struct NewPasswordForm {
    lien: String,
    nouveau: String,
    confirmation: String,
}

pub async fn reset(
    State(services): State<Shared>,
    visitor: Visitor,
    Form(form): Form<NewPasswordForm>,
) -> Result<Response, WebError> {
    let token = link_in_form(&form.lien)?;
    let app = services.app.clone();
    let spent = token.clone();
    let result = services
        .hashing
        .run(move || accounts::reset_password(&app, &spent, &form.nouveau, &form.confirmation))
        .await;
    match result {
        Ok(()) => {
            let mut response = see_other("/connexion?fait=mot-de-passe");
            response
                .headers_mut()
                .append(header::SET_COOKIE, session_cookie(&services.config, None));
            rotate_visitor(&mut response, &services.config);
            Ok(response)
        }
        Err(WebError::Refused(message)) => {
            let app = services.app.clone();
            let lookup = token.clone();
            Ok(
                match blocking(move || accounts::reset_link_login(&app, &lookup)).await? {
                    Some(login) => (
                        StatusCode::UNPROCESSABLE_ENTITY,
                        reset_page(&visitor.chrome, &token, &login, Some(&message)),
                    )
                        .into_response(),
                    None => dead_link_page(&visitor.chrome),
                },
            )
        }
        Err(error) => Err(error),
    }
}
