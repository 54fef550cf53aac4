//! A mark on the sheet: présent, absent justifié, absent non justifié. The last mark counts;
//! a justified absence after the day was billed is refused as the CLI refuses it.

use domain::attendance::Mark;
use domain::booking::ReservationState;
use domain::ids::ReservationId;

use super::{AttendanceRefusal, presence_in, refuse_future_day};
use crate::money::{absence_in, require_attendance};
use crate::staff::Acting;
use crate::{App, AppError};

/// Marks the child of an accepted `place`. `by` needs `TakeAttendance` on the activity's
/// structure; the event (`PresenceRecorded` or `AbsenceRecorded`) names `by` as its actor.
pub fn mark_attendance(
    app: &App,
    by: &Acting,
    place: ReservationId,
    mark: Mark,
) -> Result<(), AppError> {
    let by_in = by.clone();
    app.execute(&by.actor_text(), move |command| {
        let Some(reservation) = projections::booking::reservation_by_id(command.conn(), place)?
            .filter(|r| r.state == ReservationState::Accepted)
        else {
            return Err(AttendanceRefusal::NotExpected.into());
        };
        let (family, child, activity, day) = (
            reservation.family_id,
            reservation.child_id,
            reservation.activity_id,
            reservation.day,
        );
        require_attendance(command, &by_in, activity, day)?;
        match mark {
            Mark::Present => {
                refuse_future_day(command, day)?;
                presence_in(command, family, child, activity, day, Some(place))?;
            }
            Mark::AbsentJustified | Mark::AbsentUnjustified => {
                absence_in(
                    command,
                    family,
                    child,
                    activity,
                    day,
                    mark == Mark::AbsentJustified,
                )?;
            }
        }
        Ok(())
    })
}
