//! The calendar of the centres: French public holidays, opening days and children's ages.
//!
//! Everything here is a pure function of dates; nothing reads the clock.

use std::collections::BTreeSet;

use chrono::{Datelike, Days, NaiveDate};

/// Easter Sunday of a Gregorian year (anonymous Gregorian algorithm, as given by Meeus).
///
/// Years outside the range chrono can represent are clamped to that range, so the function
/// never panics; for every real year the result is exact.
pub fn easter_sunday(year: i32) -> NaiveDate {
    let year = year.clamp(NaiveDate::MIN.year(), NaiveDate::MAX.year());
    // Euclidean division keeps the algorithm meaningful for proleptic (negative) years.
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c.div_euclid(4);
    let k = c.rem_euclid(4);
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l).div_euclid(451);
    let n = h + l - 7 * m + 114;
    let month = n.div_euclid(31);
    let day = n.rem_euclid(31) + 1;
    // The algorithm yields a day between 22 March and 25 April, which exists in every clamped
    // year; the fallback is unreachable and only avoids a panic path.
    let month = u32::try_from(month).unwrap_or(4);
    let day = u32::try_from(day).unwrap_or(1);
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

/// The 11 public holidays of metropolitan France for `year`, with their French names, sorted by
/// date.
///
/// Ascension can fall on 1 or 8 May; both holidays are then listed on the same date (fixed
/// holiday first). Years chrono cannot represent yield the holidays that exist.
pub fn public_holidays(year: i32) -> Vec<(NaiveDate, &'static str)> {
    let fixed = |month: u32, day: u32| NaiveDate::from_ymd_opt(year, month, day);
    let easter = easter_sunday(year);
    let after_easter = |days: u64| {
        if easter.year() == year {
            easter.checked_add_days(Days::new(days))
        } else {
            // `year` was out of range and Easter was clamped: no movable feasts.
            None
        }
    };
    let mut holidays: Vec<(NaiveDate, &'static str)> = [
        (fixed(1, 1), "Jour de l'an"),
        (after_easter(1), "Lundi de Pâques"),
        (fixed(5, 1), "Fête du Travail"),
        (fixed(5, 8), "Victoire 1945"),
        (after_easter(39), "Ascension"),
        (after_easter(50), "Lundi de Pentecôte"),
        (fixed(7, 14), "Fête nationale"),
        (fixed(8, 15), "Assomption"),
        (fixed(11, 1), "Toussaint"),
        (fixed(11, 11), "Armistice 1918"),
        (fixed(12, 25), "Noël"),
    ]
    .into_iter()
    .filter_map(|(day, name)| day.map(|day| (day, name)))
    .collect();
    // Stable: on a shared date the fixed holiday, listed first above, stays first.
    holidays.sort_by_key(|(day, _)| *day);
    holidays
}

/// Whether `day` is a French public holiday.
pub fn is_public_holiday(day: NaiveDate) -> bool {
    holiday_name(day).is_some()
}

/// The French name of the public holiday falling on `day`, if any (when Ascension falls on
/// 1 or 8 May, the name of the fixed holiday).
pub fn holiday_name(day: NaiveDate) -> Option<&'static str> {
    public_holidays(day.year())
        .into_iter()
        .find(|(holiday, _)| *holiday == day)
        .map(|(_, name)| name)
}

/// ISO weekday number of a day: 1 = Monday … 7 = Sunday.
fn iso_weekday(day: NaiveDate) -> u8 {
    // number_from_monday is 1..=7, always fits.
    u8::try_from(day.weekday().number_from_monday()).unwrap_or(0)
}

/// One opening period: some weekdays between two dates, minus excluded days and (unless it says
/// otherwise) public holidays. The shape of `OpeningPeriodDefined` without its identifiers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Period {
    /// First open day candidate, inclusive.
    pub first_day: NaiveDate,
    /// Last open day candidate, inclusive.
    pub last_day: NaiveDate,
    /// ISO weekdays, 1 = Monday … 7 = Sunday.
    pub weekdays: Vec<u8>,
    /// Days closed although they match the weekdays (bridge days, staff training…).
    pub excluded_days: Vec<NaiveDate>,
    /// When false (the usual case), public holidays are closed.
    pub open_on_public_holidays: bool,
}

