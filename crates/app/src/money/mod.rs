//! Money services: consumptions (debits), absences, desk payments (credits), the wallet balance
//! with the estimated cost of reservations not yet debited, and the histories.

mod absence;
mod consumption;
mod history;
mod payment;
mod price;
mod refusal;
mod staff_consumption;
mod statement;

pub use absence::record_absence;
pub(crate) use absence::{absence_in, require_attendance};
pub use consumption::{ConsumeReport, consume};
pub use history::{ConsumptionLine, History, PaymentLine, consumption_history, payment_history};
pub use payment::{
    DeskPayment, cancel_payment, parse_mode, parse_payment_day, record_payment, resolve_wallet,
};
pub(crate) use price::Prices;
pub use price::{DayPrice, day_price};
pub use refusal::MoneyRefusal;
pub(crate) use staff_consumption::{Breaches, consumption_in};
pub use staff_consumption::{
    ConsumptionException, record_consumption, record_consumption_as_exception,
};
pub use statement::{WalletStatement, statement, statement_in};
