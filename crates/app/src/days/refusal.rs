//! Why a staff action on a day was refused; the French wording is in `crate::wording::days`.

use chrono::NaiveDate;

/// A day action refused; nothing was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DayRefusal {
    /// No activity has this id (or it does not run that day).
    UnknownActivity,
    /// The reason is required.
    ReasonMissing,
    /// The reason is longer than [`super::REASON_MAX_CHARS`].
    ReasonTooLong { max: usize },
    /// The place named is not on this day's waitlist.
    NotWaitlisted,
    /// Every place is taken: a promotion by hand needs a free place.
    NoFreePlace,
    /// The first of the waitlist cannot go up.
    AlreadyFirst,
    /// The last of the waitlist cannot go down.
    AlreadyLast,
    /// A day already begun or over cannot be closed.
    PastDay { day: NaiveDate },
    /// The day is over: its waitlist no longer moves.
    DayOver { day: NaiveDate },
    /// The day is already closed.
    AlreadyClosed,
}

impl From<DayRefusal> for crate::AppError {
    fn from(refusal: DayRefusal) -> Self {
        crate::AppError::Days(refusal)
    }
}
