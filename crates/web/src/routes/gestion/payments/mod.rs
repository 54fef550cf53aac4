//! `/gestion/…/reglement` and `/gestion/reglements/…`: desk payments and their receipts.

mod form;
mod receipt;

pub(super) use form::{payment_form, record};
pub(super) use receipt::{cancel, receipt};
