//! Online payment of Portail Famille.
//!
//! * [`PaymentProvider`]: the port the application talks to (create an operation, read its
//!   outcome). Callbacks from providers are never trusted: they only trigger a
//!   [`PaymentProvider::detail`] call.
//! * [`payfip`]: the adapter for PayFiP régie web-service (DGFiP), over SOAP 1.1.
//! * [`simulator`]: a local PayFiP speaking the same SOAP calls, with a test payment page, for
//!   development, demonstrations and tests. Never mount it in production.
//!
//! The adapter is blocking (it uses a blocking HTTP client): from async code, call it inside
//! `tokio::task::spawn_blocking`.
#![forbid(unsafe_code)]

pub mod payfip;
pub mod simulator;
mod xml;

use chrono::TimeDelta;
use domain::Money;
use domain::values::OnlinePaymentFailure;

pub use payfip::{PayfipConfig, PayfipMode, PayfipProvider};

/// Smallest amount PayFiP accepts: 1.00 €.
pub const MIN_AMOUNT_CENTS: i64 = 100;
/// Largest amount PayFiP accepts: 100 000.00 €.
pub const MAX_AMOUNT_CENTS: i64 = 10_000_000;
/// E-mail length bounds (PayFiP `mel`, mandatory).
pub const EMAIL_LENGTH: std::ops::RangeInclusive<usize> = 6..=80;
/// Longest reference (PayFiP `refdet`: 1 to 30 ASCII letters or digits).
pub const MAX_REFERENCE_LENGTH: usize = 30;
/// Longest object (PayFiP `objet`). Longer texts are refused rather than cut.
pub const MAX_OBJECT_LENGTH: usize = 100;
/// A PayFiP operation can be opened for 15 minutes after its creation.
pub const OPERATION_VALIDITY: TimeDelta = TimeDelta::minutes(15);
/// After this age an operation still without result (fault P5) will never be paid:
/// 15 minutes of validity plus a margin for a payment started at the last minute.
pub const PENDING_EXPIRY: TimeDelta = TimeDelta::minutes(20);

/// A payment service the parents are sent to.
pub trait PaymentProvider: Send + Sync {
    /// Short stable name, recorded in `OnlinePaymentStarted::provider` (`"payfip"`).
    fn name(&self) -> &'static str;

    /// Registers an operation with the provider; the browser is then sent to
    /// [`CreatedPayment::redirect_url`]. The request is validated before any network call.
    fn create(&self, request: &CreatePayment) -> Result<CreatedPayment, ProviderError>;

    /// Asks the provider for the outcome of an operation. This is the only source of truth:
    /// call it on the notification, on the browser's return and when reconciling.
    fn detail(&self, operation_id: &str) -> Result<PaymentStatus, ProviderError>;
}

/// What to pay, and where the provider sends the parent and its notification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreatePayment {
    /// 1.00 ..= 100 000.00 €.
    pub amount: Money,
    /// The payer's e-mail (PayFiP `mel`, 6 to 80 characters).
    pub email: String,
    /// Our reference (PayFiP `refdet`): 1 to 30 ASCII letters or digits.
    pub reference: String,
    /// What is paid (PayFiP `objet`), shown on the payment page; may be empty.
    pub object: String,
    /// Server-to-server notification URL (PayFiP `urlnotif`).
    pub notify_url: String,
    /// Where the browser comes back (PayFiP `urlredirect`).
    pub return_url: String,
}

/// An operation registered by the provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreatedPayment {
    /// The provider's operation id (PayFiP `idOp`): record it (unique) before redirecting.
    pub operation_id: String,
    /// Where to send the browser (`…/tpa/paiementws.web?idop=<idOp>`).
    pub redirect_url: String,
}

/// The outcome of an operation, as the provider tells it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PaymentStatus {
    /// Paid: `result` is PayFiP `resultrans` (`P` card, `V` direct debit); `amount` is the
    /// amount the provider actually took — compare it with the amount started.
    Paid { result: String, amount: Money },
    /// Refused by the bank: `result` is `R` (card) or `Z` (direct debit).
    Refused { result: String },
    /// The parent abandoned the payment (`A`).
    Cancelled,
    /// No result yet (PayFiP fault P5): ask again later.
    Pending,
    /// The operation is unknown or expired (PayFiP fault P1, or pending for too long, see
    /// [`PaymentStatus::aged`]): nothing was or will be paid.
    Expired,
}

impl PaymentStatus {
    /// Whether the operation will not change any more.
    pub fn is_final(&self) -> bool {
        !matches!(self, PaymentStatus::Pending)
    }

    /// The provider's code for this outcome, for `provider_result` in events:
    /// `P`/`V`, `R`/`Z`, `A`, `P5` (pending) or `P1` (expired).
    pub fn result_code(&self) -> &str {
        match self {
            PaymentStatus::Paid { result, .. } | PaymentStatus::Refused { result } => result,
            PaymentStatus::Cancelled => "A",
            PaymentStatus::Pending => "P5",
            PaymentStatus::Expired => "P1",
        }
    }

