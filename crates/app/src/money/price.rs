//! The price of one booked day.

use chrono::NaiveDate;
use domain::Money;
use domain::ids::{ActivityId, FamilyId, WalletId};
use rusqlite::Connection;

use super::MoneyRefusal;
use crate::AppError;

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
    let unit_price = row
        .pricing
        .as_ref()
        .ok_or(domain::pricing::PricingError::NoPriceInForce)
        .and_then(|pricing| domain::pricing::unit_price(pricing, quotient))
        .map_err(MoneyRefusal::Pricing)?;
    let wallet = projections::structures(conn)?
        .into_iter()
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
