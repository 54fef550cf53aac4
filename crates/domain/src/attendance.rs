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

/// The CAF's age brackets of the attendance declaration: under 6, and 6 and over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AgeBracket {
    UnderSix,
    SixAndOver,
}

impl AgeBracket {
    pub const ALL: [AgeBracket; 2] = [AgeBracket::UnderSix, AgeBracket::SixAndOver];

    /// The bracket of a child born on `birth` for the month starting on `first_day`: the age on
    /// the first day of the month decides, for the whole month.
    pub fn for_month(birth: chrono::NaiveDate, first_day: chrono::NaiveDate) -> AgeBracket {
        if crate::calendar::age_on(birth, first_day) < 6 {
            AgeBracket::UnderSix
        } else {
            AgeBracket::SixAndOver
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    #[test]
    fn the_age_on_the_first_day_of_the_month_decides_the_bracket() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("a day");
        let november = day(2026, 11, 1);
        // Six on 1 November: 6 and over for the whole month
        assert_eq!(
            AgeBracket::for_month(day(2020, 11, 1), november),
            AgeBracket::SixAndOver
        );
        // Six on 2 November: under 6 for the whole month
        assert_eq!(
            AgeBracket::for_month(day(2020, 11, 2), november),
            AgeBracket::UnderSix
        );
    }

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
