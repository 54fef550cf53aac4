//! The nightly transmission: the pending requests up to a cut-off, decided in one pure step.
//!
//! The application loads the state inside the writer transaction ([`TransmissionInput`]),
//! calls [`transmit`] and appends one event per [`Decision`], in order. The same input always
//! gives the same outcome.
//!
//! # Rules
//!
//! The run has three phases. Each one only touches what it says, so the outcome does not depend
//! on the order in which the (activity, day) slots are visited.
//!
//! 1. **Cancellations**, in log order. A cancellation of a live reservation of the requesting
//!    family ends it: an accepted one frees its place, a waitlisted one leaves the waitlist and
//!    those behind it move up one rank. Any other cancellation (reservation unknown, already
//!    ended, ended earlier in this run, or held by another family) changes nothing and is
//!    reported in [`TransmissionOutcome::ignored`], not as a decision: there is no refusal of a
//!    cancellation, and the request is answered by the run's completion.
//! 2. **Promotions**, per slot: while places are free, the waitlist is promoted in rank order
//!    ([`promotions`]).
//! 3. **New requests**, globally in log order. A request is refused
//!    [`RefusalReason::IncompatibleSameDay`](crate::values::RefusalReason::IncompatibleSameDay) when its child, that day, holds a live reservation
//!    (accepted or waitlisted, including one given earlier in this run) on the same activity or on
//!    an incompatible one. Otherwise it is accepted while the slot has a free place, waitlisted
//!    (rank = its position in the waitlist, from 1) while the waitlist has room, and refused
//!    [`RefusalReason::Full`](crate::values::RefusalReason::Full) (no waitlist) or [`RefusalReason::WaitlistFull`](crate::values::RefusalReason::WaitlistFull) otherwise.
//!    Because incompatibility is judged in log order over the whole run, the first request in
//!    the log wins whatever the slots' keys.
//!
//! Two activities are incompatible when either one's `incompatible_with` (taken from any slot of
//! that activity in the input) lists the other.
//!
//! # Order of the decisions
//!
//! Grouped per slot in key order (activity, then day); within a slot: cancellations in log order,
//! then promotions in rank order, then new requests in log order.
//!
//! # Reservation ids
//!
//! A reservation created by the run takes the UUID of the booking request it answers
//! ([`reservation_id_for`]): deterministic, needs no generator, and a request that was already
//! decided is recognised ([`TransmissionError::AlreadyDecided`]) if the application passed it
//! again.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::event::TransmissionCounts;
use crate::ids::{ActivityId, ChildId, FamilyId, RequestId, ReservationId};

mod check;
mod decision;
mod run;

pub use decision::Decision;
pub use run::transmit;

/// An activity on a day: the unit of capacity.
pub type SlotKey = (ActivityId, NaiveDate);

/// The places of an activity on a day, as they stand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlotState {
    pub activity_id: ActivityId,
    pub day: NaiveDate,
    /// Capacity and waitlist size in force on the day.
    pub capacity: u32,
    pub waitlist_size: u32,
    /// Accepted reservations (order irrelevant).
    pub accepted: Vec<ReservationId>,
    /// Waitlisted reservations in rank order: the first has rank 1.
    pub waitlist: Vec<ReservationId>,
    /// The activity's incompatibility list.
    pub incompatible_with: Vec<ActivityId>,
    /// Staff closed the day exceptionally: every new request is refused.
    pub closed: bool,
}

impl SlotState {
    pub fn key(&self) -> SlotKey {
        (self.activity_id, self.day)
    }

    /// Places not taken (0 when a lowered capacity is below the accepted count).
    pub fn free_places(&self) -> u32 {
        self.capacity.saturating_sub(count(self.accepted.len()))
    }
}

/// A live reservation (accepted or waitlisted) and who holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldReservation {
    pub reservation_id: ReservationId,
    pub family_id: FamilyId,
    pub child_id: ChildId,
    pub activity_id: ActivityId,
    pub day: NaiveDate,
}

impl HeldReservation {
    pub fn slot(&self) -> SlotKey {
        (self.activity_id, self.day)
    }
}

/// A request pending at the cut-off, as recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PendingRequest {
    Booking {
        request_id: RequestId,
        family_id: FamilyId,
        child_id: ChildId,
        activity_id: ActivityId,
        day: NaiveDate,
    },
    /// Activity, day and child are those of the reservation, found in
    /// [`TransmissionInput::reservations`].
    Cancellation {
        request_id: RequestId,
        family_id: FamilyId,
        reservation_id: ReservationId,
    },
}

