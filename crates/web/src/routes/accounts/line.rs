//! The waiting line of log-ins: « Vous êtes n° 37 dans la file d'attente — environ 20 s », a
//! page that comes back by itself (`<meta http-equiv="refresh">`, no JavaScript) until the
//! password is verified, then opens the session like the log-in form. Its words are here.

use std::time::Duration;

use app::accounts;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::html;

use super::login::answer;
use crate::extract::{FromPath, Path};
use crate::hashing::{LINE_REFRESH_MAX, TicketState};
use crate::layout::{Chrome, page, page_refreshing};
use crate::session::Visitor;
use crate::{Shared, WebError};

/// A ticket in line in the path: 256 random bits as 64 lowercase hex characters, else the
/// French 404.
pub struct Ticket(String);

impl FromPath for Ticket {
    type Raw = String;
    fn from_path(raw: String) -> Option<Ticket> {
        accounts::is_secret_shaped(&raw).then_some(Ticket(raw))
    }
}

/// The page of a ticket in line, bound to the browser that pressed « Se connecter ». Its
/// outcome is given once: the session the verification opened (its cookie set here), or the
/// refusal.
pub async fn in_line(
    State(services): State<Shared>,
    visitor: Visitor,
    Path(Ticket(ticket)): Path<Ticket>,
) -> Result<Response, WebError> {
    match services.hashing.line().look(&ticket, &visitor.browser) {
        None => Ok(ticket_unknown(&visitor.chrome)),
        Some(TicketState::Waiting { seq }) => Ok(waiting(&services, &visitor.chrome, &ticket, seq)),
        Some(TicketState::Done { outcome, login }) => {
            answer(&services, &visitor.chrome, &login, outcome).await
        }
    }
}

/// The parent's place in line and the wait, refreshed well before the turn comes.
pub(super) fn waiting(services: &Shared, chrome: &Chrome, ticket: &str, seq: u64) -> Response {
    let place = services.hashing.place(seq);
    let wait = services.hashing.estimate(place.unwrap_or(1));
    let every = (wait.as_secs() / 2).clamp(1, LINE_REFRESH_MAX);
    let url = format!("/connexion/file/{ticket}");
    let refresh = format!("{every}; url={url}");
    page_refreshing(
        chrome,
        "Connexion en cours",
        "",
        Some(&refresh),
        html! {
            section class="card line" {
                @match place {
                    Some(place) => p class="line-place" {
                        strong { "Vous êtes n° " (place) " dans la file d'attente" }
                        " — " (about(wait)) "."
                    },
                    None => p class="line-place" {
                        strong { "C'est votre tour : votre mot de passe est en cours de vérification." }
                    },
                }
                p {
                    "Beaucoup de familles se connectent en ce moment : les mots de passe sont vérifiés "
                    "dans l'ordre d'arrivée. Cette page se met à jour toute seule toutes les "
                    (every) " s et vous ouvre le portail dès votre tour. Gardez-la ouverte."
                }
                p { a href=(url) { "Mettre à jour maintenant" } }
            }
        },
    )
    .into_response()
}

/// The line is longer than any honest wait: refused, with the wait it would have been.
pub(super) fn too_long(chrome: &Chrome, wait: Duration) -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        page(
            chrome,
            "File d'attente complète",
            "",
            html! {
                section class="card line" {
                    p class="line-place" {
                        strong { "La file d'attente des connexions est trop longue en ce moment" }
                        " : " (about(wait)) " d'attente."
                    }
                    p { "Votre mot de passe n'a pas été vérifié et rien n'a été enregistré. Revenez dans quelques minutes." }
                    p { a href="/connexion" { "Revenir à la connexion" } }
                }
            },
        ),
    )
        .into_response()
}

/// A ticket unknown, of another browser, already used or given up.
fn ticket_unknown(chrome: &Chrome) -> Response {
    (
        StatusCode::NOT_FOUND,
        page(
            chrome,
            "Place dans la file introuvable",
            "",
            html! {
                section class="card" {
                    p { "Cette place dans la file d'attente n'est pas (ou plus) valable sur ce navigateur : elle a déjà servi, ou la page est restée fermée trop longtemps." }
                    p { a href="/connexion" { "Se connecter" } }
                }
            },
        ),
    )
        .into_response()
}

/// « environ 20 s », « environ 3 min ».
fn about(wait: Duration) -> String {
    let seconds = wait.as_secs().max(1);
    if seconds < 60 {
        format!("environ {seconds} s")
    } else {
        format!("environ {} min", seconds.div_ceil(60))
    }
}
