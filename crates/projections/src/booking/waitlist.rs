//! When each waitlisted child of an activity and day joined the waitlist (the occupancy
//! board's day detail tells « en attente depuis »).

use chrono::NaiveDate;
use domain::ids::{ActivityId, ReservationId};
use rusqlite::{Connection, params};

use crate::ProjectionError;
use crate::row;

/// A waitlist entry and the log position of the event that put it on the waitlist.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WaitlistSince {
    pub reservation_id: ReservationId,
    pub since_position: u64,
}

/// The waitlisted entries of `activity` on `day`, in rank order, with the position that put
/// each on the waitlist.
pub fn waitlist_since(
    conn: &Connection,
    activity: ActivityId,
    day: NaiveDate,
) -> Result<Vec<WaitlistSince>, ProjectionError> {
    row::all(
        conn,
        "reservations",
        "SELECT reservation_id, waitlist_order FROM reservations
         WHERE activity_id = ?1 AND day = ?2 AND state = 'liste_attente'
         ORDER BY waitlist_order",
        params![activity.to_string(), day.to_string()],
        |row| {
            Ok(WaitlistSince {
                reservation_id: row.id(0)?,
                since_position: row.get::<i64>(1)? as u64,
            })
        },
    )
}
