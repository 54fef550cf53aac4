//! Projector of `projections/booking.sql`.

use chrono::NaiveDate;
use domain::Event;
use domain::booking::{RequestKind, ReservationState};
use domain::event::payloads;
use domain::ids::{ActivityId, ReservationId};
use rusqlite::{Connection, OptionalExtension, params};

use super::{kind_from_column, state_column, state_from_column};
use crate::ProjectionError;

fn code<T: serde::Serialize>(value: &T) -> Result<String, ProjectionError> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => Ok(text),
        Ok(other) => Ok(other.to_string()),
        Err(error) => Err(ProjectionError::malformed("booking_requests", error)),
    }
}

/// Adds `accepted`, `waitlisted`, `pending` deltas to the counts of an activity and day.
fn count(
    conn: &Connection,
    activity: ActivityId,
    day: NaiveDate,
    accepted: i64,
    waitlisted: i64,
    pending: i64,
) -> Result<(), ProjectionError> {
    conn.prepare_cached(
        "INSERT INTO slot_counts (activity_id, day, accepted, waitlisted, pending) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (activity_id, day) DO UPDATE SET
             accepted = accepted + excluded.accepted,
             waitlisted = waitlisted + excluded.waitlisted,
             pending = pending + excluded.pending",
    )?
    .execute(params![activity.to_string(), day.to_string(), accepted, waitlisted, pending])?;
    Ok(())
}

fn decide_request(
    conn: &Connection,
    request: &str,
    state: ReservationState,
    reservation: Option<ReservationId>,
    reason: Option<String>,
    position: u64,
    transmission: Option<String>,
) -> Result<(), ProjectionError> {
    conn.prepare_cached(
        "UPDATE booking_requests SET state = ?2, reservation_id = COALESCE(?3, reservation_id), reason = ?4,
             decided_position = ?5, transmission_id = ?6
         WHERE request_id = ?1",
    )?
    .execute(params![
        request,
        state_column(state),
        reservation.map(|r| r.to_string()),
        reason,
        position as i64,
        transmission
    ])?;
    Ok(())
}

/// State of a reservation before an event changes it.
fn reservation_state(
    conn: &Connection,
    reservation: ReservationId,
) -> Result<Option<ReservationState>, ProjectionError> {
    let state: Option<String> = conn
        .prepare_cached("SELECT state FROM reservations WHERE reservation_id = ?1")?
        .query_row(params![reservation.to_string()], |row| row.get(0))
        .optional()?;
    state.as_deref().map(state_from_column).transpose()
}

/// A place a transmission gave: accepted, or on the waitlist.
struct Place {
    reservation: ReservationId,
    request: domain::ids::RequestId,
    family: domain::ids::FamilyId,
    child: domain::ids::ChildId,
    activity: ActivityId,
    day: NaiveDate,
}

/// Records a decided place and closes its request. A waitlisted place is ordered by the
/// position of its decision (its rank follows from that order).
fn record_place(
    conn: &Connection,
    place: &Place,
    state: ReservationState,
    position: u64,
    transmission: domain::ids::TransmissionId,
) -> Result<(), ProjectionError> {
    let waitlist_order = (state == ReservationState::Waitlisted).then_some(position as i64);
    conn.prepare_cached(
        "INSERT OR REPLACE INTO reservations (reservation_id, request_id, family_id, child_id, activity_id, day,
                                              state, waitlist_order, decided_position)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        place.reservation.to_string(),
        place.request.to_string(),
        place.family.to_string(),
        place.child.to_string(),
        place.activity.to_string(),
        place.day.to_string(),
        state_column(state),
        waitlist_order,
        position as i64
    ])?;
    decide_request(
        conn,
        &place.request.to_string(),
        state,
        Some(place.reservation),
        None,
        position,
        Some(transmission.to_string()),
    )
}

/// Applies one event to the booking tables.
pub(crate) fn apply(
    conn: &Connection,
    position: u64,
    event: &Event,
) -> Result<(), ProjectionError> {
    match event {
        Event::BasketSubmitted(e) => basket_submitted(conn, position, e),
        Event::BookingRequested(e) => booking_requested(conn, position, e),
        Event::CancellationRequested(e) => cancellation_requested(conn, position, e),
        Event::RequestWithdrawn(e) => request_withdrawn(conn, position, e),
        Event::TransmissionStarted(e) => transmission_started(conn, position, e),
        Event::TransmissionCompleted(e) => transmission_completed(conn, position, e),
        Event::BookingAccepted(e) => booking_accepted(conn, position, e),
        Event::BookingWaitlisted(e) => booking_waitlisted(conn, position, e),
        Event::BookingRefused(e) => booking_refused(conn, position, e),
        Event::ReservationCancelled(e) => reservation_cancelled(conn, position, e),
        Event::WaitlistPromoted(e) => waitlist_promoted(conn, e),
        Event::WaitlistReordered(e) => waitlist_reordered(conn, e),
        Event::ActivityDayClosed(e) => day_closed(conn, position, e),
        _ => Ok(()),
    }
}

