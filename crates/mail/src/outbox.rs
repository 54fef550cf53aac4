//! The `mail_outbox` table: writing mails in the transaction that causes them, and the queries of
//! the worker and of `portail mail outbox`.

use chrono::{DateTime, NaiveDateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;
use uuid::Uuid;

use crate::error::MailError;
use crate::message::check_header_text;
use crate::worker::MAX_ATTEMPTS;

/// The DDL of the outbox (idempotent: `CREATE … IF NOT EXISTS`).
pub const SCHEMA: &str = include_str!("outbox.sql");

/// Creates the outbox table and its index if they do not exist.
pub fn install(conn: &Connection) -> Result<(), MailError> {
    conn.execute_batch(SCHEMA)?;
    Ok(())
}

/// Why a mail is sent. Stored as snake_case text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MailKind {
    /// The report of a transmission run, one per family and structure.
    TransmissionReport,
    /// A waitlisted reservation was accepted because a place was freed.
    WaitlistPromotion,
    /// Staff closed a day exceptionally: the family's place (or waitlist entry) is cancelled.
    DayClosed,
    /// A single-use link to choose a new password.
    PasswordReset,
    /// A link confirming the address a parent entered in the profile.
    EmailConfirmation,
    /// A signed anchor of the event log, for the auditor.
    AuditAnchor,
}

impl MailKind {
    /// Every kind, in declaration order.
    pub const ALL: [MailKind; 6] = [
        MailKind::TransmissionReport,
        MailKind::WaitlistPromotion,
        MailKind::DayClosed,
        MailKind::PasswordReset,
        MailKind::EmailConfirmation,
        MailKind::AuditAnchor,
    ];

    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            MailKind::TransmissionReport => "transmission_report",
            MailKind::WaitlistPromotion => "waitlist_promotion",
            MailKind::DayClosed => "day_closed",
            MailKind::PasswordReset => "password_reset",
            MailKind::EmailConfirmation => "email_confirmation",
            MailKind::AuditAnchor => "audit_anchor",
        }
    }

    /// The kind stored as `text`, if any.
    pub fn parse(text: &str) -> Option<MailKind> {
        MailKind::ALL.into_iter().find(|kind| kind.as_str() == text)
    }
}

/// A mail to enqueue, already rendered (see [`crate::templates`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutgoingMail {
    pub kind: MailKind,
    /// Names the cause of the mail, e.g. `transmission_report:<run id>:<family id>:<structure id>`
    /// or `waitlist_promotion:<event id>`. Enqueuing the same key again does nothing.
    pub dedup_key: String,
    /// A bare address, `local@domain.tld`.
    pub recipient: String,
    /// One line.
    pub subject: String,
    /// Plain text; lines end with `\n`.
    pub body: String,
}

/// Writes `mail` into the outbox, due at once. Call it on the connection of the write transaction
/// that takes the decision causing the mail, so both commit or roll back together.
///
/// Returns `true` when the row was inserted, `false` when a mail with the same `dedup_key` is
/// already there (sent or not): that is how a re-run or a projection rebuild never mails twice.
/// Refuses an implausible recipient and any line break or control character in the recipient or
/// the subject (header injection), and an empty `dedup_key`.
pub fn enqueue(
    conn: &Connection,
    mail: &OutgoingMail,
    now: DateTime<Utc>,
) -> Result<bool, MailError> {
    check_header_text("recipient", &mail.recipient)?;
    check_header_text("subject", &mail.subject)?;
    if domain::Email::parse(&mail.recipient).is_err() {
        return Err(MailError::InvalidRecipient(mail.recipient.clone()));
    }
    if mail.dedup_key.trim().is_empty() {
        return Err(MailError::EmptyDedupKey);
    }
    let now = format_instant(now);
    // Not `INSERT OR IGNORE`: that would also swallow NOT NULL and primary-key violations.
    // Only a second mail for the same cause is meant to be ignored.
    let inserted = conn
        .prepare_cached(
            "INSERT INTO mail_outbox (mail_id, kind, dedup_key, recipient, subject, body, created_at, next_attempt_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)
             ON CONFLICT (dedup_key) DO NOTHING",
        )?
        .execute(params![
            Uuid::now_v7().to_string(),
            mail.kind.as_str(),
            mail.dedup_key,
            mail.recipient,
            mail.subject,
            mail.body,
            now,
        ])?;
    Ok(inserted == 1)
}

