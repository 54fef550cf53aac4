//! The printable receipt (« reçu ») of a desk payment.

use chrono::{DateTime, NaiveDate, Utc};
use domain::Money;
use domain::ids::{FamilyId, PaymentId};
use domain::staff::Permission;
use domain::values::PaymentMode;
use mail::templates::ContactBlock;

use super::words::amount_in_words;
use crate::money::{MoneyRefusal, parse_mode};
use crate::registry;
use crate::staff::Acting;
use crate::{App, AppError};

/// A cancelled payment's mark on its receipt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceiptCancellation {
    /// `None` for a payment cancelled before reasons were kept.
    pub at: Option<DateTime<Utc>>,
    pub reason: Option<String>,
}

/// What a receipt prints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    pub payment_id: PaymentId,
    /// « 2026-00012 »: the year the payment was recorded, then the régie's sequence in that
    /// year, given once when the payment is recorded (`registry::number_receipt`), so a receipt
    /// printed twice bears the same number and no two payments of a régie share one. `None`
    /// for a payment recorded before receipts were numbered.
    pub number: Option<String>,
    /// The régie (wallet) credited.
    pub regie: String,
    pub family_id: FamilyId,
    pub login: String,
    /// « M. DUPONT Jean-Paul ».
    pub addressee: String,
    /// Who paid, as typed at the desk.
    pub payer: Option<String>,
    pub mode: PaymentMode,
    /// The cheque's (or voucher's) number.
    pub piece_number: Option<String>,
    pub bank: Option<String>,
    pub paid_on: NaiveDate,
    pub amount: Money,
    /// « cent vingt-trois euros et quarante-cinq centimes ».
    pub amount_in_words: String,
    pub cancelled: Option<ReceiptCancellation>,
    /// The organisation's contact block, the receipt's heading.
    pub contact: ContactBlock,
}

/// The receipt of a desk payment: `by` needs `RecordPayment` or `CancelPayment` on one of the
/// family's structures. Showing it (it names the payer) is written to the access log.
pub fn receipt(app: &App, by: &Acting, payment: PaymentId) -> Result<Receipt, AppError> {
    let by = by.clone();
    app.execute(&by.actor_text(), move |command| {
        let today = domain::deadline::paris_day(command.now());
        let conn = command.conn();
        let row =
            projections::desk_payment(conn, payment)?.ok_or(MoneyRefusal::DeskPaymentNotFound)?;
        let structures = projections::family(conn, row.family_id, today)?
            .map(|f| f.structures)
            .unwrap_or_default();
        by.require_any(Permission::RecordPayment, &structures)
            .or_else(|_| by.require_any(Permission::CancelPayment, &structures))?;
        crate::staff::record_access(
            conn,
            &by,
            row.family_id,
            crate::staff::AccessKind::FamilyDocument,
            command.now(),
        )?;
        let account =
            registry::family_account(conn, row.family_id)?.ok_or(MoneyRefusal::UnknownFamily)?;
        let details = registry::payment_details(conn, payment.0)?;
        let regie = projections::wallets(conn)?
            .into_iter()
            .find(|w| w.wallet_id == row.wallet_id)
            .map(|w| w.label)
            .unwrap_or_default();
        let cancelled = if row.cancelled {
            let note = registry::payment_cancellation(conn, payment.0)?;
            Some(ReceiptCancellation {
                at: note.as_ref().map(|n| n.cancelled_at),
                reason: note.map(|n| n.reason),
            })
        } else {
            None
        };
        Ok(Receipt {
            payment_id: payment,
            number: registry::receipt_number(conn, payment.0)?.map(|n| n.to_string()),
            regie,
            family_id: row.family_id,
            login: account.login.clone(),
            addressee: account.addressee(),
            payer: details.as_ref().and_then(|d| d.payer_name.clone()),
            mode: parse_mode(&row.mode)?,
            piece_number: details.as_ref().and_then(|d| d.piece_number.clone()),
            bank: details.and_then(|d| d.bank_name),
            paid_on: row.paid_on,
            amount: row.amount,
            amount_in_words: amount_in_words(row.amount),
            cancelled,
            contact: crate::notify::contact_block(conn)?,
        })
    })
}
