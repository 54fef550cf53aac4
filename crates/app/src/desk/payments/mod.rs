//! Desk payments as the desk prints them (recording and cancelling are `crate::money`'s).

mod form;
mod receipt;
mod words;

pub use form::{PaymentTarget, payment_target};
pub use receipt::{Receipt, ReceiptCancellation, receipt};
pub use words::{amount_in_words, number_in_words};
