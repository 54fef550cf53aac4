//! Absences recorded by staff: a justified absence is not billed.

use chrono::NaiveDate;
use domain::event::payloads::AbsenceRecorded;
use domain::ids::{AbsenceId, ActivityId, ChildId, FamilyId};

use super::MoneyRefusal;
use super::consumption::consumption_of;
use crate::registry;
use crate::{App, AppError};

/// Records an absence of a child on an activity and day. A justified absence is not billed; it
/// must be recorded before the day is billed (`consume`).
pub fn record_absence(
    app: &App,
    family: FamilyId,
    child: ChildId,
    activity: ActivityId,
    day: NaiveDate,
    justified: bool,
) -> Result<AbsenceId, AppError> {
    app.execute("staff:absence", move |command| {
        let Some(profile) =
            registry::child(command.conn(), child)?.filter(|c| c.family_id == family)
        else {
            return Err(MoneyRefusal::ChildNotInFamily.into());
        };
        let reservation = projections::accepted_reservation(command.conn(), child, activity, day)?;
        if justified
            && let Some(reservation) = reservation
            && projections::consumption_recorded(command.conn(), consumption_of(reservation))?
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
    })
}
