//! `/gestion/occupation/{activity}/{day}/promotion`: give a free place by hand to one child of
//! the waitlist, whatever its rank, with a reason; the family is mailed.

use app::AppError;
use app::days::{DayFigures, Reason};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use domain::ids::ReservationId;
use domain::staff::Permission;
use maud::html;
use serde::Deserialize;

use super::{DayPath, Outcome, day_blocking, figures, reason_field, refused};
use crate::extract::{Form, FromFields, Path, Query, named};
use crate::layout::{csrf_field, flash};
use crate::session::see_other;
use crate::staff::StaffUser;
use crate::staff_layout::gestion_page;
use crate::{Shared, WebError};

const TITLE: &str = "Promouvoir un enfant de la liste d'attente";

/// `?place=`: the child chosen on the day's detail page.
#[derive(Clone, Debug, Deserialize)]
pub(crate) struct PlaceFields {
    #[serde(default)]
    place: Option<String>,
    #[serde(default)]
    motif: String,
}

/// The place chosen (if any) and the reason typed.
pub(crate) struct Promotion {
    place: Option<ReservationId>,
    reason: String,
}

impl FromFields for Promotion {
    type Raw = PlaceFields;
    fn from_fields(raw: PlaceFields) -> Result<Promotion, WebError> {
        Ok(Promotion {
            place: raw.place.as_deref().map(named).transpose()?,
            reason: raw.motif,
        })
    }
}

pub(crate) async fn promotion_form(
    State(services): State<Shared>,
    staff: StaffUser,
    Path(path): Path<DayPath>,
    Query(chosen): Query<Promotion>,
) -> Result<Response, WebError> {
    staff.require(Permission::ManageDays)?;
    let app = services.app.clone();
    let by = staff.acting();
    let shown =
        day_blocking(move || app::days::day_figures(&app, &by, path.activity, path.day)).await?;
    Ok(match shown {
        Outcome::Done(figures) => page(&staff, &path, &figures, chosen.place).into_response(),
        Outcome::Refused(message) => refused(&staff, &path, TITLE, &message),
    })
}

pub(crate) async fn promote(
    State(services): State<Shared>,
    staff: StaffUser,
    Path(path): Path<DayPath>,
    Form(promotion): Form<Promotion>,
) -> Result<Response, WebError> {
    staff.require(Permission::ManageDays)?;
    let Some(place) = promotion.place else {
        return Err(WebError::NotFound);
    };
    let app = services.app.clone();
    let by = staff.acting();
    let done = day_blocking(move || {
        let reason = Reason::parse(&promotion.reason).map_err(AppError::from)?;
        let on_this_day = app::days::day_figures(&app, &by, path.activity, path.day)?
            .waitlist
            .iter()
            .any(|entry| entry.reservation == place);
        if !on_this_day {
            return Err(app::days::DayRefusal::NotWaitlisted.into());
        }
        app::days::promote_waitlisted(&app, &by, place, reason)
    })
    .await?;
    Ok(match done {
        Outcome::Done(()) => see_other(&path.detail()),
        Outcome::Refused(message) => refused(&staff, &path, TITLE, &message),
    })
}

fn page(
    staff: &StaffUser,
    path: &DayPath,
    day: &DayFigures,
    chosen: Option<ReservationId>,
) -> maud::Markup {
    let body = html! {
        (figures(path, day))
        @if !day.has_free_place() {
            (flash("error", &app::days::DayRefusal::NoFreePlace.to_string()))
        }
        @if day.waitlist.is_empty() {
            p { "Personne n'attend sur cette journée." }
        } @else {
            form class="stack" method="post" action=(path.action("promotion")) {
                (csrf_field(staff.csrf()))
                fieldset {
                    legend { "Enfant à qui donner une place libre" }
                    @for entry in &day.waitlist {
                        @let id = format!("place-{}", entry.reservation);
                        div class="check" {
                            input type="radio" id=(id) name="place" value=(entry.reservation) required
                                checked[chosen == Some(entry.reservation)];
                            label for=(id) { "Rang " (entry.rank) " — " (entry.child) }
                        }
                    }
                }
                (reason_field(""))
                p class="hint" { "Les autres enfants de la liste gardent leur ordre." }
                button type="submit" { "Donner la place" }
            }
        }
    };
    gestion_page(&staff.chrome, TITLE, "occupation", body)
}