impl Period {
    /// Whether this period alone opens `day`.
    pub fn opens(&self, day: NaiveDate) -> bool {
        self.first_day <= day
            && day <= self.last_day
            && self.weekdays.contains(&iso_weekday(day))
            && !self.excluded_days.contains(&day)
            && (self.open_on_public_holidays || !is_public_holiday(day))
    }
}

/// The opening days of an activity: the union of its opening periods.
///
/// A day is open when at least one period opens it. Periods may overlap; an excluded day or a
/// public holiday closes a day only for the period that says so, so another period covering the
/// same day can still open it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OpeningCalendar {
    periods: Vec<Period>,
}

impl OpeningCalendar {
    /// A calendar made of these periods.
    pub fn new(periods: Vec<Period>) -> Self {
        OpeningCalendar { periods }
    }

    /// Adds a period (a later `OpeningPeriodDefined`).
    pub fn add(&mut self, period: Period) {
        self.periods.push(period);
    }

    /// The periods of the calendar, in the order they were given.
    pub fn periods(&self) -> &[Period] {
        &self.periods
    }

    /// Whether the centre is open on `day`.
    pub fn is_open(&self, day: NaiveDate) -> bool {
        self.periods.iter().any(|period| period.opens(day))
    }

    /// The open days between `from` and `to`, both inclusive, sorted and without duplicates
    /// (empty when `from > to`).
    pub fn open_days(&self, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
        let mut days = BTreeSet::new();
        for period in &self.periods {
            let start = from.max(period.first_day);
            let end = to.min(period.last_day);
            if start > end {
                continue;
            }
            // `successors` rather than `iter_days`, which never yields `NaiveDate::MAX`.
            let range =
                std::iter::successors(
                    Some(start),
                    |day| {
                        if *day < end { day.succ_opt() } else { None }
                    },
                );
            days.extend(range.filter(|day| period.opens(*day)));
        }
        days.into_iter().collect()
    }
}

