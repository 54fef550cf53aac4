//! « Réservations »: choose the child, the calendar by month (one activity, or all activities
//! then a day's list), the basket, the récapitulatif (Valider / Retour / Abandonner) and the
//! answer after the final « Valider ». Every rule is the `app`'s: this module only shows states
//! and forwards the parent's clicks.
//!
//! Works without JavaScript: each click on a day is a small form (POST, then 303 back to the
//! calendar). Every day is a button or a text with its state in words and an icon, never colour
//! alone.

use app::accounts::{self, Basket};
use app::booking::{self, LineOutcome, LineRequest, Withdrawable};
use app::calendar::{CalendarCell, CalendarDay};
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, Days, NaiveDate};
use domain::Money;
use domain::booking::{DayState, ReservationState};
use domain::ids::{ActivityId, ChildId, ReservationId};
use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;

use crate::layout::{self, amount, csrf_field, flash, page};
use crate::session::{Parent, see_other};
use crate::{Shared, WebError, blocking};

/// Most lines a basket may hold before « Valider » (the rules cap a validated basket too).
const BASKET_MAX_LINES: usize = 200;

pub async fn children(State(services): State<Shared>, parent: Parent) -> Response {
    let app = services.app.clone();
    let family = parent.family();
    let loaded = blocking(move || {
        let blocked = booking::booking_blocked(&app, family)?;
        let children = app.query(move |conn| app::registry::children_of(conn, family))?;
        Ok((blocked, children))
    })
    .await;
    let (blocked, children) = match loaded {
        Ok(loaded) => loaded,
        Err(error) => return error.into_response(),
    };
    page(
        &parent.chrome,
        "Réservations",
        "reservations",
        html! {
            @if let Some(reason) = &blocked {
                (blocked_notice(reason))
            } @else {
                p { "Sélectionnez l'enfant concerné par la réservation." }
                ul class="choices" {
                    @for child in &children {
                        li { a class="choice" href={ "/reservations/" (child.child_id) } { (child.first_name) " " (child.last_name) } }
                    }
                }
                @if children.is_empty() { p { "Aucun enfant n'est rattaché à votre compte : contactez la structure." } }
                (basket_aside(&parent, &parent.session.basket))
            }
        },
    )
    .into_response()
}

fn blocked_notice(block: &booking::BookingBlock) -> Markup {
    html! {
        div class="flash error" role="alert" {
            p { strong { "Vous ne pouvez pas réserver pour le moment." } }
            p { (block.reason()) }
        }
        p { (block.conditions()) }
        p { a class="button" href="/solde" { "Voir votre solde et payer" } }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct CalendarQuery {
    mois: Option<String>,
    activite: Option<String>,
}

/// The calendar's address for these choices.
fn calendar_url(child: ChildId, month: NaiveDate, activity: Option<ActivityId>) -> String {
    match activity {
        Some(activity) => format!(
            "/reservations/{child}?mois={}&activite={activity}",
            layout::month_param(month)
        ),
        None => format!("/reservations/{child}?mois={}", layout::month_param(month)),
    }
}

/// Where a cell is in the basket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum InBasket {
    No,
    Adding,
    Removing,
}

fn in_basket(basket: &Basket, child: ChildId, day: NaiveDate, cell: &CalendarCell) -> InBasket {
    let activity = ActivityId(cell.activity_id);
    let adding = basket.lines.iter().any(|l| {
        matches!(l, LineRequest::Book { child_id, activity_id, day: d } if *child_id == child && *activity_id == activity && *d == day)
    });
    if adding {
        return InBasket::Adding;
    }
    let removing = cell.booking.is_some_and(|b| b != ReservationState::Pending)
        && cell.booking_id.is_some_and(|id| {
            basket.lines.iter().any(
                |l| matches!(l, LineRequest::Cancel { reservation_id } if reservation_id.0 == id),
            )
        });
    if removing {
        InBasket::Removing
    } else {
        InBasket::No
    }
}

/// What a pending request shows on its place (calendar and « Suivi » alike).
pub(crate) fn withdrawable_text(pending: Withdrawable) -> &'static str {
    match pending {
        Withdrawable::Booking(_) => "demande non transmise",
        Withdrawable::Cancellation(_) => "annulation demandée (non transmise)",
    }
}

/// The verb of « Retirer » for a pending request.
fn withdraw_verb(pending: Withdrawable) -> &'static str {
    match pending {
        Withdrawable::Booking(_) => "retirer la demande",
        Withdrawable::Cancellation(_) => "retirer la demande d'annulation",
    }
}

