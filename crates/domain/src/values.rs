//! Small value types carried by events.

use chrono::NaiveTime;
use serde::{Deserialize, Serialize};

use crate::money::Money;

/// The unit an activity books: what part of the day a place covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Matin,
    ApresMidi,
    Journee,
    Repas,
    Soir,
}

impl Unit {
    /// The French label shown to parents.
    pub fn label(&self) -> &'static str {
        match self {
            Unit::Matin => "Matin",
            Unit::ApresMidi => "Après-midi",
            Unit::Journee => "Journée",
            Unit::Repas => "Repas",
            Unit::Soir => "Soir",
        }
    }
}

/// A deadline "J-x à hh:mm" (Europe/Paris): the last instant to book or cancel a day is
/// `days_before` days before it at `at` local time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deadline {
    pub days_before: u16,
    #[serde(with = "hh_mm")]
    pub at: NaiveTime,
}

/// How an activity is priced per unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Pricing {
    /// One price for every family.
    Flat { amount: Money },
    /// By quotient familial bracket, in increasing order of `up_to`; the last bracket has no upper
    /// bound. A family without a known quotient pays the last (highest) bracket.
    Quotient { brackets: Vec<QuotientBracket> },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuotientBracket {
    /// Inclusive upper bound of the quotient familial; `None` for the last bracket.
    pub up_to: Option<u32>,
    pub amount: Money,
}

/// What the engine expects to happen to a booking request at transmission, computed when the
/// basket is submitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Forecast {
    PlaceAvailable,
    Waitlisted { expected_rank: u32 },
    Refused { reason: RefusalReason },
}

impl Forecast {
    /// Whether the request may end up costing money: a place, or a waitlist that may turn into
    /// one. A forecast refusal costs nothing.
    pub fn may_cost(&self) -> bool {
        match self {
            Forecast::PlaceAvailable | Forecast::Waitlisted { .. } => true,
            Forecast::Refused { .. } => false,
        }
    }
}

/// Why the transmission refused a booking request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefusalReason {
    /// No place left and the waitlist is full.
    WaitlistFull,
    /// No place left and the activity has no waitlist.
    Full,
    /// Another request of the same child on the same day, decided first, took the day.
    IncompatibleSameDay,
    /// Staff closed the day exceptionally after the request was made.
    DayClosed,
}

/// Who or what ended a reservation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CancellationCause {
    /// The family asked for it through a cancellation request.
    FamilyRequest,
    /// Staff cancelled it (closure, error, phone request).
    Staff,
    /// Staff closed the day exceptionally (`ActivityDayClosed`): every place was cancelled.
    DayClosed,
}

/// Payment modes of the desk (régie) and of the portal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PaymentMode {
    /// Chèque.
    #[serde(rename = "CH")]
    Cheque,
    /// Espèces.
    #[serde(rename = "ESP")]
    Cash,
    /// Carte bancaire.
    #[serde(rename = "CB")]
    Card,
    /// Prélèvement.
    #[serde(rename = "PRLV")]
    DirectDebit,
    /// Virement.
    #[serde(rename = "VIR")]
    Transfer,
    /// Chèque emploi service universel.
    #[serde(rename = "CESU")]
    Cesu,
    /// Chèques vacances.
    #[serde(rename = "ANCV")]
    Ancv,
}

impl PaymentMode {
    /// Every mode, in the order the desk's form lists them.
    pub const ALL: [PaymentMode; 7] = [
        PaymentMode::Cheque,
        PaymentMode::Cash,
        PaymentMode::Card,
        PaymentMode::DirectDebit,
        PaymentMode::Transfer,
        PaymentMode::Cesu,
        PaymentMode::Ancv,
    ];

    /// The stored code (`CH`, `ESP`…), as the events and the CLI write it.
    pub fn code(self) -> &'static str {
        match self {
            PaymentMode::Cheque => "CH",
            PaymentMode::Cash => "ESP",
            PaymentMode::Card => "CB",
            PaymentMode::DirectDebit => "PRLV",
            PaymentMode::Transfer => "VIR",
            PaymentMode::Cesu => "CESU",
            PaymentMode::Ancv => "ANCV",
        }
    }
}

/// Outcome of an online payment that did not credit the wallet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnlinePaymentFailure {
    Refused,
    Cancelled,
    Expired,
}

mod hh_mm {
    use chrono::NaiveTime;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(time: &NaiveTime, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&time.format("%H:%M"))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveTime, D::Error> {
        let text = String::deserialize(d)?;
        NaiveTime::parse_from_str(&text, "%H:%M").map_err(serde::de::Error::custom)
    }
}

/// How staff helped a family with its portal access (`FamilyAccessAssisted`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccessAssistance {
    /// The throttled log-in of the family's identifiant was unlocked.
    LoginUnlocked,
    /// A password-reset link was mailed to the family's address.
    ResetLinkSent,
    /// A new one-time activation code was issued (the previous one revoked).
    ActivationCodeIssued,
}

#[cfg(test)]
mod tests {
    use super::PaymentMode;

    #[test]
    fn each_payment_mode_code_is_its_stored_form() {
        for mode in PaymentMode::ALL {
            assert_eq!(
                serde_json::to_value(mode).expect("a mode serializes"),
                serde_json::Value::String(mode.code().to_owned())
            );
        }
    }
}
