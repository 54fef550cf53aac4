//! Building the RFC 5322 message of an outbox row.

use std::time::SystemTime;

use chrono::{DateTime, Utc};
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

/// A bare address (`local@domain.tld`) that SMTP can carry: no display name, no whitespace or
/// control character, at most 254 bytes, a dotted domain, and accepted by lettre's parser.
pub fn is_plausible_address(text: &str) -> bool {
    let Some((local, domain)) = text.rsplit_once('@') else {
        return false;
    };
    let forbidden = |c: char| c.is_whitespace() || c.is_control() || "<>()[],;:\"\\@".contains(c);
    text.len() <= 254
        && !local.is_empty()
        && !local.chars().any(forbidden)
        && domain.contains('.')
        && !domain.chars().any(forbidden)
        && domain
            .split('.')
            .all(|label| !label.is_empty() && !label.starts_with('-') && !label.ends_with('-'))
        && text.parse::<lettre::Address>().is_ok()
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
    if !is_plausible_address(recipient) {
        return Err(MailError::InvalidRecipient(recipient.to_owned()));
    }
    let to: lettre::Address = recipient
        .parse()
        .map_err(|_| MailError::InvalidRecipient(recipient.to_owned()))?;
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
