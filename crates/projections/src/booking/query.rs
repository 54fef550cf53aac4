//! Typed reads of the booking read model (`projections/booking.sql`).

use chrono::{DateTime, NaiveDate, Utc};
use domain::booking::{RequestKind, ReservationState};
use domain::ids::{ActivityId, ChildId, FamilyId, RequestId, ReservationId, TransmissionId};
use domain::values::RefusalReason;
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use super::{kind_from_column, state_from_column};
use crate::ProjectionError;

const TABLE: &str = "booking";

fn uuid(text: &str) -> Result<Uuid, ProjectionError> {
    Uuid::parse_str(text)
        .map_err(|_| ProjectionError::malformed(TABLE, format!("{text:?} is not an id")))
}

fn opt_uuid(text: Option<String>) -> Result<Option<Uuid>, ProjectionError> {
    text.as_deref().map(uuid).transpose()
}

fn date(text: &str) -> Result<NaiveDate, ProjectionError> {
    text.parse()
        .map_err(|_| ProjectionError::malformed(TABLE, format!("{text:?} is not a date")))
}

fn instant(text: &str) -> Result<DateTime<Utc>, ProjectionError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| ProjectionError::malformed(TABLE, format!("{text:?} is not an instant")))
}

/// A refusal reason as the projector stored it (its code, `waitlist_full`…).
fn reason(code: &str) -> Result<RefusalReason, ProjectionError> {
    serde_json::from_value(serde_json::Value::String(code.to_owned()))
        .map_err(|_| ProjectionError::malformed(TABLE, format!("{code:?} is not a refusal reason")))
}

/// A request not yet transmitted, in log order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingRow {
    pub request_id: RequestId,
    pub family_id: FamilyId,
    pub kind: RequestKind,
    pub child_id: Option<ChildId>,
    pub activity_id: Option<ActivityId>,
    pub day: Option<NaiveDate>,
    /// For a cancellation: the reservation to free.
    pub reservation_id: Option<ReservationId>,
    pub requested_position: u64,
}

/// Every request still `non_transmis` recorded at or before `up_to_position`, in log order.
pub fn pending_requests(
    conn: &Connection,
    up_to_position: u64,
) -> Result<Vec<PendingRow>, ProjectionError> {
    let mut statement = conn.prepare_cached(
        "SELECT request_id, family_id, kind, child_id, activity_id, day, reservation_id, requested_position
         FROM booking_requests WHERE state = 'non_transmis' AND requested_position <= ?1
         ORDER BY requested_position",
    )?;
    let rows = statement.query_map(params![up_to_position as i64], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, Option<String>>(3)?,
            row.get::<_, Option<String>>(4)?,
            row.get::<_, Option<String>>(5)?,
            row.get::<_, Option<String>>(6)?,
            row.get::<_, i64>(7)?,
        ))
    })?;
    rows.map(|row| {
        let (request, family, kind, child, activity, day, reservation, position) = row?;
        Ok(PendingRow {
            request_id: RequestId(uuid(&request)?),
            family_id: FamilyId(uuid(&family)?),
            kind: kind_from_column(&kind)?,
            child_id: opt_uuid(child)?.map(ChildId),
            activity_id: opt_uuid(activity)?.map(ActivityId),
            day: day.as_deref().map(date).transpose()?,
            reservation_id: opt_uuid(reservation)?.map(ReservationId),
            requested_position: position as u64,
        })
    })
    .collect()
}

/// Places taken on an activity and day.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SlotCounts {
    pub accepted: u32,
    pub waitlisted: u32,
    pub pending: u32,
}

pub fn slot_counts(
    conn: &Connection,
    activity: ActivityId,
    day: NaiveDate,
) -> Result<SlotCounts, ProjectionError> {
    Ok(conn
        .prepare_cached("SELECT accepted, waitlisted, pending FROM slot_counts WHERE activity_id = ?1 AND day = ?2")?
        .query_row(params![activity.to_string(), day.to_string()], |row| {
            Ok(SlotCounts {
                accepted: row.get(0)?,
                waitlisted: row.get(1)?,
                pending: row.get(2)?,
            })
        })
        .optional()?
        .unwrap_or_default())
}

/// A place on an activity and day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReservationRow {
    pub reservation_id: ReservationId,
    pub request_id: RequestId,
    pub family_id: FamilyId,
    pub child_id: ChildId,
    pub activity_id: ActivityId,
    pub day: NaiveDate,
    /// Accepted, waitlisted or cancelled.
    pub state: ReservationState,
    /// 1-based rank among the waitlisted entries of the same activity and day.
    pub rank: Option<u32>,
}

