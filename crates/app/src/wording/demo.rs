//! The wording of the demo's refusal.

use std::fmt;

use crate::DemoRefusal;

impl fmt::Display for DemoRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DemoRefusal::DatabaseNotEmpty => f.write_str(
                "La base n'est pas vide : la démonstration ne se construit que dans une base neuve (--db nouveau-fichier.db).",
            ),
        }
    }
}