/// What a cell shows: css state, icon, words.
fn cell_look(cell: &CalendarCell, basket: InBasket) -> (&'static str, &'static str, String) {
    match basket {
        InBasket::Adding => (
            "state-adding",
            "+",
            "à réserver (dans votre panier)".to_owned(),
        ),
        InBasket::Removing => (
            "state-removing",
            "−",
            "à annuler (dans votre panier)".to_owned(),
        ),
        InBasket::No => {
            if let Some(pending) = cell.withdrawable {
                return ("state-pending", "…", withdrawable_text(pending).to_owned());
            }
            let waitlisted = cell.booking == Some(ReservationState::Waitlisted);
            match cell.state {
                DayState::Closed => ("state-closed", "—", "fermé".to_owned()),
                DayState::Open => ("state-open", "○", cell.state_label.to_owned()),
                DayState::Booked if waitlisted => (
                    "state-booked",
                    "●",
                    match cell.rank {
                        Some(rank) => format!("en liste d'attente (rang {rank}), modifiable"),
                        None => "en liste d'attente, modifiable".to_owned(),
                    },
                ),
                DayState::Booked => ("state-booked", "●", cell.state_label.to_owned()),
                DayState::BookedLocked => ("state-locked", "■", cell.state_label.to_owned()),
                DayState::FullWaitlistOpen => ("state-waitlist", "◐", cell.state_label.to_owned()),
                DayState::Full => ("state-full", "✕", cell.state_label.to_owned()),
            }
        }
    }
}

/// The click a cell offers: (action, reservation or request id, verb for the accessible name).
/// A pending request (a booking, or the cancellation of a place) offers « Retirer » and
/// nothing else, whatever the day's state: it is withdrawn until the transmission.
fn cell_action(
    cell: &CalendarCell,
    basket: InBasket,
) -> Option<(&'static str, Option<Uuid>, &'static str)> {
    match basket {
        InBasket::Adding | InBasket::Removing => Some(("retirer", None, "retirer du panier")),
        InBasket::No => {
            if let Some(pending) = cell.withdrawable {
                return Some((
                    "retirer_demande",
                    Some(pending.request_id().0),
                    withdraw_verb(pending),
                ));
            }
            match (cell.booking, cell.state) {
                (Some(_), DayState::Booked) => Some(("annuler", cell.booking_id, "annuler")),
                (None, DayState::Open) => Some(("reserver", None, "réserver")),
                (None, DayState::FullWaitlistOpen) => {
                    Some(("reserver", None, "demander la liste d'attente"))
                }
                _ => None,
            }
        }
    }
}

/// Where a click sends the parent back to.
#[derive(Clone, Copy, Debug)]
enum Back {
    Calendar(Option<ActivityId>),
    Day,
}

/// The id of a day's cell in a calendar: a click's redirect comes back to it (`#jour-…`).
fn day_anchor(day: NaiveDate) -> String {
    format!("jour-{day}")
}

/// The id of an activity's entry on the day page.
fn activity_anchor(activity: Uuid) -> String {
    format!("activite-{activity}")
}

/// « Lun 4 » (the weekday only on phones, where the calendar is a list).
fn day_number(day: NaiveDate) -> Markup {
    html! {
        span class="day-number" { span class="weekday" { (domain::wording::weekday_abbreviation(day.weekday())) " " } (day.day()) }
    }
}

