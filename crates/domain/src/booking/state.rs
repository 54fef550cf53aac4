//! Where a booking request or a place stands, and what a request asks.
//!
//! The read model stores these as column values; their string forms live in one mapping next
//! to it (`projections::booking`), nowhere else.

use super::EngagementState;

/// Where a request or a reservation stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ReservationState {
    /// A request not transmitted yet (Non transmis).
    Pending,
    /// A place given by a transmission or a promotion.
    Accepted,
    /// A place on the waitlist.
    Waitlisted,
    /// A booking request the transmission refused.
    Refused,
    /// A place given up (by the family or by staff).
    Cancelled,
    /// A request withdrawn before its transmission.
    Withdrawn,
    /// A cancellation request the transmission carried out.
    Handled,
}

impl ReservationState {
    /// The engagement a held place is for the rules: accepted or waitlisted, nothing else.
    pub fn held(self) -> Option<EngagementState> {
        match self {
            ReservationState::Accepted => Some(EngagementState::Accepted),
            ReservationState::Waitlisted => Some(EngagementState::Waitlisted),
            _ => None,
        }
    }

    /// The engagement a child's row of the day is: a held place, else a pending request.
    pub fn engagement(self) -> EngagementState {
        self.held().unwrap_or(EngagementState::Pending)
    }
}

impl From<EngagementState> for ReservationState {
    fn from(engagement: EngagementState) -> Self {
        match engagement {
            EngagementState::Pending => ReservationState::Pending,
            EngagementState::Accepted => ReservationState::Accepted,
            EngagementState::Waitlisted => ReservationState::Waitlisted,
        }
    }
}

/// What a request asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RequestKind {
    /// A place on an activity and day.
    Booking,
    /// The cancellation of a place.
    Cancellation,
}
