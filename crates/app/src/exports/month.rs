//! The month an export covers.

use chrono::{Datelike, Months, NaiveDate};

use super::ExportRefusal;

/// A calendar month, `YYYY-MM`, from 2000 to 2100.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ExportMonth {
    first: NaiveDate,
}

impl ExportMonth {
    /// `2026-11` (surrounding spaces allowed); anything else is refused with its text.
    pub fn parse(text: &str) -> Result<ExportMonth, ExportRefusal> {
        let typed = text.trim();
        let refused = || ExportRefusal::InvalidMonth {
            typed: typed.to_owned(),
        };
        if typed.len() != 7 || typed.as_bytes().get(4) != Some(&b'-') {
            return Err(refused());
        }
        let first =
            NaiveDate::parse_from_str(&format!("{typed}-01"), "%Y-%m-%d").map_err(|_| refused())?;
        if !(2000..=2100).contains(&first.year()) {
            return Err(refused());
        }
        Ok(ExportMonth { first })
    }

    /// The month before `today`'s: what the CAF and the accountant ask for at the start of a
    /// month.
    pub fn before(today: NaiveDate) -> ExportMonth {
        let this = today.with_day(1).unwrap_or(today);
        ExportMonth {
            first: this.checked_sub_months(Months::new(1)).unwrap_or(this),
        }
    }

    /// The month of `today` (the incomplete files' export is named after it).
    pub fn of(today: NaiveDate) -> ExportMonth {
        ExportMonth {
            first: today.with_day(1).unwrap_or(today),
        }
    }

    /// `2026-11`.
    pub fn code(self) -> String {
        self.first.format("%Y-%m").to_string()
    }

    pub fn first_day(self) -> NaiveDate {
        self.first
    }

    /// The first day of the next month (the end of the range, excluded).
    pub fn end(self) -> NaiveDate {
        self.first
            .checked_add_months(Months::new(1))
            .unwrap_or(self.first)
    }
}
