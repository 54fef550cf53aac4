//! A director promotes one waitlisted child by hand (any rank: a sibling, a priority case),
//! only into a free place. The rest of the waitlist keeps its order.

use domain::booking::ReservationState;
use domain::event::payloads::WaitlistPromoted;
use domain::ids::ReservationId;

use super::reason::keep_reason;
use super::{DayRefusal, Reason, managed_activity, refuse_day_over};
use crate::staff::Acting;
use crate::{App, AppError};

/// Gives the waitlisted `place` a free place of its day and mails the family. `by` needs
/// `ManageDays` on the activity's structure; a full day is refused
/// ([`DayRefusal::NoFreePlace`]).
pub fn promote_waitlisted(
    app: &App,
    by: &Acting,
    place: ReservationId,
    reason: Reason,
) -> Result<(), AppError> {
    let by_in = by.clone();
    app.execute(&by.actor_text(), move |command| {
        let Some(reservation) = projections::booking::reservation_by_id(command.conn(), place)?
        else {
            return Err(DayRefusal::NotWaitlisted.into());
        };
        let (activity, day) = (reservation.activity_id, reservation.day);
        let row = managed_activity(command, &by_in, activity, day)?;
        refuse_day_over(command, day)?;
        let (ReservationState::Waitlisted, Some(rank)) = (reservation.state, reservation.rank)
        else {
            return Err(DayRefusal::NotWaitlisted.into());
        };
        let accepted = projections::booking::slot_reservations(command.conn(), activity, day)?
            .iter()
            .filter(|h| h.state == ReservationState::Accepted)
            .count();
        if accepted >= usize::try_from(row.capacity).unwrap_or(usize::MAX) {
            return Err(DayRefusal::NoFreePlace.into());
        }
        let position = command.emit(WaitlistPromoted {
            reservation_id: place,
            family_id: reservation.family_id,
            child_id: reservation.child_id,
            activity_id: activity,
            day,
            previous_rank: rank,
            transmission_id: None,
        })?;
        keep_reason(command, position, activity, day, &reason)?;
        crate::notify::promotion(command, position, &reservation)
    })
}
