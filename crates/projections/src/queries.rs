//! Queries on the read models. Plain functions of a connection (pooled, read-only, or the
//! writer's transaction when a decision needs them).

use chrono::NaiveDate;
use domain::Money;
use domain::ids::*;
use domain::values::{Deadline, Pricing, Unit};
use rusqlite::{Connection, OptionalExtension, params};
use serde::de::DeserializeOwned;

use crate::ProjectionError;

fn id<T: std::str::FromStr>(table: &'static str, text: &str) -> Result<T, ProjectionError> {
    text.parse()
        .map_err(|_| ProjectionError::malformed(table, format!("{text:?} is not an id")))
}

fn json<T: DeserializeOwned>(table: &'static str, text: &str) -> Result<T, ProjectionError> {
    serde_json::from_str(text).map_err(|e| ProjectionError::malformed(table, e))
}

fn date(table: &'static str, text: &str) -> Result<NaiveDate, ProjectionError> {
    text.parse()
        .map_err(|_| ProjectionError::malformed(table, format!("{text:?} is not a date")))
}

fn money(table: &'static str, text: &str) -> Result<Money, ProjectionError> {
    Money::from_stored(text).map_err(|e| ProjectionError::malformed(table, e))
}

/// The booking threshold of the organisation (30.00 € when nothing was configured).
pub fn debt_threshold(conn: &Connection) -> Result<Money, ProjectionError> {
    let text: Option<String> = conn
        .query_row(
            "SELECT debt_threshold FROM organisation_settings WHERE singleton = 1",
            [],
            |row| row.get(0),
        )
        .optional()?;
    match text {
        Some(text) => money("organisation_settings", &text),
        None => Ok(Money::from_cents(3_000)),
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WalletRow {
    pub wallet_id: WalletId,
    pub label: String,
}

pub fn wallets(conn: &Connection) -> Result<Vec<WalletRow>, ProjectionError> {
    let mut statement =
        conn.prepare_cached("SELECT wallet_id, label FROM wallets ORDER BY label, wallet_id")?;
    let rows = statement.query_map([], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
    })?;
    rows.map(|row| {
        let (wallet, label) = row?;
        Ok(WalletRow {
            wallet_id: id("wallets", &wallet)?,
            label,
        })
    })
    .collect()
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StructureRow {
    pub structure_id: StructureId,
    pub label: String,
    pub wallet_id: WalletId,
    pub wallet_label: String,
}

pub fn structures(conn: &Connection) -> Result<Vec<StructureRow>, ProjectionError> {
    let mut statement = conn.prepare_cached(
        "SELECT s.structure_id, s.label, s.wallet_id, COALESCE(w.label, '')
         FROM structures s LEFT JOIN wallets w ON w.wallet_id = s.wallet_id
         ORDER BY s.label, s.structure_id",
    )?;
    let rows = statement.query_map([], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, String>(3)?,
        ))
    })?;
    rows.map(|row| {
        let (structure, label, wallet, wallet_label) = row?;
        Ok(StructureRow {
            structure_id: id("structures", &structure)?,
            label,
            wallet_id: id("structures", &wallet)?,
            wallet_label,
        })
    })
    .collect()
}

/// An activity with the capacity and price in force on a given day.
#[derive(Clone, Debug, PartialEq)]
pub struct ActivityRow {
    pub activity_id: ActivityId,
    pub structure_id: StructureId,
    pub structure_label: String,
    pub label: String,
    pub unit: Unit,
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
    let mut statement = conn.prepare_cached(
        "SELECT a.activity_id, a.structure_id, COALESCE(s.label, ''), a.label, a.unit, a.quantity_per_day,
                a.age_min, a.age_max, a.booking_deadline, a.cancellation_deadline, a.incompatible_with,
                (SELECT capacity FROM activity_capacities c WHERE c.activity_id = a.activity_id AND c.effective_from <= ?1
                  ORDER BY c.effective_from DESC LIMIT 1),
                (SELECT waitlist_size FROM activity_capacities c WHERE c.activity_id = a.activity_id AND c.effective_from <= ?1
                  ORDER BY c.effective_from DESC LIMIT 1),
                (SELECT pricing FROM activity_prices p WHERE p.activity_id = a.activity_id AND p.effective_from <= ?1
                  ORDER BY p.effective_from DESC LIMIT 1)
         FROM activities a LEFT JOIN structures s ON s.structure_id = a.structure_id
         ORDER BY s.label, a.label, a.activity_id",
    )?;
    let rows = statement.query_map(params![day.to_string()], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, String>(3)?,
            row.get::<_, String>(4)?,
            row.get::<_, u32>(5)?,
            row.get::<_, u8>(6)?,
            row.get::<_, u8>(7)?,
            row.get::<_, String>(8)?,
            row.get::<_, String>(9)?,
            row.get::<_, String>(10)?,
            row.get::<_, Option<u32>>(11)?,
            row.get::<_, Option<u32>>(12)?,
            row.get::<_, Option<String>>(13)?,
        ))
    })?;
    rows.map(|row| {
        let (
            activity,
            structure,
            structure_label,
            label,
            unit,
            quantity,
            age_min,
            age_max,
            booking,
            cancellation,
            incompatible,
            capacity,
            waitlist,
            pricing,
        ) = row?;
        let table = "activities";
        Ok(ActivityRow {
            activity_id: id(table, &activity)?,
            structure_id: id(table, &structure)?,
            structure_label,
            label,
            unit: json(table, &format!("\"{unit}\""))?,
            quantity_per_day: quantity,
            age_min,
            age_max,
            booking_deadline: json(table, &booking)?,
            cancellation_deadline: json(table, &cancellation)?,
            incompatible_with: json(table, &incompatible)?,
            capacity: capacity.unwrap_or(0),
            waitlist_size: waitlist.unwrap_or(0),
            pricing: pricing.map(|p| json(table, &p)).transpose()?,
        })
    })
    .collect()
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
    let mut statement = conn.prepare_cached(
        "SELECT p.period_id, p.label, p.first_day, p.last_day, p.weekdays, p.excluded_days, p.open_on_public_holidays,
                COALESCE((SELECT json_group_array(activity_id) FROM (SELECT activity_id FROM period_activities pa
                          WHERE pa.period_id = p.period_id ORDER BY activity_id)), '[]')
         FROM opening_periods p ORDER BY p.first_day, p.label",
    )?;
    let rows = statement.query_map([], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, String>(3)?,
            row.get::<_, String>(4)?,
            row.get::<_, String>(5)?,
            row.get::<_, bool>(6)?,
            row.get::<_, String>(7)?,
        ))
    })?;
    rows.map(|row| {
        let (period, label, first, last, weekdays, excluded, holidays, activities) = row?;
        let table = "opening_periods";
        Ok(PeriodRow {
            period_id: id(table, &period)?,
            label,
            first_day: date(table, &first)?,
            last_day: date(table, &last)?,
            weekdays: json(table, &weekdays)?,
            excluded_days: json(table, &excluded)?,
            open_on_public_holidays: holidays,
            activity_ids: json(table, &activities)?,
        })
    })
    .collect()
}

