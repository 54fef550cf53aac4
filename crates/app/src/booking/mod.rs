//! Booking services: baskets (requests and cancellations), withdrawals, the nightly
//! transmission, capacity changes with waitlist promotion, and « Suivi ». Rules come from
//! `domain::booking`; each use case loads their inputs inside the writer transaction and records
//! their outcome as events, read-model rows and outbox mails, all in that one transaction.

mod basket;
mod capacity;
mod follow_up;
mod refusal;
mod standing;
mod transmission;
mod withdrawal;

use uuid::Uuid;

pub use crate::lookup::{activity_on_day, activity_on_day_among};
pub use crate::wording::booking::{
    decision_line_text, forecast_text, outcome_text, paris_date_time, refusal_text,
};
pub(crate) use basket::family_structures;
#[cfg(test)]
pub(crate) use basket::preview_in;
pub use basket::{
    BasketReceipt, DeadlineException, LineLabel, LineOutcome, LineRequest, PreviewLine,
    REASON_MAX_CHARS, RecordedException, deadline_exception, describe_lines, estimated_total,
    preview_basket, receipt, submit_basket, submit_staff_basket,
};
pub use capacity::promote_after_capacity_change;
#[cfg(test)]
pub(crate) use follow_up::follow_up_in;
pub use follow_up::{FollowUpLine, follow_up};
pub use refusal::{BasketRefusal, BookingRefusal};
pub use standing::{BookingBlock, account_standing, basket_booking_allowed, booking_blocked};
pub use transmission::{
    DecisionCounts, DecisionLine, Outcome, SlotCounts, StructureCounts, TransmitReport, by_slot,
    by_structure, dry_run_transmission, last_update, transmit, transmit_by,
};
pub use withdrawal::{
    Withdrawable, request_owner, reservation_owner, staff_withdraw_request, withdraw_request,
};

/// The id of a basket, request or transmission, derived like the setup file's ids
/// ([`domain::ids::derive_id`]) from the parts that make it unique.
fn derived(kind: &str, parts: &[&str]) -> Uuid {
    domain::ids::derive_id(kind, &parts.join("/"))
}
