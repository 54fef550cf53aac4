//! The marks of the daily attendance sheet, and what the last one means for billing.
//!
//! A child expected on an activity and day (an accepted place) is marked present, absent with a
//! justification, or absent without one; a later mark replaces an earlier one. The nightly
//! consumption bills an accepted place unless its last mark is a justified absence.

/// One mark of the attendance sheet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mark {
    Present,
    AbsentJustified,
    AbsentUnjustified,
}

impl Mark {
    /// Every mark, in the order of the sheet's buttons.
    pub const ALL: [Mark; 3] = [
        Mark::Present,
        Mark::AbsentJustified,
        Mark::AbsentUnjustified,
    ];

    /// The code of the mark (the sheet's form values, the read model's column).
    pub fn code(self) -> &'static str {
        match self {
            Mark::Present => "present",
            Mark::AbsentJustified => "absent_justifie",
            Mark::AbsentUnjustified => "absent_non_justifie",
        }
    }

    /// The mark a code stands for.
    pub fn parse(code: &str) -> Option<Mark> {
        Mark::ALL.into_iter().find(|mark| mark.code() == code)
    }

    /// The mark of an absence recorded with or without a justification.
    pub fn absence(justified: bool) -> Mark {
        if justified {
            Mark::AbsentJustified
        } else {
            Mark::AbsentUnjustified
        }
    }

    /// Whether an accepted place whose last mark is this one is billed: every mark but a
    /// justified absence (an unjustified absence is billed, as a place not marked at all).
    pub fn bills_the_place(self) -> bool {
        self != Mark::AbsentJustified
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_back_as_its_mark_and_nothing_else_reads() {
        for mark in Mark::ALL {
            assert_eq!(Mark::parse(mark.code()), Some(mark));
        }
        assert_eq!(Mark::parse("absent"), None);
    }

    #[test]
    fn only_a_justified_absence_leaves_the_place_unbilled() {
        assert!(Mark::Present.bills_the_place());
        assert!(Mark::AbsentUnjustified.bills_the_place());
        assert!(!Mark::AbsentJustified.bills_the_place());
    }
}
