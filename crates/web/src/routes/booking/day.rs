//! A day's page: all the activities of a day for the child (seed: « la liste des activités
//! disponibles »), each a click like a day of a one-activity calendar.

use app::portal::CalendarDay;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use domain::ids::ChildId;
use maud::{Markup, html};

use super::basket::basket_aside;
use super::calendar::load_calendar;
use super::cells::{Back, cell_entry};
use super::view::{Booker, blocked_notice, day_anchor, legend};
use crate::extract::Path;
use crate::layout::{self, page};
use crate::session::Parent;
use crate::{Shared, WebError};

pub(crate) async fn day(
    State(services): State<Shared>,
    parent: Parent,
    Path((child, day)): Path<(ChildId, NaiveDate)>,
) -> Result<Response, WebError> {
    let data = load_calendar(&services, &parent, child, (day, day)).await?;
    let (title, body) = match &data.blocked {
        Some(reason) => ("Réservations".to_owned(), blocked_notice(reason)),
        None => (
            format!("{} — {}", data.child_name, layout::long_date(day)),
            day_page(&Booker::parent(&parent), child, day, &data.days),
        ),
    };
    Ok(page(&parent.chrome, &title, "reservations", body).into_response())
}

/// The day's activities, « Retour », the basket and the legend.
fn day_page(booker: &Booker<'_>, child: ChildId, day: NaiveDate, days: &[CalendarDay]) -> Markup {
    let month = day.with_day(1).unwrap_or(day);
    let cells = days
        .iter()
        .find(|d| d.day == day)
        .map(|d| d.cells.as_slice())
        .unwrap_or_default();
    html! {
        h2 { "Activités disponibles" }
        @if cells.is_empty() {
            p { "Aucune activité ce jour-là pour cet enfant." }
        } @else {
            ul class="activities" {
                @for cell in cells {
                    li { (cell_entry(booker, child, day, month, cell, Back::Day)) }
                }
            }
        }
        div class="actions" {
            a class="button secondary" href={ (booker.calendar_url(child, month, None)) "#" (day_anchor(day)) } { "Retour" }
        }
        (basket_aside(booker))
        (legend())
    }
}
