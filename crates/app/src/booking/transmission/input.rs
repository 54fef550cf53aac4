//! What the transmission reads: every slot of the days concerned, the places held in them and
//! the pending requests in log order.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use domain::booking::{
    HeldReservation, PendingRequest, RequestKind, ReservationState, SlotState, TransmissionInput,
};
use domain::ids::*;
use projections::booking as bq;
use rusqlite::Connection;

use crate::AppError;
use crate::lookup::Lookup;

/// Loads what the transmission needs: every slot of the days concerned (so incompatibilities
/// across activities are seen), the places held in them, and the pending requests in log order.
pub(super) fn transmission_input(
    conn: &Connection,
    pending: &[bq::PendingRow],
    cache: &mut Lookup,
) -> Result<TransmissionInput, AppError> {
    let mut input = TransmissionInput::default();
    let mut days: BTreeSet<NaiveDate> = BTreeSet::new();
    let mut slots: BTreeSet<(ActivityId, NaiveDate)> = BTreeSet::new();
    for row in pending {
        if let (Some(activity), Some(day)) = (row.activity_id, row.day) {
            days.insert(day);
            slots.insert((activity, day));
        }
    }
    for day in &days {
        for activity in bq::activities_held_on(conn, *day)? {
            slots.insert((activity, *day));
        }
    }
    for (activity, day) in slots {
        let Some(row) = cache.activity(conn, activity, day)?.cloned() else {
            continue;
        };
        let mut accepted = Vec::new();
        let mut waitlist = Vec::new();
        for held in bq::slot_reservations(conn, activity, day)? {
            match held.state {
                ReservationState::Accepted => accepted.push(held.reservation_id),
                _ => waitlist.push(held.reservation_id),
            }
            input.reservations.insert(
                held.reservation_id,
                HeldReservation {
                    reservation_id: held.reservation_id,
                    family_id: held.family_id,
                    child_id: held.child_id,
                    activity_id: held.activity_id,
                    day: held.day,
                },
            );
        }
        input.slots.insert(
            (activity, day),
            SlotState {
                activity_id: activity,
                day,
                capacity: row.capacity,
                waitlist_size: row.waitlist_size,
                accepted,
                waitlist,
                incompatible_with: row.incompatible_with,
            },
        );
    }
    for row in pending {
        let request = match (
            row.kind,
            row.child_id,
            row.activity_id,
            row.day,
            row.reservation_id,
        ) {
            (RequestKind::Booking, Some(child_id), Some(activity_id), Some(day), _) => {
                PendingRequest::Booking {
                    request_id: row.request_id,
                    family_id: row.family_id,
                    child_id,
                    activity_id,
                    day,
                }
            }
            (RequestKind::Cancellation, _, _, _, Some(reservation_id)) => {
                PendingRequest::Cancellation {
                    request_id: row.request_id,
                    family_id: row.family_id,
                    reservation_id,
                }
            }
            _ => {
                return Err(AppError::corrupt(
                    "booking_requests",
                    format!("request {} is incomplete", row.request_id),
                ));
            }
        };
        input.pending.push(request);
    }
    Ok(input)
}
