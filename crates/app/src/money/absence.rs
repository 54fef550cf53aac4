//! Absences recorded by staff: a justified absence is not billed.

use chrono::NaiveDate;
use domain::event::payloads::AbsenceRecorded;
use domain::ids::{AbsenceId, ActivityId, ChildId, FamilyId};
use domain::staff::Permission;

use super::MoneyRefusal;
use crate::staff::Acting;
use crate::{App, AppError, Command, registry};

/// Records an absence of a child on an activity and day. A justified absence is not billed; it
/// must be recorded before the day is billed (`consume`). `by` needs `TakeAttendance` on the
/// activity's structure; the event names `by` as its actor.
pub fn record_absence(
    app: &App,
    by: &Acting,
    family: FamilyId,
    child: ChildId,
    activity: ActivityId,
    day: NaiveDate,
    justified: bool,
) -> Result<AbsenceId, AppError> {
    let by_in = by.clone();
    app.execute(&by.actor_text(), move |command| {
        require_attendance(command, &by_in, activity, day)?;
        absence_in(command, family, child, activity, day, justified)
    })
}

/// Refuses unless `by` may take the attendance of the structure that runs `activity`.
pub(crate) fn require_attendance(
    command: &Command<'_, '_>,
    by: &Acting,
    activity: ActivityId,
    day: NaiveDate,
) -> Result<(), AppError> {
    let Some(row) = projections::activity(command.conn(), activity, day)? else {
        return Err(MoneyRefusal::UnknownActivity.into());
    };
    by.require(Permission::TakeAttendance, Some(row.structure_id))?;
    Ok(())
}

/// The absence, inside a command whose actor was already allowed: a justified absence after the
/// day was billed is refused (`MoneyRefusal::AlreadyBilled`).
pub(crate) fn absence_in(
    command: &mut Command<'_, '_>,
    family: FamilyId,
    child: ChildId,
    activity: ActivityId,
    day: NaiveDate,
    justified: bool,
) -> Result<AbsenceId, AppError> {
    let Some(profile) = registry::child(command.conn(), child)?.filter(|c| c.family_id == family)
    else {
        return Err(MoneyRefusal::ChildNotInFamily.into());
    };
    let reservation = projections::accepted_reservation(command.conn(), child, activity, day)?;
    if justified
        && let Some(reservation) = reservation
        && projections::reservation_billed(command.conn(), reservation)?
    {
        return Err(MoneyRefusal::AlreadyBilled {
            day,
            first_name: profile.first_name,
        }
        .into());
    }
    let absence = AbsenceId(domain::ids::derive_id(
        "absence",
        &format!("{child}/{activity}/{day}/{justified}"),
    ));
    command.emit(AbsenceRecorded {
        absence_id: absence,
        family_id: family,
        child_id: child,
        activity_id: activity,
        day,
        justified,
        reservation_id: reservation,
    })?;
    Ok(absence)
}
