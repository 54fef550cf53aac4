//! The recovery question and its answer (the current password required).

use app::accounts;
use axum::extract::{Form, State};
use axum::response::Response;
use serde::Deserialize;

use super::edit::profile_change;
use crate::session::{Parent, see_other};
use crate::{Shared, WebError};

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
) -> Result<Response, WebError> {
    let changed = profile_change(&services, &parent, "question", move |app, family| {
        accounts::set_recovery_question(app, family, &form.actuel, &form.question, &form.reponse)
    })
    .await?;
    Ok(match changed {
        Ok(()) => see_other("/profil?fait=question"),
        Err(refused) => refused,
    })
}
