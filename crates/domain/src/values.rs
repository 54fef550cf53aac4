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

    /// What a place of this unit lasts when the setup file gives no `duree`, in minutes:
    /// Journée 8 h, Matin and Après-midi 4 h, Repas 1 h 30, Soir 2 h (docs/setup-format.md).
    pub fn default_minutes(&self) -> u32 {
        match self {
            Unit::Journee => 8 * 60,
            Unit::Matin | Unit::ApresMidi => 4 * 60,
            Unit::Repas => 90,
            Unit::Soir => 2 * 60,
        }
    }
}

/// How long a place lasts, in whole minutes (the CAF counts hours of presence).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnitDuration {
    minutes: u32,
}

/// Why a typed duration was not understood.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "durée « {0} » illisible : écrivez les heures puis « h », et les minutes s'il y en a (« 8h », « 4h30 »), de 15 minutes à 12 heures"
)]
pub struct DurationError(pub String);

impl UnitDuration {
    /// The longest place: half a day and a evening (12 h).
    pub const MAX_MINUTES: u32 = 12 * 60;
    /// The shortest place (a quarter of an hour).
    pub const MIN_MINUTES: u32 = 15;

    /// Parses `8h`, `4h30`, `4 h 30`, `1h05`, `0h45`: hours, `h`, then minutes below 60 written
    /// with two digits.
    pub fn parse(text: &str) -> Result<UnitDuration, DurationError> {
        let fail = || DurationError(text.to_owned());
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let (hours, minutes) = compact
            .to_lowercase()
            .split_once('h')
            .map(|(h, m)| (h.to_owned(), m.to_owned()))
            .ok_or_else(fail)?;
        let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
        if !digits(&hours)
            || hours.len() > 2
            || !(minutes.is_empty() || (digits(&minutes) && minutes.len() == 2))
        {
            return Err(fail());
        }
        let hours: u32 = hours.parse().map_err(|_| fail())?;
        let minutes: u32 = if minutes.is_empty() {
            0
        } else {
            minutes.parse().map_err(|_| fail())?
        };
        if minutes >= 60 {
            return Err(fail());
        }
        UnitDuration::from_minutes(hours * 60 + minutes).ok_or_else(fail)
    }

    /// A duration of whole minutes, between [`Self::MIN_MINUTES`] and [`Self::MAX_MINUTES`].
    pub fn from_minutes(minutes: u32) -> Option<UnitDuration> {
        (Self::MIN_MINUTES..=Self::MAX_MINUTES)
            .contains(&minutes)
            .then_some(UnitDuration { minutes })
    }

    /// The activity's duration: the one the setup gave, or its unit's default.
    pub fn of(unit: Unit, minutes: Option<u32>) -> UnitDuration {
        UnitDuration {
            minutes: minutes.unwrap_or_else(|| unit.default_minutes()),
        }
    }

    pub fn minutes(self) -> u32 {
        self.minutes
    }
}

impl std::fmt::Display for UnitDuration {
    /// `8h`, `4h30`: the form the setup file takes.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.minutes % 60 {
            0 => write!(f, "{}h", self.minutes / 60),
            rest => write!(f, "{}h{rest:02}", self.minutes / 60),
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
    use super::{PaymentMode, Unit, UnitDuration};

    #[test]
    fn a_duration_reads_hours_and_minutes_and_refuses_anything_else() {
        let minutes = |text: &str| UnitDuration::parse(text).map(UnitDuration::minutes);
        assert_eq!(minutes("8h"), Ok(480));
        assert_eq!(minutes("4h30"), Ok(270));
        assert_eq!(minutes("4 h 30"), Ok(270));
        assert_eq!(minutes("1H05"), Ok(65));
        assert_eq!(minutes("0h45"), Ok(45));
        for bad in [
            "8", "h30", "4h3", "4h60", "4h300", "-1h", "4,5h", "13h", "0h10", "", "huit h",
        ] {
            let refusal = UnitDuration::parse(bad).expect_err(bad);
            assert!(
                refusal.to_string().contains("« 8h », « 4h30 »"),
                "{refusal}"
            );
        }
        assert_eq!(
            UnitDuration::parse("4h30").map(|d| d.to_string()),
            Ok("4h30".to_owned())
        );
        assert_eq!(UnitDuration::of(Unit::Journee, None).minutes(), 480);
        assert_eq!(UnitDuration::of(Unit::Matin, Some(210)).minutes(), 210);
    }

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
