//! The calendar of one child by month: one activity (every day a click), or all activities
//! (every day a link to its day page).

use app::portal::{CalendarCell, CalendarDay, ChildCalendar};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, Days, NaiveDate};
use domain::ids::{ActivityId, ChildId};
use maud::{Markup, html};
use serde::Deserialize;

use super::basket::basket_aside;
use super::cells::{
    Back, InBasket, cell_action, cell_entry, cell_look, closed_and_empty, in_basket,
};
use super::view::{Booker, blocked_notice, day_anchor, day_number, legend};
use crate::extract::{FromFields, Path, Query};
use crate::layout::{self, page};
use crate::session::Parent;
use crate::{Shared, WebError, blocking};

/// `?mois=&activite=` as sent.
#[derive(Debug, Deserialize)]
pub(crate) struct CalendarQuery {
    mois: Option<String>,
    activite: Option<String>,
}

/// The month and activity asked; an activity that is no id is none.
pub(crate) struct CalendarChoice {
    month: Option<String>,
    activity: Option<ActivityId>,
}

impl FromFields for CalendarChoice {
    type Raw = CalendarQuery;
    fn from_fields(raw: CalendarQuery) -> Result<CalendarChoice, WebError> {
        Ok(CalendarChoice {
            month: raw.mois,
            activity: raw.activite.as_deref().and_then(|a| a.parse().ok()),
        })
    }
}

/// The child's calendar for `days` (a month, or the one day of the day page), only the
/// structure being consulted (« Modifier » in the header changes it).
pub(super) async fn load_calendar(
    services: &Shared,
    parent: &Parent,
    child: ChildId,
    days: (NaiveDate, NaiveDate),
) -> Result<ChildCalendar, WebError> {
    let app = services.app.clone();
    let family = parent.family();
    let structure = parent.session.structure_id;
    blocking(move || {
        app::portal::child_calendar(
            &app,
            family,
            child,
            days,
            (structure, domain::booking::DeadlineRule::Applies),
        )
    })
    .await?
    .ok_or(WebError::NotFound)
}

pub(crate) async fn calendar(
    State(services): State<Shared>,
    parent: Parent,
    Path(child): Path<ChildId>,
    Query(choice): Query<CalendarChoice>,
) -> Result<Response, WebError> {
    let month = app::portal::parse_month(choice.month.as_deref(), services.app.today());
    let last = layout::next_month(month) - Days::new(1);
    let data = load_calendar(&services, &parent, child, (month, last)).await?;
    let title = format!("Réservations de {}", data.child_name);
    let body = match &data.blocked {
        Some(reason) => blocked_notice(reason),
        None => month_page(
            &Booker::parent(&parent),
            child,
            month,
            &data.days,
            choice.activity,
        ),
    };
    Ok(page(&parent.chrome, &title, "reservations", body).into_response())
}

/// The activities the child may book this month, by name, for the tabs.
fn activities_of(days: &[CalendarDay]) -> Vec<(ActivityId, String)> {
    let mut activities: Vec<(ActivityId, String)> = Vec::new();
    for cell in days.iter().flat_map(|d| &d.cells) {
        if !activities.iter().any(|(id, _)| *id == cell.activity_id) {
            activities.push((cell.activity_id, cell.activity.clone()));
        }
    }
    activities.sort_by(|a, b| a.1.cmp(&b.1));
    activities
}

/// The month's tabs, calendar, basket and legend; `asked`: the activity of the address.
/// Without day pages (staff on the phone), one activity is always shown: the one asked, else
/// the first.
pub(crate) fn month_page(
    booker: &Booker<'_>,
    child: ChildId,
    month: NaiveDate,
    days: &[CalendarDay],
    asked: Option<ActivityId>,
) -> Markup {
    let activities = activities_of(days);
    let selected = asked
        .filter(|a| activities.iter().any(|(id, _)| id == a))
        .or_else(|| {
            (!booker.day_pages)
                .then(|| activities.first().map(|(id, _)| *id))
                .flatten()
        });
    let base = match selected {
        Some(activity) => format!("{}/{child}?activite={activity}&", booker.base),
        None => format!("{}/{child}?", booker.base),
    };
    html! {
        p class="no-print" { a href=(booker.base) { "Choisir un autre enfant" } }
        nav aria-label="Activité" {
            ul class="tabs" {
                @if booker.day_pages {
                    li { a href=(booker.calendar_url(child, month, None)) aria-current=[selected.is_none().then_some("page")] { "Toutes les activités" } }
                }
                @for (id, label) in &activities {
                    li { a href=(booker.calendar_url(child, month, Some(*id))) aria-current=[(selected == Some(*id)).then_some("page")] { (label) } }
                }
            }
        }
        @if selected.is_some() {
            p { "Cliquez sur les jours que vous souhaitez réserver (ils passent à l'orange) ou sur les jours réservés que vous souhaitez supprimer (ils passent au vert), puis sur « Valider »." }
        } @else {
            p { "Cliquez sur un jour pour afficher la liste des activités disponibles, choisissez-en une puis revenez au calendrier avec « Retour »." }
        }
        (layout::month_nav(&base, month))
        (month_table(booker, child, month, days, selected))
        (basket_aside(booker))
        (legend())
    }
}

