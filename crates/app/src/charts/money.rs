//! Payments and consumptions per month, from the ledger's histories (the figures « Historique
//! des consommations » and « Historique des règlements » show): the consumptions of the
//! structure's activities, the payments of the families attached to it (cancelled ones left
//! out).

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate};
use domain::Money;
use domain::ids::{ActivityId, StructureId};
use rusqlite::Connection;

use super::ChartPeriod;
use crate::AppError;

/// One month's amounts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MonthAmounts {
    /// The 1st of the month.
    pub month: NaiveDate,
    pub consumptions: Money,
    pub payments: Money,
}

/// Every month of `period`, in order (months without any amount say 0.00).
pub fn money_per_month(
    conn: &Connection,
    structure: StructureId,
    period: ChartPeriod,
) -> Result<Vec<MonthAmounts>, AppError> {
    let mut months: Vec<MonthAmounts> = period
        .months()
        .into_iter()
        .map(|month| MonthAmounts {
            month,
            consumptions: Money::ZERO,
            payments: Money::ZERO,
        })
        .collect();
    let activities = activities_of(conn, structure, period)?;
    let (from, to) = (period.first_month(), period.end());
    for family in projections::families(conn, from)? {
        for line in projections::consumptions(conn, family.family_id, from, to)? {
            if activities.contains(&line.activity_id) {
                let slot = slot(&mut months, line.day)?;
                slot.consumptions = slot.consumptions + line.amount;
            }
        }
        if !family.structures.contains(&structure) {
            continue;
        }
        for payment in projections::payments(conn, family.family_id, from, to)? {
            if !payment.cancelled {
                let slot = slot(&mut months, payment.paid_on)?;
                slot.payments = slot.payments + payment.amount;
            }
        }
    }
    Ok(months)
}

fn slot(months: &mut [MonthAmounts], day: NaiveDate) -> Result<&mut MonthAmounts, AppError> {
    months
        .iter_mut()
        .find(|m| m.month.year() == day.year() && m.month.month() == day.month())
        .ok_or_else(|| AppError::corrupt("history", day))
}

/// The activities of `structure` in force on some day of `period`.
fn activities_of(
    conn: &Connection,
    structure: StructureId,
    period: ChartPeriod,
) -> Result<BTreeSet<ActivityId>, AppError> {
    let mut activities = BTreeSet::new();
    for day in period.days() {
        for activity in projections::activities(conn, day)? {
            if activity.structure_id == structure {
                activities.insert(activity.activity_id);
            }
        }
    }
    Ok(activities)
}
