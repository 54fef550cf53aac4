//! One activity on one day of a child's calendar: where it is in the basket, how it looks
//! (css state, icon, words) and the click it offers.

use app::booking::Withdrawable;
use app::portal::{Basket, Booked, CalendarCell, DayChoice};
use chrono::NaiveDate;
use domain::booking::{DayState, EngagementState};
use domain::ids::{ActivityId, ChildId, RequestId};
use maud::{Markup, html};

use super::basket::ClickKind;
use super::view::{Booker, activity_anchor, day_anchor, day_number, withdrawable_text};
use crate::layout::{self, csrf_field};

/// Where a cell is in the basket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum InBasket {
    No,
    Adding,
    Removing,
}

pub(super) fn in_basket(
    basket: &Basket,
    child: ChildId,
    day: NaiveDate,
    cell: &CalendarCell,
) -> InBasket {
    let choice = DayChoice {
        child_id: child,
        activity_id: cell.activity_id,
        day,
    };
    if basket.holds_booking(choice) {
        return InBasket::Adding;
    }
    let removing = cell
        .booking_id
        .and_then(Booked::reservation)
        .is_some_and(|reservation| basket.holds_cancellation(reservation));
    if removing {
        InBasket::Removing
    } else {
        InBasket::No
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
pub(super) fn cell_look(
    cell: &CalendarCell,
    basket: InBasket,
) -> (&'static str, &'static str, String) {
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
        InBasket::No => match cell.withdrawable {
            Some(pending) => ("state-pending", "…", withdrawable_text(pending).to_owned()),
            None => state_look(cell),
        },
    }
}

/// What a cell out of the basket, with no pending request, shows.
fn state_look(cell: &CalendarCell) -> (&'static str, &'static str, String) {
    let waitlisted = cell.booking == Some(EngagementState::Waitlisted);
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

/// The id a click's form names: the place or request booked, or the request to withdraw.
#[derive(Clone, Copy, Debug)]
enum Reference {
    Booked(Booked),
    Request(RequestId),
}

impl std::fmt::Display for Reference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reference::Booked(booked) => booked.fmt(f),
            Reference::Request(request) => request.fmt(f),
        }
    }
}

/// The click a cell offers, the id its form names and the verb of its accessible name.
#[derive(Clone, Copy, Debug)]
pub(super) struct CellAction {
    click: ClickKind,
    reference: Option<Reference>,
    verb: &'static str,
}

/// A pending request (a booking, or the cancellation of a place) offers « Retirer » and
/// nothing else, whatever the day's state: it is withdrawn until the transmission.
pub(super) fn cell_action(cell: &CalendarCell, basket: InBasket) -> Option<CellAction> {
    let action = |click, reference, verb| {
        Some(CellAction {
            click,
            reference,
            verb,
        })
    };
    match basket {
        InBasket::Adding | InBasket::Removing => {
            action(ClickKind::TakeOut, None, "retirer du panier")
        }
        InBasket::No => {
            if let Some(pending) = cell.withdrawable {
                return action(
                    ClickKind::Withdraw,
                    Some(Reference::Request(pending.request_id())),
                    withdraw_verb(pending),
                );
            }
            match (cell.booking, cell.state) {
                (Some(_), DayState::Booked) => action(
                    ClickKind::Cancel,
                    cell.booking_id.map(Reference::Booked),
                    "annuler",
                ),
                (None, DayState::Open) => action(ClickKind::Book, None, "réserver"),
                (None, DayState::FullWaitlistOpen) => {
                    action(ClickKind::Book, None, "demander la liste d'attente")
                }
                _ => None,
            }
        }
    }
}

/// Where a click sends the parent back to.
#[derive(Clone, Copy, Debug)]
pub(super) enum Back {
    Calendar(Option<ActivityId>),
    Day,
}

/// One activity on one day: a button (form) when something can be done, a text otherwise. In a
/// calendar the whole cell (day number and state box) is the one control; its accessible name
/// is its visible text, then the date, the activity and the verb for a screen reader.
pub(super) fn cell_entry(
    booker: &Booker<'_>,
    child: ChildId,
    day: NaiveDate,
    month: NaiveDate,
    cell: &CalendarCell,
    back: Back,
) -> Markup {
    let basket = in_basket(booker.basket, child, day, cell);
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
        Some(CellAction {
            click,
            reference,
            verb,
        }) => html! {
            form class="cell-action" method="post" action={ (booker.base) "/" (child) "/panier" } {
                (csrf_field(booker.csrf))
                input type="hidden" name="action" value=(click.code());
                input type="hidden" name="activite" value=(cell.activity_id);
                input type="hidden" name="jour" value=(day);
                input type="hidden" name="mois" value=(layout::month_param(month));
                @if let Some(id) = reference { input type="hidden" name="reference" value=(id); }
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

/// Not open, nothing booked, nothing in the basket: only « fermé » to show.
pub(super) fn closed_and_empty(cell: &CalendarCell, basket: InBasket) -> bool {
    cell.state == DayState::Closed && cell.booking.is_none() && basket == InBasket::No
}
