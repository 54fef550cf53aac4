//! E-mail addresses: parsed once where they enter (the profile form, the payment page, the setup
//! file, a registry row), then carried as [`Email`], which only ever holds an address a mail can
//! be sent to.

use std::fmt;

/// Shortest and longest address accepted, in characters (the portal's form and PayFiP's limit).
const LENGTH: std::ops::RangeInclusive<usize> = 6..=80;
/// RFC 5321: at most 64 bytes before the `@`, 63 per domain label.
const MAX_LOCAL_BYTES: usize = 64;
const MAX_LABEL_BYTES: usize = 63;

/// A bare address (`local@domain.tld`) that SMTP can carry: 6 to 80 characters, no display name,
/// no whitespace or control character, a dot-atom before the `@` (RFC 5322), a dotted domain
/// whose labels begin and end with a letter or a digit.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Email(String);

/// The text is not an address [`Email`] accepts. Each caller words the refusal for its reader.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not an e-mail address")]
pub struct EmailError;

impl Email {
    /// `text` as it is (callers trim what people typed): refused unless the whole of it is an
    /// address.
    pub fn parse(text: &str) -> Result<Email, EmailError> {
        let (local, domain) = text.rsplit_once('@').ok_or(EmailError)?;
        let valid = LENGTH.contains(&text.chars().count())
            && is_dot_atom(local)
            && local.len() <= MAX_LOCAL_BYTES
            && domain.contains('.')
            && domain.split('.').all(is_domain_label);
        valid.then(|| Email(text.to_owned())).ok_or(EmailError)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<Email> for String {
    fn from(email: Email) -> String {
        email.0
    }
}

impl AsRef<str> for Email {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Read-only: an `Email` is used wherever its text is (`as_deref`, comparisons).
impl std::ops::Deref for Email {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for Email {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Email {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// RFC 5322 `atext`, letters and digits of any script included (as SMTPUTF8 allows).
fn is_atext(c: char) -> bool {
    c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c) || (!c.is_ascii() && !is_blank(c))
}

fn is_blank(c: char) -> bool {
    c.is_whitespace() || c.is_control()
}

/// Atoms joined by single dots, none empty.
fn is_dot_atom(text: &str) -> bool {
    text.split('.')
        .all(|atom| !atom.is_empty() && atom.chars().all(is_atext))
}

/// A label of a domain name: `atext` that begins and ends with a letter or a digit (so neither
/// with a hyphen), at most 63 bytes.
fn is_domain_label(label: &str) -> bool {
    label.len() <= MAX_LABEL_BYTES
        && label.starts_with(char::is_alphanumeric)
        && label.ends_with(char::is_alphanumeric)
        && label.chars().all(is_atext)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_addresses_are_accepted_and_kept_as_typed() {
        for text in [
            "jean@exemple.fr",
            "a@b.fr",
            "jp.dupont+alsh@mairie-quinsac.fr",
        ] {
            assert_eq!(
                Email::parse(text).map(|e| e.to_string()),
                Ok(text.to_owned())
            );
        }
    }

    #[test]
    fn what_a_mail_header_cannot_carry_is_refused() {
        for text in [
            "",
            "pas-une-adresse",
            "pas une adresse",
            "parent@localhost",
            "@example.fr",
            "parent@@example.fr",
            "Jean <parent@example.fr>",
            "parent @example.fr",
            " parent@example.fr",
            "jean@exemple.fr\r\nBcc: x@y.fr",
            "jean..dupont@exemple.fr",
            ".jean@exemple.fr",
            "jean@-exemple.fr",
            "jean@exemple-.fr",
            "jean@exemple..fr",
            "a@b.c",
            "\"jean\"@exemple.fr",
            "jean@[127.0.0.1]",
        ] {
            assert_eq!(Email::parse(text), Err(EmailError), "{text:?} accepted");
        }
    }

    #[test]
    fn the_length_is_bounded() {
        let long = format!("{}@{}.fr", "a".repeat(60), "b".repeat(16));
        assert_eq!(long.chars().count(), 80);
        assert!(Email::parse(&long).is_ok());
        assert!(Email::parse(&format!("a{long}")).is_err());
        assert!(Email::parse(&format!("{}@exemple.fr", "a".repeat(65))).is_err());
    }
}