/// Age in whole years on `day` of a child born on `birth` (0 before the first birthday, and for
/// a `day` before the birth).
///
/// A child born on 29 February becomes one year older on 1 March in non-leap years, as French
/// civil law counts it.
pub fn age_on(birth: NaiveDate, day: NaiveDate) -> u32 {
    if day <= birth {
        return 0;
    }
    let mut years = day.year() - birth.year();
    if (day.month(), day.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    u32::try_from(years).unwrap_or(0)
}

/// Whether `text` has the shape `YYYY-MM-DD` exactly: ten characters, digits with `-` at 4 and 7.
pub fn is_day_shaped(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 10
        && bytes.iter().enumerate().all(|(index, byte)| match index {
            4 | 7 => *byte == b'-',
            _ => byte.is_ascii_digit(),
        })
}

/// A day as people and forms write it, `YYYY-MM-DD` with a year from 1 to 9999: the days the
/// software stores and compares. Stored days are compared as text, which orders them as dates
/// only with four-digit years, so a year 0, a negative year or `+10000-…` is no day at all
/// (`None`), not a day outside every period that would sort wrongly.
pub fn parse_day(text: &str) -> Option<NaiveDate> {
    if !is_day_shaped(text) {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|day| day.year() >= 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_is_four_digit_year_month_day_and_nothing_else() {
        assert_eq!(parse_day("2026-12-02"), Some(date("2026-12-02")));
        assert_eq!(parse_day("0001-01-01"), Some(date("0001-01-01")));
        assert_eq!(parse_day("9999-12-31"), Some(date("9999-12-31")));
        for absurd in [
            "0000-01-01",
            "-0001-01-01",
            "+10000-01-01",
            "10000-01-01",
            "2026-02-30",
            "2026-1-02",
            " 2026-12-02",
            "2026-12-02T00:00",
            "",
        ] {
            assert_eq!(parse_day(absurd), None, "{absurd}");
        }
    }

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test dates are valid")
    }

    /// The official holidays of a year, written out literally, in date order.
    fn official(year_holidays: [(&str, &'static str); 11]) -> Vec<(NaiveDate, &'static str)> {
        year_holidays
            .into_iter()
            .map(|(day, name)| (date(day), name))
            .collect()
    }

    #[test]
    fn easter_sunday_matches_the_published_dates() {
        // Given the years the portal will run
        // When Easter is computed
        // Then it is the date printed in every French calendar
        for (year, easter) in [
            (2024, "2024-03-31"),
            (2025, "2025-04-20"),
            (2026, "2026-04-05"),
            (2027, "2027-03-28"),
            (2028, "2028-04-16"),
            (2029, "2029-04-01"),
            (2030, "2030-04-21"),
            // Extremes of the Gregorian range of Easter: 22 March and 25 April.
            (2285, "2285-03-22"),
            (2038, "2038-04-25"),
        ] {
            assert_eq!(easter_sunday(year), date(easter), "Easter {year}");
        }
    }

    #[test]
    fn public_holidays_2024_to_2030_are_the_official_ones() {
        // Given the official French public holidays of 2024 to 2030
        let expected = [
            official([
                ("2024-01-01", "Jour de l'an"),
                ("2024-04-01", "Lundi de Pâques"),
                ("2024-05-01", "Fête du Travail"),
                ("2024-05-08", "Victoire 1945"),
                ("2024-05-09", "Ascension"),
                ("2024-05-20", "Lundi de Pentecôte"),
                ("2024-07-14", "Fête nationale"),
                ("2024-08-15", "Assomption"),
                ("2024-11-01", "Toussaint"),
                ("2024-11-11", "Armistice 1918"),
                ("2024-12-25", "Noël"),
            ]),
            official([
                ("2025-01-01", "Jour de l'an"),
                ("2025-04-21", "Lundi de Pâques"),
                ("2025-05-01", "Fête du Travail"),
                ("2025-05-08", "Victoire 1945"),
                ("2025-05-29", "Ascension"),
                ("2025-06-09", "Lundi de Pentecôte"),
                ("2025-07-14", "Fête nationale"),
                ("2025-08-15", "Assomption"),
                ("2025-11-01", "Toussaint"),
                ("2025-11-11", "Armistice 1918"),
                ("2025-12-25", "Noël"),
            ]),
            official([
                ("2026-01-01", "Jour de l'an"),
                ("2026-04-06", "Lundi de Pâques"),
                ("2026-05-01", "Fête du Travail"),
                ("2026-05-08", "Victoire 1945"),
                ("2026-05-14", "Ascension"),
                ("2026-05-25", "Lundi de Pentecôte"),
                ("2026-07-14", "Fête nationale"),
                ("2026-08-15", "Assomption"),
                ("2026-11-01", "Toussaint"),
                ("2026-11-11", "Armistice 1918"),
                ("2026-12-25", "Noël"),
            ]),
            official([
                ("2027-01-01", "Jour de l'an"),
                ("2027-03-29", "Lundi de Pâques"),
                ("2027-05-01", "Fête du Travail"),
                ("2027-05-06", "Ascension"),
                ("2027-05-08", "Victoire 1945"),
                ("2027-05-17", "Lundi de Pentecôte"),
                ("2027-07-14", "Fête nationale"),
                ("2027-08-15", "Assomption"),
                ("2027-11-01", "Toussaint"),
                ("2027-11-11", "Armistice 1918"),
                ("2027-12-25", "Noël"),
            ]),
            official([
                ("2028-01-01", "Jour de l'an"),
                ("2028-04-17", "Lundi de Pâques"),
                ("2028-05-01", "Fête du Travail"),
                ("2028-05-08", "Victoire 1945"),
                ("2028-05-25", "Ascension"),
                ("2028-06-05", "Lundi de Pentecôte"),
                ("2028-07-14", "Fête nationale"),
                ("2028-08-15", "Assomption"),
                ("2028-11-01", "Toussaint"),
                ("2028-11-11", "Armistice 1918"),
                ("2028-12-25", "Noël"),
            ]),
            official([
                ("2029-01-01", "Jour de l'an"),
                ("2029-04-02", "Lundi de Pâques"),
                ("2029-05-01", "Fête du Travail"),
                ("2029-05-08", "Victoire 1945"),
                ("2029-05-10", "Ascension"),
                ("2029-05-21", "Lundi de Pentecôte"),
                ("2029-07-14", "Fête nationale"),
                ("2029-08-15", "Assomption"),
                ("2029-11-01", "Toussaint"),
                ("2029-11-11", "Armistice 1918"),
                ("2029-12-25", "Noël"),
            ]),
            official([
                ("2030-01-01", "Jour de l'an"),
                ("2030-04-22", "Lundi de Pâques"),
                ("2030-05-01", "Fête du Travail"),
                ("2030-05-08", "Victoire 1945"),
                ("2030-05-30", "Ascension"),
                ("2030-06-10", "Lundi de Pentecôte"),
                ("2030-07-14", "Fête nationale"),
                ("2030-08-15", "Assomption"),
                ("2030-11-01", "Toussaint"),
                ("2030-11-11", "Armistice 1918"),
                ("2030-12-25", "Noël"),
            ]),
        ];
        for (year, expected) in (2024..=2030).zip(expected) {
            // When the holidays of the year are listed
            // Then they are exactly the official ones, in date order
            assert_eq!(public_holidays(year), expected, "holidays of {year}");
            // And each of them is recognised by name
            for (day, name) in expected {
                assert!(is_public_holiday(day), "{day} is a holiday");
                assert_eq!(holiday_name(day), Some(name));
            }
        }
    }

    #[test]
    fn ordinary_days_are_not_holidays() {
        // Given working days next to holidays
        for day in [
            "2026-04-05",
            "2026-05-13",
            "2026-05-24",
            "2026-07-13",
            "2026-12-26",
        ] {
            // When asked whether they are holidays
            // Then they are not (Easter Sunday and Pentecost Sunday are Sundays, not holidays)
            assert!(!is_public_holiday(date(day)), "{day}");
            assert_eq!(holiday_name(date(day)), None);
        }
    }

    #[test]
    fn ascension_on_labour_day_keeps_both_holidays() {
        // Given 2008, when Ascension fell on 1 May
        let holidays = public_holidays(2008);
        // When the holidays are listed
        // Then the list still has 11 entries and the day is named after Labour Day
        assert_eq!(holidays.len(), 11);
        assert!(holidays.contains(&(date("2008-05-01"), "Ascension")));
        assert_eq!(holiday_name(date("2008-05-01")), Some("Fête du Travail"));
    }

    #[test]
    fn extreme_years_do_not_panic() {
        // Given years far outside any booking
        for year in [i32::MIN, -262_144, 0, 1583, 262_142, i32::MAX] {
            // When the holidays are computed
            // Then no panic happens and at most 11 holidays are returned
            assert!(public_holidays(year).len() <= 11);
            let _ = easter_sunday(year);
        }
    }

    fn spring_weekdays_period() -> Period {
        // Spring 2026: every weekday, 1 April → 31 May, with the Ascension bridge excluded.
        Period {
            first_day: date("2026-04-01"),
            last_day: date("2026-05-31"),
            weekdays: vec![1, 2, 3, 4, 5],
            excluded_days: vec![date("2026-05-15")],
            open_on_public_holidays: false,
        }
    }

    #[test]
    fn opening_days_follow_weekdays_and_skip_holidays_and_excluded_days() {
        // Given a period open Monday to Friday, excluding the Ascension bridge
        let calendar = OpeningCalendar::new(vec![spring_weekdays_period()]);
        // When the parent looks at the week of Ascension 2026
        let days = calendar.open_days(date("2026-05-11"), date("2026-05-17"));
        // Then Monday to Wednesday are open, Ascension Thursday and the bridge Friday are closed,
        // and so is the weekend
        assert_eq!(
            days,
            vec![date("2026-05-11"), date("2026-05-12"), date("2026-05-13")]
        );
        assert!(!calendar.is_open(date("2026-05-14")));
        assert!(!calendar.is_open(date("2026-05-15")));
        assert!(!calendar.is_open(date("2026-05-16")));
        // And Easter Monday is closed, the Tuesday after it open
        assert!(!calendar.is_open(date("2026-04-06")));
        assert!(calendar.is_open(date("2026-04-07")));
        // And days outside the period are closed
        assert!(!calendar.is_open(date("2026-03-31")));
        assert!(!calendar.is_open(date("2026-06-01")));
    }

    #[test]
    fn a_period_open_on_public_holidays_opens_them() {
        // Given a summer period that stays open on 14 July
        let calendar = OpeningCalendar::new(vec![Period {
            first_day: date("2026-07-06"),
            last_day: date("2026-07-31"),
            weekdays: vec![1, 2, 3, 4, 5],
            excluded_days: vec![],
            open_on_public_holidays: true,
        }]);
        // When asked about Tuesday 14 July 2026
        // Then the centre is open
        assert!(calendar.is_open(date("2026-07-14")));
    }

    #[test]
    fn overlapping_periods_give_each_open_day_once() {
        // Given Wednesdays all school year and an overlapping holiday period on weekdays
        let wednesdays = Period {
            first_day: date("2026-09-01"),
            last_day: date("2027-07-03"),
            weekdays: vec![3],
            excluded_days: vec![],
            open_on_public_holidays: false,
        };
        let autumn_holidays = Period {
            first_day: date("2026-10-19"),
            last_day: date("2026-10-30"),
            weekdays: vec![1, 2, 3, 4, 5],
            excluded_days: vec![],
            open_on_public_holidays: false,
        };
        let calendar = OpeningCalendar::new(vec![wednesdays, autumn_holidays]);
        // When the open days from 14 to 23 October are listed
        let days = calendar.open_days(date("2026-10-14"), date("2026-10-23"));
        // Then they are sorted and each Wednesday appears once
        assert_eq!(
            days,
            [
                "2026-10-14",
                "2026-10-19",
                "2026-10-20",
                "2026-10-21",
                "2026-10-22",
                "2026-10-23"
            ]
            .map(date)
            .to_vec()
        );
    }

    #[test]
    fn an_excluded_day_of_one_period_stays_open_through_another() {
        // Given two overlapping periods, one of which excludes a Wednesday
        let mut calendar = OpeningCalendar::default();
        calendar.add(Period {
            excluded_days: vec![date("2026-04-08")],
            ..spring_weekdays_period()
        });
        calendar.add(Period {
            first_day: date("2026-04-08"),
            last_day: date("2026-04-08"),
            weekdays: vec![3],
            excluded_days: vec![],
            open_on_public_holidays: false,
        });
        // When asked about that Wednesday
        // Then the other period opens it
        assert!(calendar.is_open(date("2026-04-08")));
        assert_eq!(calendar.periods().len(), 2);
    }

    #[test]
    fn open_days_of_an_empty_or_reversed_range_are_none() {
        // Given a calendar with a period
        let calendar = OpeningCalendar::new(vec![spring_weekdays_period()]);
        // When the range is reversed, or the calendar has no period
        // Then there are no open days
        assert!(
            calendar
                .open_days(date("2026-05-31"), date("2026-04-01"))
                .is_empty()
        );
        assert!(
            OpeningCalendar::default()
                .open_days(date("2026-01-01"), date("2026-12-31"))
                .is_empty()
        );
    }

    #[test]
    fn open_days_of_a_whole_range_do_not_overflow() {
        // Given a period ending on the last representable day
        let calendar = OpeningCalendar::new(vec![Period {
            first_day: NaiveDate::MAX,
            last_day: NaiveDate::MAX,
            weekdays: vec![1, 2, 3, 4, 5, 6, 7],
            excluded_days: vec![],
            open_on_public_holidays: true,
        }]);
        // When the range covers every date
        // Then the iteration stops cleanly
        assert_eq!(
            calendar.open_days(NaiveDate::MIN, NaiveDate::MAX),
            vec![NaiveDate::MAX]
        );
    }

    #[test]
    fn age_counts_whole_years() {
        // Given a child born on 15 June 2020
        let birth = date("2020-06-15");
        // When their age is taken around their birthdays
        // Then it changes on the birthday itself
        assert_eq!(age_on(birth, date("2020-06-15")), 0);
        assert_eq!(age_on(birth, date("2023-06-14")), 2);
        assert_eq!(age_on(birth, date("2023-06-15")), 3);
        assert_eq!(age_on(birth, date("2026-12-31")), 6);
        // And a day before the birth counts as 0
        assert_eq!(age_on(birth, date("2019-01-01")), 0);
    }

    #[test]
    fn a_child_born_on_29_february_ages_on_1_march_in_common_years() {
        // Given a child born on 29 February 2020
        let birth = date("2020-02-29");
        // When the age is taken in 2023, a common year
        // Then they are still 2 on 28 February and 3 on 1 March
        assert_eq!(age_on(birth, date("2023-02-28")), 2);
        assert_eq!(age_on(birth, date("2023-03-01")), 3);
        // And in 2024, a leap year, they are 4 on 29 February
        assert_eq!(age_on(birth, date("2024-02-28")), 3);
        assert_eq!(age_on(birth, date("2024-02-29")), 4);
    }
}
