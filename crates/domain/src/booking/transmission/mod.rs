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
//!    [`RefusalReason::IncompatibleSameDay`] when its child, that day, holds a live reservation
//!    (accepted or waitlisted, including one given earlier in this run) on the same activity or on
//!    an incompatible one. Otherwise it is accepted while the slot has a free place, waitlisted
//!    (rank = its position in the waitlist, from 1) while the waitlist has room, and refused
//!    [`RefusalReason::Full`] (no waitlist) or [`RefusalReason::WaitlistFull`] otherwise.
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

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use crate::event::TransmissionCounts;
use crate::ids::{ActivityId, ChildId, FamilyId, RequestId, ReservationId};
use crate::values::RefusalReason;

mod decision;

pub use decision::Decision;

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

/// One slot during the run, with its decisions per phase.
struct Work {
    slot: SlotState,
    cancelled: Vec<Decision>,
    promoted: Vec<Decision>,
    decided: Vec<Decision>,
}

/// Checks that the input is consistent (see [`TransmissionError`]).
fn check_input(input: &TransmissionInput) -> Result<(), TransmissionError> {
    let mut listed = BTreeSet::new();
    for (key, slot) in &input.slots {
        if slot.key() != *key {
            return Err(TransmissionError::SlotKeyMismatch {
                key_activity: key.0,
                key_day: key.1,
                activity_id: slot.activity_id,
                day: slot.day,
            });
        }
        for reservation_id in slot.accepted.iter().chain(&slot.waitlist) {
            if !listed.insert(*reservation_id) {
                return Err(TransmissionError::Misplaced {
                    reservation_id: *reservation_id,
                });
            }
            let holder =
                input
                    .reservations
                    .get(reservation_id)
                    .ok_or(TransmissionError::UnknownHolder {
                        reservation_id: *reservation_id,
                    })?;
            if holder.slot() != *key {
                return Err(TransmissionError::Misplaced {
                    reservation_id: *reservation_id,
                });
            }
        }
    }
    for (reservation_id, holder) in &input.reservations {
        if holder.reservation_id != *reservation_id {
            return Err(TransmissionError::Misplaced {
                reservation_id: *reservation_id,
            });
        }
        if input.slots.contains_key(&holder.slot()) && !listed.contains(reservation_id) {
            return Err(TransmissionError::NotListed {
                reservation_id: *reservation_id,
            });
        }
    }
    let mut seen = BTreeSet::new();
    for request in &input.pending {
        let request_id = request.request_id();
        if !seen.insert(request_id) {
            return Err(TransmissionError::DuplicateRequest { request_id });
        }
        match request {
            PendingRequest::Booking {
                activity_id, day, ..
            } => {
                if !input.slots.contains_key(&(*activity_id, *day)) {
                    return Err(TransmissionError::MissingSlot {
                        request_id,
                        activity_id: *activity_id,
                        day: *day,
                    });
                }
                let reservation_id = reservation_id_for(request_id);
                if input.reservations.contains_key(&reservation_id) {
                    return Err(TransmissionError::AlreadyDecided {
                        request_id,
                        reservation_id,
                    });
                }
            }
            PendingRequest::Cancellation { reservation_id, .. } => {
                if let Some(holder) = input.reservations.get(reservation_id)
                    && !input.slots.contains_key(&holder.slot())
                {
                    return Err(TransmissionError::MissingSlot {
                        request_id,
                        activity_id: holder.activity_id,
                        day: holder.day,
                    });
                }
            }
        }
    }
    Ok(())
}