/// Which rows [`list`] returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutboxFilter {
    All,
    /// Not sent yet and still tried by the worker (including mails that failed fewer than
    /// [`MAX_ATTEMPTS`] times and wait for their retry).
    Pending,
    Sent,
    /// Given up after [`MAX_ATTEMPTS`] failures: the worker no longer tries them until staff
    /// calls [`retry`].
    Failed,
}

/// Where a mail stands; the three are disjoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxStatus {
    Pending,
    Sent,
    Failed,
}

/// One outbox row as staff sees it (`portail mail outbox [--json]`). The body is left out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub struct OutboxEntry {
    pub mail_id: String,
    pub kind: MailKind,
    pub status: OutboxStatus,
    pub recipient: String,
    pub subject: String,
    pub created_at: DateTime<Utc>,
    pub attempts: u32,
    pub next_attempt_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
}

/// The rows matching `filter`, oldest first.
pub fn list(conn: &Connection, filter: OutboxFilter) -> Result<Vec<OutboxEntry>, MailError> {
    // One literal statement per filter: no SQL is ever assembled from pieces.
    let sql = match filter {
        OutboxFilter::All => {
            "SELECT mail_id, kind, recipient, subject, created_at, attempts, next_attempt_at, sent_at, last_error
             FROM mail_outbox ORDER BY created_at, mail_id"
        }
        OutboxFilter::Pending => {
            "SELECT mail_id, kind, recipient, subject, created_at, attempts, next_attempt_at, sent_at, last_error
             FROM mail_outbox WHERE sent_at IS NULL AND attempts < ?1 ORDER BY created_at, mail_id"
        }
        OutboxFilter::Sent => {
            "SELECT mail_id, kind, recipient, subject, created_at, attempts, next_attempt_at, sent_at, last_error
             FROM mail_outbox WHERE sent_at IS NOT NULL ORDER BY created_at, mail_id"
        }
        OutboxFilter::Failed => {
            "SELECT mail_id, kind, recipient, subject, created_at, attempts, next_attempt_at, sent_at, last_error
             FROM mail_outbox WHERE sent_at IS NULL AND attempts >= ?1 ORDER BY created_at, mail_id"
        }
    };
    let mut statement = conn.prepare_cached(sql)?;
    let rows = match filter {
        OutboxFilter::Pending | OutboxFilter::Failed => {
            statement.query_map(params![MAX_ATTEMPTS], entry_from_row)?
        }
        OutboxFilter::All | OutboxFilter::Sent => statement.query_map([], entry_from_row)?,
    };
    let mut entries = Vec::new();
    for row in rows {
        entries.push(row??);
    }
    Ok(entries)
}

/// The mails whose cause (`dedup_key`) begins with `prefix`, oldest first, each with its cause:
/// e.g. every report mail of one transmission run.
pub fn caused_by(conn: &Connection, prefix: &str) -> Result<Vec<(String, OutboxEntry)>, MailError> {
    let mut statement = conn.prepare_cached(
        "SELECT mail_id, kind, recipient, subject, created_at, attempts, next_attempt_at, sent_at, last_error, dedup_key
         FROM mail_outbox WHERE substr(dedup_key, 1, length(?1)) = ?1 ORDER BY created_at, mail_id",
    )?;
    let rows = statement.query_map(params![prefix], |row| {
        let cause: String = row.get(9)?;
        Ok(entry_from_row(row)?.map(|entry| (cause, entry)))
    })?;
    let mut mails = Vec::new();
    for row in rows {
        mails.push(row??);
    }
    Ok(mails)
}

