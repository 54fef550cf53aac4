//! The monthly histories of consumptions and payments (the seed's tables).

use chrono::{Datelike, NaiveDate};
use domain::Money;
use domain::ids::FamilyId;
use serde::Serialize;

use crate::registry;
use crate::{App, AppError};

/// One line of the consumption history (the seed's table).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConsumptionLine {
    pub day: NaiveDate,
    /// "DUPONT Lilou".
    pub consumer: String,
    pub activity: String,
    pub unit_price: Money,
    pub quantity: u32,
    pub total: Money,
}

/// One line of the payment history (the seed's table).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PaymentLine {
    /// The desk payment's id, or the card payment's.
    pub payment_id: uuid::Uuid,
    /// Recorded at the desk (it has a receipt); false for a card payment on the portal.
    pub desk: bool,
    pub paid_on: NaiveDate,
    pub mode: String,
    pub number: Option<String>,
    pub payer: Option<String>,
    pub bank: Option<String>,
    pub amount: Money,
    pub cancelled: bool,
}

/// A month of history with its exact total.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct History<T> {
    pub month: String,
    pub lines: Vec<T>,
    pub total: Money,
    /// Months that have lines, oldest first (for the ← → arrows).
    pub months_with_data: Vec<String>,
}

/// The first day of `month`'s month and of the next one.
fn month_bounds(month: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first = month.with_day(1).unwrap_or(month);
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(first);
    (first, next)
}

/// `YYYY-MM` of a month's first day.
fn month_code(first: NaiveDate) -> String {
    first.to_string()[..7].to_owned()
}

pub fn consumption_history(
    app: &App,
    family: FamilyId,
    month: NaiveDate,
) -> Result<History<ConsumptionLine>, AppError> {
    app.query(move |conn| {
        let (from, to) = month_bounds(month);
        let rows = projections::consumptions(conn, family, from, to)?;
        let mut lines = Vec::with_capacity(rows.len());
        for row in rows {
            lines.push(ConsumptionLine {
                day: row.day,
                consumer: registry::child(conn, row.child_id)?
                    .map(|c| c.display_name())
                    .unwrap_or_default(),
                activity: projections::activity(conn, row.activity_id, row.day)?
                    .map(|a| a.label)
                    .unwrap_or_default(),
                unit_price: row.unit_price,
                quantity: row.quantity,
                total: row.amount,
            });
        }
        Ok(History {
            month: month_code(from),
            total: lines.iter().map(|l| l.total).sum(),
            lines,
            months_with_data: projections::consumption_months(conn, family)?,
        })
    })
}

pub fn payment_history(
    app: &App,
    family: FamilyId,
    month: NaiveDate,
) -> Result<History<PaymentLine>, AppError> {
    app.query(move |conn| {
        let (from, to) = month_bounds(month);
        let rows = projections::payments(conn, family, from, to)?;
        let mut lines = Vec::with_capacity(rows.len());
        for row in rows {
            let details = registry::payment_details(conn, row.payment_id)?;
            let details = details.as_ref();
            lines.push(PaymentLine {
                payment_id: row.payment_id,
                desk: details.is_some(),
                paid_on: row.paid_on,
                mode: row.mode,
                number: details.and_then(|d| d.piece_number.clone()),
                payer: details.and_then(|d| d.payer_name.clone()),
                bank: details.and_then(|d| d.bank_name.clone()),
                amount: row.amount,
                cancelled: row.cancelled,
            });
        }
        Ok(History {
            month: month_code(from),
            total: lines
                .iter()
                .filter(|l| !l.cancelled)
                .map(|l| l.amount)
                .sum(),
            lines,
            months_with_data: projections::payment_months(conn, family)?,
        })
    })
}
