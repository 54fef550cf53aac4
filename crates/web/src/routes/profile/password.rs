//! A new password (the current one required): every other session ends.

use app::accounts;
use axum::extract::{Form, State};
use axum::http::header;
use axum::response::Response;
use serde::Deserialize;

use super::edit::profile_change;
use crate::session::{Parent, see_other, session_cookie};
use crate::{Shared, WebError};

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    actuel: String,
    nouveau: String,
    confirmation: String,
}

pub async fn change_password(
    State(services): State<Shared>,
    parent: Parent,
    Form(form): Form<PasswordForm>,
) -> Result<Response, WebError> {
    let changed = profile_change(&services, &parent, "mot-de-passe", move |app, family| {
        accounts::change_password(app, family, &form.actuel, &form.nouveau, &form.confirmation)
    })
    .await?;
    Ok(match changed {
        Ok(token) => {
            let mut response = see_other("/profil?fait=mot-de-passe");
            response.headers_mut().append(
                header::SET_COOKIE,
                session_cookie(&services.config, Some(&token)),
            );
            response
        }
        Err(refused) => refused,
    })
}
