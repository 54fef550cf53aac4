//! « Suivi »: every request with its state (Non transmis, Acceptée, Liste d'attente — rang n,
//! Refusée — motif, Annulée), filters by child and month, and the buttons that are allowed:
//! withdraw a request not transmitted (a booking, or the cancellation of a place), cancel a
//! place (waitlisted ones too) through the basket.

mod actions;
mod page;

pub(super) use actions::{cancel, withdraw};
pub(super) use page::follow_up;
pub(crate) use page::{SuiviForms, table};
