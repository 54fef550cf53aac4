//! Prices: the unit price a family pays by quotient familial, and values that change from a day
//! on (capacity, pricing, quotient).

use chrono::NaiveDate;

use crate::money::Money;
use crate::values::{Pricing, QuotientBracket};

/// Why a pricing cannot be used. Staff read these messages when importing or editing activities,
/// hence French.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PricingError {
    #[error("le tarif au quotient n'a aucune tranche")]
    NoBracket,
    #[error(
        "les tranches de quotient doivent être croissantes (plafond {next} après plafond {previous})"
    )]
    NotIncreasing { previous: u32, next: u32 },
    #[error(
        "seule la dernière tranche de quotient peut être sans plafond (tranche {position} sur {count})"
    )]
    UnboundedBeforeLast { position: usize, count: usize },
    #[error(
        "la dernière tranche de quotient doit être sans plafond : un quotient au-dessus de {up_to} n'aurait pas de prix"
    )]
    LastBracketBounded { up_to: u32 },
    #[error("prix négatif : {amount} €")]
    NegativePrice { amount: Money },
    /// The activity has no price in force on the day (a day before its price history begins):
    /// nothing can be booked or billed that day.
    #[error("aucun tarif n'est en vigueur ce jour-là")]
    NoPriceInForce,
}

/// Checks the shape of quotient brackets: at least one, strictly increasing bounds, only the last
/// one unbounded.
fn check_brackets(brackets: &[QuotientBracket]) -> Result<(), PricingError> {
    let count = brackets.len();
    let Some(last) = brackets.last() else {
        return Err(PricingError::NoBracket);
    };
    let mut previous: Option<u32> = None;
    for (index, bracket) in brackets.iter().enumerate() {
        match bracket.up_to {
            None if index + 1 < count => {
                return Err(PricingError::UnboundedBeforeLast {
                    position: index + 1,
                    count,
                });
            }
            None => {}
            Some(next) => {
                if let Some(previous) = previous
                    && next <= previous
                {
                    return Err(PricingError::NotIncreasing { previous, next });
                }
                previous = Some(next);
            }
        }
    }
    if let Some(up_to) = last.up_to {
        return Err(PricingError::LastBracketBounded { up_to });
    }
    Ok(())
}

/// The price of one unit for a family with this quotient familial.
///
/// - `Flat`: the amount, whatever the quotient.
/// - `Quotient`: the first bracket whose `up_to` is at least the quotient (a quotient equal to a
///   bound belongs to that bracket); the last, unbounded bracket takes every quotient above. A
///   family without a known quotient pays the last (highest) bracket.
///
/// Errors when the brackets are empty, not strictly increasing, or when the last one is bounded.
/// Amounts are not checked here; [`validate_pricing`] also refuses negative prices.
pub fn unit_price(pricing: &Pricing, quotient: Option<u32>) -> Result<Money, PricingError> {
    match pricing {
        Pricing::Flat { amount } => Ok(*amount),
        Pricing::Quotient { brackets } => {
            check_brackets(brackets)?;
            let bracket = match quotient {
                Some(quotient) => brackets
                    .iter()
                    .find(|bracket| bracket.up_to.is_none_or(|up_to| quotient <= up_to)),
                None => brackets.last(),
            };
            // check_brackets proved the brackets non-empty with an unbounded last one, so a
            // bracket is always found; the error is unreachable.
            bracket
                .map(|bracket| bracket.amount)
                .ok_or(PricingError::NoBracket)
        }
    }
}

/// Checks a pricing before it is recorded: the bracket rules of [`unit_price`], and no negative
/// amount (a free activity at 0 is allowed).
pub fn validate_pricing(pricing: &Pricing) -> Result<(), PricingError> {
    let negative = |amount: Money| {
        if amount.is_negative() {
            Err(PricingError::NegativePrice { amount })
        } else {
            Ok(())
        }
    };
    match pricing {
        Pricing::Flat { amount } => negative(*amount),
        Pricing::Quotient { brackets } => {
            check_brackets(brackets)?;
            brackets
                .iter()
                .try_for_each(|bracket| negative(bracket.amount))
        }
    }
}

/// A value that applies from a day on, until a later one replaces it: a capacity, a pricing, a
/// quotient familial.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Effective<T> {
    /// First day the value applies to, inclusive.
    pub from: NaiveDate,
    pub value: T,
}

impl<T> Effective<T> {
    pub fn new(from: NaiveDate, value: T) -> Self {
        Effective { from, value }
    }
}

