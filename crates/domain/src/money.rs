//! Money: exact decimal euros, serialized as strings, rounded explicitly.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, Mul, Neg, Sub};
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// An amount of euros. Never a float: a `Decimal` always held with exactly two decimals,
/// written in JSON as a string like `"10.35"` (and `"5.00"`, never `"5"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(Decimal);

impl Default for Money {
    fn default() -> Self {
        Money::ZERO
    }
}

/// Every amount written to an event or a read model has exactly two decimals.
impl Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}

/// Stored amounts are read as strictly as the schemas describe them: `-?digits(.d{1,2})?`.
/// Events written before amounts were normalised may hold `"5"` or `"5.5"`: they read as 5.00
/// and 5.50 (tolerant read), so an old log always replays.
impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Money::from_stored(&text).map_err(serde::de::Error::custom)
    }
}

/// How a balance reads to the family: what it owes, what it has in credit, or neither.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// The balance is negative: the family owes this (positive) amount.
    Owes(Money),
    /// The balance is positive: the family has this amount in credit.
    InCredit(Money),
    /// The balance is zero.
    Settled,
}

/// Why a text is not an amount of money.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error(
        "« {0} » n'est pas un montant : des chiffres, puis au plus deux décimales après « , » ou « . » (exemple : 10,35)"
    )]
    NotANumber(String),
    #[error("« {0} » : un montant ne peut pas être négatif")]
    Negative(String),
    #[error("« {0} » a plus de deux décimales")]
    TooManyDecimals(String),
    #[error("« {text} » dépasse le montant maximal de {max} €")]
    TooLarge { text: String, max: Money },
    #[error("« {0} » n'est pas un montant stocké valide (chiffres, au plus deux décimales)")]
    NotStored(String),
}

/// Whole digits and the decimals after the separator, if the text has the shape
/// `digits([.,]digits)?` (nothing else: no sign, no exponent, no inner space).
fn split_amount<'t>(text: &'t str, separators: &[char]) -> Option<(&'t str, Option<&'t str>)> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let (whole, decimals) = match text.split_once(separators) {
        Some((whole, decimals)) => (whole, Some(decimals)),
        None => (text, None),
    };
    (digits(whole) && decimals.is_none_or(digits)).then_some((whole, decimals))
}

impl Money {
    pub const ZERO: Money = Money(Decimal::from_parts(0, 0, 0, false, 2));

    /// The largest amount a person may type anywhere (a card payment's ceiling at PayFiP,
    /// 100 000 €; far above any price, threshold or desk payment).
    pub const TYPED_MAX: Money = Money(Decimal::from_parts(10_000_000, 0, 0, false, 2));

    /// The debt from which a family may not book when the organisation configured no threshold
    /// (30.00 €).
    pub const DEFAULT_DEBT_THRESHOLD: Money = Money(Decimal::from_parts(3_000, 0, 0, false, 2));

    /// Builds an amount, rounding to the cent half away from zero (the rule of French invoices;
    /// `Decimal::round_dp` alone would be banker's rounding).
    pub fn from_decimal(value: Decimal) -> Self {
        let mut value = value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        value.rescale(2);
        Money(value)
    }

    /// Amount from whole cents (PayFiP speaks cents).
    pub fn from_cents(cents: i64) -> Self {
        Money(Decimal::new(cents, 2))
    }

    /// Parses an amount typed by a person (CLI, payment form, setup file): digits, then
    /// optionally `.` or `,` and one or two decimals; spaces around are ignored. No sign, no
    /// exponent, no space or thousands separator inside, at most [`Money::TYPED_MAX`].
    /// The one grammar for every amount a person types.
    pub fn parse(text: &str) -> Result<Self, MoneyError> {
        let trimmed = text.trim();
        let Some((whole, decimals)) = split_amount(trimmed, &['.', ',']) else {
            let negative = trimmed
                .strip_prefix('-')
                .and_then(|rest| split_amount(rest, &['.', ',']))
                .is_some();
            return Err(if negative {
                MoneyError::Negative(text.to_owned())
            } else {
                MoneyError::NotANumber(text.to_owned())
            });
        };
        let decimals = decimals.unwrap_or("");
        if decimals.len() > 2 {
            return Err(MoneyError::TooManyDecimals(text.to_owned()));
        }
        let too_large = || MoneyError::TooLarge {
            text: text.to_owned(),
            max: Money::TYPED_MAX,
        };
        // Leading zeros aside, more digits than the maximum has cannot fit.
        if whole.trim_start_matches('0').len() > 6 {
            return Err(too_large());
        }
        let cents = format!("{whole}{decimals:0<2}")
            .parse::<i64>()
            .map_err(|_| too_large())?;
        let amount = Money::from_cents(cents);
        if amount > Money::TYPED_MAX {
            return Err(too_large());
        }
        Ok(amount)
    }

    /// Reads an amount as the software stored it (events, read models): an optional `-`,
    /// digits, then optionally `.` and one or two decimals. Never for what a person types.
    pub fn from_stored(text: &str) -> Result<Self, MoneyError> {
        let digits = text.strip_prefix('-').unwrap_or(text);
        let well_formed = split_amount(digits, &['.'])
            .is_some_and(|(_, decimals)| decimals.is_none_or(|d| d.len() <= 2));
        if !well_formed {
            return Err(MoneyError::NotStored(text.to_owned()));
        }
        Decimal::from_str(text)
            .map(Money::from_decimal)
            .map_err(|_| MoneyError::NotStored(text.to_owned()))
    }

