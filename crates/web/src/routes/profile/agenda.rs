//! The profile's « Agenda » section and `POST /profil/agenda`: create (or replace) and revoke
//! the secret address of the family's calendar feed. The token is never stored: the page
//! shows the address right after its creation only (the 303 hands it back in `?agenda=`).

use app::agenda::AgendaFeed;
use axum::extract::State;
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use crate::extract::{Form, FromFields};
use crate::layout::{csrf_field, paris_date_time};
use crate::session::{Parent, see_other};
use crate::{Shared, WebError, blocking};

/// What the form asks.
pub(crate) enum AgendaAction {
    Create,
    Revoke,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RawAgendaForm {
    action: String,
}

impl FromFields for AgendaAction {
    type Raw = RawAgendaForm;
    fn from_fields(raw: RawAgendaForm) -> Result<Self, WebError> {
        match raw.action.as_str() {
            "creer" => Ok(AgendaAction::Create),
            "revoquer" => Ok(AgendaAction::Revoke),
            _ => Err(WebError::NotFound),
        }
    }
}

pub async fn agenda(
    State(services): State<Shared>,
    parent: Parent,
    Form(action): Form<AgendaAction>,
) -> Result<Response, WebError> {
    let app = services.app.clone();
    let family = parent.family();
    match action {
        AgendaAction::Create => {
            let token = blocking(move || app::agenda::create_agenda_feed(&app, family)).await?;
            Ok(see_other(&format!("/profil?agenda={token}#agenda")))
        }
        AgendaAction::Revoke => {
            blocking(move || app::agenda::revoke_agenda_feed(&app, family)).await?;
            Ok(see_other("/profil?fait=agenda-revoque#agenda"))
        }
    }
}

/// The section of the profile page.
pub(super) fn section(parent: &Parent, base_url: &str, feed: &AgendaFeed) -> Markup {
    html! {
        section class="card" id="agenda" aria-labelledby="agenda-titre" {
            h2 id="agenda-titre" { "Agenda du téléphone" }
            p { "Une adresse secrète permet à l'agenda de votre téléphone ou de votre ordinateur d'afficher les places acceptées de vos enfants. Ne la communiquez qu'aux personnes de confiance : elle suffit pour voir les jours réservés." }
            @if let Some(token) = &feed.token {
                div class="field" {
                    label for="agenda-adresse" { "Adresse de l'agenda (à copier dans votre application d'agenda, elle ne sera plus affichée)" }
                    input id="agenda-adresse" type="text" readonly value={ (base_url) "/agenda/" (token) ".ics" };
                }
            }
            @if let Some(since) = feed.since {
                p { "Une adresse est active depuis le " (paris_date_time(since)) "." }
                form method="post" action="/profil/agenda" {
                    (csrf_field(parent.csrf()))
                    div class="actions" {
                        button type="submit" name="action" value="creer" { "Nouvelle adresse (l'ancienne ne marchera plus)" }
                        " "
                        button class="secondary" type="submit" name="action" value="revoquer" { "Révoquer l'adresse" }
                    }
                }
            } @else {
                form method="post" action="/profil/agenda" {
                    (csrf_field(parent.csrf()))
                    div class="actions" {
                        button type="submit" name="action" value="creer" { "Créer l'adresse de l'agenda" }
                    }
                }
            }
        }
    }
}
