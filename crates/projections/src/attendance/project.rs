//! Projector of `projections/attendance.sql`: each presence or absence replaces the mark of its
//! child, activity and day.

use chrono::NaiveDate;
use domain::Event;
use domain::attendance::Mark;
use domain::ids::{ActivityId, ChildId, FamilyId, ReservationId};
use rusqlite::{Connection, params};

use crate::ProjectionError;

pub(crate) fn apply(
    conn: &Connection,
    _position: u64,
    event: &Event,
) -> Result<(), ProjectionError> {
    match event {
        Event::PresenceRecorded(e) => mark(
            conn,
            Marked {
                family: e.family_id,
                child: e.child_id,
                activity: e.activity_id,
                day: e.day,
                reservation: e.reservation_id,
            },
            Mark::Present,
        ),
        Event::AbsenceRecorded(e) => mark(
            conn,
            Marked {
                family: e.family_id,
                child: e.child_id,
                activity: e.activity_id,
                day: e.day,
                reservation: e.reservation_id,
            },
            Mark::absence(e.justified),
        ),
        _ => Ok(()),
    }
}

/// Who was marked, where and when.
struct Marked {
    family: FamilyId,
    child: ChildId,
    activity: ActivityId,
    day: NaiveDate,
    reservation: Option<ReservationId>,
}

fn mark(conn: &Connection, marked: Marked, mark: Mark) -> Result<(), ProjectionError> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO attendance_marks (child_id, activity_id, day, family_id, mark, reservation_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        marked.child.to_string(),
        marked.activity.to_string(),
        marked.day.to_string(),
        marked.family.to_string(),
        mark.code(),
        marked.reservation.map(|id| id.to_string()),
    ])?;
    Ok(())
}
