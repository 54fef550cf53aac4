//! Desk payments (credits of a wallet) and their cancellation.

use chrono::NaiveDate;
use domain::Money;
use domain::event::payloads::{PaymentCancelled, PaymentRecorded};
use domain::ids::{FamilyId, PaymentId, WalletId};
use domain::values::PaymentMode;
use uuid::Uuid;

use super::MoneyRefusal;
use crate::registry::{self, PaymentDetails};
use crate::{App, AppError};

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

/// Records a payment made at the desk: a credit of the wallet.
pub fn record_payment(app: &App, payment: DeskPayment) -> Result<PaymentId, AppError> {
    check(&payment)?;
    app.execute("staff:payment", move |command| {
        let today = domain::deadline::paris_day(command.now());
        let Some(family) = projections::family(command.conn(), payment.family, today)? else {
            return Err(MoneyRefusal::UnknownFamily.into());
        };
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

/// Cancels a desk payment recorded by mistake (a new event; the payment stays in the log).
pub fn cancel_payment(app: &App, payment: PaymentId) -> Result<Money, AppError> {
    app.execute("staff:payment", move |command| {
        let Some(recorded) = projections::desk_payment(command.conn(), payment)? else {
            return Err(MoneyRefusal::DeskPaymentNotFound.into());
        };
        if recorded.cancelled {
            return Err(MoneyRefusal::PaymentAlreadyCancelled.into());
        }
        command.emit(PaymentCancelled {
            payment_id: payment,
            family_id: recorded.family_id,
            wallet_id: recorded.wallet_id,
            amount: recorded.amount,
        })?;
        Ok(recorded.amount)
    })
}
