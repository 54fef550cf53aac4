//! Why an attendance request was refused; the French wording is in
//! `crate::wording::attendance`.

use chrono::NaiveDate;

/// An attendance request refused; nothing was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttendanceRefusal {
    /// No structure has this id.
    UnknownStructure,
    /// The place marked is not an accepted place (cancelled, waitlisted, unknown).
    NotExpected,
    /// A child cannot be marked present on a day that has not begun.
    DayNotStarted { day: NaiveDate },
    /// No child has this id.
    UnknownChild,
    /// The child's family is not one of the structure's.
    ChildNotInStructure { first_name: String },
    /// The child has a place that day: mark it on the sheet instead.
    AlreadyExpected { first_name: String },
}

impl From<AttendanceRefusal> for crate::AppError {
    fn from(refusal: AttendanceRefusal) -> Self {
        crate::AppError::Attendance(refusal)
    }
}
