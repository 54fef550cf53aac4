//! A decision of the transmission, and the event that records it.

use chrono::NaiveDate;

use super::SlotKey;
use crate::Event;
use crate::event::payloads::{
    BookingAccepted, BookingRefused, BookingWaitlisted, ReservationCancelled, WaitlistPromoted,
};
use crate::ids::{ActivityId, ChildId, FamilyId, RequestId, ReservationId, TransmissionId};
use crate::values::{CancellationCause, RefusalReason};

/// One decision of the run; each becomes one event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// `BookingAccepted`.
    Accepted {
        request_id: RequestId,
        reservation_id: ReservationId,
        family_id: FamilyId,
        child_id: ChildId,
        activity_id: ActivityId,
        day: NaiveDate,
    },
    /// `BookingWaitlisted`.
    Waitlisted {
        request_id: RequestId,
        reservation_id: ReservationId,
        family_id: FamilyId,
        child_id: ChildId,
        activity_id: ActivityId,
        day: NaiveDate,
        rank: u32,
    },
    /// `BookingRefused`.
    Refused {
        request_id: RequestId,
        family_id: FamilyId,
        child_id: ChildId,
        activity_id: ActivityId,
        day: NaiveDate,
        reason: RefusalReason,
    },
    /// `ReservationCancelled` with cause `FamilyRequest`.
    Cancelled {
        request_id: RequestId,
        reservation_id: ReservationId,
        family_id: FamilyId,
        child_id: ChildId,
        activity_id: ActivityId,
        day: NaiveDate,
    },
    /// `WaitlistPromoted`. `previous_rank` is the rank just before this run's promotions on the
    /// slot (after its cancellations moved the waitlist up): 1, 2, … k for k promotions.
    Promoted {
        reservation_id: ReservationId,
        family_id: FamilyId,
        child_id: ChildId,
        activity_id: ActivityId,
        day: NaiveDate,
        previous_rank: u32,
    },
}

impl Decision {
    /// The request it answers (`None` for a promotion).
    pub fn request_id(&self) -> Option<RequestId> {
        match self {
            Decision::Accepted { request_id, .. }
            | Decision::Waitlisted { request_id, .. }
            | Decision::Refused { request_id, .. }
            | Decision::Cancelled { request_id, .. } => Some(*request_id),
            Decision::Promoted { .. } => None,
        }
    }

    /// The family to report it to.
    pub fn family_id(&self) -> FamilyId {
        match self {
            Decision::Accepted { family_id, .. }
            | Decision::Waitlisted { family_id, .. }
            | Decision::Refused { family_id, .. }
            | Decision::Cancelled { family_id, .. }
            | Decision::Promoted { family_id, .. } => *family_id,
        }
    }

    /// The child it is about.
    pub fn child_id(&self) -> ChildId {
        match self {
            Decision::Accepted { child_id, .. }
            | Decision::Waitlisted { child_id, .. }
            | Decision::Refused { child_id, .. }
            | Decision::Cancelled { child_id, .. }
            | Decision::Promoted { child_id, .. } => *child_id,
        }
    }

    /// The (activity, day) it is about.
    pub fn slot(&self) -> SlotKey {
        match self {
            Decision::Accepted {
                activity_id, day, ..
            }
            | Decision::Waitlisted {
                activity_id, day, ..
            }
            | Decision::Refused {
                activity_id, day, ..
            }
            | Decision::Cancelled {
                activity_id, day, ..
            }
            | Decision::Promoted {
                activity_id, day, ..
            } => (*activity_id, *day),
        }
    }

    /// The event recording this decision, taken by the transmission `transmission`.
    pub fn event(&self, transmission: TransmissionId) -> Event {
        match self.clone() {
            Decision::Accepted {
                request_id,
                reservation_id,
                family_id,
                child_id,
                activity_id,
                day,
            } => BookingAccepted {
                request_id,
                reservation_id,
                family_id,
                child_id,
                activity_id,
                day,
                transmission_id: transmission,
            }
            .into(),
            Decision::Waitlisted {
                request_id,
                reservation_id,
                family_id,
                child_id,
                activity_id,
                day,
                rank,
            } => BookingWaitlisted {
                request_id,
                reservation_id,
                family_id,
                child_id,
                activity_id,
                day,
                rank,
                transmission_id: transmission,
            }
            .into(),
            Decision::Refused {
                request_id,
                family_id,
                child_id,
                activity_id,
                day,
                reason,
            } => BookingRefused {
                request_id,
                family_id,
                child_id,
                activity_id,
                day,
                reason,
                transmission_id: transmission,
            }
            .into(),
            Decision::Cancelled {
                request_id,
                reservation_id,
                family_id,
                activity_id,
                day,
                ..
            } => ReservationCancelled {
                reservation_id,
                family_id,
                activity_id,
                day,
                cause: CancellationCause::FamilyRequest,
                request_id: Some(request_id),
                transmission_id: Some(transmission),
            }
            .into(),
            Decision::Promoted {
                reservation_id,
                family_id,
                child_id,
                activity_id,
                day,
                previous_rank,
            } => WaitlistPromoted {
                reservation_id,
                family_id,
                child_id,
                activity_id,
                day,
                previous_rank,
                transmission_id: Some(transmission),
            }
            .into(),
        }
    }
}
