//! The wording of the documents' refusals.

use std::fmt;

use crate::documents::DocumentRefusal;

impl fmt::Display for DocumentRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DocumentRefusal::UnknownFamily => f.write_str("Famille inconnue."),
            DocumentRefusal::UnknownPayment => f.write_str("Règlement inconnu."),
            DocumentRefusal::InvalidYear { typed } => write!(
                f,
                "Année invalide : « {typed} » (une année de 2000 à 2100, par exemple 2026)."
            ),
            DocumentRefusal::InvalidPeriod { from, to } => write!(
                f,
                "Période invalide : du « {from} » au « {to} » (deux dates AAAA-MM-JJ, la seconde \
                 après la première)."
            ),
        }
    }
}