    /// A balance read as a debt or a credit, each as a positive amount.
    pub fn standing(self) -> Standing {
        if self.is_negative() {
            Standing::Owes(-self)
        } else if self.is_positive() {
            Standing::InCredit(self)
        } else {
            Standing::Settled
        }
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

/// `text.parse::<Money>()` is [`Money::parse`]: what a person types.
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
        assert_eq!(Money::parse("1.5").expect("valid").to_string(), "1.50");
        assert_eq!(
            Money::parse("100000").expect("valid").to_string(),
            "100000.00"
        );
        assert!(matches!(
            Money::parse("1.505"),
            Err(MoneyError::TooManyDecimals(_))
        ));
        assert!(matches!(
            Money::parse("1.500"),
            Err(MoneyError::TooManyDecimals(_))
        ));
        for refused in [
            "dix", "1e3", "1E3", "-5e1", "+5", "1 000", "1.", ",5", "", " ", "1,5.3", "0x10", "٣",
            "NaN", "inf",
        ] {
            assert!(
                matches!(Money::parse(refused), Err(MoneyError::NotANumber(_))),
                "{refused:?} was accepted"
            );
        }
        assert!(matches!(Money::parse("-5"), Err(MoneyError::Negative(_))));
        for too_large in ["100000.01", "1000000", "99999999999999999999999999999999"] {
            assert!(
                matches!(Money::parse(too_large), Err(MoneyError::TooLarge { .. })),
                "{too_large:?}"
            );
        }
    }

    #[test]
    fn refusals_are_french_and_name_the_text() {
        assert_eq!(
            Money::parse("1e3").expect_err("refused").to_string(),
            "« 1e3 » n'est pas un montant : des chiffres, puis au plus deux décimales après « , » ou « . » (exemple : 10,35)"
        );
        assert_eq!(
            Money::parse("200000").expect_err("refused").to_string(),
            "« 200000 » dépasse le montant maximal de 100000.00 €"
        );
    }

    /// The grammar, written independently of the parser: `\s*[0-9]+([.,][0-9]{1,2})?\s*`,
    /// at most 100 000.
    fn grammar(text: &str) -> Option<Decimal> {
        let trimmed = text.trim();
        let mut whole = String::new();
        let mut decimals: Option<String> = None;
        for c in trimmed.chars() {
            match (&mut decimals, c) {
                (None, '0'..='9') => whole.push(c),
                (None, '.' | ',') if !whole.is_empty() => decimals = Some(String::new()),
                (Some(d), '0'..='9') if d.len() < 2 => d.push(c),
                _ => return None,
            }
        }
        if whole.is_empty() || decimals.as_deref() == Some("") {
            return None;
        }
        let value = Decimal::from_str(&format!("{whole}.{}", decimals.unwrap_or_default())).ok()?;
        (value <= Decimal::new(100_000, 0)).then_some(value)
    }

    proptest::proptest! {
        #[test]
        fn accepted_exactly_when_the_text_matches_the_grammar_and_round_trips(
            text in proptest::prop_oneof![
                proptest::arbitrary::any::<String>(),
                "[ ]?[+-]?[0-9]{0,8}([.,][0-9]{0,3})?([eE][0-9])?[ ]?",
                "[0-9 .,eE+-]{0,9}",
            ]
        ) {
            let parsed = Money::parse(&text);
            match grammar(&text) {
                Some(value) => {
                    let money = parsed.expect("the grammar accepts it");
                    proptest::prop_assert_eq!(money.as_decimal(), value);
                    let written = money.to_string();
                    proptest::prop_assert_eq!(written.split_once('.').map(|(_, d)| d.len()), Some(2));
                    proptest::prop_assert_eq!(Money::parse(&written), Ok(money));
                    let stored: Money = serde_json::from_value(serde_json::to_value(money).expect("serializes")).expect("reads back");
                    proptest::prop_assert_eq!(stored, money);
                }
                None => proptest::prop_assert!(parsed.is_err(), "{:?} was accepted", text),
            }
        }
    }

    #[test]
    fn a_balance_reads_as_a_debt_or_a_credit() {
        assert_eq!(
            Money::from_cents(-4605).standing(),
            Standing::Owes(Money::from_cents(4605))
        );
        assert_eq!(
            Money::from_cents(9470).standing(),
            Standing::InCredit(Money::from_cents(9470))
        );
        assert_eq!(Money::ZERO.standing(), Standing::Settled);
    }

    #[test]
    fn serializes_as_a_string() {
        let m = Money::parse("10.35").expect("valid");
        assert_eq!(serde_json::to_string(&m).expect("serializes"), "\"10.35\"");
        let back: Money = serde_json::from_str("\"10.35\"").expect("parses");
        assert_eq!(back, m);
        for (typed, written) in [("5", "\"5.00\""), ("5,5", "\"5.50\""), ("0", "\"0.00\"")] {
            let amount = Money::parse(typed).expect("valid");
            assert_eq!(serde_json::to_string(&amount).expect("serializes"), written);
        }
        let computed = Money::from_decimal(Decimal::new(5, 0)) + Money::from_cents(0);
        assert_eq!(
            serde_json::to_string(&computed).expect("serializes"),
            "\"5.00\""
        );
        // Written before amounts were normalised: still read, as 5.00.
        let old: Money = serde_json::from_str("\"5\"").expect("an old amount reads");
        assert_eq!(old.to_string(), "5.00");
        assert_eq!(serde_json::to_string(&old).expect("serializes"), "\"5.00\"");
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
