//! The French words of the booking pages and commands: refusals, forecasts, decisions.

use std::fmt;

use chrono::{DateTime, Utc};
use domain::booking::ReservationState;
use domain::values::{Forecast, RefusalReason};

use crate::booking::{BasketRefusal, BookingBlock, BookingRefusal, DecisionLine, Outcome};
use crate::listing::ReservationListing;

/// The French text of a forecast, as the récapitulatif shows it.
pub fn forecast_text(forecast: &Forecast) -> String {
    match forecast {
        Forecast::PlaceAvailable => "place disponible".to_owned(),
        Forecast::Waitlisted { expected_rank } => {
            format!("sera mise en liste d'attente (rang prévu {expected_rank})")
        }
        Forecast::Refused { reason } => format!("sera refusée ({})", refusal_text(*reason)),
    }
}

/// The French text of a refusal reason.
pub fn refusal_text(reason: RefusalReason) -> &'static str {
    match reason {
        RefusalReason::Full => "complet",
        RefusalReason::WaitlistFull => "complet, liste d'attente complète",
        RefusalReason::IncompatibleSameDay => {
            "incompatible avec une autre réservation le même jour"
        }
        RefusalReason::DayClosed => "Journée fermée exceptionnellement",
    }
}

/// « Non transmis », « Liste d'attente — rang 2 », « Refusée — complet »…: a line of « Suivi ».
pub fn follow_up_state_text(
    state: ReservationState,
    rank: Option<u32>,
    reason: Option<RefusalReason>,
) -> String {
    match state {
        ReservationState::Pending => "Non transmis".to_owned(),
        ReservationState::Accepted => "Acceptée".to_owned(),
        ReservationState::Waitlisted => match rank {
            Some(rank) => format!("Liste d'attente — rang {rank}"),
            None => "Liste d'attente".to_owned(),
        },
        ReservationState::Refused => match reason {
            Some(reason) => format!("Refusée — {}", refusal_text(reason)),
            None => "Refusée".to_owned(),
        },
        ReservationState::Cancelled => "Annulée".to_owned(),
        other => stored_form(other).to_owned(),
    }
}

/// A state the listings have no words for (a withdrawn or carried-out request) shows its
/// stored form.
fn stored_form(state: ReservationState) -> &'static str {
    projections::booking::state_column(state)
}

/// What a transmission decided, as the staff's report line says it.
pub fn outcome_text(outcome: Outcome) -> String {
    match outcome {
        Outcome::Accepted => "acceptée".to_owned(),
        Outcome::Waitlisted { rank } => format!("liste d'attente, rang {rank}"),
        Outcome::Refused { reason } => format!("refusée ({})", refusal_text(reason)),
        Outcome::Cancelled => "annulée".to_owned(),
        Outcome::Promoted => "acceptée depuis la liste d'attente".to_owned(),
    }
}

/// « 2026-12-09 Journée — Lilou DUPONT : acceptée »: one decision of a transmission report.
pub fn decision_line_text(line: &DecisionLine) -> String {
    format!(
        "{} {} — {} : {}",
        line.day,
        line.activity,
        line.child,
        outcome_text(line.outcome)
    )
}

/// « 02/12/2026 à 02:00 », Paris time: how a cut-off reads for the staff.
pub fn paris_date_time(instant: DateTime<Utc>) -> String {
    instant
        .with_timezone(&chrono_tz::Europe::Paris)
        .format("%d/%m/%Y à %H:%M")
        .to_string()
}

impl fmt::Display for BasketRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BasketRefusal::Blocked { blocked } => f.write_str(&blocked.message()),
            BasketRefusal::ChildNotInFamily => {
                f.write_str("Cet enfant n'est pas rattaché à votre compte.")
            }
            BasketRefusal::UnknownActivity => f.write_str("Activité inconnue."),
            BasketRefusal::ActivityNotOffered => {
                f.write_str("Cette activité n'est pas proposée par une structure de votre compte.")
            }
            BasketRefusal::Rule { refusal } => f.write_str(&refusal.message()),
            BasketRefusal::UnknownReservation => {
                f.write_str("Réservation introuvable pour votre compte.")
            }
            BasketRefusal::AlreadyCancelled => f.write_str("Cette réservation est déjà annulée."),
            BasketRefusal::CancellationPending => {
                f.write_str("Une annulation de ce jour est déjà demandée.")
            }
            BasketRefusal::Worded(text) => f.write_str(text),
        }
    }
}

impl fmt::Display for BookingRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BookingRefusal::InvalidFormId => {
                f.write_str("Identifiant de formulaire invalide : rechargez la page.")
            }
            BookingRefusal::Basket(refusal) => f.write_str(&refusal.message()),
            BookingRefusal::FormReused => f.write_str(
                "Ce formulaire a déjà été envoyé avec d'autres demandes : rechargez la page pour recommencer.",
            ),
            BookingRefusal::UnknownFamily => f.write_str("Famille inconnue."),
            BookingRefusal::UnknownActivity => f.write_str("Activité inconnue."),
            BookingRefusal::UnknownRequest => {
                f.write_str("Demande introuvable pour votre compte.")
            }
            BookingRefusal::AlreadyTransmitted => f.write_str(
                "Cette demande a déjà été transmise : elle ne peut plus être retirée. Vous pouvez annuler la réservation.",
            ),
            BookingRefusal::ExceptionReason { max } => write!(
                f,
                "Indiquez le motif de la dérogation au délai ({max} caractères au plus)."
            ),
            BookingRefusal::CutOffBeforeLast { requested, last } => write!(
                f,
                "La date de coupure demandée ({}) est antérieure à celle de la dernière transmission ({}) : tout est déjà transmis jusqu'au {}, rien n'est transmis.",
                paris_date_time(*requested),
                paris_date_time(*last),
                paris_date_time(*last)
            ),
        }
    }
}

impl BookingBlock {
    /// Why this family is blocked, in the words shown to the parent.
    pub fn reason(&self) -> String {
        self.blocked.message()
    }

    /// The rule every blocked parent is shown, with the configured threshold.
    pub fn conditions(&self) -> String {
        domain::booking::booking_conditions(self.threshold)
    }
}

impl ReservationListing {
    /// The state in the words of `portail reservations list`.
    pub fn state_text(&self) -> String {
        match self.state {
            ReservationState::Pending => "Non transmis".to_owned(),
            ReservationState::Accepted if self.cancellation_pending => {
                "Acceptée (annulation demandée)".to_owned()
            }
            ReservationState::Accepted => "Acceptée".to_owned(),
            ReservationState::Waitlisted => {
                format!("Liste d'attente — rang {}", self.rank.unwrap_or(0))
            }
            ReservationState::Refused => {
                format!("Refusée — {}", self.reason.clone().unwrap_or_default())
            }
            ReservationState::Cancelled => "Annulée".to_owned(),
            other => stored_form(other).to_owned(),
        }
    }
}