fn month_table(
    booker: &Booker<'_>,
    child: ChildId,
    month: NaiveDate,
    days: &[CalendarDay],
    selected: Option<ActivityId>,
) -> Markup {
    let first = month;
    let start = first - Days::new(u64::from(first.weekday().num_days_from_monday()));
    let mut weeks: Vec<Vec<Option<&CalendarDay>>> = Vec::new();
    let mut day = start;
    loop {
        let mut week = Vec::with_capacity(7);
        for _ in 0..7 {
            week.push(
                if day.month() == first.month() && day.year() == first.year() {
                    days.iter().find(|d| d.day == day)
                } else {
                    None
                },
            );
            day = day + Days::new(1);
        }
        weeks.push(week);
        if day.month() != first.month() || day.year() != first.year() {
            break;
        }
    }
    html! {
        div class="table-wrap" {
            table class="calendar" {
                caption { (domain::wording::month_title(month)) }
                thead { tr {
                    @for name in domain::wording::WEEKDAY_ABBREVIATIONS { th scope="col" { (name) } }
                } }
                tbody {
                    @for week in &weeks {
                        tr {
                            @for entry in week {
                                @match entry {
                                    None => td class="outside" {},
                                    Some(calendar_day) => td class=[closed_day(booker, child, calendar_day, selected).then_some("closed-day")] {
                                        (day_cell(booker, child, month, calendar_day, selected))
                                    },
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Nothing to see or do that day (phones hide such days to keep the month short).
fn closed_day(
    booker: &Booker<'_>,
    child: ChildId,
    calendar_day: &CalendarDay,
    selected: Option<ActivityId>,
) -> bool {
    let basket = booker.basket;
    calendar_day
        .cells
        .iter()
        .filter(|c| selected.is_none_or(|a| a == c.activity_id))
        .all(|c| closed_and_empty(c, in_basket(basket, child, calendar_day.day, c)))
}

fn day_cell(
    booker: &Booker<'_>,
    child: ChildId,
    month: NaiveDate,
    calendar_day: &CalendarDay,
    selected: Option<ActivityId>,
) -> Markup {
    let day = calendar_day.day;
    match selected {
        Some(activity) => {
            let cell = calendar_day
                .cells
                .iter()
                .find(|c| c.activity_id == activity);
            match cell {
                Some(cell) => cell_entry(
                    booker,
                    child,
                    day,
                    month,
                    cell,
                    Back::Calendar(Some(activity)),
                ),
                None => html! {
                    div class="day-link" id=(day_anchor(day)) tabindex="-1" {
                        (day_number(day))
                        span class="day state-closed" role="img" aria-label={ (layout::long_date(day)) " : pas d'activité" } { span class="icon" aria-hidden="true" { "—" } " " span class="label" { "pas d'activité" } }
                    }
                },
            }
        }
        None => {
            // Days and activities not open, with nothing booked, are only « fermé ».
            let visible: Vec<(&CalendarCell, InBasket)> = calendar_day
                .cells
                .iter()
                .map(|c| (c, in_basket(booker.basket, child, day, c)))
                .filter(|(c, basket)| !closed_and_empty(c, *basket))
                .collect();
            let actionable = visible
                .iter()
                .any(|(c, basket)| cell_action(c, *basket).is_some());
            html! {
                @if visible.is_empty() {
                    div class="day-link" id=(day_anchor(day)) tabindex="-1" {
                        (day_number(day))
                        span class="day state-closed" role="img" aria-label={ (layout::long_date(day)) " : pas ouvert à la réservation" } {
                            span class="icon" aria-hidden="true" { "—" } " " span class="label" { "fermé" }
                        }
                    }
                } @else {
                    // The whole cell is one link; its name starts with what it shows.
                    a class="day-link" id=(day_anchor(day)) href={ (booker.base) "/" (child) "/jour/" (day) } {
                        (day_number(day))
                        @for (cell, basket) in &visible {
                            @let (class, icon, words) = cell_look(cell, *basket);
                            span class={ "day " (class) } {
                                span class="icon" aria-hidden="true" { (icon) } " "
                                span class="activity" { (cell.activity) } " "
                                span class="label" { (words) }
                            }
                        }
                        span class="visually-hidden" {
                            " — " (layout::long_date(day)) @if actionable { " : choisir une activité" }
                        }
                    }
                }
            }
        }
    }
}
