//! The French words of the booking pages and commands.

use domain::values::{Forecast, RefusalReason};

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
    }
}
