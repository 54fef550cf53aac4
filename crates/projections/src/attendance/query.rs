//! Reads of the attendance read model.

use chrono::NaiveDate;
use domain::attendance::Mark;
use domain::ids::{ActivityId, ChildId, FamilyId, ReservationId};
use rusqlite::{Connection, params};

use crate::ProjectionError;
use crate::row;

/// The last mark of a child on an activity and day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MarkRow {
    pub family_id: FamilyId,
    pub child_id: ChildId,
    pub activity_id: ActivityId,
    pub mark: Mark,
    /// The place marked; `None` for a child who came without one.
    pub reservation_id: Option<ReservationId>,
}

/// The last mark of `child` on `activity` and `day`, if any.
pub fn attendance_mark(
    conn: &Connection,
    child: ChildId,
    activity: ActivityId,
    day: NaiveDate,
) -> Result<Option<Mark>, ProjectionError> {
    row::one(
        conn,
        "attendance_marks",
        "SELECT mark FROM attendance_marks WHERE child_id = ?1 AND activity_id = ?2 AND day = ?3",
        params![child.to_string(), activity.to_string(), day.to_string()],
        |row| row.code(0, Mark::parse),
    )
}

/// Every last mark of `day`.
pub fn marks_of_day(conn: &Connection, day: NaiveDate) -> Result<Vec<MarkRow>, ProjectionError> {
    row::all(
        conn,
        "attendance_marks",
        "SELECT family_id, child_id, activity_id, mark, reservation_id FROM attendance_marks
         WHERE day = ?1 ORDER BY activity_id, child_id",
        params![day.to_string()],
        |row| {
            Ok(MarkRow {
                family_id: row.id(0)?,
                child_id: row.id(1)?,
                activity_id: row.id(2)?,
                mark: row.code(3, Mark::parse)?,
                reservation_id: row.optional_id(4)?,
            })
        },
    )
}

/// A child marked present on an activity and day (the last mark counts).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PresenceRow {
    pub day: NaiveDate,
    pub family_id: FamilyId,
    pub child_id: ChildId,
    pub activity_id: ActivityId,
}

/// Every child whose last mark is « présent », `from` ≤ day < `to`, by child, activity and day.
pub fn presences_between(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<PresenceRow>, ProjectionError> {
    row::all(
        conn,
        "attendance_marks",
        "SELECT day, family_id, child_id, activity_id FROM attendance_marks
         WHERE day >= ?1 AND day < ?2 AND mark = ?3 ORDER BY child_id, activity_id, day",
        params![from.to_string(), to.to_string(), Mark::Present.code()],
        |row| {
            Ok(PresenceRow {
                day: row.day(0)?,
                family_id: row.id(1)?,
                child_id: row.id(2)?,
                activity_id: row.id(3)?,
            })
        },
    )
}
