//! What the transmission reads: every slot of the days concerned, the places held in them and
//! the pending requests in log order.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use domain::booking::{
    HeldReservation, PendingRequest, RequestKind, ReservationState, SlotState, TransmissionInput,
};
use domain::ids::ActivityId;
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
    for (activity, day) in slots_concerned(conn, pending)? {
        load_slot(conn, activity, day, cache, &mut input)?;
    }
    for row in pending {
        input.pending.push(pending_request(row)?);
    }
    Ok(input)
}

/// The slots of the pending requests, and every slot with a place held on their days.
fn slots_concerned(
    conn: &Connection,
    pending: &[bq::PendingRow],
) -> Result<BTreeSet<(ActivityId, NaiveDate)>, AppError> {
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
    Ok(slots)
}

/// One slot as it stands (capacity in force, places and waitlist), and the places held in it.
fn load_slot(
    conn: &Connection,
    activity: ActivityId,
    day: NaiveDate,
    cache: &mut Lookup,
    input: &mut TransmissionInput,
) -> Result<(), AppError> {
    let Some(row) = cache.activity(conn, activity, day)?.cloned() else {
        return Ok(());
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
            closed: bq::day_closed(conn, activity, day)?,
        },
    );
    Ok(())
}

/// A pending request row as the rules take it; a row missing what its kind needs is corrupt.
fn pending_request(row: &bq::PendingRow) -> Result<PendingRequest, AppError> {
    match (
        row.kind,
        row.child_id,
        row.activity_id,
        row.day,
        row.reservation_id,
    ) {
        (RequestKind::Booking, Some(child_id), Some(activity_id), Some(day), _) => {
            Ok(PendingRequest::Booking {
                request_id: row.request_id,
                family_id: row.family_id,
                child_id,
                activity_id,
                day,
            })
        }
        (RequestKind::Cancellation, _, _, _, Some(reservation_id)) => {
            Ok(PendingRequest::Cancellation {
                request_id: row.request_id,
                family_id: row.family_id,
                reservation_id,
            })
        }
        _ => Err(AppError::corrupt(
            "booking_requests",
            format!("request {} is incomplete", row.request_id),
        )),
    }
}