/// One activity on one day: a button (form) when something can be done, a text otherwise. In a
/// calendar the whole cell (day number and state box) is the one control; its accessible name
/// is its visible text, then the date, the activity and the verb for a screen reader.
fn cell_entry(
    parent: &Parent,
    child: ChildId,
    day: NaiveDate,
    month: NaiveDate,
    cell: &CalendarCell,
    back: Back,
) -> Markup {
    let basket = in_basket(&parent.session.basket, child, day, cell);
    let (class, icon, words) = cell_look(cell, basket);
    let action = cell_action(cell, basket);
    let in_calendar = matches!(back, Back::Calendar(_));
    let anchor = if in_calendar {
        day_anchor(day)
    } else {
        activity_anchor(cell.activity_id)
    };
    // « fermé » on screen; the seed's full words for a screen reader.
    let spoken = if class == "state-closed" {
        cell.state_label
    } else {
        words.as_str()
    };
    let state_box = |role_img: bool| {
        html! {
            span class={ "day " (class) } role=[role_img.then_some("img")]
                aria-label=[role_img.then(|| format!("{} : {} : {spoken}", layout::long_date(day), cell.activity))] {
                span class="icon" aria-hidden="true" { (icon) }
                " "
                @if !in_calendar { span class="activity" { (cell.activity) } " " }
                span class="label" { (words) }
            }
        }
    };
    match action {
        Some((action, id, verb)) => html! {
            form class="cell-action" method="post" action={ "/reservations/" (child) "/panier" } {
                (csrf_field(parent.csrf()))
                input type="hidden" name="action" value=(action);
                input type="hidden" name="activite" value=(cell.activity_id);
                input type="hidden" name="jour" value=(day);
                input type="hidden" name="mois" value=(layout::month_param(month));
                @if let Some(id) = id { input type="hidden" name="reference" value=(id); }
                @match back {
                    Back::Calendar(Some(activity)) => { input type="hidden" name="vue" value="activite"; input type="hidden" name="filtre" value=(activity); }
                    Back::Calendar(None) => { input type="hidden" name="vue" value="calendrier"; }
                    Back::Day => { input type="hidden" name="vue" value="jour"; }
                }
                button class="day-link" id=(anchor) type="submit" {
                    @if in_calendar { (day_number(day)) }
                    (state_box(false))
                    span class="visually-hidden" {
                        @if in_calendar { " — " (layout::long_date(day)) ", " (cell.activity) " : " (verb) }
                        @else { " — " (verb) }
                    }
                }
            }
        },
        None => html! {
            div class="day-link" id=(anchor) tabindex="-1" {
                @if in_calendar { (day_number(day)) }
                (state_box(true))
            }
        },
    }
}

fn legend() -> Markup {
    let entries: [(&str, &str, &str); 9] = [
        (
            "state-closed",
            "—",
            "ce jour n'est pas ouvert à la réservation",
        ),
        (
            "state-open",
            "○",
            "ce jour est ouvert à la réservation, aucune réservation n'a été faite ce jour-là",
        ),
        (
            "state-booked",
            "●",
            "vous avez une réservation sur ce jour, vous pouvez la modifier ou la supprimer en cliquant dessus",
        ),
        (
            "state-locked",
            "■",
            "vous avez une réservation sur ce jour, vous n'êtes plus dans les temps pour agir dessus",
        ),
        (
            "state-waitlist",
            "◐",
            "l'activité est complète, mais vous pouvez demander d'être mis en liste d'attente",
        ),
        (
            "state-full",
            "✕",
            "l'activité est complète, la liste d'attente est complète, vous ne pouvez pas faire de réservation",
        ),
        (
            "state-pending",
            "…",
            "demande non transmise : elle sera traitée cette nuit ; vous pouvez encore la retirer",
        ),
        (
            "state-adding",
            "+",
            "dans votre panier, à réserver (pas encore enregistré : cliquez sur « Valider »)",
        ),
        (
            "state-removing",
            "−",
            "dans votre panier, à annuler (pas encore enregistré : cliquez sur « Valider »)",
        ),
    ];
    html! {
        section class="card" aria-labelledby="legende" {
            h2 id="legende" { "Code couleur" }
            ul class="legend" {
                @for (class, icon, text) in entries {
                    li { span class={ "swatch " (class) } aria-hidden="true" { (icon) } " " (text) }
                }
            }
        }
    }
}

/// The basket beside the calendar: its lines and « Valider » / « Abandonner ».
fn basket_aside(parent: &Parent, basket: &Basket) -> Markup {
    let bookings = basket
        .lines
        .iter()
        .filter(|l| matches!(l, LineRequest::Book { .. }))
        .count();
    let cancellations = basket.lines.len() - bookings;
    html! {
        aside class="basket" aria-labelledby="panier" {
            h2 id="panier" { "Votre panier" }
            @if basket.lines.is_empty() {
                p { "Aucune demande en cours. Cliquez sur les jours à réserver ou à annuler." }
            } @else {
                p {
                    (bookings) " réservation" @if bookings > 1 { "s" } " et "
                    (cancellations) " annulation" @if cancellations > 1 { "s" } " à valider. "
                    strong { "Tant que vous n'avez pas cliqué sur « Valider », vos demandes ne sont pas prises en compte." }
                }
                div class="actions" {
                    a class="button" href="/reservations/recapitulatif" { "Valider" }
                    form method="post" action="/reservations/abandonner" {
                        (csrf_field(parent.csrf()))
                        button class="secondary" type="submit" { "Abandonner" }
                    }
                }
            }
        }
    }
}

