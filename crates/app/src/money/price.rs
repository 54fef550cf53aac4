//! The price of one booked day.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use domain::Money;
use domain::ids::{ActivityId, FamilyId, WalletId};
use rusqlite::Connection;

use super::MoneyRefusal;
use crate::AppError;
use crate::lookup::Lookup;

/// The price of one booked day of `activity` for `family` on `day`: unit price (quotient bracket
/// in force that day; no known quotient pays the highest bracket), quantity, total, and the wallet
/// that bills the activity's structure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DayPrice {
    pub unit_price: Money,
    pub quantity: u32,
    pub amount: Money,
    pub wallet: WalletId,
}

pub fn day_price(
    conn: &Connection,
    family: FamilyId,
    activity: ActivityId,
    day: NaiveDate,
) -> Result<DayPrice, AppError> {
    let Some(row) = projections::activity(conn, activity, day)? else {
        return Err(MoneyRefusal::UnknownActivity.into());
    };
    let quotient = projections::family(conn, family, day)?.and_then(|f| f.quotient);
    priced(&row, quotient, &projections::structures(conn)?)
}

/// The day prices of one family, reading the activities of each day, the quotient in force each
/// day and the structures once (a statement prices every day not yet debited).
pub(crate) struct Prices {
    family: FamilyId,
    activities: Lookup,
    quotients: BTreeMap<NaiveDate, Option<u32>>,
    structures: Option<Vec<projections::StructureRow>>,
}

impl Prices {
    pub(crate) fn new(family: FamilyId) -> Self {
        Prices {
            family,
            activities: Lookup::default(),
            quotients: BTreeMap::new(),
            structures: None,
        }
    }

    /// [`day_price`] of `activity` on `day`.
    pub(crate) fn of(
        &mut self,
        conn: &Connection,
        activity: ActivityId,
        day: NaiveDate,
    ) -> Result<DayPrice, AppError> {
        let Some(row) = self.activities.activity(conn, activity, day)? else {
            return Err(MoneyRefusal::UnknownActivity.into());
        };
        let quotient = match self.quotients.get(&day) {
            Some(quotient) => *quotient,
            None => {
                let quotient =
                    projections::family(conn, self.family, day)?.and_then(|f| f.quotient);
                self.quotients.insert(day, quotient);
                quotient
            }
        };
        if self.structures.is_none() {
            self.structures = Some(projections::structures(conn)?);
        }
        priced(
            row,
            quotient,
            self.structures.as_deref().unwrap_or_default(),
        )
    }
}

/// The price of a day of the activity `row` (as in force that day) for `quotient`.
fn priced(
    row: &projections::ActivityRow,
    quotient: Option<u32>,
    structures: &[projections::StructureRow],
) -> Result<DayPrice, AppError> {
    let unit_price = row
        .pricing
        .as_ref()
        .ok_or(domain::pricing::PricingError::NoPriceInForce)
        .and_then(|pricing| domain::pricing::unit_price(pricing, quotient))
        .map_err(MoneyRefusal::Pricing)?;
    let activity = row.activity_id;
    let wallet = structures
        .iter()
        .find(|s| s.structure_id == row.structure_id)
        .map(|s| s.wallet_id)
        .ok_or_else(|| AppError::corrupt("structures", format!("no structure for {activity}")))?;
    Ok(DayPrice {
        unit_price,
        quantity: row.quantity_per_day,
        amount: domain::pricing::day_cost(unit_price, row.quantity_per_day),
        wallet,
    })
}
