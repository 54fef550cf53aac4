//! The portal pages' refusals in French.

use std::fmt;

use crate::portal::PortalRefusal;

impl fmt::Display for PortalRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PortalRefusal::BasketFull { max } => write!(
                f,
                "Votre panier contient déjà {max} demandes : validez-les avant d'en ajouter."
            ),
            PortalRefusal::ChildNotInFamily => {
                f.write_str("Cet enfant n'est pas rattaché à ce compte.")
            }
            PortalRefusal::UnknownFamily => f.write_str("Famille inconnue."),
        }
    }
}
