//! The month a page shows, from its `?mois=YYYY-MM` parameter.

use chrono::{Datelike, NaiveDate};

/// The years a month parameter may name; any other is the current month.
const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// Parses `YYYY-MM` into the month's first day; `today`'s month when absent, malformed or
/// outside the years 2000 to 2100.
pub fn parse_month(text: Option<&str>, today: NaiveDate) -> NaiveDate {
    text.and_then(|t| NaiveDate::parse_from_str(&format!("{}-01", t.trim()), "%Y-%m-%d").ok())
        .filter(|m| YEARS.contains(&m.year()))
        .unwrap_or_else(|| today.with_day(1).unwrap_or(today))
}

#[cfg(test)]
mod tests;
