//! A director's exception to a deadline (« dérogation »): the reason, required, kept in the
//! registry by the request it let in; the rule set aside is named in the event's metadata.

use domain::Event;
use domain::booking::LineRefusal;
use domain::ids::{BasketId, RequestId};
use rusqlite::{Connection, OptionalExtension, params};

use crate::booking::BookingRefusal;
use crate::{App, AppError};

/// Most characters of an exception's reason.
pub const REASON_MAX_CHARS: usize = 500;

/// The deadlines of one basket set aside by a director, with the reason given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeadlineException {
    reason: String,
}

impl DeadlineException {
    /// The reason as typed: trimmed, neither empty nor longer than [`REASON_MAX_CHARS`].
    pub fn parse(reason: &str) -> Result<DeadlineException, BookingRefusal> {
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > REASON_MAX_CHARS {
            return Err(BookingRefusal::ExceptionReason {
                max: REASON_MAX_CHARS,
            });
        }
        Ok(DeadlineException {
            reason: reason.to_owned(),
        })
    }

    pub fn reason(&self) -> &str {
        &self.reason
    }
}

/// The exception recorded for a request: the rule set aside (its code) and the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedException {
    pub actor: String,
    pub rule: String,
    pub reason: String,
}

/// Keeps the reason of the exception that let `event` in (a booking or cancellation request).
pub(super) fn keep_reason(
    conn: &Connection,
    (basket, actor, at): (BasketId, &str, &str),
    event: &Event,
    rule: &LineRefusal,
    exception: &DeadlineException,
) -> Result<(), AppError> {
    let request = match event {
        Event::BookingRequested(e) => e.request_id,
        Event::CancellationRequested(e) => e.request_id,
        _ => return Ok(()),
    };
    conn.prepare_cached(
        "INSERT INTO deadline_exceptions (request_id, basket_id, actor, rule, reason, recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        request.to_string(),
        basket.to_string(),
        actor,
        rule.code(),
        exception.reason,
        at
    ])?;
    Ok(())
}

/// The exception that let `request` in, if one did.
pub fn deadline_exception(
    app: &App,
    request: RequestId,
) -> Result<Option<RecordedException>, AppError> {
    app.query(move |conn| {
        Ok(conn
            .prepare_cached(
                "SELECT actor, rule, reason FROM deadline_exceptions WHERE request_id = ?1",
            )?
            .query_row(params![request.to_string()], |row| {
                Ok(RecordedException {
                    actor: row.get(0)?,
                    rule: row.get(1)?,
                    reason: row.get(2)?,
                })
            })
            .optional()?)
    })
}
