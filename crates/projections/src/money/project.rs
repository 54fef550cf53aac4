//! Projector of `projections/money.sql`: balances and histories, exact decimals.

use domain::Event;
use domain::Money;
use domain::event::payloads::*;
use domain::ids::{FamilyId, WalletId};
use rusqlite::{Connection, OptionalExtension, params};

use super::query::OnlinePaymentState;
use crate::ProjectionError;
pub(crate) fn apply(
    conn: &Connection,
    _position: u64,
    event: &Event,
) -> Result<(), ProjectionError> {
    match event {
        Event::ConsumptionRecorded(e) => consumption_recorded(conn, e),
        Event::AbsenceRecorded(e) => absence_recorded(conn, e),
        Event::PaymentRecorded(e) => payment_recorded(conn, e),
        Event::PaymentCancelled(e) => payment_cancelled(conn, e),
        Event::OnlinePaymentStarted(e) => online_payment_started(conn, e),
        Event::OnlinePaymentFailed(e) => online_payment_failed(conn, e),
        Event::OnlinePaymentConfirmed(e) => online_payment_confirmed(conn, e),
        _ => Ok(()),
    }
}

fn consumption_recorded(conn: &Connection, e: &ConsumptionRecorded) -> Result<(), ProjectionError> {
    conn.prepare_cached(
            "INSERT OR IGNORE INTO consumption_history
                 (consumption_id, family_id, wallet_id, child_id, activity_id, day, unit_price, quantity, amount, reservation_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?
        .execute(params![
            e.consumption_id.to_string(),
            e.family_id.to_string(),
            e.wallet_id.to_string(),
            e.child_id.to_string(),
            e.activity_id.to_string(),
            e.day.to_string(),
            e.unit_price.to_string(),
            e.quantity,
            e.amount.to_string(),
            e.reservation_id.map(|id| id.to_string()),
        ])?;
    move_balance(conn, e.family_id, e.wallet_id, Money::ZERO, e.amount)?;
    Ok(())
}

fn absence_recorded(conn: &Connection, e: &AbsenceRecorded) -> Result<(), ProjectionError> {
    conn.prepare_cached(
            "INSERT OR REPLACE INTO absences (absence_id, family_id, child_id, activity_id, day, justified, reservation_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            e.absence_id.to_string(),
            e.family_id.to_string(),
            e.child_id.to_string(),
            e.activity_id.to_string(),
            e.day.to_string(),
            e.justified,
            e.reservation_id.map(|id| id.to_string()),
        ])?;
    Ok(())
}

fn payment_recorded(conn: &Connection, e: &PaymentRecorded) -> Result<(), ProjectionError> {
    record_payment(conn, e)?;
    move_balance(conn, e.family_id, e.wallet_id, e.amount, Money::ZERO)?;
    Ok(())
}

fn payment_cancelled(conn: &Connection, e: &PaymentCancelled) -> Result<(), ProjectionError> {
    conn.prepare_cached("UPDATE payment_history SET cancelled = 1 WHERE payment_id = ?1")?
        .execute(params![e.payment_id.to_string()])?;
    move_balance(conn, e.family_id, e.wallet_id, -e.amount, Money::ZERO)?;
    Ok(())
}

fn online_payment_started(
    conn: &Connection,
    e: &OnlinePaymentStarted,
) -> Result<(), ProjectionError> {
    conn.prepare_cached(
            "INSERT OR IGNORE INTO online_payments (online_payment_id, operation_id, provider, family_id, wallet_id,
                                                    amount, started_at, state)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            e.online_payment_id.to_string(),
            e.operation_id,
            e.provider,
            e.family_id.to_string(),
            e.wallet_id.to_string(),
            e.amount.to_string(),
            e.started_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            OnlinePaymentState::Started.code(),
        ])?;
    Ok(())
}

fn online_payment_failed(
    conn: &Connection,
    e: &OnlinePaymentFailed,
) -> Result<(), ProjectionError> {
    let state = OnlinePaymentState::Failed(e.outcome).code();
    conn.prepare_cached(
        "UPDATE online_payments SET state = ?2, provider_result = ?3 WHERE online_payment_id = ?1",
    )?
    .execute(params![
        e.online_payment_id.to_string(),
        state,
        e.provider_result
    ])?;
    Ok(())
}

fn online_payment_confirmed(
    conn: &Connection,
    e: &OnlinePaymentConfirmed,
) -> Result<(), ProjectionError> {
    conn.prepare_cached(
            "UPDATE online_payments SET state = ?4, provider_result = ?2, credited = ?3 WHERE online_payment_id = ?1",
        )?
        .execute(params![
            e.online_payment_id.to_string(),
            e.provider_result,
            e.amount.to_string(),
            OnlinePaymentState::Paid.code()
        ])?;
    conn.prepare_cached(
            "INSERT OR IGNORE INTO payment_history (payment_id, family_id, wallet_id, amount, mode, paid_on)
             VALUES (?1, ?2, ?3, ?4, 'CB', ?5)",
        )?
        .execute(params![
            e.online_payment_id.to_string(),
            e.family_id.to_string(),
            e.wallet_id.to_string(),
            e.amount.to_string(),
            e.paid_on.to_string(),
        ])?;
    move_balance(conn, e.family_id, e.wallet_id, e.amount, Money::ZERO)?;
    Ok(())
}

fn record_payment(conn: &Connection, e: &PaymentRecorded) -> Result<(), ProjectionError> {
    let mode = serde_json::to_value(e.mode)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .ok_or_else(|| ProjectionError::malformed("payment_history", "payment mode"))?;
    conn.prepare_cached(
        "INSERT OR IGNORE INTO payment_history (payment_id, family_id, wallet_id, amount, mode, paid_on)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        e.payment_id.to_string(),
        e.family_id.to_string(),
        e.wallet_id.to_string(),
        e.amount.to_string(),
        mode,
        e.paid_on.to_string(),
    ])?;
    Ok(())
}

fn move_balance(
    conn: &Connection,
    family: FamilyId,
    wallet: WalletId,
    credit: Money,
    debit: Money,
) -> Result<(), ProjectionError> {
    let (family, wallet) = (family.to_string(), wallet.to_string());
    let current: Option<(String, String)> = conn
        .prepare_cached(
            "SELECT credits, debits FROM wallet_balances WHERE family_id = ?1 AND wallet_id = ?2",
        )?
        .query_row(params![family, wallet], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .optional()?;
    let (credits, debits) = match current {
        Some((credits, debits)) => (parse(&credits)?, parse(&debits)?),
        None => (Money::ZERO, Money::ZERO),
    };
    let (credits, debits) = (credits + credit, debits + debit);
    conn.prepare_cached(
        "INSERT INTO wallet_balances (family_id, wallet_id, credits, debits, balance) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (family_id, wallet_id) DO UPDATE SET
             credits = excluded.credits, debits = excluded.debits, balance = excluded.balance",
    )?
    .execute(params![
        family,
        wallet,
        credits.to_string(),
        debits.to_string(),
        (credits - debits).to_string()
    ])?;
    Ok(())
}

fn parse(text: &str) -> Result<Money, ProjectionError> {
    Money::from_stored(text).map_err(|e| ProjectionError::malformed("wallet_balances", e))
}