struct CalendarData {
    blocked: Option<booking::BookingBlock>,
    child_name: String,
    days: Vec<CalendarDay>,
}

/// The child's calendar for `days` (a month, or the one day of the day page).
async fn load_calendar(
    services: &Shared,
    parent: &Parent,
    child: ChildId,
    days: (NaiveDate, NaiveDate),
) -> Result<CalendarData, WebError> {
    let app = services.app.clone();
    let family = parent.family();
    let structure = parent.session.structure_id;
    blocking(move || {
        let Some(profile) = app
            .query(move |conn| app::registry::child(conn, child))?
            .filter(|c| c.family_id == family)
        else {
            return Ok(None);
        };
        let blocked = booking::booking_blocked(&app, family)?;
        let mut days = app::calendar::days(&app, family, child, days.0, days.1, None)?;
        // Only the structure being consulted (« Modifier » in the header changes it).
        if let Some(structure) = structure {
            for day in &mut days {
                day.cells.retain(|c| c.structure_id == structure.0);
            }
        }
        Ok(Some(CalendarData {
            blocked,
            child_name: format!("{} {}", profile.first_name, profile.last_name),
            days,
        }))
    })
    .await?
    .ok_or(WebError::NotFound)
}

fn parse_child(text: &str) -> Result<ChildId, WebError> {
    text.parse().map_err(|_| WebError::NotFound)
}

pub async fn calendar(
    State(services): State<Shared>,
    parent: Parent,
    Path(child): Path<String>,
    Query(query): Query<CalendarQuery>,
) -> Response {
    let child = match parse_child(&child) {
        Ok(child) => child,
        Err(error) => return error.into_response(),
    };
    let month = layout::parse_month(query.mois.as_deref(), services.app.today());
    let last = layout::next_month(month) - Days::new(1);
    let data = match load_calendar(&services, &parent, child, (month, last)).await {
        Ok(data) => data,
        Err(error) => return error.into_response(),
    };
    let title = format!("Réservations de {}", data.child_name);
    if let Some(reason) = &data.blocked {
        return page(
            &parent.chrome,
            &title,
            "reservations",
            blocked_notice(reason),
        )
        .into_response();
    }
    // The activities the child may book this month, for the tabs.
    let mut activities: Vec<(Uuid, String)> = Vec::new();
    for cell in data.days.iter().flat_map(|d| &d.cells) {
        if !activities.iter().any(|(id, _)| *id == cell.activity_id) {
            activities.push((cell.activity_id, cell.activity.clone()));
        }
    }
    activities.sort_by(|a, b| a.1.cmp(&b.1));
    let selected: Option<ActivityId> = query
        .activite
        .as_deref()
        .and_then(|a| a.parse().ok())
        .filter(|a: &ActivityId| activities.iter().any(|(id, _)| *id == a.0));
    let base = match selected {
        Some(activity) => format!("/reservations/{child}?activite={activity}&"),
        None => format!("/reservations/{child}?"),
    };
    page(
        &parent.chrome,
        &title,
        "reservations",
        html! {
            p class="no-print" { a href="/reservations" { "Choisir un autre enfant" } }
            nav aria-label="Activité" {
                ul class="tabs" {
                    li { a href=(calendar_url(child, month, None)) aria-current=[selected.is_none().then_some("page")] { "Toutes les activités" } }
                    @for (id, label) in &activities {
                        li { a href=(calendar_url(child, month, Some(ActivityId(*id)))) aria-current=[(selected.map(|s| s.0) == Some(*id)).then_some("page")] { (label) } }
                    }
                }
            }
            @if selected.is_some() {
                p { "Cliquez sur les jours que vous souhaitez réserver (ils passent à l'orange) ou sur les jours réservés que vous souhaitez supprimer (ils passent au vert), puis sur « Valider »." }
            } @else {
                p { "Cliquez sur un jour pour afficher la liste des activités disponibles, choisissez-en une puis revenez au calendrier avec « Retour »." }
            }
            (layout::month_nav(&base, month))
            (month_table(&parent, child, month, &data.days, selected))
            (basket_aside(&parent, &parent.session.basket))
            (legend())
        },
    )
    .into_response()
}

