//! Page-shaped reads and clicks of the parents' portal: what the web (and the CLI's calendar)
//! shows, and what a click does to the session's basket. Every rule stays in `booking` and
//! `domain`; these functions assemble their answers for one page.

mod basket;
mod calendar;
#[cfg(test)]
pub(crate) use calendar::tests::demo;
mod clicks;
mod months;
mod refusal;

pub use basket::{BASKET_MAX_LINES, Basket, DayChoice};
#[cfg(test)]
pub(crate) use calendar::days_in;
pub use calendar::{
    Booked, CalendarCell, CalendarDay, ChildCalendar, child_calendar, children_of, days, month,
};
pub use clicks::{Click, Clicked, abandon_basket, add_cancellation, click, validate_basket};
pub use months::parse_month;
pub use refusal::PortalRefusal;

/// A child as the pages name it.
pub use crate::registry::ChildProfile;
