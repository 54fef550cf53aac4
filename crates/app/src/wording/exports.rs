//! The wording of the exports' refusals.

use std::fmt;

use crate::exports::ExportRefusal;

impl fmt::Display for ExportRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExportRefusal::InvalidMonth { typed } => write!(
                f,
                "Mois invalide : « {typed} » (écrivez l'année puis le mois, par exemple 2026-11)."
            ),
            ExportRefusal::UnknownStructure { typed } => {
                write!(f, "Structure inconnue : « {typed} ».")
            }
        }
    }
}

/// « moins de 6 ans », « 6 ans et plus »: the CAF's brackets as the attendance export names them.
pub fn bracket_label(bracket: domain::attendance::AgeBracket) -> &'static str {
    match bracket {
        domain::attendance::AgeBracket::UnderSix => "moins de 6 ans",
        domain::attendance::AgeBracket::SixAndOver => "6 ans et plus",
    }
}

/// « Chèque », or the stored code when it names no mode known to this version.
pub fn mode_label(code: &str) -> String {
    domain::values::PaymentMode::ALL
        .into_iter()
        .find(|mode| mode.code() == code)
        .map_or_else(
            || code.to_owned(),
            |mode| crate::desk::payment_mode_label(mode).to_owned(),
        )
}