fn entry_from_row(row: &Row<'_>) -> rusqlite::Result<Result<OutboxEntry, MailError>> {
    let mail_id: String = row.get(0)?;
    let kind: String = row.get(1)?;
    let attempts: i64 = row.get(5)?;
    let created_at: String = row.get(4)?;
    let next_attempt_at: String = row.get(6)?;
    let sent_at: Option<String> = row.get(7)?;
    let raw = RawEntry {
        mail_id,
        kind,
        recipient: row.get(2)?,
        subject: row.get(3)?,
        created_at,
        attempts,
        next_attempt_at,
        sent_at,
        last_error: row.get(8)?,
    };
    Ok(raw.parse())
}

struct RawEntry {
    mail_id: String,
    kind: String,
    recipient: String,
    subject: String,
    created_at: String,
    attempts: i64,
    next_attempt_at: String,
    sent_at: Option<String>,
    last_error: Option<String>,
}

impl RawEntry {
    fn parse(self) -> Result<OutboxEntry, MailError> {
        let malformed = |detail: String| MailError::Malformed {
            mail_id: self.mail_id.clone(),
            detail,
        };
        let kind = MailKind::parse(&self.kind)
            .ok_or_else(|| malformed(format!("unknown kind {:?}", self.kind)))?;
        let attempts = u32::try_from(self.attempts)
            .map_err(|_| malformed(format!("attempts is {}", self.attempts)))?;
        let instant = |text: &str| {
            parse_instant(text).ok_or_else(|| malformed(format!("bad instant {text:?}")))
        };
        let created_at = instant(&self.created_at)?;
        let next_attempt_at = instant(&self.next_attempt_at)?;
        let sent_at = self.sent_at.as_deref().map(instant).transpose()?;
        let status = if sent_at.is_some() {
            OutboxStatus::Sent
        } else if attempts >= MAX_ATTEMPTS {
            OutboxStatus::Failed
        } else {
            OutboxStatus::Pending
        };
        Ok(OutboxEntry {
            mail_id: self.mail_id,
            kind,
            status,
            recipient: self.recipient,
            subject: self.subject,
            created_at,
            attempts,
            next_attempt_at,
            sent_at,
            last_error: self.last_error,
        })
    }
}

/// Staff's action on a mail the worker gave up on (or any unsent mail): its attempts go back to
/// 0 and it is due at `now`. Returns `false` when no unsent mail has this id.
pub fn retry(conn: &Connection, mail_id: &str, now: DateTime<Utc>) -> Result<bool, MailError> {
    let changed = conn
        .prepare_cached(
            "UPDATE mail_outbox SET attempts = 0, next_attempt_at = ?2
             WHERE mail_id = ?1 AND sent_at IS NULL",
        )?
        .execute(params![mail_id, format_instant(now)])?;
    Ok(changed == 1)
}