impl PendingRequest {
    pub fn request_id(&self) -> RequestId {
        match self {
            PendingRequest::Booking { request_id, .. }
            | PendingRequest::Cancellation { request_id, .. } => *request_id,
        }
    }
}

/// What a transmission works on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TransmissionInput {
    /// Every (activity, day) of a pending booking request and of the reservation of a pending
    /// cancellation, keyed by [`SlotState::key`].
    pub slots: BTreeMap<SlotKey, SlotState>,
    /// Live reservations, keyed by their id: at least every reservation listed in a slot, every
    /// reservation a pending cancellation names (when it is still live), and every live
    /// reservation of a child on a day that child has a pending booking request (for the
    /// incompatibility check). A reservation whose slot is given must be listed in it.
    pub reservations: BTreeMap<ReservationId, HeldReservation>,
    /// The pending requests in log order.
    pub pending: Vec<PendingRequest>,
}

/// Why a cancellation request changed nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IgnoredReason {
    /// The reservation is not live: unknown, already cancelled, or cancelled earlier in this run.
    NotLive,
    /// The reservation belongs to another family.
    OtherFamily,
}

/// A cancellation request that changed nothing (not an event of its own).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IgnoredCancellation {
    pub request_id: RequestId,
    pub family_id: FamilyId,
    pub reservation_id: ReservationId,
    pub reason: IgnoredReason,
}

/// What a run decided.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransmissionOutcome {
    /// In the order described in the [module documentation](self).
    pub decisions: Vec<Decision>,
    /// Cancellation requests that changed nothing, in log order.
    pub ignored: Vec<IgnoredCancellation>,
    /// `received` = every request; `new_requests` = accepted + waitlisted + refused;
    /// `cancellation_requests` = cancelled + ignored ones (which count nowhere else).
    pub counts: TransmissionCounts,
    /// The slots of the input as they stand after the run.
    pub slots: BTreeMap<SlotKey, SlotState>,
}

/// The input does not describe a consistent state; nothing is decided (the run is all or
/// nothing). These are programming errors of the caller, not situations of the field.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TransmissionError {
    #[error(
        "le créneau rangé sous l'activité {key_activity} du {key_day} décrit l'activité {activity_id} du {day}"
    )]
    SlotKeyMismatch {
        key_activity: ActivityId,
        key_day: NaiveDate,
        activity_id: ActivityId,
        day: NaiveDate,
    },
    #[error(
        "la demande {request_id} porte sur l'activité {activity_id} du {day}, absente des créneaux chargés"
    )]
    MissingSlot {
        request_id: RequestId,
        activity_id: ActivityId,
        day: NaiveDate,
    },
    #[error(
        "la réservation {reservation_id} figure dans un créneau mais pas parmi les réservations chargées"
    )]
    UnknownHolder { reservation_id: ReservationId },
    #[error(
        "la réservation {reservation_id} est listée deux fois, ou ailleurs que dans son créneau"
    )]
    Misplaced { reservation_id: ReservationId },
    #[error("la réservation {reservation_id} est vivante mais absente des listes de son créneau")]
    NotListed { reservation_id: ReservationId },
    #[error("la demande {request_id} figure deux fois parmi les demandes en attente")]
    DuplicateRequest { request_id: RequestId },
    #[error("la demande {request_id} est déjà décidée : la réservation {reservation_id} existe")]
    AlreadyDecided {
        request_id: RequestId,
        reservation_id: ReservationId,
    },
}

/// The id of the reservation created for a booking request: the same UUID.
pub fn reservation_id_for(request_id: RequestId) -> ReservationId {
    ReservationId::from_uuid(request_id.0)
}

/// A length as a count of places or a rank (saturating; no slot holds 4 billion children).
fn count(length: usize) -> u32 {
    u32::try_from(length).unwrap_or(u32::MAX)
}

/// The waitlisted reservations that get a place now, with their rank before the promotion:
/// the first `capacity − accepted` of the waitlist, in rank order (none when no place is free).
///
/// Used by the transmission after its cancellations, and by staff raising a capacity.
pub fn promotions(
    capacity: u32,
    accepted: usize,
    waitlist: &[ReservationId],
) -> Vec<(ReservationId, u32)> {
    let free = usize::try_from(capacity)
        .unwrap_or(usize::MAX)
        .saturating_sub(accepted);
    waitlist
        .iter()
        .take(free)
        .enumerate()
        .map(|(index, reservation)| (*reservation, count(index + 1)))
        .collect()
}

#[cfg(test)]
mod tests;
