//! The booking rules, as pure functions shared by the web, the CLI and the nightly transmission.
//!
//! The application layer loads the state inside the writer transaction, calls these functions
//! and turns their results into events:
//!
//! - at submission ([`basket`]): [`account_block`] for the family, then per line
//!   [`validate_booking`] (with its [`Forecast`](crate::values::Forecast)) or
//!   [`validate_cancellation`], and [`validate_basket_size`] for the whole basket;
//! - at night ([`transmission`]): [`transmit`] decides every pending request, and
//!   [`promotions`] also serves staff raising a capacity.
//!
//! Nothing here reads a clock: `now` is a parameter.

pub mod basket;
mod board_state;
mod calendar_state;
mod state;
pub mod transmission;
mod waitlist;

pub use basket::{
    AccountStanding, ActivityOnDay, BasketLine, Blocked, ChildFacts, DeadlineRule, Engagement,
    EngagementState, LineRefusal, account_block, age_eligible, booking_conditions,
    booking_too_late, cancellation_too_late, day_open, forecast, validate_basket_size,
    validate_booking, validate_cancellation,
};
pub use board_state::{BoardState, board_state};
pub use calendar_state::{DayState, day_state};
pub use state::{RequestKind, ReservationState};
pub use transmission::{
    Decision, HeldReservation, IgnoredCancellation, IgnoredReason, PendingRequest, SlotKey,
    SlotState, TransmissionError, TransmissionInput, TransmissionOutcome, promotions,
    reservation_id_for, transmit,
};
pub use waitlist::{Direction, MoveRefusal, move_on_waitlist};