/// One page of the outbox, newest first: the rows of `filter` from `offset`, at most `limit`,
/// and how many rows `filter` holds in all.
pub fn page(
    conn: &Connection,
    filter: OutboxFilter,
    offset: usize,
    limit: usize,
) -> Result<(Vec<OutboxEntry>, usize), MailError> {
    let which = match filter {
        OutboxFilter::All => "all",
        OutboxFilter::Pending => "pending",
        OutboxFilter::Sent => "sent",
        OutboxFilter::Failed => "failed",
    };
    // Literal statements: the filter is a bound value.
    let total: i64 = conn
        .prepare_cached(
            "SELECT COUNT(*) FROM mail_outbox WHERE (?1 = 'all'
                OR (?1 = 'pending' AND sent_at IS NULL AND attempts < ?2)
                OR (?1 = 'sent' AND sent_at IS NOT NULL)
                OR (?1 = 'failed' AND sent_at IS NULL AND attempts >= ?2))",
        )?
        .query_row(params![which, MAX_ATTEMPTS], |row| row.get(0))?;
    let mut statement = conn.prepare_cached(
        "SELECT mail_id, kind, recipient, subject, created_at, attempts, next_attempt_at, sent_at, last_error
         FROM mail_outbox WHERE (?1 = 'all'
            OR (?1 = 'pending' AND sent_at IS NULL AND attempts < ?2)
            OR (?1 = 'sent' AND sent_at IS NOT NULL)
            OR (?1 = 'failed' AND sent_at IS NULL AND attempts >= ?2))
         ORDER BY created_at DESC, mail_id DESC LIMIT ?3 OFFSET ?4",
    )?;
    let bound = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    let rows = statement.query_map(
        params![which, MAX_ATTEMPTS, bound(limit), bound(offset)],
        entry_from_row,
    )?;
    let mut entries = Vec::new();
    for row in rows {
        entries.push(row??);
    }
    Ok((entries, usize::try_from(total).unwrap_or(0)))
}

/// What [`resend`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resent {
    /// A failed mail: its attempts went back to 0 and it is due now.
    Retried,
    /// A sent mail: a new copy (this id) is queued, due now; the sent one stays as it was, the
    /// record of its delivery.
    Copied { mail_id: String },
    /// Not sent yet and still tried by the worker: nothing to do.
    StillPending,
    /// No mail has this id.
    Unknown,
}

/// Staff's « Renvoyer »: a failed mail is due again now (attempts reset); a sent one is queued
/// again as a new row of its own (new id, hence a new Message-ID a receiving server will not
/// drop as a duplicate; cause `resend:<new id>:<original cause>`).
pub fn resend(conn: &Connection, mail_id: &str, now: DateTime<Utc>) -> Result<Resent, MailError> {
    let Some(entry) = one(conn, mail_id)? else {
        return Ok(Resent::Unknown);
    };
    match entry.status {
        OutboxStatus::Pending => Ok(Resent::StillPending),
        OutboxStatus::Failed => {
            retry(conn, mail_id, now)?;
            Ok(Resent::Retried)
        }
        OutboxStatus::Sent => {
            let copy = Uuid::now_v7().to_string();
            conn.prepare_cached(
                "INSERT INTO mail_outbox (mail_id, kind, dedup_key, recipient, subject, body, created_at, next_attempt_at)
                 SELECT ?2, kind, 'resend:' || ?2 || ':' || dedup_key, recipient, subject, body, ?3, ?3
                 FROM mail_outbox WHERE mail_id = ?1",
            )?
            .execute(params![mail_id, copy, format_instant(now)])?;
            Ok(Resent::Copied { mail_id: copy })
        }
    }
}

/// The mail `mail_id`, if any.
pub fn one(conn: &Connection, mail_id: &str) -> Result<Option<OutboxEntry>, MailError> {
    conn.prepare_cached(
        "SELECT mail_id, kind, recipient, subject, created_at, attempts, next_attempt_at, sent_at, last_error
         FROM mail_outbox WHERE mail_id = ?1",
    )?
    .query_row(params![mail_id], entry_from_row)
    .optional()?
    .transpose()
}

/// Deletes mails sent before `sent_before` (their bodies hold personal data: names of children,
/// days). Their dedup keys go with them, so purge only mails whose cause can no longer be
/// replayed into a new enqueue (e.g. older than the retention of transmission runs).
/// Returns the number of rows deleted.
pub fn purge_sent(conn: &Connection, sent_before: DateTime<Utc>) -> Result<usize, MailError> {
    Ok(conn
        .prepare_cached("DELETE FROM mail_outbox WHERE sent_at IS NOT NULL AND sent_at < ?1")?
        .execute(params![format_instant(sent_before)])?)
}

