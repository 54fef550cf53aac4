//! Projector of `projections/setup.sql`.

use domain::Event;
use domain::event::payloads::{
    ActivityCapacityChanged, ActivityDefined, ActivityPriceChanged, BookingWindowDefined,
    OpeningPeriodDefined, OrganisationConfigured, StructureDefined, WalletDefined,
};
use rusqlite::{Connection, params};

use crate::ProjectionError;

/// The effective date of what an activity's first definition sets.
pub(crate) const FROM_THE_START: &str = "0001-01-01";

fn json(value: &impl serde::Serialize) -> Result<String, ProjectionError> {
    serde_json::to_string(value).map_err(|e| ProjectionError::malformed("setup", e))
}
pub(crate) fn apply(
    conn: &Connection,
    _position: u64,
    event: &Event,
) -> Result<(), ProjectionError> {
    match event {
        Event::OrganisationConfigured(e) => organisation_configured(conn, e),
        Event::WalletDefined(e) => wallet_defined(conn, e),
        Event::StructureDefined(e) => structure_defined(conn, e),
        Event::ActivityDefined(e) => activity_defined(conn, e),
        Event::ActivityCapacityChanged(e) => activity_capacity_changed(conn, e),
        Event::ActivityPriceChanged(e) => activity_price_changed(conn, e),
        Event::OpeningPeriodDefined(e) => opening_period_defined(conn, e),
        Event::BookingWindowDefined(e) => booking_window_defined(conn, e),
        _ => Ok(()),
    }
}

fn organisation_configured(
    conn: &Connection,
    e: &OrganisationConfigured,
) -> Result<(), ProjectionError> {
    conn.prepare_cached(
            "INSERT INTO organisation_settings (singleton, organisation_id, debt_threshold) VALUES (1, ?1, ?2)
             ON CONFLICT (singleton) DO UPDATE SET organisation_id = excluded.organisation_id, debt_threshold = excluded.debt_threshold",
        )?
        .execute(params![e.organisation_id.to_string(), e.debt_threshold.to_string()])?;
    Ok(())
}

fn wallet_defined(conn: &Connection, e: &WalletDefined) -> Result<(), ProjectionError> {
    conn.prepare_cached(
        "INSERT INTO wallets (wallet_id, label) VALUES (?1, ?2)
             ON CONFLICT (wallet_id) DO UPDATE SET label = excluded.label",
    )?
    .execute(params![e.wallet_id.to_string(), e.label])?;
    Ok(())
}

fn structure_defined(conn: &Connection, e: &StructureDefined) -> Result<(), ProjectionError> {
    conn.prepare_cached(
            "INSERT INTO structures (structure_id, wallet_id, label) VALUES (?1, ?2, ?3)
             ON CONFLICT (structure_id) DO UPDATE SET wallet_id = excluded.wallet_id, label = excluded.label",
        )?
        .execute(params![e.structure_id.to_string(), e.wallet_id.to_string(), e.label])?;
    Ok(())
}

fn activity_defined(conn: &Connection, e: &ActivityDefined) -> Result<(), ProjectionError> {
    let id = e.activity_id.to_string();
    conn.prepare_cached(
            "INSERT INTO activities (activity_id, structure_id, label, unit, quantity_per_day, age_min, age_max,
                                     booking_deadline, cancellation_deadline, incompatible_with, unit_minutes)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
             ON CONFLICT (activity_id) DO UPDATE SET
                 structure_id = excluded.structure_id, label = excluded.label, unit = excluded.unit,
                 quantity_per_day = excluded.quantity_per_day, age_min = excluded.age_min,
                 age_max = excluded.age_max, booking_deadline = excluded.booking_deadline,
                 cancellation_deadline = excluded.cancellation_deadline,
                 incompatible_with = excluded.incompatible_with, unit_minutes = excluded.unit_minutes",
        )?
        .execute(params![
            id,
            e.structure_id.to_string(),
            e.label,
            unit_code(e.unit),
            e.quantity_per_day,
            e.age_min,
            e.age_max,
            json(&e.booking_deadline)?,
            json(&e.cancellation_deadline)?,
            json(&e.incompatible_with)?,
            e.unit_minutes,
        ])?;
    // The first definition opens the histories; a redefinition leaves them alone.
    conn.prepare_cached(
            "INSERT OR IGNORE INTO activity_capacities (activity_id, effective_from, capacity, waitlist_size)
             VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![id, FROM_THE_START, e.capacity, e.waitlist_size])?;
    conn.prepare_cached(
            "INSERT OR IGNORE INTO activity_prices (activity_id, effective_from, pricing) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![id, FROM_THE_START, json(&e.pricing)?])?;
    Ok(())
}

