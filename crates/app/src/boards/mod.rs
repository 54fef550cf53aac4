//! The staff boards (`/gestion/occupation`): the occupancy of a structure's activities over a
//! week or a month, and the detail of one activity's day. Every read needs `ViewBoards` on the
//! structure shown; the figures are the booking read model's (the same as `portail waitlist
//! show` and `portail activities list`), the state of a day is `domain::booking::board_state`.

mod day;
mod occupancy;
mod period;

#[cfg(test)]
mod tests;

pub use crate::wording::boards::{request_kind_label, state_label};
pub use day::{AcceptedChild, DayDetail, DayTiming, PendingEntry, WaitingChild, day_detail};
pub use domain::booking::BoardState;
pub use occupancy::{
    BoardCell, BoardRow, BoardStructure, OccupancyBoard, SlotFigures, board_structures, occupancy,
};
pub use period::Period;