/// A family as the read models know it (no personal data: see the registry).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FamilyRow {
    pub family_id: FamilyId,
    pub children: Vec<ChildId>,
    pub structures: Vec<StructureId>,
    pub dossier_complete: bool,
    pub missing_items: Vec<String>,
    /// Quotient familial in force on the day asked for (`None`: unknown).
    pub quotient: Option<u32>,
}

/// One family, with the quotient in force on `day`.
pub fn family(
    conn: &Connection,
    family: FamilyId,
    day: NaiveDate,
) -> Result<Option<FamilyRow>, ProjectionError> {
    Ok(families_where(conn, day, Some(family))?.into_iter().next())
}

/// Every family, with the quotient in force on `day`.
pub fn families(conn: &Connection, day: NaiveDate) -> Result<Vec<FamilyRow>, ProjectionError> {
    families_where(conn, day, None)
}

fn families_where(
    conn: &Connection,
    day: NaiveDate,
    only: Option<FamilyId>,
) -> Result<Vec<FamilyRow>, ProjectionError> {
    let mut statement = conn.prepare_cached(
        "SELECT f.family_id, f.dossier_complete, f.missing_items,
                COALESCE((SELECT json_group_array(child_id) FROM (SELECT child_id FROM children c
                          WHERE c.family_id = f.family_id ORDER BY child_id)), '[]'),
                COALESCE((SELECT json_group_array(structure_id) FROM (SELECT structure_id FROM family_structures s
                          WHERE s.family_id = f.family_id ORDER BY structure_id)), '[]'),
                (SELECT quotient FROM family_quotients q WHERE q.family_id = f.family_id AND q.effective_from <= ?1
                  ORDER BY q.effective_from DESC LIMIT 1)
         FROM families f WHERE ?2 IS NULL OR f.family_id = ?2 ORDER BY f.family_id",
    )?;
    let rows = statement.query_map(
        params![day.to_string(), only.map(|f| f.to_string())],
        |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, bool>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, String>(4)?,
                row.get::<_, Option<u32>>(5)?,
            ))
        },
    )?;
    rows.map(|row| {
        let (family, complete, missing, children, structures, quotient) = row?;
        let table = "families";
        Ok(FamilyRow {
            family_id: id(table, &family)?,
            children: json(table, &children)?,
            structures: json(table, &structures)?,
            dossier_complete: complete,
            missing_items: json(table, &missing)?,
            quotient,
        })
    })
    .collect()
}

/// Balance of one family in one wallet (zero when nothing was ever recorded).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BalanceRow {
    pub wallet_id: WalletId,
    pub credits: Money,
    pub debits: Money,
    pub balance: Money,
}

pub fn balances(conn: &Connection, family: FamilyId) -> Result<Vec<BalanceRow>, ProjectionError> {
    let mut statement = conn.prepare_cached(
        "SELECT wallet_id, credits, debits, balance FROM wallet_balances WHERE family_id = ?1 ORDER BY wallet_id",
    )?;
    let rows = statement.query_map(params![family.to_string()], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, String>(3)?,
        ))
    })?;
    rows.map(|row| {
        let (wallet, credits, debits, balance) = row?;
        let table = "wallet_balances";
        Ok(BalanceRow {
            wallet_id: id(table, &wallet)?,
            credits: money(table, &credits)?,
            debits: money(table, &debits)?,
            balance: money(table, &balance)?,
        })
    })
    .collect()
}

/// When a period can be booked: (opens_at, closes_at), UTC.
pub type Window = (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>);

/// The booking window of a period, if it has one.
pub fn booking_window(
    conn: &Connection,
    period: PeriodId,
) -> Result<Option<Window>, ProjectionError> {
    let row: Option<(String, String)> = conn
        .prepare_cached("SELECT opens_at, closes_at FROM booking_windows WHERE period_id = ?1 ORDER BY opens_at LIMIT 1")?
        .query_row(params![period.to_string()], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    let instant = |text: &str| {
        chrono::DateTime::parse_from_rfc3339(text)
            .map(|t| t.with_timezone(&chrono::Utc))
            .map_err(|e| ProjectionError::malformed("booking_windows", e))
    };
    row.map(|(opens, closes)| Ok((instant(&opens)?, instant(&closes)?)))
        .transpose()
}