/// The value in force on `day`: the one with the latest `from` on or before `day`. `None` when
/// every value starts later.
///
/// The history need not be sorted. When two values start on the same day, the one later in the
/// slice wins (a later event corrects an earlier one).
pub fn in_force<T>(history: &[Effective<T>], day: NaiveDate) -> Option<&T> {
    history
        .iter()
        .filter(|entry| entry.from <= day)
        // max_by_key returns the last of equal maxima: the later entry wins a tie.
        .max_by_key(|entry| entry.from)
        .map(|entry| &entry.value)
}

/// What one booked day costs: unit price × quantity billed per day, rounded to the cent half away
/// from zero.
pub fn day_cost(unit_price: Money, quantity_per_day: u32) -> Money {
    unit_price.times(quantity_per_day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test dates are valid")
    }

    fn euros(text: &str) -> Money {
        Money::from_stored(text).expect("test amounts are valid")
    }

    fn bracket(up_to: Option<u32>, amount: &str) -> QuotientBracket {
        QuotientBracket {
            up_to,
            amount: euros(amount),
        }
    }

    /// Three brackets: up to 600, up to 1200, above.
    fn by_quotient() -> Pricing {
        Pricing::Quotient {
            brackets: vec![
                bracket(Some(600), "3.10"),
                bracket(Some(1200), "4.15"),
                bracket(None, "6.85"),
            ],
        }
    }

    #[test]
    fn a_flat_price_is_the_same_for_every_family() {
        // Given a flat price of 5.00
        let pricing = Pricing::Flat {
            amount: euros("5.00"),
        };
        // When families with any quotient, or none, are priced
        // Then they all pay 5.00
        for quotient in [None, Some(0), Some(450), Some(5000)] {
            assert_eq!(unit_price(&pricing, quotient), Ok(euros("5.00")));
        }
    }

    #[test]
    fn the_quotient_selects_its_bracket_bounds_included() {
        // Given brackets up to 600, up to 1200 and above
        let pricing = by_quotient();
        // When families are priced at and around the bounds
        // Then a quotient equal to a bound pays that bracket, one above pays the next
        for (quotient, expected) in [
            (0, "3.10"),
            (600, "3.10"),
            (601, "4.15"),
            (1200, "4.15"),
            (1201, "6.85"),
            (u32::MAX, "6.85"),
        ] {
            assert_eq!(
                unit_price(&pricing, Some(quotient)),
                Ok(euros(expected)),
                "QF {quotient}"
            );
        }
    }

    #[test]
    fn a_family_without_quotient_pays_the_highest_bracket() {
        // Given brackets by quotient
        // When the family has not given its quotient
        // Then it pays the last, highest bracket
        assert_eq!(unit_price(&by_quotient(), None), Ok(euros("6.85")));
    }

    #[test]
    fn malformed_brackets_are_refused_with_a_french_message() {
        // Given brackets that are empty, decreasing, repeated, bounded at the end or unbounded
        // in the middle
        let cases = [
            (vec![], PricingError::NoBracket),
            (
                vec![
                    bracket(Some(1200), "4.15"),
                    bracket(Some(600), "3.10"),
                    bracket(None, "6.85"),
                ],
                PricingError::NotIncreasing {
                    previous: 1200,
                    next: 600,
                },
            ),
            (
                vec![
                    bracket(Some(600), "3.10"),
                    bracket(Some(600), "4.15"),
                    bracket(None, "6.85"),
                ],
                PricingError::NotIncreasing {
                    previous: 600,
                    next: 600,
                },
            ),
            (
                vec![bracket(Some(600), "3.10"), bracket(Some(1200), "4.15")],
                PricingError::LastBracketBounded { up_to: 1200 },
            ),
            (
                vec![
                    bracket(Some(600), "3.10"),
                    bracket(None, "4.15"),
                    bracket(None, "6.85"),
                ],
                PricingError::UnboundedBeforeLast {
                    position: 2,
                    count: 3,
                },
            ),
        ];
        for (brackets, expected) in cases {
            let pricing = Pricing::Quotient { brackets };
            // When a price is asked, or the pricing validated
            // Then both refuse it with the same error
            assert_eq!(unit_price(&pricing, Some(700)), Err(expected.clone()));
            assert_eq!(unit_price(&pricing, None), Err(expected.clone()));
            assert_eq!(validate_pricing(&pricing), Err(expected));
        }
        // And the staff read why, in French
        let decreasing = PricingError::NotIncreasing {
            previous: 1200,
            next: 600,
        };
        assert!(
            decreasing
                .to_string()
                .starts_with("les tranches de quotient doivent être croissantes")
        );
        assert!(
            PricingError::LastBracketBounded { up_to: 1200 }
                .to_string()
                .contains("au-dessus de 1200 n'aurait pas de prix")
        );
    }

    #[test]
    fn negative_prices_are_refused_at_validation() {
        // Given a flat negative price and a bracket with a negative price
        let flat = Pricing::Flat {
            amount: euros("-1.00"),
        };
        let brackets = Pricing::Quotient {
            brackets: vec![bracket(Some(600), "-0.50"), bracket(None, "6.85")],
        };
        // When they are validated
        // Then they are refused as « prix négatif »
        assert_eq!(
            validate_pricing(&flat),
            Err(PricingError::NegativePrice {
                amount: euros("-1.00")
            })
        );
        let error = validate_pricing(&brackets).expect_err("negative bracket");
        assert_eq!(error.to_string(), "prix négatif : -0.50 €");
        // And well-formed prices, free ones included, are accepted
        assert_eq!(validate_pricing(&by_quotient()), Ok(()));
        assert_eq!(
            validate_pricing(&Pricing::Flat { amount: euros("0") }),
            Ok(())
        );
        assert_eq!(
            validate_pricing(&Pricing::Quotient {
                brackets: vec![bracket(None, "2.00")]
            }),
            Ok(())
        );
    }

    #[test]
    fn day_cost_multiplies_exactly() {
        // Given the seed's "ALSH 3-6 Journée", billed 2 × 6.85 per day
        // When the day is costed
        // Then it is 13.70 (the seed guide misprints 13.30)
        assert_eq!(day_cost(euros("6.85"), 2), euros("13.70"));
        assert_eq!(day_cost(euros("6.85"), 2).to_string(), "13.70");
        // And 17 units at 4.15 are exactly 70.55, where floats give 70.55000000000001
        assert_eq!(day_cost(euros("4.15"), 17).to_string(), "70.55");
        // And a quantity of 0 costs nothing
        assert_eq!(day_cost(euros("4.15"), 0), Money::ZERO);
    }

    #[test]
    fn a_price_change_applies_from_its_day_on() {
        // Given a price of 4.15 from September and a change to 4.40 from 1 January
        let history = vec![
            Effective::new(
                date("2027-01-01"),
                Pricing::Flat {
                    amount: euros("4.40"),
                },
            ),
            Effective::new(
                date("2026-09-01"),
                Pricing::Flat {
                    amount: euros("4.15"),
                },
            ),
        ];
        let price_on = |day: &str| {
            in_force(&history, date(day))
                .map(|pricing| unit_price(pricing, None).expect("flat price"))
        };
        // When days before, on and after the change are priced
        // Then the old price applies until the eve, the new one from the day itself
        assert_eq!(price_on("2026-12-31"), Some(euros("4.15")));
        assert_eq!(price_on("2027-01-01"), Some(euros("4.40")));
        assert_eq!(price_on("2027-03-15"), Some(euros("4.40")));
        // And a day before any price has none
        assert_eq!(price_on("2026-08-31"), None);
    }

    #[test]
    fn capacity_and_quotient_histories_follow_the_same_rule() {
        // Given a capacity lowered from 24 to 16 on 2 November, and a quotient known from March
        let capacity = [
            Effective::new(date("2026-09-01"), 24u32),
            Effective::new(date("2026-11-02"), 16),
        ];
        let quotient: [Effective<Option<u32>>; 2] = [
            Effective::new(date("2026-03-01"), Some(580)),
            Effective::new(date("2026-01-01"), None),
        ];
        // When they are read on various days
        // Then each day sees the latest value started on or before it
        assert_eq!(in_force(&capacity, date("2026-11-01")), Some(&24));
        assert_eq!(in_force(&capacity, date("2026-11-02")), Some(&16));
        assert_eq!(in_force(&quotient, date("2026-02-15")), Some(&None));
        assert_eq!(in_force(&quotient, date("2026-03-01")), Some(&Some(580)));
        // And the family pays the highest bracket in February, the first one from March
        let price = |day: &str| {
            let qf = in_force(&quotient, date(day)).copied().flatten();
            unit_price(&by_quotient(), qf)
        };
        assert_eq!(price("2026-02-15"), Ok(euros("6.85")));
        assert_eq!(price("2026-03-01"), Ok(euros("3.10")));
    }

    #[test]
    fn a_correction_on_the_same_day_replaces_the_earlier_value() {
        // Given two capacities recorded for the same day, the second correcting the first
        let capacity = [
            Effective::new(date("2026-09-01"), 24u32),
            Effective::new(date("2026-09-01"), 20),
        ];
        // When the capacity is read
        // Then the later record wins
        assert_eq!(in_force(&capacity, date("2026-09-10")), Some(&20));
        // And an empty history has no value
        assert_eq!(in_force::<u32>(&[], date("2026-09-10")), None);
    }
}
