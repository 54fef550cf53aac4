//! Read models: projectors that turn events into rows, and the queries that read them.
//!
//! Each read model is described by one SQL file under `projections/` at the root of the
//! repository (the read-side contract) and has a version and a checkpoint (the last position it
//! has applied) in `projection_checkpoints`.
//!
//! Architecture invariant: projectors are deterministic functions of the events (no clock, no
//! registry, no IO besides their own tables), so replaying the log rebuilds exactly the rows the
//! live system has. They run inline, in the writer's transaction, right after the append.
#![forbid(unsafe_code)]

mod apply;
mod attendance;
pub mod booking;
mod error;
mod families;
mod install;
mod money;
mod rebuild;
mod registry;
mod row;
mod setup;
mod snapshot;

pub use apply::{advance_checkpoints, apply_inline, catch_up};
pub use attendance::{MarkRow, PresenceRow, attendance_mark, marks_of_day, presences_between};
pub use error::ProjectionError;
pub use families::{FamilyRow, QuotientRow, families, family, quotients};
pub use install::install;
pub use money::{
    AcceptedPlace, BalanceRow, ConsumptionRow, DeskPaymentRow, Estimate, OnlinePaymentRow,
    OnlinePaymentState, PaymentRow, UnbilledRow, accepted_places, accepted_reservation, balances,
    consumption_months, consumption_recorded, consumptions, desk_payment, online_payment,
    payment_months, payments, reservation_billed, started_operations, unbilled,
};
pub use rebuild::{Progress, RebuildReport, rebuild};
pub use registry::{stale, tables};
pub use setup::{
    ActivityRow, PeriodRow, StructureRow, WalletRow, Window, activities, activity,
    activity_changes, booking_window, debt_threshold, periods, structure_windows, structures,
    wallets,
};
pub use snapshot::{
    Difference, ReadModelCheck, Snapshot, first_difference, replay, snapshot, verify_read_models,
};
