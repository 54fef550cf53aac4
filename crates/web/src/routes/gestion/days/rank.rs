//! `/gestion/occupation/{activity}/{day}/rang`: move one child of the waitlist one rank up or
//! down, with a reason; the ranks shown everywhere follow.

use app::AppError;
use app::days::{DayFigures, Reason};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use domain::booking::Direction;
use domain::ids::ReservationId;
use domain::staff::Permission;
use maud::html;
use serde::Deserialize;

use super::{DayPath, Outcome, day_blocking, figures, reason_field, refused};
use crate::extract::{Form, FromFields, Path, Query, named};
use crate::layout::csrf_field;
use crate::session::see_other;
use crate::staff::StaffUser;
use crate::staff_layout::gestion_page;
use crate::{Shared, WebError};

const TITLE: &str = "Changer le rang sur la liste d'attente";

/// `?place=&sens=monter|descendre` (and the form's `motif`).
#[derive(Clone, Debug, Deserialize)]
pub(crate) struct MoveFields {
    #[serde(default)]
    place: String,
    #[serde(default)]
    sens: String,
    #[serde(default)]
    motif: String,
}

/// The move asked for, typed.
pub(crate) struct Move {
    place: ReservationId,
    direction: Direction,
    reason: String,
}

impl FromFields for Move {
    type Raw = MoveFields;
    fn from_fields(raw: MoveFields) -> Result<Move, WebError> {
        let direction = match raw.sens.trim() {
            "monter" => Direction::Up,
            "descendre" => Direction::Down,
            _ => return Err(WebError::NotFound),
        };
        Ok(Move {
            place: named(&raw.place)?,
            direction,
            reason: raw.motif,
        })
    }
}

fn sens(direction: Direction) -> &'static str {
    match direction {
        Direction::Up => "monter",
        Direction::Down => "descendre",
    }
}

pub(crate) async fn rank_form(
    State(services): State<Shared>,
    staff: StaffUser,
    Path(path): Path<DayPath>,
    Query(asked): Query<Move>,
) -> Result<Response, WebError> {
    staff.require(Permission::ManageDays)?;
    let app = services.app.clone();
    let by = staff.acting();
    let shown =
        day_blocking(move || app::days::day_figures(&app, &by, path.activity, path.day)).await?;
    Ok(match shown {
        Outcome::Done(figures) => {
            if !figures
                .waitlist
                .iter()
                .any(|e| e.reservation == asked.place)
            {
                return Err(WebError::NotFound);
            }
            page(&staff, &path, &figures, &asked).into_response()
        }
        Outcome::Refused(message) => refused(&staff, &path, TITLE, &message),
    })
}

pub(crate) async fn move_rank(
    State(services): State<Shared>,
    staff: StaffUser,
    Path(path): Path<DayPath>,
    Form(asked): Form<Move>,
) -> Result<Response, WebError> {
    staff.require(Permission::ManageDays)?;
    let app = services.app.clone();
    let by = staff.acting();
    let done = day_blocking(move || {
        let reason = Reason::parse(&asked.reason).map_err(AppError::from)?;
        let on_this_day = app::days::day_figures(&app, &by, path.activity, path.day)?
            .waitlist
            .iter()
            .any(|entry| entry.reservation == asked.place);
        if !on_this_day {
            return Err(app::days::DayRefusal::NotWaitlisted.into());
        }
        app::days::move_waitlisted(&app, &by, asked.place, asked.direction, reason)
    })
    .await?;
    Ok(match done {
        Outcome::Done(()) => see_other(&path.detail()),
        Outcome::Refused(message) => refused(&staff, &path, TITLE, &message),
    })
}

fn page(staff: &StaffUser, path: &DayPath, day: &DayFigures, asked: &Move) -> maud::Markup {
    let entry = day.waitlist.iter().find(|e| e.reservation == asked.place);
    let body = html! {
        (figures(path, day))
        h2 { "Liste d'attente" }
        ol {
            @for e in &day.waitlist {
                li { (e.child) }
            }
        }
        @if let Some(entry) = entry {
            form class="stack" method="post" action=(path.action("rang")) {
                (csrf_field(staff.csrf()))
                input type="hidden" name="place" value=(entry.reservation);
                input type="hidden" name="sens" value=(sens(asked.direction));
                p {
                    (entry.child) " (rang " (entry.rank) ") "
                    @match asked.direction {
                        Direction::Up => "monte d'un rang ; l'enfant au-dessus descend d'un rang.",
                        Direction::Down => "descend d'un rang ; l'enfant en dessous monte d'un rang.",
                    }
                }
                (reason_field(""))
                button type="submit" {
                    @match asked.direction {
                        Direction::Up => "Monter d'un rang",
                        Direction::Down => "Descendre d'un rang",
                    }
                }
            }
        }
    };
    gestion_page(&staff.chrome, TITLE, "occupation", body)
}