fn month_table(
    parent: &Parent,
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
                                    Some(calendar_day) => td class=[closed_day(parent, child, calendar_day, selected).then_some("closed-day")] {
                                        (day_cell(parent, child, month, calendar_day, selected))
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
    parent: &Parent,
    child: ChildId,
    calendar_day: &CalendarDay,
    selected: Option<ActivityId>,
) -> bool {
    let basket = &parent.session.basket;
    calendar_day
        .cells
        .iter()
        .filter(|c| selected.is_none_or(|a| a.0 == c.activity_id))
        .all(|c| closed_and_empty(c, in_basket(basket, child, calendar_day.day, c)))
}

/// Not open, nothing booked, nothing in the basket: only « fermé » to show.
fn closed_and_empty(cell: &CalendarCell, basket: InBasket) -> bool {
    cell.state == DayState::Closed && cell.booking.is_none() && basket == InBasket::No
}

fn day_cell(
    parent: &Parent,
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
                .find(|c| c.activity_id == activity.0);
            match cell {
                Some(cell) => cell_entry(
                    parent,
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
                .map(|c| (c, in_basket(&parent.session.basket, child, day, c)))
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
                    a class="day-link" id=(day_anchor(day)) href={ "/reservations/" (child) "/jour/" (day) } {
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

/// All activities of a day for the child (seed: « la liste des activités disponibles »).
pub async fn day(
    State(services): State<Shared>,
    parent: Parent,
    Path((child, day)): Path<(String, String)>,
) -> Response {
    let child = match parse_child(&child) {
        Ok(child) => child,
        Err(error) => return error.into_response(),
    };
    // A year 0, a negative year or `+10000-…` is no day of the portal: 404, like any bad link.
    let Some(day) = domain::calendar::parse_day(&day) else {
        return WebError::NotFound.into_response();
    };
    let month = day.with_day(1).unwrap_or(day);
    let data = match load_calendar(&services, &parent, child, (day, day)).await {
        Ok(data) => data,
        Err(error) => return error.into_response(),
    };
    if let Some(reason) = &data.blocked {
        return page(
            &parent.chrome,
            "Réservations",
            "reservations",
            blocked_notice(reason),
        )
        .into_response();
    }
    let cells = data
        .days
        .iter()
        .find(|d| d.day == day)
        .map(|d| d.cells.clone())
        .unwrap_or_default();
    page(
        &parent.chrome,
        &format!("{} — {}", data.child_name, layout::long_date(day)),
        "reservations",
        html! {
            h2 { "Activités disponibles" }
            @if cells.is_empty() {
                p { "Aucune activité ce jour-là pour cet enfant." }
            } @else {
                ul class="activities" {
                    @for cell in &cells {
                        li { (cell_entry(&parent, child, day, month, cell, Back::Day)) }
                    }
                }
            }
            div class="actions" {
                a class="button secondary" href={ (calendar_url(child, month, None)) "#" (day_anchor(day)) } { "Retour" }
            }
            (basket_aside(&parent, &parent.session.basket))
            (legend())
        },
    )
    .into_response()
}

#[derive(Debug, Deserialize)]
pub struct ToggleForm {
    action: String,
    activite: String,
    jour: String,
    mois: Option<String>,
    reference: Option<String>,
    vue: Option<String>,
    filtre: Option<String>,
}

/// A click on a day: add to or take out of the basket, or withdraw a pending request.
pub async fn toggle(
    State(services): State<Shared>,
    parent: Parent,
    Path(child): Path<String>,
    Form(form): Form<ToggleForm>,
) -> Response {
    let child = match parse_child(&child) {
        Ok(child) => child,
        Err(error) => return error.into_response(),
    };
    let (Ok(activity), Ok(day)) = (
        form.activite.parse::<ActivityId>(),
        form.jour.parse::<NaiveDate>(),
    ) else {
        return WebError::NotFound.into_response();
    };
    let reference = form
        .reference
        .as_deref()
        .and_then(|r| r.parse::<Uuid>().ok());
    let month = layout::parse_month(form.mois.as_deref(), day);
    // Back to the day clicked (its id: the browser scrolls to it and Tab goes on from there).
    let back = match form.vue.as_deref() {
        Some("jour") => format!(
            "/reservations/{child}/jour/{day}#{}",
            activity_anchor(activity.0)
        ),
        Some("activite") => format!(
            "{}#{}",
            calendar_url(
                child,
                month,
                form.filtre.as_deref().and_then(|f| f.parse().ok()),
            ),
            day_anchor(day)
        ),
        _ => format!("{}#{}", calendar_url(child, month, None), day_anchor(day)),
    };
    let app = services.app.clone();
    let family = parent.family();
    let session = parent.session.clone();
    let action = form.action.clone();
    let result = blocking(move || {
        let mine = app
            .query(move |conn| app::registry::child(conn, child))?
            .is_some_and(|c| c.family_id == family);
        if !mine {
            return Ok(false);
        }
        match action.as_str() {
            "reserver" => {
                booking::basket_booking_allowed(&app, activity, day)?;
                let line = LineRequest::Book { child_id: child, activity_id: activity, day };
                accounts::update_basket(&app, &session, move |basket| {
                    if !basket.lines.contains(&line) {
                        if basket.lines.len() >= BASKET_MAX_LINES {
                            return Err(app::AppError::Refused(format!(
                                "Votre panier contient déjà {BASKET_MAX_LINES} demandes : validez-les avant d'en ajouter."
                            )));
                        }
                        basket.lines.push(line);
                    }
                    sort_basket(basket);
                    Ok(())
                })?;
            }
            "annuler" => {
                let Some(reservation) = reference.map(ReservationId) else {
                    return Ok(false);
                };
                if !add_cancellation(&app, family, Some(child), reservation, &session)? {
                    return Ok(false);
                }
            }
            "retirer" => {
                accounts::update_basket(&app, &session, move |basket| {
                    basket.lines.retain(|line| match line {
                        LineRequest::Book { child_id, activity_id, day: d } => {
                            !(*child_id == child && *activity_id == activity && *d == day)
                        }
                        LineRequest::Cancel { reservation_id } => reference != Some(reservation_id.0),
                    });
                    Ok(())
                })?;
            }
            "retirer_demande" => {
                let Some(request) = reference else {
                    return Ok(false);
                };
                booking::withdraw_request(
                    &app,
                    &format!("family:{family}"),
                    family,
                    domain::ids::RequestId(request),
                )?;
            }
            _ => return Ok(false),
        }
        Ok(true)
    })
    .await;
    match result {
        Ok(true) => see_other(&back),
        Ok(false) => WebError::NotFound.into_response(),
        Err(error) => error.into_response(),
    }
}

/// Puts the cancellation of `reservation` in the session's basket when the place is the
/// family's (and `child`'s, when given); false when it is not theirs (nothing changed).
pub(crate) fn add_cancellation(
    app: &app::App,
    family: domain::ids::FamilyId,
    child: Option<ChildId>,
    reservation: ReservationId,
    session: &accounts::Session,
) -> Result<bool, app::AppError> {
    let owned = app.query(move |conn| {
        Ok(projections::booking::reservation_by_id(conn, reservation)?
            .is_some_and(|r| r.family_id == family && child.is_none_or(|c| c == r.child_id)))
    })?;
    if !owned {
        return Ok(false);
    }
    let line = LineRequest::Cancel {
        reservation_id: reservation,
    };
    accounts::update_basket(app, session, move |basket| {
        if !basket.lines.contains(&line) {
            basket.lines.push(line);
        }
        sort_basket(basket);
        Ok(())
    })?;
    Ok(true)
}

/// Cancellations first (they free places before the bookings of the same basket are judged),
/// then bookings by day: the récapitulatif and the final « Valider » read in calendar order.
pub(crate) fn sort_basket(basket: &mut Basket) {
    basket.lines.sort_by_key(|line| match line {
        LineRequest::Cancel { .. } => (0, NaiveDate::MIN, Uuid::nil(), Uuid::nil()),
        LineRequest::Book {
            child_id,
            activity_id,
            day,
        } => (1, *day, child_id.0, activity_id.0),
    });
}

/// The récapitulatif: every line with its forecast and estimated cost; nothing recorded yet.
pub async fn summary(State(services): State<Shared>, parent: Parent) -> Response {
    let basket = parent.session.basket.clone();
    let app = services.app.clone();
    let family = parent.family();
    let lines = basket.lines.clone();
    let loaded = blocking(move || {
        let preview = booking::preview_basket(&app, family, lines.clone())?;
        let labels = booking::describe_lines(&app, family, lines)?;
        Ok((preview, labels))
    })
    .await;
    let (preview, labels) = match loaded {
        Ok(loaded) => loaded,
        Err(error) => return error.into_response(),
    };
    let back = labels
        .iter()
        .flatten()
        .next()
        .map(|l| calendar_url(l.child_id, l.day.with_day(1).unwrap_or(l.day), None))
        .unwrap_or_else(|| "/reservations".to_owned());
    let total: Money = preview.iter().filter_map(|p| p.cost).sum();
    let refused = preview
        .iter()
        .filter(|p| matches!(p.outcome, LineOutcome::Refused { .. }))
        .count();
    page(
        &parent.chrome,
        "Récapitulatif de vos demandes",
        "reservations",
        html! {
            @if preview.is_empty() {
                p { "Votre panier est vide." }
                p { a class="button" href="/reservations" { "Réserver" } }
            } @else {
                p { strong { "Vos demandes ne sont pas encore enregistrées." } " Vérifiez-les puis cliquez sur « Valider » : une vérification est faite à ce moment-là pour contrôler que les journées demandées sont toujours disponibles." }
                @if refused > 0 {
                    (flash("error", &format!("{refused} demande{} ne pourra pas être enregistrée (motif ci-dessous) ; les autres le seront.", if refused > 1 { "s" } else { "" })))
                }
                div class="table-wrap" {
                    table class="data" {
                        caption { "Nouvelles réservations et annulations" }
                        thead { tr {
                            th scope="col" { "Jour" } th scope="col" { "Enfant" } th scope="col" { "Activité" }
                            th scope="col" { "Demande" } th scope="col" { "Prévision" } th scope="col" class="num" { "Coût estimé (€)" }
                        } }
                        tbody {
                            @for (line, label) in preview.iter().zip(&labels) {
                                tr {
                                    @match label {
                                        Some(label) => {
                                            td { (layout::long_date(label.day)) }
                                            td { (label.child) }
                                            td { (label.activity) }
                                            td { @if label.cancellation { "Annulation" } @else { "Réservation" } }
                                        }
                                        None => { td colspan="4" { "Demande inconnue" } }
                                    }
                                    td { (outcome_text(&line.outcome)) }
                                    td class="num" { @if let Some(cost) = line.cost { (amount(cost)) } }
                                }
                            }
                        }
                        tfoot { tr class="total" { th scope="row" colspan="5" { "Coût estimé total (€)" } td class="num" { (amount(total)) } } }
                    }
                }
                div class="actions" {
                    form method="post" action="/reservations/recapitulatif" {
                        (csrf_field(parent.csrf()))
                        input type="hidden" name="formulaire" value=(basket.form_id);
                        button type="submit" { "Valider" }
                    }
                    a class="button secondary" href=(back) { "Retour" }
                    form method="post" action="/reservations/abandonner" {
                        (csrf_field(parent.csrf()))
                        button class="danger" type="submit" { "Abandonner" }
                    }
                }
                p class="hint" { "« Retour » conserve vos demandes pour les modifier ; « Abandonner » efface toutes les demandes que vous venez de saisir." }
            }
        },
    )
    .into_response()
}

fn recorded_message(count: usize) -> String {
    if count == 1 {
        "1 demande enregistrée. Elle apparaît dans « Suivi » à l'état « Non transmis » et sera transmise cette nuit.".to_owned()
    } else {
        format!(
            "{count} demandes enregistrées. Elles apparaissent dans « Suivi » à l'état « Non transmis » et seront transmises cette nuit."
        )
    }
}

fn outcome_text(outcome: &LineOutcome) -> Markup {
    match outcome {
        LineOutcome::Requested { forecast, .. } => {
            let class = match forecast {
                domain::values::Forecast::PlaceAvailable => "forecast forecast-ok",
                domain::values::Forecast::Waitlisted { .. } => "forecast forecast-waitlist",
                domain::values::Forecast::Refused { .. } => "forecast forecast-refused",
            };
            html! { span class=(class) { (booking::forecast_text(forecast)) } }
        }
        LineOutcome::CancellationRequested { .. } => {
            html! { span class="forecast forecast-ok" { "annulation possible" } }
        }
        LineOutcome::Refused { reason } => {
            html! { span class="forecast forecast-refused" { "impossible : " (reason) } }
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct ValidateForm {
    formulaire: String,
}

/// The final « Valider »: the basket is recorded (once, whatever the resubmissions).
pub async fn validate(
    State(services): State<Shared>,
    parent: Parent,
    Form(form): Form<ValidateForm>,
) -> Response {
    let basket = parent.session.basket.clone();
    let app = services.app.clone();
    let family = parent.family();
    let session = parent.session.clone();
    let form_id = form.formulaire.trim().to_owned();
    if !crate::session::is_hex(&form_id, 32) {
        return WebError::NotFound.into_response();
    }
    // An older tab's form (the basket was validated or abandoned since): show its answer.
    if form_id != basket.form_id {
        return see_other(&format!("/reservations/resultat?demande={form_id}"));
    }
    if basket.lines.is_empty() {
        return see_other("/reservations/recapitulatif");
    }
    let id = form_id.clone();
    let result = blocking(move || {
        let submitted = basket.lines.clone();
        let receipt =
            booking::submit_basket(&app, &format!("family:{family}"), family, &id, basket.lines)?;
        // A new basket for the next form; a click acknowledged while this one was being
        // recorded stays in it.
        accounts::update_basket(&app, &session, move |basket| {
            if basket.form_id == id {
                let mut next = Basket::new();
                next.lines = basket
                    .lines
                    .drain(..)
                    .filter(|line| !submitted.contains(line))
                    .collect();
                *basket = next;
            }
            Ok(())
        })?;
        Ok(receipt)
    })
    .await;
    match result {
        Ok(_) => see_other(&format!("/reservations/resultat?demande={form_id}")),
        Err(error) => error.into_response(),
    }
}

/// « Abandonner »: the basket is emptied; nothing was recorded.
pub async fn abandon(State(services): State<Shared>, parent: Parent) -> Response {
    let app = services.app.clone();
    let session = parent.session.clone();
    match blocking(move || accounts::save_basket(&app, &session, &Basket::new())).await {
        Ok(()) => see_other("/reservations"),
        Err(error) => error.into_response(),
    }
}

#[derive(Debug, Deserialize)]
pub struct ResultQuery {
    demande: String,
}

/// After the final « Valider »: the lines waitlisted or refused first, then the rest.
pub async fn result(
    State(services): State<Shared>,
    parent: Parent,
    Query(query): Query<ResultQuery>,
) -> Response {
    let app = services.app.clone();
    let family = parent.family();
    let id = query.demande.clone();
    let loaded = blocking(move || {
        let Some(receipt) = booking::receipt(&app, family, &id)? else {
            return Ok(None);
        };
        let lines: Vec<LineRequest> = receipt.lines.iter().map(|(l, _)| l.clone()).collect();
        let labels = booking::describe_lines(&app, family, lines)?;
        Ok(Some((receipt, labels)))
    })
    .await;
    let (receipt, labels) = match loaded {
        Ok(Some(loaded)) => loaded,
        Ok(None) => return WebError::NotFound.into_response(),
        Err(error) => return error.into_response(),
    };
    let not_placed = |outcome: &LineOutcome| {
        matches!(
            outcome,
            LineOutcome::Refused { .. }
                | LineOutcome::Requested {
                    forecast: domain::values::Forecast::Waitlisted { .. }
                        | domain::values::Forecast::Refused { .. },
                    ..
                }
        )
    };
    let rows = |waitlisted_or_refused: bool| {
        html! {
            @for ((_, outcome), label) in receipt.lines.iter().zip(&labels) {
                @if not_placed(outcome) == waitlisted_or_refused {
                    tr {
                        @match label {
                            Some(label) => {
                                td { (layout::long_date(label.day)) }
                                td { (label.child) }
                                td { (label.activity) }
                                td { @if label.cancellation { "Annulation" } @else { "Réservation" } }
                            }
                            None => { td colspan="4" { "Demande inconnue" } }
                        }
                        td { (outcome_text(outcome)) }
                    }
                }
            }
        }
    };
    let has_problems = receipt.lines.iter().any(|(_, o)| not_placed(o));
    let head = html! { thead { tr { th scope="col" { "Jour" } th scope="col" { "Enfant" } th scope="col" { "Activité" } th scope="col" { "Demande" } th scope="col" { "Résultat" } } } };
    page(
        &parent.chrome,
        "Demandes enregistrées",
        "reservations",
        html! {
            @if receipt.recorded() == 0 {
                (flash("error", "Aucune demande n'a pu être enregistrée : les motifs sont indiqués ci-dessous."))
            } @else {
                (flash("success", &recorded_message(receipt.recorded())))
            }
            @if has_problems {
                section class="card" {
                    h2 { "Réservations mises en liste d'attente ou refusées" }
                    div class="table-wrap" { table class="data" { (head) tbody { (rows(true)) } } }
                }
            }
            section class="card" {
                h2 { @if has_problems { "Autres demandes" } @else { "Vos demandes" } }
                div class="table-wrap" { table class="data" { (head) tbody { (rows(false)) } } }
            }
            p { "Si vous avez renseigné votre adresse mail, un compte rendu du traitement de vos réservations vous sera envoyé par mail le lendemain." }
            div class="actions" {
                a class="button" href="/suivi" { "Suivi" }
                a class="button secondary" href="/reservations" { "Nouvelle réservation" }
            }
        },
    )
    .into_response()
}
