//! Reads of the setup read model.

use chrono::NaiveDate;
use domain::Money;
use domain::ids::{ActivityId, PeriodId, StructureId, WalletId};
use domain::values::{Deadline, Pricing, Unit};
use rusqlite::{Connection, params};

use crate::ProjectionError;
use crate::row;

/// The booking threshold of the organisation ([`Money::DEFAULT_DEBT_THRESHOLD`] when nothing
/// was configured).
pub fn debt_threshold(conn: &Connection) -> Result<Money, ProjectionError> {
    let threshold = row::one(
        conn,
        "organisation_settings",
        "SELECT debt_threshold FROM organisation_settings WHERE singleton = 1",
        [],
        |row| row.money(0),
    )?;
    Ok(threshold.unwrap_or(Money::DEFAULT_DEBT_THRESHOLD))
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WalletRow {
    pub wallet_id: WalletId,
    pub label: String,
}

pub fn wallets(conn: &Connection) -> Result<Vec<WalletRow>, ProjectionError> {
    row::all(
        conn,
        "wallets",
        "SELECT wallet_id, label FROM wallets ORDER BY label, wallet_id",
        [],
        |row| {
            Ok(WalletRow {
                wallet_id: row.id(0)?,
                label: row.get(1)?,
            })
        },
    )
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StructureRow {
    pub structure_id: StructureId,
    pub label: String,
    pub wallet_id: WalletId,
    pub wallet_label: String,
}

pub fn structures(conn: &Connection) -> Result<Vec<StructureRow>, ProjectionError> {
    row::all(
        conn,
        "structures",
        "SELECT s.structure_id, s.label, s.wallet_id, COALESCE(w.label, '')
         FROM structures s LEFT JOIN wallets w ON w.wallet_id = s.wallet_id
         ORDER BY s.label, s.structure_id",
        [],
        |row| {
            Ok(StructureRow {
                structure_id: row.id(0)?,
                label: row.get(1)?,
                wallet_id: row.id(2)?,
                wallet_label: row.get(3)?,
            })
        },
    )
}

/// An activity with the capacity and price in force on a given day.
#[derive(Clone, Debug, PartialEq)]
pub struct ActivityRow {
    pub activity_id: ActivityId,
    pub structure_id: StructureId,
    pub structure_label: String,
    pub label: String,
    pub unit: Unit,
    /// How long a place lasts, in minutes, as the setup gave it (`None`: the unit's default,
    /// `domain::values::UnitDuration::of`).
    pub unit_minutes: Option<u32>,
    pub quantity_per_day: u32,
    pub age_min: u8,
    pub age_max: u8,
    pub booking_deadline: Deadline,
    pub cancellation_deadline: Deadline,
    pub incompatible_with: Vec<ActivityId>,
    pub capacity: u32,
    pub waitlist_size: u32,
    /// The price in force on the day; `None` on a day before the activity's price history
    /// begins (it then cannot be booked or billed: `PricingError::NoPriceInForce`).
    pub pricing: Option<Pricing>,
}

/// One activity with capacity and price in force on `day`.
pub fn activity(
    conn: &Connection,
    activity: ActivityId,
    day: NaiveDate,
) -> Result<Option<ActivityRow>, ProjectionError> {
    Ok(activities(conn, day)?
        .into_iter()
        .find(|a| a.activity_id == activity))
}

/// Every activity, with capacity and price in force on `day`, ordered by structure and label.
pub fn activities(conn: &Connection, day: NaiveDate) -> Result<Vec<ActivityRow>, ProjectionError> {
    row::all(
        conn,
        "activities",
        "SELECT a.activity_id, a.structure_id, COALESCE(s.label, ''), a.label, a.unit, a.quantity_per_day,
                a.age_min, a.age_max, a.booking_deadline, a.cancellation_deadline, a.incompatible_with,
                (SELECT capacity FROM activity_capacities c WHERE c.activity_id = a.activity_id AND c.effective_from <= ?1
                  ORDER BY c.effective_from DESC LIMIT 1),
                (SELECT waitlist_size FROM activity_capacities c WHERE c.activity_id = a.activity_id AND c.effective_from <= ?1
                  ORDER BY c.effective_from DESC LIMIT 1),
                (SELECT pricing FROM activity_prices p WHERE p.activity_id = a.activity_id AND p.effective_from <= ?1
                  ORDER BY p.effective_from DESC LIMIT 1),
                a.unit_minutes
         FROM activities a LEFT JOIN structures s ON s.structure_id = a.structure_id
         ORDER BY s.label, a.label, a.activity_id",
        params![day.to_string()],
        |row| {
            let unit: String = row.get(4)?;
            let pricing: Option<String> = row.get(13)?;
            Ok(ActivityRow {
                activity_id: row.id(0)?,
                structure_id: row.id(1)?,
                structure_label: row.get(2)?,
                label: row.get(3)?,
                unit: row.parse_json(&format!("\"{unit}\""))?,
                quantity_per_day: row.get(5)?,
                age_min: row.get(6)?,
                age_max: row.get(7)?,
                booking_deadline: row.json(8)?,
                cancellation_deadline: row.json(9)?,
                incompatible_with: row.json(10)?,
                capacity: row.get::<Option<u32>>(11)?.unwrap_or(0),
                waitlist_size: row.get::<Option<u32>>(12)?.unwrap_or(0),
                pricing: pricing.map(|p| row.parse_json(&p)).transpose()?,
                unit_minutes: row.get(14)?,
            })
        },
    )
}

/// An opening period and the activities it opens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeriodRow {
    pub period_id: PeriodId,
    pub label: String,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub weekdays: Vec<u8>,
    pub excluded_days: Vec<NaiveDate>,
    pub open_on_public_holidays: bool,
    pub activity_ids: Vec<ActivityId>,
}

pub fn periods(conn: &Connection) -> Result<Vec<PeriodRow>, ProjectionError> {
    row::all(
        conn,
        "opening_periods",
        "SELECT p.period_id, p.label, p.first_day, p.last_day, p.weekdays, p.excluded_days, p.open_on_public_holidays,
                COALESCE((SELECT json_group_array(activity_id) FROM (SELECT activity_id FROM period_activities pa
                          WHERE pa.period_id = p.period_id ORDER BY activity_id)), '[]')
         FROM opening_periods p ORDER BY p.first_day, p.label",
        [],
        |row| {
            Ok(PeriodRow {
                period_id: row.id(0)?,
                label: row.get(1)?,
                first_day: row.day(2)?,
                last_day: row.day(3)?,
                weekdays: row.json(4)?,
                excluded_days: row.json(5)?,
                open_on_public_holidays: row.get(6)?,
                activity_ids: row.json(7)?,
            })
        },
    )
}

/// When a period can be booked: (opens_at, closes_at), UTC.
pub type Window = (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>);

/// The booking window of a period, if it has one.
pub fn booking_window(
    conn: &Connection,
    period: PeriodId,
) -> Result<Option<Window>, ProjectionError> {
    row::one(
        conn,
        "booking_windows",
        "SELECT opens_at, closes_at FROM booking_windows WHERE period_id = ?1 ORDER BY opens_at LIMIT 1",
        params![period.to_string()],
        |row| Ok((row.instant(0)?, row.instant(1)?)),
    )
}

/// The booking windows of the periods that open activities of `structure`, by opening.
pub fn structure_windows(
    conn: &Connection,
    structure: StructureId,
) -> Result<Vec<Window>, ProjectionError> {
    row::all(
        conn,
        "booking_windows",
        "SELECT w.opens_at, w.closes_at FROM booking_windows w
         WHERE EXISTS (SELECT 1 FROM period_activities pa JOIN activities a ON a.activity_id = pa.activity_id
                       WHERE pa.period_id = w.period_id AND a.structure_id = ?1)
         ORDER BY w.opens_at",
        params![structure.to_string()],
        |row| Ok((row.instant(0)?, row.instant(1)?)),
    )
}
