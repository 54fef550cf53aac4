//! The wallet statement (« Solde et Paiement »): balance, estimated cost of the reservations not
//! yet debited, estimated balance.

use chrono::NaiveDate;
use domain::Money;
use domain::ids::{FamilyId, WalletId};
use projections::Estimate;
use rusqlite::Connection;
use serde::Serialize;
use uuid::Uuid;

use super::MoneyRefusal;
use super::price::Prices;
use crate::{App, AppError};

/// The seed's "Solde et Paiement" for one wallet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WalletStatement {
    pub wallet_id: Uuid,
    pub wallet: String,
    /// Payments − consumptions (negative: the family owes it, « montant dû »).
    pub balance: Money,
    /// Cost of accepted reservations not yet debited.
    pub estimated_confirmed: Money,
    /// Cost of requests not yet transmitted and of waitlisted places.
    pub estimated_pending: Money,
    /// balance − the estimated costs the two check boxes select.
    pub estimated_balance: Money,
}

impl WalletStatement {
    /// The « Coût estimé » the two check boxes select.
    pub fn estimated_cost(&self, confirmed: bool, pending: bool) -> Money {
        let mut cost = Money::ZERO;
        if confirmed {
            cost = cost + self.estimated_confirmed;
        }
        if pending {
            cost = cost + self.estimated_pending;
        }
        cost
    }
}

/// The family's wallets; `confirmed` / `pending` are the seed's check boxes (Confirmées,
/// En attente) choosing what the estimated balance counts.
pub fn statement(
    app: &App,
    family: FamilyId,
    confirmed: bool,
    pending: bool,
) -> Result<Vec<WalletStatement>, AppError> {
    let today = app.today();
    app.query(move |conn| statement_in(conn, family, today, confirmed, pending))
}

pub fn statement_in(
    conn: &Connection,
    family: FamilyId,
    today: NaiveDate,
    confirmed: bool,
    pending: bool,
) -> Result<Vec<WalletStatement>, AppError> {
    let balances = projections::balances(conn, family)?;
    let wallets = family_wallets(conn, family, today, &balances)?;
    let estimates = estimates(conn, family)?;
    Ok(wallets
        .into_iter()
        .map(|(wallet, label)| {
            let balance = balances
                .iter()
                .find(|b| b.wallet_id == wallet)
                .map(|b| b.balance)
                .unwrap_or(Money::ZERO);
            let sum = |counted: Estimate| -> Money {
                estimates
                    .iter()
                    .filter(|(w, estimate, _)| *w == wallet && *estimate == counted)
                    .map(|(_, _, amount)| *amount)
                    .sum()
            };
            let mut statement = WalletStatement {
                wallet_id: wallet.0,
                wallet: label,
                balance,
                estimated_confirmed: sum(Estimate::Confirmed),
                estimated_pending: sum(Estimate::Pending),
                estimated_balance: balance,
            };
            statement.estimated_balance = balance - statement.estimated_cost(confirmed, pending);
            statement
        })
        .collect())
}

/// The wallets of the family's structures, and of any wallet it has a balance in, by id.
fn family_wallets(
    conn: &Connection,
    family: FamilyId,
    today: NaiveDate,
    balances: &[projections::BalanceRow],
) -> Result<Vec<(WalletId, String)>, AppError> {
    let Some(row) = projections::family(conn, family, today)? else {
        return Err(MoneyRefusal::UnknownFamily.into());
    };
    let mut wallets: Vec<(WalletId, String)> = projections::structures(conn)?
        .iter()
        .filter(|s| row.structures.contains(&s.structure_id))
        .map(|s| (s.wallet_id, s.wallet_label.clone()))
        .collect();
    for balance in balances {
        if !wallets.iter().any(|(w, _)| *w == balance.wallet_id) {
            let label = projections::wallets(conn)?
                .into_iter()
                .find(|w| w.wallet_id == balance.wallet_id)
                .map(|w| w.label)
                .unwrap_or_default();
            wallets.push((balance.wallet_id, label));
        }
    }
    wallets.sort();
    wallets.dedup();
    Ok(wallets)
}

/// The price of every place and request not yet debited: its wallet, estimate and amount.
fn estimates(
    conn: &Connection,
    family: FamilyId,
) -> Result<Vec<(WalletId, Estimate, Money)>, AppError> {
    let mut prices = Prices::new(family);
    projections::unbilled(conn, family)?
        .into_iter()
        .map(|open| {
            let price = prices.of(conn, open.activity_id, open.day)?;
            Ok((price.wallet, open.estimate, price.amount))
        })
        .collect()
}
