//! Staff actions on one activity's day (the occupancy board's day detail): change the capacity
//! from a day on, promote a waitlisted child by hand, move a child one rank on the waitlist, close the
//! day exceptionally. Each takes the acting member and needs `ManageDays` on the activity's
//! structure (asked inside the command), each requires a [`Reason`], kept in the registry
//! beside the position of its event ([`day_actions`] reads them back).

mod actions;
mod capacity;
mod close;
mod figures;
mod promote;
mod reason;
mod refusal;
mod reorder;

#[cfg(test)]
mod tests;

use chrono::NaiveDate;
use domain::ids::ActivityId;
use domain::staff::Permission;
use projections::ActivityRow;
use rusqlite::Connection;

use crate::staff::Acting;
use crate::{AppError, Command};

pub use crate::wording::days::action_text;
pub use actions::{DayAction, DayActionKind, day_actions};
pub use capacity::change_capacity;
pub use close::{ClosedDay, close_day};
pub use figures::{DayFigures, WaitlistEntry, day_figures};
pub use promote::promote_waitlisted;
pub use reason::{REASON_MAX_CHARS, Reason};
pub use refusal::DayRefusal;
pub use reorder::move_waitlisted;

pub(crate) fn install(conn: &Connection) -> Result<(), AppError> {
    conn.execute_batch(include_str!("days.sql"))?;
    Ok(())
}

/// The activity as it runs on `day`, once `by` is allowed to manage its days.
fn managed_activity(
    command: &Command<'_, '_>,
    by: &Acting,
    activity: ActivityId,
    day: NaiveDate,
) -> Result<ActivityRow, AppError> {
    let Some(row) = projections::activity(command.conn(), activity, day)? else {
        return Err(DayRefusal::UnknownActivity.into());
    };
    by.require(Permission::ManageDays, Some(row.structure_id))?;
    Ok(row)
}

/// Refuses a waitlist action on a day already over (Europe/Paris): today's waitlist can still
/// get a freed place in the morning, yesterday's cannot.
fn refuse_day_over(command: &Command<'_, '_>, day: NaiveDate) -> Result<(), AppError> {
    if day < domain::deadline::paris_day(command.now()) {
        return Err(DayRefusal::DayOver { day }.into());
    }
    Ok(())
}

/// Refuses an action on a day already begun (Europe/Paris).
fn refuse_past_day(command: &Command<'_, '_>, day: NaiveDate) -> Result<(), AppError> {
    if day <= domain::deadline::paris_day(command.now()) {
        return Err(DayRefusal::PastDay { day }.into());
    }
    Ok(())
}