fn basket_submitted(
    conn: &Connection,
    position: u64,
    e: &payloads::BasketSubmitted,
) -> Result<(), ProjectionError> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO baskets (basket_id, family_id, client_request_id, position) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![
        e.basket_id.to_string(),
        e.family_id.to_string(),
        e.client_request_id,
        position as i64
    ])?;
    Ok(())
}

fn booking_requested(
    conn: &Connection,
    position: u64,
    e: &payloads::BookingRequested,
) -> Result<(), ProjectionError> {
    let forecast = serde_json::to_string(&e.forecast)
        .map_err(|error| ProjectionError::malformed("booking_requests", error))?;
    // A request id is recorded once; a repeated one (never written by the product) is
    // ignored rather than failing the projection, live and in a rebuild alike.
    let inserted = conn.prepare_cached(
        "INSERT OR IGNORE INTO booking_requests (request_id, basket_id, family_id, kind, child_id, activity_id, day,
                                       forecast, state, requested_position)
         VALUES (?1, ?2, ?3, 'booking', ?4, ?5, ?6, ?7, 'non_transmis', ?8)",
    )?
    .execute(params![
        e.request_id.to_string(),
        e.basket_id.to_string(),
        e.family_id.to_string(),
        e.child_id.to_string(),
        e.activity_id.to_string(),
        e.day.to_string(),
        forecast,
        position as i64
    ])?;
    if inserted > 0 {
        count(conn, e.activity_id, e.day, 0, 0, 1)?;
    }
    Ok(())
}

fn cancellation_requested(
    conn: &Connection,
    position: u64,
    e: &payloads::CancellationRequested,
) -> Result<(), ProjectionError> {
    let target: Option<(String, String, String)> = conn
        .prepare_cached(
            "SELECT child_id, activity_id, day FROM reservations WHERE reservation_id = ?1",
        )?
        .query_row(params![e.reservation_id.to_string()], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })
        .optional()?;
    let (child, activity, day) = match target {
        Some((child, activity, day)) => (Some(child), Some(activity), Some(day)),
        None => (None, None, None),
    };
    conn.prepare_cached(
        "INSERT OR IGNORE INTO booking_requests (request_id, basket_id, family_id, kind, child_id, activity_id, day,
                                       reservation_id, state, requested_position)
         VALUES (?1, ?2, ?3, 'cancellation', ?4, ?5, ?6, ?7, 'non_transmis', ?8)",
    )?
    .execute(params![
        e.request_id.to_string(),
        e.basket_id.to_string(),
        e.family_id.to_string(),
        child,
        activity,
        day,
        e.reservation_id.to_string(),
        position as i64
    ])?;
    Ok(())
}

fn request_withdrawn(
    conn: &Connection,
    position: u64,
    e: &payloads::RequestWithdrawn,
) -> Result<(), ProjectionError> {
    let withdrawn: Option<(String, Option<String>, Option<String>, String)> = conn
        .prepare_cached(
            "SELECT kind, activity_id, day, state FROM booking_requests WHERE request_id = ?1",
        )?
        .query_row(params![e.request_id.to_string()], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })
        .optional()?;
    decide_request(
        conn,
        &e.request_id.to_string(),
        ReservationState::Withdrawn,
        None,
        None,
        position,
        None,
    )?;
    if let Some((kind, Some(activity), Some(day), state)) = withdrawn
        && kind_from_column(&kind)? == RequestKind::Booking
        && state_from_column(&state)? == ReservationState::Pending
    {
        let activity: ActivityId = activity
            .parse()
            .map_err(|_| ProjectionError::malformed("booking_requests", "activity id"))?;
        let day: NaiveDate = day
            .parse()
            .map_err(|_| ProjectionError::malformed("booking_requests", "day"))?;
        count(conn, activity, day, 0, 0, -1)?;
    }
    Ok(())
}

fn transmission_started(
    conn: &Connection,
    position: u64,
    e: &payloads::TransmissionStarted,
) -> Result<(), ProjectionError> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO transmissions (transmission_id, cut_off, up_to_position, started_position)
         VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![
        e.transmission_id.to_string(),
        e.cut_off.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        e.up_to_position as i64,
        position as i64
    ])?;
    Ok(())
}

fn transmission_completed(
    conn: &Connection,
    position: u64,
    e: &payloads::TransmissionCompleted,
) -> Result<(), ProjectionError> {
    let counts = serde_json::to_string(&e.counts)
        .map_err(|error| ProjectionError::malformed("transmissions", error))?;
    conn.prepare_cached(
        "UPDATE transmissions SET completed_position = ?2, counts = ?3 WHERE transmission_id = ?1",
    )?
    .execute(params![
        e.transmission_id.to_string(),
        position as i64,
        counts
    ])?;
    Ok(())
}

