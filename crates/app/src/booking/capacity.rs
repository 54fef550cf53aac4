//! The waitlist promotions a capacity change (staff's, `crate::days::change_capacity`, or an
//! imported setup change) frees at once.

use chrono::NaiveDate;
use domain::booking::{self as rules, ReservationState};
use domain::event::payloads;
use domain::ids::{ActivityId, ReservationId};
use projections::booking as bq;

use crate::{AppError, Command};

/// After a capacity change, gives freed places to the waitlist of every day from `from` on, in
/// rank order, and tells the families.
pub fn promote_after_capacity_change(
    command: &mut Command<'_, '_>,
    activity: ActivityId,
    from: NaiveDate,
) -> Result<u32, AppError> {
    let days = bq::waitlisted_days(command.conn(), activity, from)?;
    let mut promoted = 0;
    for day in days {
        let Some(row) = projections::activity(command.conn(), activity, day)? else {
            continue;
        };
        let held = bq::slot_reservations(command.conn(), activity, day)?;
        let accepted = held
            .iter()
            .filter(|h| h.state == ReservationState::Accepted)
            .count();
        let waitlist: Vec<ReservationId> = held
            .iter()
            .filter(|h| h.state == ReservationState::Waitlisted)
            .map(|h| h.reservation_id)
            .collect();
        for (reservation, previous_rank) in rules::promotions(row.capacity, accepted, &waitlist) {
            let Some(place) = held.iter().find(|h| h.reservation_id == reservation) else {
                continue;
            };
            let position = command.emit(payloads::WaitlistPromoted {
                reservation_id: reservation,
                family_id: place.family_id,
                child_id: place.child_id,
                activity_id: activity,
                day,
                previous_rank,
                transmission_id: None,
            })?;
            crate::notify::promotion(command, position, place)?;
            promoted += 1;
        }
    }
    Ok(promoted)
}
