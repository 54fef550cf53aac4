//! What the booking pages share: the blocked notice, the addresses and anchors of the
//! calendar, the words of a pending request, the day number and the legend.

use chrono::{Datelike, NaiveDate};
use domain::ids::{ActivityId, ChildId};
use maud::{Markup, html};

use app::booking::{BookingBlock, Withdrawable};
use app::portal::Basket;

use crate::layout;
use crate::session::Parent;

/// Who books on a calendar's pages: the parent, or staff on the phone for a family. The pages
/// are the same; their forms carry this caller's token and basket, their addresses start at
/// this caller's base.
pub(crate) struct Booker<'a> {
    pub(crate) csrf: &'a str,
    pub(crate) basket: &'a Basket,
    /// `/reservations`, or `/gestion/familles/{family}/reservations`.
    pub(crate) base: String,
    /// The récapitulatif's address (the basket's « Valider »).
    pub(crate) summary: String,
    /// « Abandonner »'s address.
    pub(crate) abandon: String,
    /// The calendar of all activities, whose days open a day page (the parent's); without it
    /// the calendar shows one activity at a time.
    pub(crate) day_pages: bool,
}

impl<'a> Booker<'a> {
    /// The parent of the session.
    pub(crate) fn parent(parent: &'a Parent) -> Booker<'a> {
        Booker {
            csrf: parent.csrf(),
            basket: &parent.session.basket,
            base: "/reservations".to_owned(),
            summary: "/reservations/recapitulatif".to_owned(),
            abandon: "/reservations/abandonner".to_owned(),
            day_pages: true,
        }
    }

    /// The calendar's address for these choices.
    pub(crate) fn calendar_url(
        &self,
        child: ChildId,
        month: NaiveDate,
        activity: Option<ActivityId>,
    ) -> String {
        calendar_url(&self.base, child, month, activity)
    }
}

/// Why the family may not book, and where to pay.
pub(super) fn blocked_notice(block: &BookingBlock) -> Markup {
    html! {
        div class="flash error" role="alert" {
            p { strong { "Vous ne pouvez pas réserver pour le moment." } }
            p { (block.reason()) }
        }
        p { (block.conditions()) }
        p { a class="button" href="/solde" { "Voir votre solde et payer" } }
    }
}

/// The calendar's address for these choices, under `base`.
pub(super) fn calendar_url(
    base: &str,
    child: ChildId,
    month: NaiveDate,
    activity: Option<ActivityId>,
) -> String {
    match activity {
        Some(activity) => format!(
            "{base}/{child}?mois={}&activite={activity}",
            layout::month_param(month)
        ),
        None => format!("{base}/{child}?mois={}", layout::month_param(month)),
    }
}

/// The id of a day's cell in a calendar: a click's redirect comes back to it (`#jour-…`).
pub(super) fn day_anchor(day: NaiveDate) -> String {
    format!("jour-{day}")
}

/// The id of an activity's entry on the day page.
pub(super) fn activity_anchor(activity: ActivityId) -> String {
    format!("activite-{activity}")
}

/// What a pending request shows on its place (calendar and « Suivi » alike).
pub(crate) fn withdrawable_text(pending: Withdrawable) -> &'static str {
    match pending {
        Withdrawable::Booking(_) => "demande non transmise",
        Withdrawable::Cancellation(_) => "annulation demandée (non transmise)",
    }
}

/// « Lun 4 » (the weekday only on phones, where the calendar is a list).
pub(super) fn day_number(day: NaiveDate) -> Markup {
    html! {
        span class="day-number" { span class="weekday" { (domain::wording::weekday_abbreviation(day.weekday())) " " } (day.day()) }
    }
}

/// The colour code, in words.
pub(super) fn legend() -> Markup {
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
