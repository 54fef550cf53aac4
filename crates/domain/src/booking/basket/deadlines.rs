//! The deadlines of a line (booking, cancellation), and the one exception to them: a director
//! setting a deadline aside for a staff booking ([`DeadlineRule::SetAside`]).

use chrono::{DateTime, NaiveDate, Utc};

use super::{ActivityOnDay, EngagementState, LineRefusal};
use crate::deadline::{deadline_instant, is_before_deadline, paris_day, paris_midnight};

/// Whether a line is held to its deadline (booking or cancellation), or a director set the
/// deadline aside for it (a staff exception, with a reason the application keeps). Only the
/// deadline: every other rule applies, and capacity is never set aside (the forecast and the
/// transmission decide places as for everyone).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DeadlineRule {
    #[default]
    Applies,
    SetAside,
}

impl DeadlineRule {
    /// Whether a line of `day` past its deadline is let in at `now`: the deadline is set aside
    /// and the day is not over (Paris calendar). A director books or cancels late, never for a
    /// day already gone.
    pub fn lets_in(self, now: DateTime<Utc>, day: NaiveDate) -> bool {
        self == DeadlineRule::SetAside && paris_day(now) <= day
    }
}

/// The booking deadline of `day` has passed at `now`: the refusal it gives (rule 3 of
/// [`validate_booking`]); `None` while in time, the limit included.
pub fn booking_too_late(
    now: DateTime<Utc>,
    day: NaiveDate,
    activity: &ActivityOnDay,
) -> Option<LineRefusal> {
    (!is_before_deadline(&activity.booking_deadline, day, now)).then(|| {
        LineRefusal::BookingTooLate {
            limit: deadline_instant(&activity.booking_deadline, day),
        }
    })
}

/// The cancellation limit of a place has passed at `now`: the refusal it gives; `None` while
/// in time, the limit included, and for a pending request (it has no limit: it is withdrawn).
///
/// - An accepted reservation can be cancelled until the activity's cancellation deadline.
/// - A waitlisted reservation holds no place, and the seed asks parents to free such places
///   « le plus tôt possible »: it can be cancelled until the later of the cancellation deadline
///   and the start of the day (Paris midnight).
pub fn cancellation_too_late(
    now: DateTime<Utc>,
    day: NaiveDate,
    activity: &ActivityOnDay,
    state: EngagementState,
) -> Option<LineRefusal> {
    let deadline = deadline_instant(&activity.cancellation_deadline, day);
    let limit = match state {
        EngagementState::Pending => return None,
        EngagementState::Accepted => deadline,
        EngagementState::Waitlisted => deadline.max(paris_midnight(day)),
    };
    (now > limit).then_some(LineRefusal::CancellationTooLate { limit })
}
