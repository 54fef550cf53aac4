//! The wording of the attendance sheet: its marks and its refusals.

use std::fmt;

use domain::attendance::Mark;

use crate::desk::AttendanceRefusal;

/// A mark as the sheet shows it; `None`: not taken yet.
pub fn mark_label(mark: Option<Mark>) -> &'static str {
    match mark {
        None => "pas encore pointé",
        Some(Mark::Present) => "présent",
        Some(Mark::AbsentJustified) => "absent justifié",
        Some(Mark::AbsentUnjustified) => "absent non justifié",
    }
}

/// The words of a mark's button.
pub fn mark_button(mark: Mark) -> &'static str {
    match mark {
        Mark::Present => "Présent",
        Mark::AbsentJustified => "Absent justifié",
        Mark::AbsentUnjustified => "Absent non justifié",
    }
}

impl fmt::Display for AttendanceRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AttendanceRefusal::UnknownStructure => f.write_str("Structure inconnue."),
            AttendanceRefusal::NotExpected => f.write_str(
                "Cette place n'est plus acceptée : l'enfant n'est pas attendu ce jour-là.",
            ),
            AttendanceRefusal::DayNotStarted { day } => write!(
                f,
                "Le {} n'est pas encore arrivé : un enfant ne peut être pointé présent qu'à partir du jour même.",
                day.format("%d/%m/%Y")
            ),
            AttendanceRefusal::UnknownChild => f.write_str("Enfant inconnu."),
            AttendanceRefusal::ChildNotInStructure { first_name } => write!(
                f,
                "La famille de {first_name} n'est pas inscrite dans cette structure."
            ),
            AttendanceRefusal::AlreadyExpected { first_name } => write!(
                f,
                "{first_name} a déjà une place ce jour-là : pointez-la sur la feuille."
            ),
        }
    }
}
