//! The delivery worker: sends due outbox rows and records what happened.
//!
//! Delivery is at least once, and exactly once unless the process dies at one precise moment:
//! each mail is marked sent in its own committed transaction right after the transport accepted
//! it, so a restart never resends a mail already marked. The window left is a crash (or a failed
//! commit) *between* the transport's acceptance and that commit: the row is still unsent, and
//! once the claim lease ([`CLAIM_LEASE_SECONDS`]) expires it is sent again. The duplicate then
//! carries the same `Message-ID: <mail_id@portail-famille>` as the first copy, so the relay,
//! the mail client or staff reading logs can recognise it. Closing the window entirely would
//! need the relay to take part in our transaction, which SMTP cannot do.
//!
//! Several workers may run at once (the server's background loop and a `portail mail flush`):
//! a mail is *claimed* in a write transaction before it is sent, by moving its
//! `next_attempt_at` to the end of a lease, and a worker only sends what it claimed.
//!
//! Failures are retried with exponential backoff ([`backoff`]). After [`MAX_ATTEMPTS`] failed
//! attempts the worker gives up: the mail stays in the outbox, listed by
//! `OutboxFilter::Failed`, until staff fixes the cause (the address, the relay settings) and
//! calls [`crate::retry`].

use chrono::{DateTime, Duration, Utc};
use lettre::message::Mailbox;
use serde::Serialize;

use crate::error::MailError;
use crate::message::build_message;
use crate::outbox::{self, Claimed};
use crate::transport::Transport;

/// Failed attempts after which the worker stops trying a mail.
pub const MAX_ATTEMPTS: u32 = 10;

/// How long a claimed mail is reserved to the worker that claimed it. Longer than any single
/// send (bounded by the SMTP timeout); if the worker dies, the mail is due again after it.
pub const CLAIM_LEASE_SECONDS: i64 = 15 * 60;

/// The first retry comes after one minute.
const FIRST_RETRY_SECONDS: i64 = 60;
/// No wait is longer than six hours.
const MAX_RETRY_SECONDS: i64 = 6 * 60 * 60;

/// The wait before the next attempt of a mail that has just failed, given how many attempts
/// had failed before this one: 1 min × 2^attempts, at most 6 h (1, 2, 4 … 256 min, then 6 h).
pub fn backoff(previous_failures: u32) -> Duration {
    let factor = 1_i64
        .checked_shl(previous_failures.min(30))
        .unwrap_or(i64::MAX);
    Duration::seconds(
        FIRST_RETRY_SECONDS
            .saturating_mul(factor)
            .min(MAX_RETRY_SECONDS),
    )
}

/// What one [`flush`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FlushReport {
    /// Mails the transport accepted, now marked sent.
    pub sent: usize,
    /// Mails whose attempt failed in this flush (retried later, or given up).
    pub failed: usize,
    /// Unsent mails the worker will still try, due now or later.
    pub still_pending: usize,
}

/// Sends up to `limit` mails due at `now` through `transport`, with `from` as sender, marking
/// each right after its attempt. Returns early only on a database error; a transport error is
/// recorded on the mail and the flush goes on. See the module documentation for the guarantees.
pub fn flush(
    store: &store::EventStore,
    transport: &dyn Transport,
    from: &Mailbox,
    now: DateTime<Utc>,
    limit: usize,
) -> Result<FlushReport, MailError> {
    let due = store.read(|conn| Ok(outbox::due(conn, now, limit)?))?;
    let lease_until = now + Duration::seconds(CLAIM_LEASE_SECONDS);
    let mut report = FlushReport::default();
    for mail_id in due {
        let claimed =
            store.write(move |tx| outbox::claim(tx.connection(), &mail_id, now, lease_until))?;
        let Some(mail) = claimed else {
            // Sent, retried or claimed by another worker since we read it.
            continue;
        };
        match attempt(transport, from, &mail, now) {
            Ok(()) => {
                let mail_id = mail.mail_id.clone();
                store.write(move |tx| outbox::mark_sent(tx.connection(), &mail_id, now))?;
                report.sent += 1;
                tracing::info!(mail_id = %mail.mail_id, kind = %mail.kind, "mail sent");
            }
            Err(error) => {
                let attempts = mail.attempts.saturating_add(1);
                let next_attempt_at = now + backoff(mail.attempts);
                let mail_id = mail.mail_id.clone();
                let stored_error = error.clone();
                store.write(move |tx| {
                    outbox::mark_failed(
                        tx.connection(),
                        &mail_id,
                        attempts,
                        next_attempt_at,
                        &stored_error,
                    )
                })?;
                report.failed += 1;
                if attempts >= MAX_ATTEMPTS {
                    tracing::error!(
                        mail_id = %mail.mail_id, kind = %mail.kind, attempts, %error,
                        "mail not sent; giving up until staff retries it"
                    );
                } else {
                    tracing::warn!(
                        mail_id = %mail.mail_id, kind = %mail.kind, attempts, %error,
                        next_attempt_at = %next_attempt_at, "mail not sent; will retry"
                    );
                }
            }
        }
    }
    report.still_pending = store.read(|conn| Ok(outbox::count_pending(conn)?))?;
    Ok(report)
}

/// Builds and sends one mail; the error as text, to be stored.
fn attempt(
    transport: &dyn Transport,
    from: &Mailbox,
    mail: &Claimed,
    now: DateTime<Utc>,
) -> Result<(), String> {
    let message = build_message(
        from,
        &mail.mail_id,
        &mail.recipient,
        &mail.subject,
        &mail.body,
        now,
    )
    .map_err(|error| error.to_string())?;
    transport.send(&message).map_err(|error| error.to_string())
}
