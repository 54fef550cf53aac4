//! The wording of the staff boards: the six states of a day and the kinds of request.

use domain::booking::{BoardState, RequestKind};

/// A day's state as the occupancy board writes it (always next to its colour).
pub fn state_label(state: BoardState) -> &'static str {
    match state {
        BoardState::Closed => "Fermé",
        BoardState::FreePlaces => "Places libres",
        BoardState::BookingClosed => "Réservations closes",
        BoardState::FullWaitlistOpen => "Complet — liste d'attente ouverte",
        BoardState::Full => "Complet",
        BoardState::ClosedExceptionally => "Fermé exceptionnellement",
    }
}

/// A request's kind in the day's list.
pub fn request_kind_label(kind: RequestKind) -> &'static str {
    match kind {
        RequestKind::Booking => "réservation",
        RequestKind::Cancellation => "annulation",
    }
}
