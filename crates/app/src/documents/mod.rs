//! Documents handed to a family, PDF (`documents::pdf`) or printable page, with the same
//! figures: the yearly « attestation de frais de garde », a statement of account for a period,
//! the receipt of a payment. Each is numbered once per (family, kind, period or payment) in
//! `document_numbers` and carries the organisation's contact block. Staff need
//! IssueAttestations in the family's structures; a family only ever gets its own.

mod childcare;
mod choices;
mod compose;
mod numbers;
mod receipt;
mod refusal;
mod requester;
mod statement;

use chrono::NaiveDate;
use rusqlite::Connection;

pub use childcare::{ChildcareAttestation, ChildcareLine, childcare_attestation, parse_year};
pub use choices::{DocumentChoices, PaymentChoice, document_choices};
pub use compose::{Addressee, euros};
pub(crate) use numbers::numbers_of;
pub use numbers::{DocumentKind, DocumentNumber};
pub use receipt::{PaymentReceipt, payment_receipt};
pub use refusal::DocumentRefusal;
pub use requester::Requester;
pub use statement::{AccountStatement, StatementLine, account_statement, parse_period};

use crate::AppError;

/// Before any day the service has seen.
const EPOCH: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(day) => day,
    None => NaiveDate::MIN,
};
/// After any day it will see (the years of documents stop at 2100).
const END: NaiveDate = match NaiveDate::from_ymd_opt(2101, 1, 1) {
    Some(day) => day,
    None => NaiveDate::MAX,
};

pub(crate) fn install(conn: &Connection) -> Result<(), AppError> {
    conn.execute_batch(include_str!("documents.sql"))?;
    Ok(())
}

#[cfg(test)]
mod tests;
