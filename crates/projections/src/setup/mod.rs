//! The setup read model (`projections/setup.sql`): organisation settings, wallets, structures,
//! activities with their capacity and price histories, opening periods, booking windows.

mod project;
mod query;

pub(crate) use project::apply;
pub use query::{
    ActivityRow, PeriodRow, StructureRow, WalletRow, Window, activities, activity,
    activity_changes, booking_window, debt_threshold, periods, structure_windows, structures,
    wallets,
};
