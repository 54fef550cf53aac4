//! Staff change an activity's capacity and waitlist size from a day on; freed places go to the
//! waitlist at once, mails included. A lowered capacity never cancels accepted places.

use chrono::NaiveDate;
use domain::event::payloads::ActivityCapacityChanged;
use domain::ids::ActivityId;

use super::reason::keep_reason;
use super::{Reason, managed_activity, refuse_past_day};
use crate::booking::promote_after_capacity_change;
use crate::staff::Acting;
use crate::{App, AppError};

/// Sets `activity`'s capacity and waitlist size from `from` on (a day not begun). `by` needs
/// `ManageDays` on the activity's structure. Returns how many waitlisted children got a place.
pub fn change_capacity(
    app: &App,
    by: &Acting,
    activity: ActivityId,
    from: NaiveDate,
    capacity: u32,
    waitlist_size: u32,
    reason: Reason,
) -> Result<u32, AppError> {
    let by_in = by.clone();
    app.execute(&by.actor_text(), move |command| {
        managed_activity(command, &by_in, activity, from)?;
        refuse_past_day(command, from)?;
        let position = command.emit(ActivityCapacityChanged {
            activity_id: activity,
            effective_from: from,
            capacity,
            waitlist_size,
        })?;
        keep_reason(command, position, activity, from, &reason)?;
        promote_after_capacity_change(command, activity, from)
    })
}