fn booking_accepted(
    conn: &Connection,
    position: u64,
    e: &payloads::BookingAccepted,
) -> Result<(), ProjectionError> {
    let place = Place {
        reservation: e.reservation_id,
        request: e.request_id,
        family: e.family_id,
        child: e.child_id,
        activity: e.activity_id,
        day: e.day,
    };
    record_place(
        conn,
        &place,
        ReservationState::Accepted,
        position,
        e.transmission_id,
    )?;
    count(conn, e.activity_id, e.day, 1, 0, -1)?;
    Ok(())
}

fn booking_waitlisted(
    conn: &Connection,
    position: u64,
    e: &payloads::BookingWaitlisted,
) -> Result<(), ProjectionError> {
    let place = Place {
        reservation: e.reservation_id,
        request: e.request_id,
        family: e.family_id,
        child: e.child_id,
        activity: e.activity_id,
        day: e.day,
    };
    record_place(
        conn,
        &place,
        ReservationState::Waitlisted,
        position,
        e.transmission_id,
    )?;
    count(conn, e.activity_id, e.day, 0, 1, -1)?;
    Ok(())
}

fn booking_refused(
    conn: &Connection,
    position: u64,
    e: &payloads::BookingRefused,
) -> Result<(), ProjectionError> {
    decide_request(
        conn,
        &e.request_id.to_string(),
        ReservationState::Refused,
        None,
        Some(code(&e.reason)?),
        position,
        Some(e.transmission_id.to_string()),
    )?;
    count(conn, e.activity_id, e.day, 0, 0, -1)?;
    Ok(())
}

fn reservation_cancelled(
    conn: &Connection,
    position: u64,
    e: &payloads::ReservationCancelled,
) -> Result<(), ProjectionError> {
    let before = reservation_state(conn, e.reservation_id)?;
    conn.prepare_cached(
        "UPDATE reservations SET state = 'annulee', waitlist_order = NULL WHERE reservation_id = ?1",
    )?
    .execute(params![e.reservation_id.to_string()])?;
    match before {
        Some(ReservationState::Accepted) => count(conn, e.activity_id, e.day, -1, 0, 0)?,
        Some(ReservationState::Waitlisted) => count(conn, e.activity_id, e.day, 0, -1, 0)?,
        _ => {}
    }
    if let Some(request) = e.request_id {
        decide_request(
            conn,
            &request.to_string(),
            ReservationState::Handled,
            None,
            None,
            position,
            e.transmission_id.map(|t| t.to_string()),
        )?;
    }
    Ok(())
}

fn day_closed(
    conn: &Connection,
    position: u64,
    e: &payloads::ActivityDayClosed,
) -> Result<(), ProjectionError> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO closed_days (activity_id, day, position) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![
        e.activity_id.to_string(),
        e.day.to_string(),
        position as i64
    ])?;
    Ok(())
}

/// The moved reservation and the one at its new rank swap their places in the waitlist order,
/// so every rank read afterwards (waitlist, Suivi, promotions) follows the new order.
fn waitlist_reordered(
    conn: &Connection,
    e: &payloads::WaitlistReordered,
) -> Result<(), ProjectionError> {
    let order_at = |rank: u32| -> Result<Option<(String, i64)>, ProjectionError> {
        Ok(conn
            .prepare_cached(
                "SELECT reservation_id, waitlist_order FROM reservations
                 WHERE activity_id = ?1 AND day = ?2 AND state = 'liste_attente'
                 ORDER BY waitlist_order LIMIT 1 OFFSET ?3",
            )?
            .query_row(
                params![
                    e.activity_id.to_string(),
                    e.day.to_string(),
                    i64::from(rank.saturating_sub(1))
                ],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?)
    };
    let (Some(moved), Some(neighbour)) = (order_at(e.from_rank)?, order_at(e.to_rank)?) else {
        return Ok(());
    };
    if moved.0 != e.reservation_id.to_string() {
        return Ok(());
    }
    let mut swap = conn
        .prepare_cached("UPDATE reservations SET waitlist_order = ?2 WHERE reservation_id = ?1")?;
    swap.execute(params![moved.0, neighbour.1])?;
    swap.execute(params![neighbour.0, moved.1])?;
    Ok(())
}

fn waitlist_promoted(
    conn: &Connection,
    e: &payloads::WaitlistPromoted,
) -> Result<(), ProjectionError> {
    conn.prepare_cached(
        "UPDATE reservations SET state = 'acceptee', waitlist_order = NULL WHERE reservation_id = ?1",
    )?
    .execute(params![e.reservation_id.to_string()])?;
    conn.prepare_cached(
        "UPDATE booking_requests SET state = 'acceptee'
         WHERE request_id = (SELECT request_id FROM reservations WHERE reservation_id = ?1)",
    )?
    .execute(params![e.reservation_id.to_string()])?;
    count(conn, e.activity_id, e.day, 1, -1, 0)?;
    Ok(())
}
