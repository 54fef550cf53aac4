//! The wording of the staff actions on a day: their refusals and how a past action reads.

use std::fmt;

use crate::days::{DayActionKind, DayRefusal};

/// Who acted when the CLI ran without `--as`.
pub(crate) const OPERATOR: &str = "opérateur (ligne de commande)";

/// A past action in words, for the day's detail page.
pub fn action_text(kind: &DayActionKind) -> String {
    match kind {
        DayActionKind::CapacityChanged {
            capacity,
            waitlist_size,
        } => format!(
            "Capacité portée à {capacity} place{} et liste d'attente à {waitlist_size} à partir de ce jour",
            plural(*capacity)
        ),
        DayActionKind::Promoted { previous_rank, .. } => {
            format!("Promotion manuelle depuis le rang {previous_rank} de la liste d'attente")
        }
        DayActionKind::Reordered {
            from_rank, to_rank, ..
        } => format!("Liste d'attente : du rang {from_rank} au rang {to_rank}"),
        DayActionKind::Closed => "Journée fermée exceptionnellement".to_owned(),
    }
}

fn plural(n: u32) -> &'static str {
    if n > 1 { "s" } else { "" }
}

impl fmt::Display for DayRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DayRefusal::UnknownActivity => f.write_str("Cette activité n'a pas lieu ce jour-là."),
            DayRefusal::ReasonMissing => f.write_str("Le motif est obligatoire."),
            DayRefusal::ReasonTooLong { max } => {
                write!(f, "Le motif ne doit pas dépasser {max} caractères.")
            }
            DayRefusal::NotWaitlisted => {
                f.write_str("Cette place n'est pas sur la liste d'attente de ce jour.")
            }
            DayRefusal::NoFreePlace => {
                f.write_str("Plus de place libre ce jour-là : augmentez d'abord la capacité.")
            }
            DayRefusal::AlreadyFirst => {
                f.write_str("Cet enfant est déjà le premier de la liste d'attente.")
            }
            DayRefusal::AlreadyLast => {
                f.write_str("Cet enfant est déjà le dernier de la liste d'attente.")
            }
            DayRefusal::PastDay { day } => write!(
                f,
                "Le {} est déjà commencé ou passé : on ne peut plus le modifier.",
                day.format("%d/%m/%Y")
            ),
            DayRefusal::DayOver { day } => write!(
                f,
                "Le {} est passé : sa liste d'attente ne bouge plus.",
                day.format("%d/%m/%Y")
            ),
            DayRefusal::AlreadyClosed => f.write_str("Cette journée est déjà fermée."),
        }
    }
}
