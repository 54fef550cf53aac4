//! The booking read model (`projections/booking.sql`): its projector ([`project`]) and its
//! typed reads ([`query`]). The column forms of the states and kinds live here, once: every
//! row mapper and the projector go through [`state_column`] / [`state_from_column`] and
//! [`kind_column`] / [`kind_from_column`].

mod project;
mod query;
mod waitlist;

use domain::booking::{RequestKind, ReservationState};

use crate::ProjectionError;

pub(crate) use project::apply;
pub use query::{
    EngagementRow, FollowUpRow, PendingRow, RequestRow, ReservationRow, SlotCounts,
    TransmissionRow, activities_held_on, child_engagements, day_closed, follow_up,
    last_transmission, pending_booking_request, pending_cancellation, pending_requests,
    request_by_id, reservation_by_id, slot_counts, slot_reservations, transmissions,
    waitlisted_days,
};
pub use waitlist::{WaitlistSince, waitlist_since};

/// The column value of a state (`booking_requests.state`, `reservations.state`).
pub fn state_column(state: ReservationState) -> &'static str {
    match state {
        ReservationState::Pending => "non_transmis",
        ReservationState::Accepted => "acceptee",
        ReservationState::Waitlisted => "liste_attente",
        ReservationState::Refused => "refusee",
        ReservationState::Cancelled => "annulee",
        ReservationState::Withdrawn => "retiree",
        ReservationState::Handled => "traitee",
    }
}

/// The state a column value stands for.
pub fn state_from_column(text: &str) -> Result<ReservationState, ProjectionError> {
    Ok(match text {
        "non_transmis" => ReservationState::Pending,
        "acceptee" => ReservationState::Accepted,
        "liste_attente" => ReservationState::Waitlisted,
        "refusee" => ReservationState::Refused,
        "annulee" => ReservationState::Cancelled,
        "retiree" => ReservationState::Withdrawn,
        "traitee" => ReservationState::Handled,
        other => {
            return Err(ProjectionError::malformed(
                "booking",
                format!("{other:?} is not a state"),
            ));
        }
    })
}

/// The column value of a request's kind (`booking_requests.kind`).
pub fn kind_column(kind: RequestKind) -> &'static str {
    match kind {
        RequestKind::Booking => "booking",
        RequestKind::Cancellation => "cancellation",
    }
}

/// The kind a column value stands for.
pub fn kind_from_column(text: &str) -> Result<RequestKind, ProjectionError> {
    match text {
        "booking" => Ok(RequestKind::Booking),
        "cancellation" => Ok(RequestKind::Cancellation),
        other => Err(ProjectionError::malformed(
            "booking_requests",
            format!("{other:?} is not a request kind"),
        )),
    }
}

/// Serializes a state as its column value (the listings' JSON shows the stored form).
pub fn serialize_state<S: serde::Serializer>(
    state: &ReservationState,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(state_column(*state))
}

/// [`serialize_state`] for an optional state.
pub fn serialize_opt_state<S: serde::Serializer>(
    state: &Option<ReservationState>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match state {
        Some(state) => serializer.serialize_some(state_column(*state)),
        None => serializer.serialize_none(),
    }
}

#[cfg(test)]
mod tests;
