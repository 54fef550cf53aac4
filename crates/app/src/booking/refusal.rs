//! The refusals of the booking use cases, typed until they are shown: their French words live
//! in `crate::wording::booking`, and receipts store them as codes (with their data), never as
//! text.

use chrono::{DateTime, Utc};
use domain::booking::{Blocked, LineRefusal};
use serde::{Deserialize, Serialize};

/// Why a line of a basket was not recorded (stored in its receipt).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum BasketRefusal {
    /// The family may not book now (debt, incomplete file).
    Blocked { blocked: Blocked },
    /// The child is not one of the family's.
    ChildNotInFamily,
    /// No such activity on that day.
    UnknownActivity,
    /// None of the family's structures offers the activity.
    ActivityNotOffered,
    /// A booking rule refuses the line.
    Rule { refusal: LineRefusal },
    /// The reservation to cancel is not the family's (or does not exist).
    UnknownReservation,
    /// The reservation to cancel is already cancelled.
    AlreadyCancelled,
    /// A cancellation of the place is already pending.
    CancellationPending,
    /// A refusal a receipt recorded before refusals were stored as codes: its words as then
    /// written.
    #[serde(untagged)]
    Worded(String),
}

/// Why a booking command was refused as a whole (nothing was recorded).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BookingRefusal {
    /// The form's client request id is empty or too long.
    InvalidFormId,
    /// The basket breaks a rule of its own (empty).
    Basket(LineRefusal),
    /// The form was already sent with other lines.
    FormReused,
    UnknownFamily,
    UnknownActivity,
    /// The request to withdraw is not the family's (or does not exist).
    UnknownRequest,
    /// The request to withdraw was already transmitted.
    AlreadyTransmitted,
    /// The reason of a director's exception to a deadline is missing or too long.
    ExceptionReason {
        max: usize,
    },
    /// A transmission's cut-off before the last one's.
    CutOffBeforeLast {
        requested: DateTime<Utc>,
        last: DateTime<Utc>,
    },
}

impl std::error::Error for BookingRefusal {}
