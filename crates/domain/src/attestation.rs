//! The « attestation de frais de garde » (tax credit for the care of children under 6): which
//! children it names and how much of what the family paid went to each.
//!
//! Payments credit a wallet (a régie) and consumptions debit it per child, so a payment is not
//! tied to a child. The rule, per wallet: the year's payments (cancelled ones left out) are
//! allocated to the year's consumptions in day order, oldest first, each consumption covered up
//! to its amount before the next one; what the payments leave uncovered is unpaid and what the
//! consumptions leave of the payments (an advance, a debt of the previous year settled) is paid
//! for no child of this year. A child's amount is the sum of the parts of their consumptions
//! so covered: never more than they consumed, never more than the family paid.

use chrono::{Datelike, NaiveDate};

use crate::Money;
use crate::ids::{ChildId, WalletId};

/// A payment of the year, credited to a wallet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Credit {
    pub wallet: WalletId,
    pub day: NaiveDate,
    pub amount: Money,
}

/// A consumption of the year, debited from a wallet for a child.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Debit {
    pub wallet: WalletId,
    pub child: ChildId,
    pub day: NaiveDate,
    pub amount: Money,
}

/// The part of the payments that went to each child, children in order of first consumption;
/// a child whose consumptions were not paid at all is named with zero.
pub fn paid_per_child(credits: &[Credit], debits: &[Debit]) -> Vec<(ChildId, Money)> {
    let mut ordered: Vec<&Debit> = debits.iter().collect();
    ordered.sort_by_key(|d| (d.day, d.child));
    let mut paid: Vec<(ChildId, Money)> = Vec::new();
    let mut wallets: Vec<WalletId> = ordered.iter().map(|d| d.wallet).collect();
    wallets.sort();
    wallets.dedup();
    for debit in &ordered {
        if !paid.iter().any(|(child, _)| *child == debit.child) {
            paid.push((debit.child, Money::ZERO));
        }
    }
    for wallet in wallets {
        let mut left: Money = credits
            .iter()
            .filter(|c| c.wallet == wallet && c.amount.is_positive())
            .map(|c| c.amount)
            .sum();
        for debit in ordered.iter().filter(|d| d.wallet == wallet) {
            if !left.is_positive() || !debit.amount.is_positive() {
                continue;
            }
            let covered = if debit.amount < left {
                debit.amount
            } else {
                left
            };
            left = left - covered;
            if let Some((_, sum)) = paid.iter_mut().find(|(child, _)| *child == debit.child) {
                *sum = *sum + covered;
            }
        }
    }
    paid
}

/// The tax credit's children: under 6 on 1 January of `year` (born after 1 January `year - 6`,
/// so a child born during the year counts too).
pub fn under_six_on_new_year(birth: NaiveDate, year: i32) -> bool {
    match NaiveDate::from_ymd_opt(year, 1, 1) {
        Some(new_year) => {
            let mut age = new_year.year() - birth.year();
            if (new_year.month(), new_year.day()) < (birth.month(), birth.day()) {
                age -= 1;
            }
            age < 6
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().expect("test days parse")
    }
    fn euros(text: &str) -> Money {
        Money::parse(text).expect("test amounts parse")
    }
    fn wallet(n: u128) -> WalletId {
        WalletId(uuid::Uuid::from_u128(n))
    }
    fn child(n: u128) -> ChildId {
        ChildId(uuid::Uuid::from_u128(100 + n))
    }
    fn debit(w: u128, c: u128, d: &str, amount: &str) -> Debit {
        Debit {
            wallet: wallet(w),
            child: child(c),
            day: day(d),
            amount: euros(amount),
        }
    }
    fn credit(w: u128, d: &str, amount: &str) -> Credit {
        Credit {
            wallet: wallet(w),
            day: day(d),
            amount: euros(amount),
        }
    }

    #[test]
    fn given_payments_covering_everything_when_allocated_then_each_child_gets_what_they_consumed() {
        let debits = [
            debit(1, 1, "2026-01-10", "12.00"),
            debit(1, 2, "2026-01-10", "8.50"),
            debit(1, 1, "2026-02-03", "12.00"),
        ];
        let credits = [
            credit(1, "2026-01-31", "20.50"),
            credit(1, "2026-03-01", "40"),
        ];
        assert_eq!(
            paid_per_child(&credits, &debits),
            vec![(child(1), euros("24.00")), (child(2), euros("8.50"))]
        );
    }

    #[test]
    fn given_too_little_paid_when_allocated_then_the_oldest_consumptions_are_covered_first() {
        let debits = [
            debit(1, 2, "2026-03-02", "10.00"),
            debit(1, 1, "2026-01-05", "12.00"),
            debit(1, 1, "2026-02-05", "12.00"),
        ];
        let credits = [credit(1, "2026-12-01", "30.00")];
        // January's 12 and February's 12 for child 1, then 6 of March's 10 for child 2.
        assert_eq!(
            paid_per_child(&credits, &debits),
            vec![(child(1), euros("24.00")), (child(2), euros("6.00"))]
        );
    }

    #[test]
    fn given_two_wallets_when_allocated_then_a_payment_covers_only_its_own_wallet() {
        let debits = [
            debit(1, 1, "2026-01-05", "10.00"),
            debit(2, 2, "2026-01-06", "10.00"),
        ];
        let credits = [credit(1, "2026-01-31", "50.00")];
        assert_eq!(
            paid_per_child(&credits, &debits),
            vec![(child(1), euros("10.00")), (child(2), Money::ZERO)]
        );
    }

    #[test]
    fn given_any_allocation_then_no_child_gets_more_than_consumed_and_the_sum_never_exceeds_the_payments()
     {
        let debits = [
            debit(1, 1, "2026-01-05", "7.35"),
            debit(1, 2, "2026-01-05", "7.35"),
            debit(1, 1, "2026-01-06", "7.35"),
        ];
        for paid in ["0", "5", "7.35", "10", "14.70", "100"] {
            let allocated = paid_per_child(&[credit(1, "2026-06-01", paid)], &debits);
            let total: Money = allocated.iter().map(|(_, m)| *m).sum();
            let consumed: Money = debits.iter().map(|d| d.amount).sum();
            assert_eq!(
                total,
                if euros(paid) < consumed {
                    euros(paid)
                } else {
                    consumed
                }
            );
        }
    }

    #[test]
    fn a_child_is_under_six_on_new_year_until_the_year_after_their_sixth_birthday() {
        assert!(under_six_on_new_year(day("2020-01-02"), 2026));
        assert!(!under_six_on_new_year(day("2020-01-01"), 2026));
        assert!(under_six_on_new_year(day("2025-12-31"), 2026));
        assert!(under_six_on_new_year(day("2026-03-01"), 2026));
        assert!(!under_six_on_new_year(day("2015-06-01"), 2026));
    }
}