fn reservation_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<[Option<String>; 8]> {
    Ok([
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
        row.get(5)?,
        row.get(6)?,
        row.get::<_, Option<i64>>(7)?.map(|r| r.to_string()),
    ])
}

fn reservation(fields: [Option<String>; 8]) -> Result<ReservationRow, ProjectionError> {
    let [
        reservation,
        request,
        family,
        child,
        activity,
        day,
        state,
        rank,
    ] = fields;
    let need = |field: Option<String>| {
        field.ok_or_else(|| ProjectionError::malformed(TABLE, "missing column"))
    };
    Ok(ReservationRow {
        reservation_id: ReservationId(uuid(&need(reservation)?)?),
        request_id: RequestId(uuid(&need(request)?)?),
        family_id: FamilyId(uuid(&need(family)?)?),
        child_id: ChildId(uuid(&need(child)?)?),
        activity_id: ActivityId(uuid(&need(activity)?)?),
        day: date(&need(day)?)?,
        state: state_from_column(&need(state)?)?,
        rank: rank.and_then(|r| r.parse().ok()),
    })
}

pub fn reservation_by_id(
    conn: &Connection,
    id: ReservationId,
) -> Result<Option<ReservationRow>, ProjectionError> {
    conn.prepare_cached(
        "SELECT r.reservation_id, r.request_id, r.family_id, r.child_id, r.activity_id, r.day, r.state,
                CASE WHEN r.state = 'liste_attente' THEN
                    (SELECT COUNT(*) FROM reservations w WHERE w.activity_id = r.activity_id AND w.day = r.day
                       AND w.state = 'liste_attente' AND w.waitlist_order <= r.waitlist_order)
                END
         FROM reservations r WHERE r.reservation_id = ?1",
    )?
        .query_row(params![id.to_string()], reservation_from_row)
        .optional()?
        .map(reservation)
        .transpose()
}

/// Accepted and waitlisted places of an activity and day; the waitlist in rank order.
pub fn slot_reservations(
    conn: &Connection,
    activity: ActivityId,
    day: NaiveDate,
) -> Result<Vec<ReservationRow>, ProjectionError> {
    let mut statement = conn.prepare_cached(
        "SELECT r.reservation_id, r.request_id, r.family_id, r.child_id, r.activity_id, r.day, r.state,
                CASE WHEN r.state = 'liste_attente' THEN
                    (SELECT COUNT(*) FROM reservations w WHERE w.activity_id = r.activity_id AND w.day = r.day
                       AND w.state = 'liste_attente' AND w.waitlist_order <= r.waitlist_order)
                END
         FROM reservations r
         WHERE r.activity_id = ?1 AND r.day = ?2 AND r.state IN ('acceptee', 'liste_attente')
         ORDER BY r.state, r.waitlist_order, r.decided_position",
    )?;
    let rows = statement.query_map(
        params![activity.to_string(), day.to_string()],
        reservation_from_row,
    )?;
    rows.map(|row| reservation(row?)).collect()
}

/// What a child already has on a day: places, waitlist entries and pending booking requests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EngagementRow {
    pub activity_id: ActivityId,
    pub reservation_id: Option<ReservationId>,
    /// Pending, accepted or waitlisted.
    pub state: ReservationState,
}

pub fn child_engagements(
    conn: &Connection,
    child: ChildId,
    day: NaiveDate,
) -> Result<Vec<EngagementRow>, ProjectionError> {
    let mut statement = conn.prepare_cached(
        "SELECT activity_id, reservation_id, state FROM reservations
          WHERE child_id = ?1 AND day = ?2 AND state IN ('acceptee', 'liste_attente')
         UNION ALL
         SELECT activity_id, NULL, state FROM booking_requests
          WHERE child_id = ?1 AND day = ?2 AND kind = 'booking' AND state = 'non_transmis'",
    )?;
    let rows = statement.query_map(params![child.to_string(), day.to_string()], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, Option<String>>(1)?,
            row.get::<_, String>(2)?,
        ))
    })?;
    rows.map(|row| {
        let (activity, reservation, state) = row?;
        Ok(EngagementRow {
            activity_id: ActivityId(uuid(&activity)?),
            reservation_id: opt_uuid(reservation)?.map(ReservationId),
            state: state_from_column(&state)?,
        })
    })
    .collect()
}

