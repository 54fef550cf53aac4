//! Desk payments (credits of a wallet) and their cancellation, by a staff member who may
//! (`RecordPayment`, `CancelPayment`); the personal details (number, bank, payer, the reason of a
//! cancellation) go to the registry, the receipt number too.

use chrono::{Datelike, NaiveDate};
use domain::Money;
use domain::event::payloads::{PaymentCancelled, PaymentRecorded};
use domain::ids::{FamilyId, PaymentId, WalletId};
use domain::staff::Permission;
use domain::values::PaymentMode;
use uuid::Uuid;

use super::MoneyRefusal;
use crate::registry::{self, PaymentCancellation, PaymentDetails};
use crate::staff::Acting;
use crate::{App, AppError};

/// The longest reason of a cancellation.
const REASON_MAX_CHARS: usize = 500;

/// A desk payment as typed by staff.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeskPayment {
    pub family: FamilyId,
    pub wallet: WalletId,
    pub amount: Money,
    pub mode: PaymentMode,
    pub number: Option<String>,
    pub bank: Option<String>,
    pub payer: Option<String>,
    pub paid_on: NaiveDate,
}

/// Parses a payment mode code (CH, ESP, CB, PRLV, VIR, CESU, ANCV).
pub fn parse_mode(text: &str) -> Result<PaymentMode, AppError> {
    serde_json::from_value(serde_json::Value::String(text.trim().to_uppercase())).map_err(|_| {
        MoneyRefusal::UnknownPaymentMode {
            typed: text.to_owned(),
        }
        .into()
    })
}

/// The day of a payment as a form's date field sends it (`AAAA-MM-JJ`).
pub fn parse_payment_day(text: &str) -> Result<NaiveDate, AppError> {
    domain::calendar::parse_day(text.trim()).ok_or_else(|| {
        MoneyRefusal::InvalidPaymentDay {
            typed: text.trim().to_owned(),
        }
        .into()
    })
}

/// The wallet staff name by its setup key or its id.
pub fn resolve_wallet(app: &App, text: &str) -> Result<WalletId, AppError> {
    let text = text.trim().to_owned();
    app.query(move |conn| {
        if let Ok(id) = text.parse() {
            return Ok(id);
        }
        registry::id_of_key(conn, "wallet", &text)?
            .map(WalletId)
            .ok_or_else(|| MoneyRefusal::UnknownWallet { typed: text }.into())
    })
}

/// The typed fields of a payment, checked before anything is read.
fn check(payment: &DeskPayment) -> Result<(), MoneyRefusal> {
    if !payment.amount.is_positive() {
        return Err(MoneyRefusal::AmountNotPositive);
    }
    for text in [&payment.number, &payment.bank, &payment.payer]
        .into_iter()
        .flatten()
    {
        if text.chars().any(char::is_control) || text.len() > 200 {
            return Err(MoneyRefusal::InvalidText {
                typed: text.clone(),
            });
        }
    }
    Ok(())
}

/// Records a payment made at the desk: a credit of the wallet, with its receipt number (the
/// wallet's next in the year of recording). `by` needs `RecordPayment` on one of the family's
/// structures.
pub fn record_payment(app: &App, by: &Acting, payment: DeskPayment) -> Result<PaymentId, AppError> {
    check(&payment)?;
    let by = by.clone();
    app.execute(&by.actor_text(), move |command| {
        let today = domain::deadline::paris_day(command.now());
        let Some(family) = projections::family(command.conn(), payment.family, today)? else {
            return Err(MoneyRefusal::UnknownFamily.into());
        };
        by.require_any(Permission::RecordPayment, &family.structures)?;
        let covers = projections::structures(command.conn())?
            .into_iter()
            .filter(|s| family.structures.contains(&s.structure_id))
            .any(|s| s.wallet_id == payment.wallet);
        if !covers {
            return Err(MoneyRefusal::WalletNotOfFamily.into());
        }
        let id = PaymentId(Uuid::now_v7());
        registry::save_payment_details(
            command.conn(),
            id.0,
            &PaymentDetails {
                piece_number: payment.number.clone(),
                payer_name: payment.payer.clone(),
                bank_name: payment.bank.clone(),
            },
        )?;
        registry::number_receipt(command.conn(), id.0, payment.wallet, today.year())?;
        command.emit(PaymentRecorded {
            payment_id: id,
            family_id: payment.family,
            wallet_id: payment.wallet,
            amount: payment.amount,
            mode: payment.mode,
            paid_on: payment.paid_on,
        })?;
        Ok(id)
    })
}

/// The reason of a cancellation as typed: required, one line or a few, at most 500 characters.
fn cancellation_reason(typed: &str) -> Result<String, MoneyRefusal> {
    let reason = typed.trim();
    if reason.is_empty() {
        return Err(MoneyRefusal::CancellationReasonRequired);
    }
    if reason.chars().count() > REASON_MAX_CHARS
        || reason
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r')
    {
        return Err(MoneyRefusal::InvalidText {
            typed: reason.to_owned(),
        });
    }
    Ok(reason.to_owned())
}

/// Cancels a desk payment recorded by mistake (a new event; the payment stays in the log, its
/// receipt is marked cancelled). `by` needs `CancelPayment`; the reason, typed by staff, is
/// kept in the registry with the payment's details.
pub fn cancel_payment(
    app: &App,
    by: &Acting,
    payment: PaymentId,
    reason: &str,
) -> Result<Money, AppError> {
    let reason = cancellation_reason(reason)?;
    let by = by.clone();
    app.execute(&by.actor_text(), move |command| {
        let Some(recorded) = projections::desk_payment(command.conn(), payment)? else {
            return Err(MoneyRefusal::DeskPaymentNotFound.into());
        };
        let today = domain::deadline::paris_day(command.now());
        let structures = projections::family(command.conn(), recorded.family_id, today)?
            .map(|f| f.structures)
            .unwrap_or_default();
        by.require_any(Permission::CancelPayment, &structures)?;
        if recorded.cancelled {
            return Err(MoneyRefusal::PaymentAlreadyCancelled.into());
        }
        registry::save_payment_cancellation(
            command.conn(),
            payment.0,
            &PaymentCancellation {
                reason,
                cancelled_at: command.now(),
            },
        )?;
        command.emit(PaymentCancelled {
            payment_id: payment,
            family_id: recorded.family_id,
            wallet_id: recorded.wallet_id,
            amount: recorded.amount,
        })?;
        Ok(recorded.amount)
    })
}
