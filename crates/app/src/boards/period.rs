//! The stretch of days a board shows: a week from its Monday, or a calendar month.

use chrono::{Datelike, Days, Months, NaiveDate};

/// A week (its Monday) or a month (its first day).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    Week(NaiveDate),
    Month(NaiveDate),
}

impl Period {
    /// The week holding `day`.
    pub fn week_of(day: NaiveDate) -> Period {
        let back = u64::from(day.weekday().num_days_from_monday());
        Period::Week(day.checked_sub_days(Days::new(back)).unwrap_or(day))
    }

    /// The month holding `day`.
    pub fn month_of(day: NaiveDate) -> Period {
        Period::Month(day.with_day(1).unwrap_or(day))
    }

    /// The period a board's address names: `mois=YYYY-MM` when given (a malformed one is the
    /// current month), else `semaine=YYYY-MM-DD` (any day of the week; a malformed or absent
    /// one is the current week).
    pub fn from_query(semaine: Option<&str>, mois: Option<&str>, today: NaiveDate) -> Period {
        match mois.map(str::trim).filter(|m| !m.is_empty()) {
            Some(month) => Period::Month(crate::portal::parse_month(Some(month), today)),
            None => Period::week_of(
                semaine
                    .and_then(|text| domain::calendar::parse_day(text.trim()))
                    .unwrap_or(today),
            ),
        }
    }

    /// The first day.
    pub fn first_day(&self) -> NaiveDate {
        match *self {
            Period::Week(monday) => monday,
            Period::Month(first) => first,
        }
    }

    /// Every day of the period, in order.
    pub fn days(&self) -> Vec<NaiveDate> {
        let first = self.first_day();
        let next = self.next().first_day();
        first.iter_days().take_while(|d| *d < next).collect()
    }

    /// The week view of this period: itself, or the week holding a month's first day.
    pub fn week(&self) -> Period {
        match *self {
            Period::Week(_) => *self,
            Period::Month(first) => Period::week_of(first),
        }
    }

    /// The month view of this period: itself, or the month holding most of a week's days (the
    /// month of its Thursday), so the week of Monday 30 November opens December.
    pub fn month(&self) -> Period {
        match *self {
            Period::Week(monday) => {
                Period::month_of(monday.checked_add_days(Days::new(3)).unwrap_or(monday))
            }
            Period::Month(_) => *self,
        }
    }

    /// The period before (a week or a month).
    pub fn previous(&self) -> Period {
        match *self {
            Period::Week(monday) => {
                Period::Week(monday.checked_sub_days(Days::new(7)).unwrap_or(monday))
            }
            Period::Month(first) => {
                Period::Month(first.checked_sub_months(Months::new(1)).unwrap_or(first))
            }
        }
    }

    /// The period after.
    pub fn next(&self) -> Period {
        match *self {
            Period::Week(monday) => {
                Period::Week(monday.checked_add_days(Days::new(7)).unwrap_or(monday))
            }
            Period::Month(first) => {
                Period::Month(first.checked_add_months(Months::new(1)).unwrap_or(first))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn given_any_day_of_a_week_then_the_week_starts_on_its_monday_and_has_seven_days() {
        let week = Period::from_query(Some("2026-11-26"), None, day("2026-01-01"));
        assert_eq!(week, Period::Week(day("2026-11-23")));
        assert_eq!(week.days().len(), 7);
        assert_eq!(week.previous(), Period::Week(day("2026-11-16")));
        assert_eq!(week.next(), Period::Week(day("2026-11-30")));
    }

    #[test]
    fn given_a_week_astride_two_months_then_its_month_view_is_the_month_of_most_of_its_days() {
        assert_eq!(
            Period::week_of(day("2026-12-02")).month(),
            Period::Month(day("2026-12-01"))
        );
        assert_eq!(
            Period::week_of(day("2026-10-30")).month(),
            Period::Month(day("2026-10-01"))
        );
        assert_eq!(
            Period::Month(day("2026-12-01")).week(),
            Period::Week(day("2026-11-30"))
        );
    }

    #[test]
    fn given_a_malformed_week_then_the_current_week_is_shown() {
        let today = day("2026-11-25");
        for bad in ["2026-13-40", "demain", "", "2026-11-25'--"] {
            assert_eq!(
                Period::from_query(Some(bad), None, today),
                Period::Week(day("2026-11-23")),
                "{bad}"
            );
        }
    }

    #[test]
    fn given_a_month_then_it_wins_over_the_week_and_holds_its_days() {
        let month = Period::from_query(Some("2026-11-26"), Some("2027-02"), day("2026-11-25"));
        assert_eq!(month, Period::Month(day("2027-02-01")));
        assert_eq!(month.days().len(), 28);
        assert_eq!(month.previous(), Period::Month(day("2027-01-01")));
        assert_eq!(month.next(), Period::Month(day("2027-03-01")));
        assert_eq!(
            Period::from_query(None, Some("n'importe"), day("2026-11-25")),
            Period::Month(day("2026-11-01"))
        );
    }
}