fn activity_capacity_changed(
    conn: &Connection,
    e: &ActivityCapacityChanged,
) -> Result<(), ProjectionError> {
    conn.prepare_cached(
        "INSERT INTO activity_capacities (activity_id, effective_from, capacity, waitlist_size)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (activity_id, effective_from) DO UPDATE SET
                 capacity = excluded.capacity, waitlist_size = excluded.waitlist_size",
    )?
    .execute(params![
        e.activity_id.to_string(),
        e.effective_from.to_string(),
        e.capacity,
        e.waitlist_size
    ])?;
    Ok(())
}

fn activity_price_changed(
    conn: &Connection,
    e: &ActivityPriceChanged,
) -> Result<(), ProjectionError> {
    conn.prepare_cached(
        "INSERT INTO activity_prices (activity_id, effective_from, pricing) VALUES (?1, ?2, ?3)
             ON CONFLICT (activity_id, effective_from) DO UPDATE SET pricing = excluded.pricing",
    )?
    .execute(params![
        e.activity_id.to_string(),
        e.effective_from.to_string(),
        json(&e.pricing)?
    ])?;
    Ok(())
}

fn opening_period_defined(
    conn: &Connection,
    e: &OpeningPeriodDefined,
) -> Result<(), ProjectionError> {
    let id = e.period_id.to_string();
    conn.prepare_cached(
            "INSERT INTO opening_periods (period_id, label, first_day, last_day, weekdays, excluded_days, open_on_public_holidays)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (period_id) DO UPDATE SET
                 label = excluded.label, first_day = excluded.first_day, last_day = excluded.last_day,
                 weekdays = excluded.weekdays, excluded_days = excluded.excluded_days,
                 open_on_public_holidays = excluded.open_on_public_holidays",
        )?
        .execute(params![
            id,
            e.label,
            e.first_day.to_string(),
            e.last_day.to_string(),
            json(&e.weekdays)?,
            json(&e.excluded_days)?,
            e.open_on_public_holidays,
        ])?;
    conn.prepare_cached("DELETE FROM period_activities WHERE period_id = ?1")?
        .execute(params![id])?;
    let mut link = conn.prepare_cached(
        "INSERT OR IGNORE INTO period_activities (period_id, activity_id) VALUES (?1, ?2)",
    )?;
    for activity in &e.activity_ids {
        link.execute(params![id, activity.to_string()])?;
    }
    Ok(())
}

fn booking_window_defined(
    conn: &Connection,
    e: &BookingWindowDefined,
) -> Result<(), ProjectionError> {
    conn.prepare_cached(
            "INSERT INTO booking_windows (window_id, period_id, opens_at, closes_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (window_id) DO UPDATE SET
                 period_id = excluded.period_id, opens_at = excluded.opens_at, closes_at = excluded.closes_at",
        )?
        .execute(params![
            e.window_id.to_string(),
            e.period_id.to_string(),
            e.opens_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            e.closes_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        ])?;
    Ok(())
}

pub(crate) fn unit_code(unit: domain::values::Unit) -> &'static str {
    use domain::values::Unit;
    match unit {
        Unit::Matin => "matin",
        Unit::ApresMidi => "apres_midi",
        Unit::Journee => "journee",
        Unit::Repas => "repas",
        Unit::Soir => "soir",
    }
}
