//! The reason staff give for an action on a day: required, kept in the registry beside the
//! position of the action's event (never in the event: people typed it).

use chrono::NaiveDate;
use domain::ids::ActivityId;
use rusqlite::params;

use super::DayRefusal;
use crate::{AppError, Command};

/// Most characters of a reason.
pub const REASON_MAX_CHARS: usize = 500;

/// A reason as typed: trimmed, neither empty nor longer than [`REASON_MAX_CHARS`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason(String);

impl Reason {
    pub fn parse(text: &str) -> Result<Reason, DayRefusal> {
        let text = text.trim();
        if text.is_empty() {
            return Err(DayRefusal::ReasonMissing);
        }
        if text.chars().count() > REASON_MAX_CHARS {
            return Err(DayRefusal::ReasonTooLong {
                max: REASON_MAX_CHARS,
            });
        }
        Ok(Reason(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Keeps `reason` for the action recorded at `position`, in the command's transaction.
pub(super) fn keep_reason(
    command: &Command<'_, '_>,
    position: u64,
    activity: ActivityId,
    day: NaiveDate,
    reason: &Reason,
) -> Result<(), AppError> {
    command.conn().execute(
        "INSERT INTO day_action_reasons (position, activity_id, day, reason) VALUES (?1, ?2, ?3, ?4)",
        params![
            i64::try_from(position).unwrap_or(i64::MAX),
            activity.to_string(),
            day.to_string(),
            reason.as_str()
        ],
    )?;
    Ok(())
}

/// The reasons kept for the actions on `activity`'s `day`, by position.
pub(super) fn reasons_of_day(
    conn: &rusqlite::Connection,
    activity: ActivityId,
    day: NaiveDate,
) -> Result<Vec<(u64, String)>, AppError> {
    let mut statement = conn.prepare_cached(
        "SELECT position, reason FROM day_action_reasons
         WHERE activity_id = ?1 AND day = ?2 ORDER BY position",
    )?;
    let rows = statement.query_map(params![activity.to_string(), day.to_string()], |row| {
        Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?))
    })?;
    let mut reasons = Vec::new();
    for row in rows {
        let (position, reason) = row?;
        let position = u64::try_from(position)
            .map_err(|_| AppError::corrupt("day_action_reasons", position))?;
        reasons.push((position, reason));
    }
    Ok(reasons)
}
