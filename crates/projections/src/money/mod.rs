//! The money read model (`projections/money.sql`): balances and histories in exact decimals,
//! absences, card payments.

mod project;
mod query;

pub(crate) use project::apply;
pub use query::{
    AcceptedPlace, BalanceRow, ConsumptionRow, DeskPaymentRow, Estimate, OnlinePaymentRow,
    OnlinePaymentState, PaymentRow, UnbilledRow, accepted_places, accepted_reservation, balances,
    consumption_months, consumption_recorded, consumptions, desk_payment, online_payment,
    payment_months, payments, reservation_billed, started_operations, unbilled,
};
