//! Money: exact decimal euros, serialized as strings, rounded explicitly.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, Mul, Neg, Sub};
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// An amount of euros. Never a float: a `Decimal`, written in JSON as a string like `"10.35"`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Money(#[serde(with = "rust_decimal::serde::str")] Decimal);

/// Stored amounts are read as strictly as the schema describes them: `-?digits(.d{1,2})?`.
impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let digits = text.strip_prefix('-').unwrap_or(&text);
        let (whole, cents) = digits.split_once('.').unwrap_or((digits, ""));
        let well_formed = !whole.is_empty()
            && whole.bytes().all(|b| b.is_ascii_digit())
            && cents.len() <= 2
            && cents.bytes().all(|b| b.is_ascii_digit())
            && cents.is_empty() != digits.contains('.');
        if !well_formed {
            return Err(serde::de::Error::custom(format!(
                "« {text} » n'est pas un montant stocké valide (chiffres, au plus deux décimales)"
            )));
        }
        Decimal::from_str(&text)
            .map(Money)
            .map_err(serde::de::Error::custom)
    }
}

/// Why a text is not an amount of money.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("« {0} » n'est pas un montant (exemple : 10.35)")]
    NotANumber(String),
    #[error("« {0} » a plus de deux décimales")]
    TooManyDecimals(String),
}

impl Money {
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// Builds an amount, rounding to the cent half away from zero (the rule of French invoices;
    /// `Decimal::round_dp` alone would be banker's rounding).
    pub fn from_decimal(value: Decimal) -> Self {
        Money(value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
    }

    /// Amount from whole cents (PayFiP speaks cents).
    pub fn from_cents(cents: i64) -> Self {
        Money(Decimal::new(cents, 2))
    }

    /// Parses an amount typed by a person: at most two decimals, `,` accepted as decimal separator.
    pub fn parse(text: &str) -> Result<Self, MoneyError> {
        let cleaned = text.trim().replace(',', ".");
        let value =
            Decimal::from_str(&cleaned).map_err(|_| MoneyError::NotANumber(text.to_owned()))?;
        if value.normalize().scale() > 2 {
            return Err(MoneyError::TooManyDecimals(text.to_owned()));
        }
        Ok(Money(value.round_dp(2)))
    }

    pub fn as_decimal(&self) -> Decimal {
        self.0
    }

    /// Unit price × quantity, rounded to the cent (17 × 4.15 = 70.55, exactly).
    pub fn times(&self, quantity: u32) -> Money {
        Money::from_decimal(self.0 * Decimal::from(quantity))
    }

    pub fn is_negative(&self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    pub fn is_positive(&self) -> bool {
        self.0.is_sign_positive() && !self.0.is_zero()
    }

    /// Whole cents, for providers that speak cents. `None` if it does not fit.
    pub fn cents(&self) -> Option<i64> {
        use rust_decimal::prelude::ToPrimitive;
        (self.0 * Decimal::ONE_HUNDRED).round_dp(0).to_i64()
    }
}

impl fmt::Display for Money {
    /// Two decimals, honouring width and alignment (`{:>10}` in tables).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&format!("{:.2}", self.0))
    }
}

impl FromStr for Money {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Money::parse(s)
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0 + rhs.0)
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0 - rhs.0)
    }
}

impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}

impl Mul<u32> for Money {
    type Output = Money;
    fn mul(self, rhs: u32) -> Money {
        self.times(rhs)
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multiplies_exactly_where_floats_fail() {
        let price = Money::parse("4.15").expect("valid");
        assert_eq!(price.times(17).to_string(), "70.55");
        assert_eq!(
            Money::parse("6.85").expect("valid").times(2).to_string(),
            "13.70"
        );
    }

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(
            Money::from_decimal(Decimal::new(10005, 3)).to_string(),
            "10.01"
        );
        assert_eq!(
            Money::from_decimal(Decimal::new(-10005, 3)).to_string(),
            "-10.01"
        );
        assert_eq!(
            Money::from_decimal(Decimal::new(10015, 3)).to_string(),
            "10.02"
        );
    }

    #[test]
    fn parses_what_people_type_and_refuses_the_rest() {
        assert_eq!(Money::parse("50").expect("valid").to_string(), "50.00");
        assert_eq!(Money::parse(" 10,35 ").expect("valid").to_string(), "10.35");
        assert_eq!(Money::parse("1.500").expect("valid").to_string(), "1.50");
        assert!(matches!(
            Money::parse("1.505"),
            Err(MoneyError::TooManyDecimals(_))
        ));
        assert!(matches!(
            Money::parse("dix"),
            Err(MoneyError::NotANumber(_))
        ));
    }

    #[test]
    fn serializes_as_a_string() {
        let m = Money::parse("10.35").expect("valid");
        assert_eq!(serde_json::to_string(&m).expect("serializes"), "\"10.35\"");
        let back: Money = serde_json::from_str("\"10.35\"").expect("parses");
        assert_eq!(back, m);
        for bad in [
            "\"10.355\"",
            "\"1e3\"",
            "\"10,35\"",
            "\"\"",
            "\"1.\"",
            "10.35",
        ] {
            assert!(
                serde_json::from_str::<Money>(bad).is_err(),
                "{bad} was accepted"
            );
        }
    }
}
