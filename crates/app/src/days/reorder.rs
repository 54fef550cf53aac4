//! A director moves a waitlisted child one rank up or down (`domain::booking::move_on_waitlist`);
//! every later rank — waitlist, Suivi, promotions — follows the new order.

use domain::booking::{Direction, MoveRefusal, ReservationState, move_on_waitlist};
use domain::ids::ReservationId;

use super::reason::keep_reason;
use super::{DayRefusal, Reason, managed_activity, refuse_day_over};
use crate::staff::Acting;
use crate::{App, AppError};

/// Moves the waitlisted `place` one rank in `direction`. `by` needs `ManageDays` on the
/// activity's structure; the first cannot go up, the last cannot go down.
pub fn move_waitlisted(
    app: &App,
    by: &Acting,
    place: ReservationId,
    direction: Direction,
    reason: Reason,
) -> Result<(), AppError> {
    let by_in = by.clone();
    app.execute(&by.actor_text(), move |command| {
        let Some(reservation) = projections::booking::reservation_by_id(command.conn(), place)?
        else {
            return Err(DayRefusal::NotWaitlisted.into());
        };
        let (activity, day) = (reservation.activity_id, reservation.day);
        managed_activity(command, &by_in, activity, day)?;
        refuse_day_over(command, day)?;
        let waitlist: Vec<ReservationId> =
            projections::booking::slot_reservations(command.conn(), activity, day)?
                .into_iter()
                .filter(|h| h.state == ReservationState::Waitlisted)
                .map(|h| h.reservation_id)
                .collect();
        let event =
            move_on_waitlist(activity, day, &waitlist, place, direction).map_err(|refusal| {
                match refusal {
                    MoveRefusal::NotWaitlisted => DayRefusal::NotWaitlisted,
                    MoveRefusal::AlreadyFirst => DayRefusal::AlreadyFirst,
                    MoveRefusal::AlreadyLast => DayRefusal::AlreadyLast,
                }
            })?;
        let position = command.emit(event)?;
        keep_reason(command, position, activity, day, &reason)
    })
}
