//! The occupancy board (`/gestion/occupation`) and the detail of one activity's day
//! (`/gestion/occupation/{activity}/{day}`). Both need `ViewBoards` on the structure shown; the
//! day's actions are links to the pages of `ManageDays`, shown to the members who have it.

mod board;
mod day;

pub(super) use board::board;
pub(super) use day::day;

use super::day_path::DayPath;

use app::boards::{BoardState, Period};
use chrono::NaiveDate;
use domain::ids::{ActivityId, StructureId};

/// The class of a state: the parents' calendar's colours where the states match.
fn state_class(state: BoardState) -> &'static str {
    match state {
        BoardState::Closed => "state-closed",
        BoardState::FreePlaces => "state-open",
        BoardState::BookingClosed => "state-deadline",
        BoardState::FullWaitlistOpen => "state-waitlist",
        BoardState::Full => "state-full",
        BoardState::ClosedExceptionally => "state-closed-exceptionally",
    }
}

/// The board's address for a structure and period.
fn board_url(structure: StructureId, period: Period) -> String {
    match period {
        Period::Week(monday) => {
            format!("/gestion/occupation?structure={structure}&semaine={monday}")
        }
        Period::Month(first) => format!(
            "/gestion/occupation?structure={structure}&mois={}",
            first.format("%Y-%m")
        ),
    }
}

/// The address of an activity's day.
fn day_url(activity: ActivityId, day: NaiveDate) -> String {
    format!("/gestion/occupation/{activity}/{day}")
}
