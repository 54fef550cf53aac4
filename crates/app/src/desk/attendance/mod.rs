//! The daily attendance sheet of a structure: the children expected per activity, their marks
//! (the last one counts for billing, `domain::attendance::Mark`), and the children who came
//! without a place. Every use case needs `TakeAttendance` on the structure.

mod mark;
mod refusal;
mod sheet;
mod walk_in;

pub use crate::wording::attendance::{mark_button, mark_label};
pub use mark::mark_attendance;
pub use refusal::AttendanceRefusal;
pub use sheet::{
    AttendanceStructure, Sheet, SheetActivity, SheetRow, attendance_sheet, attendance_structures,
};
pub use walk_in::{WalkInCandidate, add_walk_in, walk_in_candidates};

use chrono::NaiveDate;
use domain::event::payloads::PresenceRecorded;
use domain::ids::{ActivityId, ChildId, FamilyId, PresenceId, ReservationId};

use crate::{AppError, Command};

/// Records that a child came (the presence mark), inside a command already allowed.
fn presence_in(
    command: &mut Command<'_, '_>,
    family: FamilyId,
    child: ChildId,
    activity: ActivityId,
    day: NaiveDate,
    place: Option<ReservationId>,
) -> Result<PresenceId, AppError> {
    let presence = PresenceId(domain::ids::derive_id(
        "presence",
        &format!("{child}/{activity}/{day}"),
    ));
    command.emit(PresenceRecorded {
        presence_id: presence,
        family_id: family,
        child_id: child,
        activity_id: activity,
        day,
        reservation_id: place,
    })?;
    Ok(presence)
}

/// Refuses to record that a child came on a day that has not begun.
fn refuse_future_day(command: &Command<'_, '_>, day: NaiveDate) -> Result<(), AppError> {
    if day > domain::deadline::paris_day(command.now()) {
        return Err(AttendanceRefusal::DayNotStarted { day }.into());
    }
    Ok(())
}
