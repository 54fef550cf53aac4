//! What opening the database says when it refuses.

use std::fmt;

use crate::error::StaleReadModels;

impl fmt::Display for StaleReadModels {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<String> = self
            .0
            .iter()
            .map(|model| {
                format!(
                    "{} (version {}, le code attend {})",
                    model.name, model.stored, model.code
                )
            })
            .collect();
        write!(
            f,
            "Les modèles de lecture suivants datent d'une version précédente : {}. Reconstruisez-les d'abord : portail rebuild",
            names.join(", ")
        )
    }
}