/// One line of a family's follow-up (Suivi): a booking request and what became of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FollowUpRow {
    pub request_id: RequestId,
    pub reservation_id: Option<ReservationId>,
    pub child_id: ChildId,
    pub activity_id: ActivityId,
    pub day: NaiveDate,
    /// Pending, accepted, waitlisted, refused or cancelled.
    pub state: ReservationState,
    pub rank: Option<u32>,
    /// Why the transmission refused it.
    pub reason: Option<RefusalReason>,
    /// The cancellation of this place waiting for the transmission, if any.
    pub pending_cancellation: Option<RequestId>,
    pub requested_position: u64,
}

/// The family's booking requests (withdrawn ones aside), by day then child.
pub fn follow_up(conn: &Connection, family: FamilyId) -> Result<Vec<FollowUpRow>, ProjectionError> {
    // `+c.state`: the pending cancellation is found by its reservation (the partial index
    // `booking_requests_cancelling`), never through every pending request of the state index.
    let mut statement = conn.prepare_cached(
        "SELECT q.request_id, q.reservation_id, q.child_id, q.activity_id, q.day,
                COALESCE(r.state, q.state), q.reason, q.requested_position,
                CASE WHEN r.state = 'liste_attente' THEN
                    (SELECT COUNT(*) FROM reservations w WHERE w.activity_id = r.activity_id AND w.day = r.day
                       AND w.state = 'liste_attente' AND w.waitlist_order <= r.waitlist_order)
                END,
                (SELECT c.request_id FROM booking_requests c WHERE c.kind = 'cancellation' AND +c.state = 'non_transmis'
                   AND c.reservation_id = q.reservation_id ORDER BY c.requested_position LIMIT 1)
         FROM booking_requests q LEFT JOIN reservations r ON r.reservation_id = q.reservation_id
         WHERE q.family_id = ?1 AND q.kind = 'booking' AND q.state <> 'retiree'
         ORDER BY q.day, q.child_id, q.requested_position",
    )?;
    let rows = statement.query_map(params![family.to_string()], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, Option<String>>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, String>(3)?,
            row.get::<_, String>(4)?,
            row.get::<_, String>(5)?,
            row.get::<_, Option<String>>(6)?,
            row.get::<_, i64>(7)?,
            row.get::<_, Option<u32>>(8)?,
            row.get::<_, Option<String>>(9)?,
        ))
    })?;
    rows.map(|row| {
        let (request, reservation, child, activity, day, state, reason, position, rank, cancelling) = row?;
        Ok(FollowUpRow {
            request_id: RequestId(uuid(&request)?),
            reservation_id: opt_uuid(reservation)?.map(ReservationId),
            child_id: ChildId(uuid(&child)?),
            activity_id: ActivityId(uuid(&activity)?),
            day: date(&day)?,
            state: state_from_column(&state)?,
            rank,
            reason: reason.as_deref().map(self::reason).transpose()?,
            pending_cancellation: opt_uuid(cancelling)?.map(RequestId),
            requested_position: position as u64,
        })
    })
    .collect()
}

/// The cancellation of `reservation` waiting for the transmission, if any (a parent may still
/// withdraw it, as a booking request not transmitted).
pub fn pending_cancellation(
    conn: &Connection,
    reservation: ReservationId,
) -> Result<Option<RequestId>, ProjectionError> {
    // `+state`: by the reservation (`booking_requests_cancelling`), not every pending request.
    let id: Option<String> = conn
        .prepare_cached(
            "SELECT request_id FROM booking_requests WHERE kind = 'cancellation' AND +state = 'non_transmis'
               AND reservation_id = ?1 ORDER BY requested_position LIMIT 1",
        )?
        .query_row(params![reservation.to_string()], |row| row.get(0))
        .optional()?;
    Ok(opt_uuid(id)?.map(RequestId))
}

/// A request as recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestRow {
    pub request_id: RequestId,
    pub family_id: FamilyId,
    pub kind: RequestKind,
    pub state: ReservationState,
    pub reservation_id: Option<ReservationId>,
}

pub fn request_by_id(
    conn: &Connection,
    id: RequestId,
) -> Result<Option<RequestRow>, ProjectionError> {
    conn.prepare_cached("SELECT request_id, family_id, kind, state, reservation_id FROM booking_requests WHERE request_id = ?1")?
        .query_row(params![id.to_string()], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, Option<String>>(4)?,
            ))
        })
        .optional()?
        .map(|(request, family, kind, state, reservation)| {
            Ok(RequestRow {
                request_id: RequestId(uuid(&request)?),
                family_id: FamilyId(uuid(&family)?),
                kind: kind_from_column(&kind)?,
                state: state_from_column(&state)?,
                reservation_id: opt_uuid(reservation)?.map(ReservationId),
            })
        })
        .transpose()
}

