//! A new e-mail address: a confirmation link goes to it, and opening the link (then the
//! button) makes it the account's.

use app::accounts;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;

use super::edit::profile_change;
use crate::layout::{csrf_field, flash, page};
use crate::session::{LINK_FIELD, LinkInPath, Parent, Visitor, link_in_form, see_other};
use crate::{Shared, WebError, blocking};

#[derive(Debug, Deserialize)]
pub struct EmailForm {
    courriel: String,
    actuel: String,
}

pub async fn change_email(
    State(services): State<Shared>,
    parent: Parent,
    Form(form): Form<EmailForm>,
) -> Result<Response, WebError> {
    let base = services.config.base_url.clone();
    let changed = profile_change(&services, &parent, "courriel", move |app, family| {
        accounts::request_email_change(app, family, &form.actuel, &form.courriel, &base)
    })
    .await?;
    Ok(match changed {
        Ok(_) => see_other("/profil?fait=courriel"),
        Err(refused) => refused,
    })
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
) -> Result<Response, WebError> {
    let token = link_in_form(&form.lien)?;
    let app = services.app.clone();
    match blocking(move || accounts::confirm_email(&app, &token)).await {
        Ok(email) => Ok(page(
            &visitor.chrome,
            "Adresse mail confirmée",
            "",
            html! {
                (flash("success", &format!("L'adresse {email} est maintenant celle de votre compte famille.")))
                p { a href="/profil" { "Voir votre profil" } }
            },
        )
        .into_response()),
        Err(WebError::Refused(message)) => Ok((
            StatusCode::NOT_FOUND,
            page(
                &visitor.chrome,
                "Lien expiré",
                "",
                html! { (flash("error", &message)) p { a href="/profil/modifier" { "Renseigner à nouveau l'adresse" } } },
            ),
        )
            .into_response()),
        Err(error) => Err(error),
    }
}
