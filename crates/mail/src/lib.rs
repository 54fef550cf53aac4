//! Mail of Portail Famille: a transactional outbox, the worker that delivers it, two transports
//! (SMTP through lettre, `.eml` files for development and demos) and the French mail texts.
//!
//! How a mail travels:
//! 1. The command that causes it (a transmission run, a waitlist promotion, a password-reset
//!    request) renders it with a function of [`templates`] and calls [`enqueue`] on the
//!    connection of its own write transaction ([`store::WriteTx::connection`]). The mail exists
//!    if and only if the decision was committed; its `dedup_key` names the cause, so re-running
//!    the command or rebuilding projections never enqueues it twice.
//! 2. Later, outside any decision, [`flush`] sends the mails that are due and marks each one right
//!    after the transport accepted it, or schedules a retry with exponential backoff.
//!
//! Architecture invariants:
//! - nothing here decides anything about bookings: the crate only stores, renders and sends text;
//! - no mail is sent while a write transaction is open, and none during a replay;
//! - CR and LF never reach a mail header: [`enqueue`] refuses them in the recipient and the
//!   subject, and [`build_message`] checks again;
//! - logs name mails by `mail_id` and kind, never by recipient (personal data).
#![forbid(unsafe_code)]

mod error;
mod message;
mod outbox;
pub mod templates;
mod transport;
mod worker;

pub use error::MailError;
pub use message::{MESSAGE_ID_DOMAIN, build_message, message_id};
pub use outbox::{
    MailKind, OutboxEntry, OutboxFilter, OutboxStatus, OutgoingMail, Resent, SCHEMA, caused_by,
    enqueue, install, list, one, page, purge_sent, resend, retry,
};
pub use transport::{
    FileTransport, SmtpConfig, SmtpSecurity, SmtpTransport, Transport, TransportError,
};
pub use worker::{CLAIM_LEASE_SECONDS, FlushReport, MAX_ATTEMPTS, backoff, flush};

/// The sender mailbox type, re-exported so callers need not depend on lettre.
pub use lettre::message::Mailbox;
