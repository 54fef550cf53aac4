//! The consistency of a transmission's input, checked before anything is decided.

use std::collections::BTreeSet;

use super::{PendingRequest, TransmissionError, TransmissionInput, reservation_id_for};
use crate::ids::ReservationId;

/// Checks that the input is consistent (see [`TransmissionError`]).
pub(super) fn check_input(input: &TransmissionInput) -> Result<(), TransmissionError> {
    let listed = check_slots(input)?;
    check_reservations(input, &listed)?;
    check_pending(input)
}

/// Every slot under its own key, each place listed once and held in that slot; the places
/// listed.
fn check_slots(input: &TransmissionInput) -> Result<BTreeSet<ReservationId>, TransmissionError> {
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
    Ok(listed)
}

/// Every reservation under its own id, and listed in its slot when the slot is loaded.
fn check_reservations(
    input: &TransmissionInput,
    listed: &BTreeSet<ReservationId>,
) -> Result<(), TransmissionError> {
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
    Ok(())
}

/// Every pending request once, its slot loaded, and a booking not already decided.
fn check_pending(input: &TransmissionInput) -> Result<(), TransmissionError> {
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
