//! Building the RFC 5322 message of an outbox row.

use std::time::SystemTime;

use chrono::{DateTime, Utc};
use domain::Email;
use lettre::Message;
use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, SinglePart};

use crate::error::MailError;

/// The right-hand side of our Message-IDs: `<mail_id@portail-famille>`.
pub const MESSAGE_ID_DOMAIN: &str = "portail-famille";

/// The Message-ID of an outbox row. Stable across attempts, so a mail delivered twice (a crash
/// between the send and the mark, see [`crate::flush`]) carries the same id both times.
pub fn message_id(mail_id: &str) -> String {
    format!("<{mail_id}@{MESSAGE_ID_DOMAIN}>")
}

/// Refuses text that would break out of a header line.
pub(crate) fn check_header_text(field: &'static str, text: &str) -> Result<(), MailError> {
    if text.chars().any(char::is_control) {
        return Err(MailError::HeaderInjection { field });
    }
    Ok(())
}

/// The message of one outbox row: From the configured sender, To the recipient, the subject, a
/// Message-ID made from `mail_id`, `Date` = `date`, `Auto-Submitted: auto-generated` (RFC 3834,
/// so auto-responders do not answer) and a plain-text UTF-8 body (lettre picks 7bit or
/// quoted-printable).
pub fn build_message(
    from: &Mailbox,
    mail_id: &str,
    recipient: &str,
    subject: &str,
    body: &str,
    date: DateTime<Utc>,
) -> Result<Message, MailError> {
    check_header_text("recipient", recipient)?;
    check_header_text("subject", subject)?;
    check_header_text("mail_id", mail_id)?;
    let invalid = || MailError::InvalidRecipient(recipient.to_owned());
    let to: lettre::Address = Email::parse(recipient)
        .map_err(|_| invalid())?
        .as_str()
        .parse()
        .map_err(|_| invalid())?;
    Message::builder()
        .from(from.clone())
        .to(Mailbox::new(None, to))
        .subject(subject)
        .message_id(Some(message_id(mail_id)))
        .date(SystemTime::from(date))
        .header(AutoSubmitted)
        .singlepart(SinglePart::plain(body.to_owned()))
        .map_err(|error| MailError::Message(error.to_string()))
}

/// `Auto-Submitted: auto-generated` (RFC 3834).
#[derive(Clone, Debug)]
struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoSubmitted)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".to_owned())
    }
}
