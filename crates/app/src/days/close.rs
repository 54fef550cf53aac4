//! A director closes an activity's day exceptionally: every accepted and waitlisted place is
//! cancelled with a mail to its family (never silently), pending requests are refused at the
//! next transmission (« Journée fermée exceptionnellement »), and the day can no longer be
//! booked.

use chrono::NaiveDate;
use domain::event::payloads::{ActivityDayClosed, ReservationCancelled};
use domain::ids::ActivityId;
use domain::values::CancellationCause;

use super::reason::keep_reason;
use super::{DayRefusal, Reason, managed_activity, refuse_past_day};
use crate::staff::Acting;
use crate::{App, AppError};

/// What closing a day did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClosedDay {
    /// Places cancelled (accepted and waitlisted).
    pub cancelled: u32,
}

/// Closes `activity`'s `day` (not begun yet). `by` needs `ManageDays` on the activity's
/// structure; a day already closed is refused.
pub fn close_day(
    app: &App,
    by: &Acting,
    activity: ActivityId,
    day: NaiveDate,
    reason: Reason,
) -> Result<ClosedDay, AppError> {
    let by_in = by.clone();
    app.execute(&by.actor_text(), move |command| {
        managed_activity(command, &by_in, activity, day)?;
        refuse_past_day(command, day)?;
        if projections::booking::day_closed(command.conn(), activity, day)? {
            return Err(DayRefusal::AlreadyClosed.into());
        }
        let places = projections::booking::slot_reservations(command.conn(), activity, day)?;
        let position = command.emit(ActivityDayClosed {
            activity_id: activity,
            day,
        })?;
        keep_reason(command, position, activity, day, &reason)?;
        for place in &places {
            let cancelled = command.emit(ReservationCancelled {
                reservation_id: place.reservation_id,
                family_id: place.family_id,
                activity_id: activity,
                day,
                cause: CancellationCause::DayClosed,
                request_id: None,
                transmission_id: None,
            })?;
            crate::notify::day_closed(command, cancelled, place)?;
        }
        Ok(ClosedDay {
            cancelled: u32::try_from(places.len()).unwrap_or(u32::MAX),
        })
    })
}