    /// The failure to record, for outcomes that end without credit.
    pub fn failure(&self) -> Option<OnlinePaymentFailure> {
        match self {
            PaymentStatus::Refused { .. } => Some(OnlinePaymentFailure::Refused),
            PaymentStatus::Cancelled => Some(OnlinePaymentFailure::Cancelled),
            PaymentStatus::Expired => Some(OnlinePaymentFailure::Expired),
            PaymentStatus::Paid { .. } | PaymentStatus::Pending => None,
        }
    }

    /// Reads a status knowing the operation's age: real PayFiP keeps answering P5 for an
    /// operation nobody paid until its nightly clean-up, so a pending operation older than
    /// [`PENDING_EXPIRY`] is expired.
    pub fn aged(self, age: TimeDelta) -> PaymentStatus {
        match self {
            PaymentStatus::Pending if age >= PENDING_EXPIRY => PaymentStatus::Expired,
            other => other,
        }
    }
}

/// Why a provider call failed. Messages are French: they may reach staff screens.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProviderError {
    /// The request was refused before any call.
    #[error("demande de paiement invalide : {0}")]
    Invalid(String),
    /// The provider could not be reached, or answered with an HTTP error and no SOAP fault.
    #[error("service de paiement injoignable : {0}")]
    Transport(String),
    /// The provider answered with a SOAP fault other than the ones mapped to a status.
    #[error("le service de paiement a refusé la demande (code {code}) : {message}")]
    Fault { code: String, message: String },
    /// The provider's answer could not be understood.
    #[error("réponse du service de paiement incompréhensible : {0}")]
    Protocol(String),
}

impl CreatePayment {
    /// Checks everything PayFiP checks, and refuses line breaks and control characters anywhere.
    pub fn validate(&self) -> Result<(), ProviderError> {
        let invalid = |message: String| Err(ProviderError::Invalid(message));
        for (field, value) in [
            ("adresse électronique", &self.email),
            ("référence", &self.reference),
            ("objet", &self.object),
            ("adresse de notification", &self.notify_url),
            ("adresse de retour", &self.return_url),
        ] {
            if value.contains(['\r', '\n']) {
                return invalid(format!(
                    "le champ « {field} » ne doit pas contenir de retour à la ligne"
                ));
            }
            if value.chars().any(char::is_control) {
                return invalid(format!(
                    "le champ « {field} » contient un caractère de contrôle"
                ));
            }
        }

        let cents = self.amount.cents().unwrap_or(i64::MAX);
        if cents < MIN_AMOUNT_CENTS {
            return invalid(format!(
                "le montant minimum d'un paiement en ligne est de 1,00 € (demandé : {} €)",
                self.amount
            ));
        }
        if cents > MAX_AMOUNT_CENTS {
            return invalid(format!(
                "le montant maximum d'un paiement en ligne est de 100 000,00 € (demandé : {} €)",
                self.amount
            ));
        }

        let email_length = self.email.chars().count();
        if !EMAIL_LENGTH.contains(&email_length) {
            return invalid(format!(
                "l'adresse électronique doit compter de 6 à 80 caractères (elle en compte {email_length})"
            ));
        }
        if !valid_email_shape(&self.email) {
            return invalid("l'adresse électronique n'est pas valide".to_owned());
        }

        if !valid_reference(&self.reference) {
            return invalid(
                "la référence doit compter de 1 à 30 lettres ou chiffres, sans espace ni accent"
                    .to_owned(),
            );
        }

        if self.object.chars().count() > MAX_OBJECT_LENGTH {
            return invalid(format!(
                "l'objet ne doit pas dépasser {MAX_OBJECT_LENGTH} caractères"
            ));
        }

        for (field, url) in [
            ("adresse de notification", &self.notify_url),
            ("adresse de retour", &self.return_url),
        ] {
            if !valid_http_url(url) {
                return invalid(format!(
                    "l'{field} doit être une adresse http:// ou https:// sans espace"
                ));
            }
        }
        Ok(())
    }
}

/// `local@domain`, one `@`, no spaces: what PayFiP checks (code A2), no more.
fn valid_email_shape(email: &str) -> bool {
    let mut parts = email.split('@');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(local), Some(domain), None) => {
            !local.is_empty()
                && !domain.is_empty()
                && !email.chars().any(char::is_whitespace)
                && !email.contains(['<', '>'])
        }
        _ => false,
    }
}