/// A mail claimed by the worker, with what it needs to send it.
pub(crate) struct Claimed {
    pub(crate) mail_id: String,
    pub(crate) kind: String,
    pub(crate) recipient: String,
    pub(crate) subject: String,
    pub(crate) body: String,
    pub(crate) attempts: u32,
}

/// Ids of the mails due at `now`, earliest first.
pub(crate) fn due(
    conn: &Connection,
    now: DateTime<Utc>,
    limit: usize,
) -> rusqlite::Result<Vec<String>> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut statement = conn.prepare_cached(
        "SELECT mail_id FROM mail_outbox
         WHERE sent_at IS NULL AND next_attempt_at <= ?1 AND attempts < ?2
         ORDER BY next_attempt_at, mail_id LIMIT ?3",
    )?;
    let ids = statement
        .query_map(params![format_instant(now), MAX_ATTEMPTS, limit], |row| {
            row.get(0)
        })?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(ids)
}

/// Takes `mail_id` for sending if it is still due, pushing its `next_attempt_at` to
/// `lease_until` so another worker (the server and a CLI `flush` at once) skips it.
pub(crate) fn claim(
    conn: &Connection,
    mail_id: &str,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
) -> Result<Option<Claimed>, MailError> {
    let claimed = conn
        .prepare_cached(
            "UPDATE mail_outbox SET next_attempt_at = ?3
             WHERE mail_id = ?1 AND sent_at IS NULL AND next_attempt_at <= ?2 AND attempts < ?4
             RETURNING mail_id, kind, recipient, subject, body, attempts",
        )?
        .query_row(
            params![
                mail_id,
                format_instant(now),
                format_instant(lease_until),
                MAX_ATTEMPTS
            ],
            |row| {
                let attempts: i64 = row.get(5)?;
                Ok(Claimed {
                    mail_id: row.get(0)?,
                    kind: row.get(1)?,
                    recipient: row.get(2)?,
                    subject: row.get(3)?,
                    body: row.get(4)?,
                    attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
                })
            },
        )
        .optional()?;
    Ok(claimed)
}

pub(crate) fn mark_sent(
    conn: &Connection,
    mail_id: &str,
    now: DateTime<Utc>,
) -> Result<(), MailError> {
    conn.prepare_cached(
        "UPDATE mail_outbox SET sent_at = ?2, next_attempt_at = ?2 WHERE mail_id = ?1 AND sent_at IS NULL",
    )?
    .execute(params![mail_id, format_instant(now)])?;
    Ok(())
}

pub(crate) fn mark_failed(
    conn: &Connection,
    mail_id: &str,
    attempts: u32,
    next_attempt_at: DateTime<Utc>,
    error: &str,
) -> Result<(), MailError> {
    conn.prepare_cached(
        "UPDATE mail_outbox SET attempts = ?2, next_attempt_at = ?3, last_error = ?4
         WHERE mail_id = ?1 AND sent_at IS NULL",
    )?
    .execute(params![
        mail_id,
        attempts,
        format_instant(next_attempt_at),
        error
    ])?;
    Ok(())
}

/// Unsent mails the worker still tries (due now or later).
pub(crate) fn count_pending(conn: &Connection) -> rusqlite::Result<usize> {
    let count: i64 = conn
        .prepare_cached("SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL AND attempts < ?1")?
        .query_row(params![MAX_ATTEMPTS], |row| row.get(0))?;
    Ok(usize::try_from(count).unwrap_or(0))
}

/// Fixed width, so that text order is time order (as the event store's `recorded_at`).
const INSTANT_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.6fZ";

pub(crate) fn format_instant(instant: DateTime<Utc>) -> String {
    instant.format(INSTANT_FORMAT).to_string()
}

fn parse_instant(text: &str) -> Option<DateTime<Utc>> {
    NaiveDateTime::parse_from_str(text, INSTANT_FORMAT)
        .ok()
        .map(|naive| naive.and_utc())
}
