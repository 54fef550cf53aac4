//! `/structure`: the structure a session consults, among the family's.

use app::accounts;
use axum::extract::{Form, State};
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;

use crate::layout::{csrf_field, page};
use crate::session::{Parent, see_other};
use crate::{Shared, WebError, blocking};

/// `/structure`: choose the structure to consult.
pub async fn structures(
    State(services): State<Shared>,
    parent: Parent,
) -> Result<Response, WebError> {
    let app = services.app.clone();
    let family = parent.family();
    let list = blocking(move || accounts::family_structures(&app, family)).await?;
    let current = parent.session.structure_id;
    Ok(page(
        &parent.chrome,
        "Choisir la structure",
        "",
        html! {
            p { "Choisissez la structure que vous souhaitez consulter." }
            ul class="choices" {
                @for (id, label) in &list {
                    li {
                        form method="post" action="/structure" {
                            (csrf_field(parent.csrf()))
                            input type="hidden" name="structure" value=(id);
                            button class="choice" type="submit" aria-pressed=(if current == Some(*id) { "true" } else { "false" }) {
                                (label)
                                @if current == Some(*id) { " (structure consultée)" }
                            }
                        }
                    }
                }
            }
        },
    )
    .into_response())
}

#[derive(Debug, Deserialize)]
pub struct StructureForm {
    structure: String,
}

pub async fn choose_structure(
    State(services): State<Shared>,
    parent: Parent,
    Form(form): Form<StructureForm>,
) -> Result<Response, WebError> {
    let structure = form
        .structure
        .trim()
        .parse::<domain::ids::StructureId>()
        .map_err(|_| WebError::NotFound)?;
    let app = services.app.clone();
    let session = parent.session.clone();
    if blocking(move || accounts::choose_structure(&app, &session, structure)).await? {
        Ok(see_other("/accueil"))
    } else {
        Err(WebError::NotFound)
    }
}