/// PayFiP `refdet`: 1 to 30 ASCII letters or digits.
pub fn valid_reference(reference: &str) -> bool {
    (1..=MAX_REFERENCE_LENGTH).contains(&reference.len())
        && reference.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn valid_http_url(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    matches!(rest, Some(host_and_path) if !host_and_path.is_empty() && !host_and_path.starts_with('/'))
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Whether a text can be an operation id (PayFiP `idOp`, a UUID in practice): 1 to 64 ASCII
/// letters, digits, `-`, `_` or `.`. Ids read from callbacks are checked with it before use.
pub fn valid_operation_id(operation_id: &str) -> bool {
    (1..=64).contains(&operation_id.len())
        && operation_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// French display of an amount of cents: `1 234,50 €` (narrow no-break space between
/// thousands, no-break space before the euro sign).
pub fn format_euros(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    let units = (cents / 100).to_string();
    let mut grouped = String::with_capacity(units.len() + units.len() / 3 * 3);
    for (index, digit) in units.chars().enumerate() {
        if index > 0 && (units.len() - index).is_multiple_of(3) {
            grouped.push('\u{202f}');
        }
        grouped.push(digit);
    }
    format!("{sign}{grouped},{:02}\u{a0}€", cents % 100)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn request() -> CreatePayment {
        CreatePayment {
            amount: Money::parse("79.00").unwrap(),
            email: "parent@example.org".into(),
            reference: "PF2026ABC123".into(),
            object: "Dépôt porte-monnaie".into(),
            notify_url: "https://portail.example.org/paiement/notification".into(),
            return_url: "https://portail.example.org/paiement/retour".into(),
        }
    }

    #[test]
    fn accepts_a_good_request_and_the_bounds() {
        assert_eq!(request().validate(), Ok(()));
        for amount in ["1.00", "100000.00"] {
            let mut r = request();
            r.amount = Money::parse(amount).unwrap();
            assert_eq!(r.validate(), Ok(()), "{amount}");
        }
    }

    #[test]
    fn refuses_what_payfip_would_refuse() {
        type Change = Box<dyn Fn(&mut CreatePayment)>;
        let cases: Vec<(&str, Change)> = vec![
            (
                "minimum",
                Box::new(|r| r.amount = Money::parse("0.99").unwrap()),
            ),
            (
                "maximum",
                Box::new(|r| r.amount = Money::from_cents(10_000_001)),
            ),
            ("minimum", Box::new(|r| r.amount = Money::from_cents(-500))),
            ("6 à 80", Box::new(|r| r.email = "a@b.c".into())),
            (
                "6 à 80",
                Box::new(|r| r.email = format!("{}@example.org", "a".repeat(70))),
            ),
            (
                "pas valide",
                Box::new(|r| r.email = "parent.example.org".into()),
            ),
            (
                "pas valide",
                Box::new(|r| r.email = "par ent@example.org".into()),
            ),
            ("référence", Box::new(|r| r.reference = "PF 12".into())),
            ("référence", Box::new(|r| r.reference = String::new())),
            ("référence", Box::new(|r| r.reference = "é".into())),
            ("référence", Box::new(|r| r.reference = "A".repeat(31))),
            ("objet", Box::new(|r| r.object = "x".repeat(101))),
            (
                "retour à la ligne",
                Box::new(|r| r.object = "a\r\nBcc: x".into()),
            ),
            (
                "retour à la ligne",
                Box::new(|r| r.email = "a@example.org\n".into()),
            ),
            ("contrôle", Box::new(|r| r.object = "a\u{0}b".into())),
            (
                "notification",
                Box::new(|r| r.notify_url = "ftp://x".into()),
            ),
            (
                "retour",
                Box::new(|r| r.return_url = "https:///chemin".into()),
            ),
            (
                "retour",
                Box::new(|r| r.return_url = "https://x/a b".into()),
            ),
        ];
        for (expected, change) in cases {
            let mut r = request();
            change(&mut r);
            match r.validate() {
                Err(ProviderError::Invalid(message)) => {
                    assert!(message.contains(expected), "{message} / {expected}")
                }
                other => panic!("{r:?} gave {other:?}"),
            }
        }
    }

    #[test]
    fn formats_amounts_the_french_way() {
        assert_eq!(format_euros(7900), "79,00\u{a0}€");
        assert_eq!(format_euros(5), "0,05\u{a0}€");
        assert_eq!(
            format_euros(123_456_789),
            "1\u{202f}234\u{202f}567,89\u{a0}€"
        );
        assert_eq!(format_euros(10_000_000), "100\u{202f}000,00\u{a0}€");
    }

    #[test]
    fn status_helpers() {
        assert_eq!(
            PaymentStatus::Pending.aged(TimeDelta::minutes(19)),
            PaymentStatus::Pending
        );
        assert_eq!(
            PaymentStatus::Pending.aged(TimeDelta::minutes(20)),
            PaymentStatus::Expired
        );
        assert_eq!(
            PaymentStatus::Cancelled.aged(TimeDelta::days(1)),
            PaymentStatus::Cancelled
        );
        assert_eq!(PaymentStatus::Cancelled.result_code(), "A");
        assert_eq!(
            PaymentStatus::Refused { result: "Z".into() }.failure(),
            Some(OnlinePaymentFailure::Refused)
        );
        assert!(!PaymentStatus::Pending.is_final());
        assert!(valid_operation_id("cc0cb210-1cd4-11ea-8cca-0213ad91a103"));
        assert!(!valid_operation_id("a b"));
        assert!(!valid_operation_id(""));
    }
}