/// The last completed transmission: its id, cut-off and counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransmissionRow {
    pub transmission_id: TransmissionId,
    pub cut_off: DateTime<Utc>,
    pub up_to_position: u64,
    pub counts: Option<String>,
}

pub fn last_transmission(conn: &Connection) -> Result<Option<TransmissionRow>, ProjectionError> {
    conn.prepare_cached(
        "SELECT transmission_id, cut_off, up_to_position, counts FROM transmissions
         WHERE completed_position IS NOT NULL ORDER BY completed_position DESC LIMIT 1",
    )?
    .query_row([], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, i64>(2)?,
            row.get::<_, Option<String>>(3)?,
        ))
    })
    .optional()?
    .map(|(id, cut_off, up_to, counts)| {
        Ok(TransmissionRow {
            transmission_id: TransmissionId(uuid(&id)?),
            cut_off: instant(&cut_off)?,
            up_to_position: up_to as u64,
            counts,
        })
    })
    .transpose()
}

/// Every completed transmission, the last first.
pub fn transmissions(conn: &Connection) -> Result<Vec<TransmissionRow>, ProjectionError> {
    let mut statement = conn.prepare_cached(
        "SELECT transmission_id, cut_off, up_to_position, counts FROM transmissions
         WHERE completed_position IS NOT NULL ORDER BY completed_position DESC",
    )?;
    let rows = statement.query_map([], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, i64>(2)?,
            row.get::<_, Option<String>>(3)?,
        ))
    })?;
    let mut transmissions = Vec::new();
    for row in rows {
        let (id, cut_off, up_to, counts) = row?;
        transmissions.push(TransmissionRow {
            transmission_id: TransmissionId(uuid(&id)?),
            cut_off: instant(&cut_off)?,
            up_to_position: up_to as u64,
            counts,
        });
    }
    Ok(transmissions)
}

/// The activities with a place held (accepted or waitlisted) on `day`.
pub fn activities_held_on(
    conn: &Connection,
    day: NaiveDate,
) -> Result<Vec<ActivityId>, ProjectionError> {
    let mut statement = conn.prepare_cached(
        "SELECT DISTINCT activity_id FROM reservations WHERE day = ?1 AND state IN ('acceptee', 'liste_attente')",
    )?;
    let rows = statement.query_map(params![day.to_string()], |row| row.get::<_, String>(0))?;
    rows.map(|row| Ok(ActivityId(uuid(&row?)?))).collect()
}

/// The days from `from` on when `activity` has a waitlist, in order.
pub fn waitlisted_days(
    conn: &Connection,
    activity: ActivityId,
    from: NaiveDate,
) -> Result<Vec<NaiveDate>, ProjectionError> {
    let mut statement = conn.prepare_cached(
        "SELECT DISTINCT day FROM reservations WHERE activity_id = ?1 AND day >= ?2 AND state = 'liste_attente' ORDER BY day",
    )?;
    let rows = statement.query_map(params![activity.to_string(), from.to_string()], |row| {
        row.get::<_, String>(0)
    })?;
    rows.map(|row| date(&row?)).collect()
}

/// The booking request of `child` for `activity` on `day` not transmitted yet, if any.
pub fn pending_booking_request(
    conn: &Connection,
    child: ChildId,
    activity: ActivityId,
    day: NaiveDate,
) -> Result<Option<RequestId>, ProjectionError> {
    let id: Option<String> = conn
        .prepare_cached(
            "SELECT request_id FROM booking_requests WHERE child_id = ?1 AND activity_id = ?2 AND day = ?3
               AND kind = 'booking' AND state = 'non_transmis'",
        )?
        .query_row(
            params![child.to_string(), activity.to_string(), day.to_string()],
            |row| row.get(0),
        )
        .optional()?;
    Ok(opt_uuid(id)?.map(RequestId))
}

/// Whether staff closed `activity`'s `day` exceptionally.
pub fn day_closed(
    conn: &Connection,
    activity: ActivityId,
    day: NaiveDate,
) -> Result<bool, ProjectionError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM closed_days WHERE activity_id = ?1 AND day = ?2")?
        .query_row(params![activity.to_string(), day.to_string()], |_| Ok(()))
        .optional()?
        .is_some())
}
