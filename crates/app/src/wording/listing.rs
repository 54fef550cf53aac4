//! The wording of what staff typed and the listings could not resolve.

use std::fmt;

use crate::listing::ListingRefusal;

impl fmt::Display for ListingRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ListingRefusal::UnknownFamily { typed } => {
                write!(f, "Famille inconnue : « {typed} » (identifiant ou id).")
            }
            ListingRefusal::UnknownChild { typed } => {
                write!(f, "Enfant inconnu dans cette famille : « {typed} ».")
            }
            ListingRefusal::UnknownActivity { typed } => {
                write!(f, "Activité inconnue : « {typed} » (clé ou id).")
            }
        }
    }
}
