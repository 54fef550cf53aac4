//! « Réservations »: choose the child, the calendar by month (one activity, or all activities
//! then a day's list), the basket, the récapitulatif (Valider / Retour / Abandonner) and the
//! answer after the final « Valider ». Every rule is the `app`'s: these modules only show
//! states and forward the parent's clicks.
//!
//! Works without JavaScript: each click on a day is a small form (POST, then 303 back to the
//! calendar). Every day is a button or a text with its state in words and an icon, never colour
//! alone.

mod basket;
mod calendar;
mod cells;
mod children;
mod day;
mod summary;
mod view;

pub(super) use basket::toggle;
pub(crate) use basket::{Toggle, basket_aside};
pub(super) use calendar::calendar;
pub(crate) use calendar::month_page;
pub(super) use children::children;
pub(super) use day::day;
pub(crate) use summary::{FormId, result_body, summary_body};
pub(super) use summary::{abandon, result, summary, validate};
pub(crate) use view::{Booker, withdrawable_text};