/// Decides every pending request of `input` (see the [module documentation](self) for the
/// rules, the order of the decisions and the reservation ids).
///
/// Errors only when the input is inconsistent ([`TransmissionError`]); then nothing is decided.
pub fn transmit(input: &TransmissionInput) -> Result<TransmissionOutcome, TransmissionError> {
    check_input(input)?;

    // Symmetric incompatibility pairs, from every slot's activity list.
    let mut incompatible: BTreeSet<(ActivityId, ActivityId)> = BTreeSet::new();
    for slot in input.slots.values() {
        for other in &slot.incompatible_with {
            incompatible.insert((slot.activity_id, *other));
            incompatible.insert((*other, slot.activity_id));
        }
    }
    let clash = |a: ActivityId, b: ActivityId| a == b || incompatible.contains(&(a, b));

    // What each child holds each day: (activity, reservation).
    let mut holdings: BTreeMap<(ChildId, NaiveDate), BTreeSet<(ActivityId, ReservationId)>> =
        BTreeMap::new();
    for holder in input.reservations.values() {
        holdings
            .entry((holder.child_id, holder.day))
            .or_default()
            .insert((holder.activity_id, holder.reservation_id));
    }

    let mut works: BTreeMap<SlotKey, Work> = input
        .slots
        .iter()
        .map(|(key, slot)| {
            let work = Work {
                slot: slot.clone(),
                cancelled: Vec::new(),
                promoted: Vec::new(),
                decided: Vec::new(),
            };
            (*key, work)
        })
        .collect();
    let mut counts = TransmissionCounts {
        received: count(input.pending.len()),
        ..TransmissionCounts::default()
    };
    let mut ignored = Vec::new();

    // 1. Cancellations, in log order.
    let mut ended: BTreeSet<ReservationId> = BTreeSet::new();
    for request in &input.pending {
        let PendingRequest::Cancellation {
            request_id,
            family_id,
            reservation_id,
        } = request
        else {
            continue;
        };
        counts.cancellation_requests += 1;
        let ignore = |reason| IgnoredCancellation {
            request_id: *request_id,
            family_id: *family_id,
            reservation_id: *reservation_id,
            reason,
        };
        let holder = match input.reservations.get(reservation_id) {
            Some(holder) if !ended.contains(reservation_id) => holder,
            _ => {
                ignored.push(ignore(IgnoredReason::NotLive));
                continue;
            }
        };
        if holder.family_id != *family_id {
            ignored.push(ignore(IgnoredReason::OtherFamily));
            continue;
        }
        let Some(work) = works.get_mut(&holder.slot()) else {
            // check_input proved the slot present; kept as an error rather than a panic.
            return Err(TransmissionError::MissingSlot {
                request_id: *request_id,
                activity_id: holder.activity_id,
                day: holder.day,
            });
        };
        // check_input proved a live reservation of a loaded slot listed in it, once.
        work.slot.accepted.retain(|r| r != reservation_id);
        work.slot.waitlist.retain(|r| r != reservation_id);
        ended.insert(*reservation_id);
        if let Some(held) = holdings.get_mut(&(holder.child_id, holder.day)) {
            held.remove(&(holder.activity_id, *reservation_id));
        }
        counts.cancelled += 1;
        work.cancelled.push(Decision::Cancelled {
            request_id: *request_id,
            reservation_id: *reservation_id,
            family_id: holder.family_id,
            child_id: holder.child_id,
            activity_id: holder.activity_id,
            day: holder.day,
        });
    }

    // 2. Promotions, per slot.
    for work in works.values_mut() {
        let promoted = promotions(
            work.slot.capacity,
            work.slot.accepted.len(),
            &work.slot.waitlist,
        );
        for (reservation_id, previous_rank) in &promoted {
            let Some(holder) = input.reservations.get(reservation_id) else {
                // check_input proved every listed reservation known.
                return Err(TransmissionError::UnknownHolder {
                    reservation_id: *reservation_id,
                });
            };
            work.slot.accepted.push(*reservation_id);
            counts.promoted += 1;
            work.promoted.push(Decision::Promoted {
                reservation_id: *reservation_id,
                family_id: holder.family_id,
                child_id: holder.child_id,
                activity_id: holder.activity_id,
                day: holder.day,
                previous_rank: *previous_rank,
            });
        }
        work.slot.waitlist.drain(..promoted.len());
    }

    // 3. New requests, globally in log order.
    for request in &input.pending {
        let PendingRequest::Booking {
            request_id,
            family_id,
            child_id,
            activity_id,
            day,
        } = request
        else {
            continue;
        };
        counts.new_requests += 1;
        let Some(work) = works.get_mut(&(*activity_id, *day)) else {
            // check_input proved the slot present.
            return Err(TransmissionError::MissingSlot {
                request_id: *request_id,
                activity_id: *activity_id,
                day: *day,
            });
        };
        let held = holdings.entry((*child_id, *day)).or_default();
        let refuse = |reason| Decision::Refused {
            request_id: *request_id,
            family_id: *family_id,
            child_id: *child_id,
            activity_id: *activity_id,
            day: *day,
            reason,
        };
        let reservation_id = reservation_id_for(*request_id);
        let slot = &mut work.slot;
        let decision = if held.iter().any(|(other, _)| clash(*activity_id, *other)) {
            counts.refused += 1;
            refuse(RefusalReason::IncompatibleSameDay)
        } else if slot.free_places() > 0 {
            slot.accepted.push(reservation_id);
            held.insert((*activity_id, reservation_id));
            counts.accepted += 1;
            Decision::Accepted {
                request_id: *request_id,
                reservation_id,
                family_id: *family_id,
                child_id: *child_id,
                activity_id: *activity_id,
                day: *day,
            }
        } else if count(slot.waitlist.len()) < slot.waitlist_size {
            slot.waitlist.push(reservation_id);
            held.insert((*activity_id, reservation_id));
            counts.waitlisted += 1;
            Decision::Waitlisted {
                request_id: *request_id,
                reservation_id,
                family_id: *family_id,
                child_id: *child_id,
                activity_id: *activity_id,
                day: *day,
                rank: count(slot.waitlist.len()),
            }
        } else {
            counts.refused += 1;
            refuse(if slot.waitlist_size == 0 {
                RefusalReason::Full
            } else {
                RefusalReason::WaitlistFull
            })
        };
        work.decided.push(decision);
    }

    let mut decisions = Vec::new();
    let mut slots = BTreeMap::new();
    for (key, work) in works {
        decisions.extend(work.cancelled);
        decisions.extend(work.promoted);
        decisions.extend(work.decided);
        slots.insert(key, work.slot);
    }
    Ok(TransmissionOutcome {
        decisions,
        ignored,
        counts,
        slots,
    })
}

#[cfg(test)]
mod tests;
