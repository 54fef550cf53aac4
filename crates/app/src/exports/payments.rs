//! The régie's payment journal for a month: every payment recorded (desk and card), and for a
//! cancelled one a second, negative line « Annulation » right after it, dated the day it was
//! cancelled, with the reason. The amounts therefore add up to what the families' payment
//! histories count for the month (cancelled payments excluded), to the cent.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use documents::csv::Cell;
use domain::Money;
use domain::ids::WalletId;
use rusqlite::Connection;

use super::scope::ScopedStructure;
use super::{ExportMonth, Sheet, csv_failed};
use crate::AppError;
use crate::registry;
use crate::wording::exports::mode_label;

const HEADER: [&str; 10] = [
    "Régie",
    "Jour",
    "Opération",
    "Reçu",
    "Mode",
    "Numéro",
    "Payeur",
    "Famille",
    "Montant",
    "Motif d'annulation",
];

/// One line of the journal: a payment, or the cancellation of one (negative).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct JournalLine {
    pub wallet: String,
    pub day: NaiveDate,
    pub cancellation: bool,
    pub receipt: Option<String>,
    pub mode: String,
    pub number: Option<String>,
    pub payer: String,
    pub family: String,
    pub amount: Money,
    pub reason: Option<String>,
}

impl JournalLine {
    fn cells(&self) -> Vec<Cell> {
        let optional = |text: &Option<String>| text.as_ref().map_or(Cell::Empty, Cell::text);
        vec![
            Cell::text(&self.wallet),
            Cell::Day(self.day),
            Cell::text(if self.cancellation {
                "Annulation"
            } else {
                "Règlement"
            }),
            optional(&self.receipt),
            Cell::text(&self.mode),
            optional(&self.number),
            Cell::text(&self.payer),
            Cell::text(&self.family),
            Cell::Money(self.amount),
            optional(&self.reason),
        ]
    }
}

/// The month's journal of the régies of `structures`, by régie, day and payment.
pub(crate) fn journal(
    conn: &Connection,
    month: ExportMonth,
    structures: &[ScopedStructure],
) -> Result<Vec<JournalLine>, AppError> {
    let wallets: HashMap<WalletId, String> = structures
        .iter()
        .map(|s| (s.wallet_id, s.wallet_label.clone()))
        .collect();
    let mut lines = Vec::new();
    for family in projections::families(conn, month.first_day())? {
        let account = registry::family_account(conn, family.family_id)?;
        let family_name = account.map(|a| a.payer_name).unwrap_or_default();
        let rows = projections::payments(conn, family.family_id, month.first_day(), month.end())?;
        for row in rows {
            let Some(wallet) = wallets.get(&row.wallet_id) else {
                continue;
            };
            let details = registry::payment_details(conn, row.payment_id)?;
            let payment = JournalLine {
                wallet: wallet.clone(),
                day: row.paid_on,
                cancellation: false,
                receipt: registry::receipt_number(conn, row.payment_id)?.map(|n| n.to_string()),
                mode: mode_label(&row.mode),
                number: details.as_ref().and_then(|d| d.piece_number.clone()),
                payer: details
                    .as_ref()
                    .and_then(|d| d.payer_name.clone())
                    .unwrap_or_else(|| family_name.clone()),
                family: family_name.clone(),
                amount: row.amount,
                reason: None,
            };
            if row.cancelled {
                let cancelled = registry::payment_cancellation(conn, row.payment_id)?;
                let cancellation = JournalLine {
                    day: cancelled
                        .as_ref()
                        .map_or(row.paid_on, |c| domain::deadline::paris_day(c.cancelled_at)),
                    cancellation: true,
                    amount: -row.amount,
                    reason: cancelled.map(|c| c.reason),
                    ..payment.clone()
                };
                lines.push((row.payment_id, payment));
                lines.push((row.payment_id, cancellation));
            } else {
                lines.push((row.payment_id, payment));
            }
        }
    }
    // By régie, then the payment's day; a cancellation stays right after its payment.
    let days: HashMap<uuid::Uuid, NaiveDate> = lines
        .iter()
        .filter(|(_, l)| !l.cancellation)
        .map(|(id, l)| (*id, l.day))
        .collect();
    lines.sort_by_key(|(id, l)| (l.wallet.clone(), days.get(id).copied(), *id, l.cancellation));
    Ok(lines.into_iter().map(|(_, line)| line).collect())
}

/// The sheet: the lines, a « Total <régie> » after each régie's, then « Total ».
pub(super) fn sheet(
    conn: &Connection,
    month: ExportMonth,
    structures: &[ScopedStructure],
) -> Result<Sheet, AppError> {
    let journal = journal(conn, month, structures)?;
    let total_row = |label: String, amount: Money| {
        let mut row = vec![Cell::text(label)];
        row.extend(std::iter::repeat_n(Cell::Empty, 7));
        row.push(Cell::Money(amount));
        row.push(Cell::Empty);
        row
    };
    let mut rows = Vec::new();
    let mut seen = HashSet::new();
    for wallet in journal.iter().map(|l| l.wallet.as_str()) {
        if !seen.insert(wallet) {
            continue;
        }
        let chosen: Vec<&JournalLine> = journal.iter().filter(|l| l.wallet == wallet).collect();
        rows.extend(chosen.iter().map(|l| l.cells()));
        rows.push(total_row(
            format!("Total {wallet}"),
            chosen.iter().map(|l| l.amount).sum(),
        ));
    }
    rows.push(total_row(
        "Total".to_owned(),
        journal.iter().map(|l| l.amount).sum(),
    ));
    Ok(Sheet {
        bytes: documents::csv::sheet(&HEADER, &rows).map_err(csv_failed)?,
        lines: journal.len(),
    })
}
