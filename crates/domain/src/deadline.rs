//! Booking and cancellation deadlines, "J-x à hh:mm" in Europe/Paris.
//!
//! Deadlines are stated in the local time of the centres and compared with instants in UTC. The
//! local time of a deadline may not exist (spring forward) or exist twice (autumn back); the
//! rules applied then are documented on [`deadline_instant`]. Nothing here reads the clock: the
//! current instant is always a parameter.

use chrono::{
    DateTime, Days, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc,
};
use chrono_tz::Europe::Paris;

use crate::values::Deadline;

/// Which instant to take when a local time happens twice (autumn back).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Repeated {
    Earlier,
    Later,
}

/// Widest distance, in seconds, between a local time and the UTC instant it names (offsets lie
/// between −12:00 and +14:00, Paris is within ±2:00 since 1911).
const MAX_OFFSET_SECONDS: i64 = 15 * 3600;

/// The UTC instant of a Paris local time.
///
/// - When the local time exists once, that instant.
/// - When it does not exist (inside the spring-forward gap), the first instant after the gap,
///   i.e. the instant the clocks jumped (03:00 CEST on the last Sunday of March).
/// - When it exists twice (autumn back), the earlier or the later one as asked.
fn paris_to_utc(local: NaiveDateTime, repeated: Repeated) -> DateTime<Utc> {
    match Paris.from_local_datetime(&local) {
        LocalResult::Single(instant) => instant.with_timezone(&Utc),
        LocalResult::Ambiguous(earlier, later) => match repeated {
            Repeated::Earlier => earlier.with_timezone(&Utc),
            Repeated::Later => later.with_timezone(&Utc),
        },
        LocalResult::None => end_of_gap(local),
    }
}

/// The UTC instant of a Paris local time, under the one rule every local time of the product
/// follows (deadlines, nightly jobs, the demo's dates):
///
/// - a local time that exists once is that instant;
/// - a local time that does not exist (spring forward, last Sunday of March, 02:00 → 03:00)
///   moves to the end of the gap: 02:00 or 02:30 that day is 03:00 CEST (01:00 UTC);
/// - a local time that exists twice (autumn back, last Sunday of October, 03:00 → 02:00) is the
///   LATER instant: 02:30 that day is 02:30 CET (01:30 UTC). A daily job at that time runs
///   once, and a deadline at that time leaves the parent the extra hour.
pub fn paris_instant(local: NaiveDateTime) -> DateTime<Utc> {
    paris_to_utc(local, Repeated::Later)
}

/// The first instant after `now` at which a daily event set at `at` Paris local time happens
/// (a nightly job's next run), local times read with [`paris_instant`].
pub fn next_daily_instant(now: DateTime<Utc>, at: NaiveTime) -> DateTime<Utc> {
    let today = paris_day(now);
    (0..3)
        .filter_map(|n| today.checked_add_days(Days::new(n)))
        .map(|day| paris_instant(day.and_time(at)))
        .find(|instant| *instant > now)
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// The last instant at or before `now` at which a daily event set at `at` Paris local time
/// happened (the last nightly run that has passed), local times read with [`paris_instant`].
pub fn last_daily_instant(now: DateTime<Utc>, at: NaiveTime) -> DateTime<Utc> {
    let today = paris_day(now);
    (0..3)
        .filter_map(|n| today.checked_sub_days(Days::new(n)))
        .map(|day| paris_instant(day.and_time(at)))
        .find(|instant| *instant <= now)
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// The Paris wall-clock reading of an instant; `None` when it would fall outside the
/// representable range (chrono's `naive_local` panics there).
fn paris_local_time(instant: DateTime<Utc>) -> Option<NaiveDateTime> {
    let offset = Paris.offset_from_utc_datetime(&instant.naive_utc());
    instant.naive_utc().checked_add_offset(offset.fix())
}

/// The first instant whose Paris local time is after `local`, a local time that does not exist.
///
/// Searches, to the second, the instant where the local clock jumps over `local`: every instant
/// before it reads earlier than `local`, it and the following ones read later.
fn end_of_gap(local: NaiveDateTime) -> DateTime<Utc> {
    let read_local =
        |timestamp: i64| DateTime::from_timestamp(timestamp, 0).and_then(paris_local_time);
    let target = local.and_utc().timestamp();
    let mut before = target.saturating_sub(MAX_OFFSET_SECONDS);
    let mut after = target.saturating_add(MAX_OFFSET_SECONDS);
    match (read_local(before), read_local(after)) {
        (Some(early), Some(late)) if early <= local && local < late => {}
        // Only reachable at the edges of the representable range: saturate.
        _ if local.and_utc() < DateTime::<Utc>::UNIX_EPOCH => return DateTime::<Utc>::MIN_UTC,
        _ => return DateTime::<Utc>::MAX_UTC,
    }
    // Invariant: read_local(before) <= local < read_local(after).
    while after - before > 1 {
        let middle = before + (after - before) / 2;
        match read_local(middle) {
            Some(reading) if reading <= local => before = middle,
            _ => after = middle,
        }
    }
    DateTime::from_timestamp(after, 0).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// The last instant to book or cancel `day` under `deadline`: `days_before` days before `day`,
/// at `deadline.at` Paris local time, as a UTC instant.
///
/// Daylight saving time, as [`paris_instant`]:
/// - spring forward (last Sunday of March, 02:00 → 03:00): a local time inside the gap, such as
///   02:30, does not exist; the deadline is the first valid instant after the gap, 03:00 CEST
///   (01:00 UTC);
/// - autumn back (last Sunday of October, 03:00 → 02:00): a local time such as 02:30 happens
///   twice; the deadline is the LATER one (02:30 CET, 01:30 UTC), so the parent keeps the
///   extra hour.
///
/// A `day` closer than `days_before` to the first representable date saturates at that date.
pub fn deadline_instant(deadline: &Deadline, day: NaiveDate) -> DateTime<Utc> {
    let local_day = day
        .checked_sub_days(Days::new(u64::from(deadline.days_before)))
        .unwrap_or(NaiveDate::MIN);
    paris_instant(local_day.and_time(deadline.at))
}

/// Whether acting at `now` on `day` is still in time: `now` is at or before the deadline
/// instant (acting exactly at the deadline is accepted, one second later is not).
pub fn is_before_deadline(deadline: &Deadline, day: NaiveDate, now: DateTime<Utc>) -> bool {
    now <= deadline_instant(deadline, day)
}

/// The Paris calendar day of an instant (what a parent's wall calendar shows at that moment).
///
/// At the very edges of the representable range, where the local reading does not exist, the
/// UTC day is returned.
pub fn paris_day(instant: DateTime<Utc>) -> NaiveDate {
    paris_local_time(instant).map_or(instant.date_naive(), |local| local.date())
}

/// The first instant of a Paris calendar day, in UTC: midnight local time (23:00 UTC the day
/// before in winter, 22:00 UTC in summer).
///
/// Should midnight ever be missing or repeated, this is still the first instant of the day: the
/// end of the gap, or the earlier of the two midnights. So `paris_day(paris_midnight(d)) == d`
/// and the instant just before belongs to the previous day.
pub fn paris_midnight(day: NaiveDate) -> DateTime<Utc> {
    paris_to_utc(day.and_time(NaiveTime::MIN), Repeated::Earlier)
}

#[cfg(test)]
mod tests {
    use chrono::{Datelike, Duration, FixedOffset, Timelike, Weekday};
    use proptest::prelude::*;

    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test dates are valid")
    }

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("test instants are valid")
            .with_timezone(&Utc)
    }

    fn j_minus(days_before: u16, at: &str) -> Deadline {
        Deadline {
            days_before,
            at: NaiveTime::parse_from_str(at, "%H:%M").expect("test times are valid"),
        }
    }

    #[test]
    fn j_minus_2_at_18h_for_a_winter_wednesday() {
        // Given a Wednesday in January (CET, UTC+1) and a deadline J-2 at 18:00
        let day = date("2026-01-14");
        assert_eq!(day.weekday(), Weekday::Wed);
        // When the deadline is computed
        let deadline = deadline_instant(&j_minus(2, "18:00"), day);
        // Then it is Monday 18:00 in Paris, 17:00 UTC
        assert_eq!(deadline, utc("2026-01-12T17:00:00Z"));
        assert_eq!(deadline, utc("2026-01-12T18:00:00+01:00"));
    }

    #[test]
    fn j_minus_2_at_18h_for_a_summer_wednesday() {
        // Given a Wednesday in July (CEST, UTC+2) and a deadline J-2 at 18:00
        let day = date("2026-07-15");
        assert_eq!(day.weekday(), Weekday::Wed);
        // When the deadline is computed
        // Then it is Monday 18:00 in Paris, 16:00 UTC
        assert_eq!(
            deadline_instant(&j_minus(2, "18:00"), day),
            utc("2026-07-13T16:00:00Z")
        );
    }

    #[test]
    fn deadlines_on_each_side_of_the_spring_change_use_the_right_offset() {
        // Given the spring change of Sunday 29 March 2026
        let deadline = j_minus(2, "18:00");
        // When the deadline falls on Saturday, still in winter time
        // Then it is 17:00 UTC
        assert_eq!(
            deadline_instant(&deadline, date("2026-03-30")),
            utc("2026-03-28T17:00:00Z")
        );
        // When it falls on the Sunday of the change, after it
        // Then it is already summer time: 16:00 UTC
        assert_eq!(
            deadline_instant(&deadline, date("2026-03-31")),
            utc("2026-03-29T16:00:00Z")
        );
    }

    #[test]
    fn a_deadline_inside_the_spring_gap_moves_to_the_end_of_the_gap() {
        // Given a deadline at 02:30, which does not exist on 29 March 2026 nor on 28 March 2027
        let deadline = j_minus(2, "02:30");
        for (day, expected) in [
            ("2026-03-31", "2026-03-29T03:00:00+02:00"),
            ("2027-03-30", "2027-03-28T03:00:00+02:00"),
        ] {
            // When the deadline is computed
            let instant = deadline_instant(&deadline, date(day));
            // Then it is the first valid instant after the gap: 03:00 CEST, 01:00 UTC
            assert_eq!(instant, utc(expected), "deadline for {day}");
            assert_eq!(
                instant.time(),
                NaiveTime::from_hms_opt(1, 0, 0).expect("valid")
            );
            // And a parent acting a minute before the jump (01:59 CET) or at the jump itself is
            // in time, one second after the jump is late
            assert!(is_before_deadline(
                &deadline,
                date(day),
                instant - Duration::minutes(1)
            ));
            assert!(is_before_deadline(&deadline, date(day), instant));
            assert!(!is_before_deadline(
                &deadline,
                date(day),
                instant + Duration::seconds(1)
            ));
        }
        // And the edges of the gap: 02:00 does not exist either, 03:00 exists
        assert_eq!(
            deadline_instant(&j_minus(0, "02:00"), date("2026-03-29")),
            utc("2026-03-29T01:00:00Z")
        );
        assert_eq!(
            deadline_instant(&j_minus(0, "03:00"), date("2026-03-29")),
            utc("2026-03-29T01:00:00Z")
        );
        assert_eq!(
            deadline_instant(&j_minus(0, "01:59"), date("2026-03-29")),
            utc("2026-03-29T00:59:00Z")
        );
    }

    #[test]
    fn a_deadline_in_the_repeated_autumn_hour_takes_the_later_one() {
        // Given a deadline at 02:30, which happens twice on 25 October 2026 and 31 October 2027
        let deadline = j_minus(2, "02:30");
        for (day, expected) in [
            ("2026-10-27", "2026-10-25T02:30:00+01:00"),
            ("2027-11-02", "2027-10-31T02:30:00+01:00"),
        ] {
            // When the deadline is computed
            let instant = deadline_instant(&deadline, date(day));
            // Then it is the second 02:30, in winter time (01:30 UTC): the parent keeps the hour
            assert_eq!(instant, utc(expected), "deadline for {day}");
            assert_eq!(
                instant.time(),
                NaiveTime::from_hms_opt(1, 30, 0).expect("valid")
            );
            // And at the first 02:30 (CEST) the parent is still in time
            let first_0230 = instant - Duration::hours(1);
            assert!(is_before_deadline(&deadline, date(day), first_0230));
        }
    }

    #[test]
    fn deadlines_on_each_side_of_the_autumn_change_use_the_right_offset() {
        // Given the autumn change of Sunday 25 October 2026 and a deadline J-1 at 18:00
        let deadline = j_minus(1, "18:00");
        // When the deadline falls on Saturday, still in summer time
        // Then it is 16:00 UTC
        assert_eq!(
            deadline_instant(&deadline, date("2026-10-25")),
            utc("2026-10-24T16:00:00Z")
        );
        // When it falls on the Sunday of the change
        // Then it is winter time: 17:00 UTC
        assert_eq!(
            deadline_instant(&deadline, date("2026-10-26")),
            utc("2026-10-25T17:00:00Z")
        );
    }

    #[test]
    fn deadlines_cross_month_and_year_ends() {
        // Given days at the start of a month or a year
        // When the deadline counts back across the boundary
        // Then it lands on the right day of the previous month or year
        assert_eq!(
            deadline_instant(&j_minus(3, "18:00"), date("2027-01-01")),
            utc("2026-12-29T18:00:00+01:00")
        );
        assert_eq!(
            deadline_instant(&j_minus(3, "12:00"), date("2026-03-02")),
            utc("2026-02-27T12:00:00+01:00")
        );
        assert_eq!(
            deadline_instant(&j_minus(1, "12:00"), date("2028-03-01")),
            utc("2028-02-29T12:00:00+01:00")
        );
        assert_eq!(
            deadline_instant(&j_minus(2, "09:30"), date("2026-09-01")),
            utc("2026-08-30T09:30:00+02:00")
        );
    }

    #[test]
    fn j_minus_0_is_the_day_itself() {
        // Given a deadline J-0 at 09:00
        let deadline = j_minus(0, "09:00");
        let day = date("2026-06-10");
        // When the deadline is computed
        // Then it is 09:00 Paris on the day itself
        assert_eq!(
            deadline_instant(&deadline, day),
            utc("2026-06-10T07:00:00Z")
        );
        // And a parent can still act at 08:59 that morning, not at 09:01
        assert!(is_before_deadline(
            &deadline,
            day,
            utc("2026-06-10T08:59:00+02:00")
        ));
        assert!(!is_before_deadline(
            &deadline,
            day,
            utc("2026-06-10T09:01:00+02:00")
        ));
    }

    #[test]
    fn acting_exactly_at_the_deadline_is_in_time() {
        // Given a deadline J-2 at 18:00 for Wednesday 14 January 2026
        let deadline = j_minus(2, "18:00");
        let day = date("2026-01-14");
        // When the parent acts at exactly 18:00:00 on Monday
        // Then it is in time; one second later it is too late
        assert!(is_before_deadline(
            &deadline,
            day,
            utc("2026-01-12T18:00:00+01:00")
        ));
        assert!(!is_before_deadline(
            &deadline,
            day,
            utc("2026-01-12T18:00:01+01:00")
        ));
        // And the week before is of course in time
        assert!(is_before_deadline(
            &deadline,
            day,
            utc("2026-01-05T10:00:00+01:00")
        ));
    }

    #[test]
    fn paris_day_is_the_local_calendar_day() {
        // Given instants late in the UTC evening
        // When their Paris day is taken
        // Then after 22:00 UTC in summer, and 23:00 UTC in winter, it is already tomorrow
        assert_eq!(paris_day(utc("2026-07-13T21:59:59Z")), date("2026-07-13"));
        assert_eq!(paris_day(utc("2026-07-13T22:00:00Z")), date("2026-07-14"));
        assert_eq!(paris_day(utc("2026-12-31T22:59:59Z")), date("2026-12-31"));
        assert_eq!(paris_day(utc("2026-12-31T23:00:00Z")), date("2027-01-01"));
    }

    #[test]
    fn paris_midnight_is_the_first_instant_of_the_local_day() {
        // Given days in winter, in summer and on both change days
        // When their midnight is computed
        // Then it is 23:00 or 22:00 UTC the day before
        assert_eq!(
            paris_midnight(date("2027-01-01")),
            utc("2026-12-31T23:00:00Z")
        );
        assert_eq!(
            paris_midnight(date("2026-07-14")),
            utc("2026-07-13T22:00:00Z")
        );
        assert_eq!(
            paris_midnight(date("2026-03-29")),
            utc("2026-03-28T23:00:00Z")
        );
        assert_eq!(
            paris_midnight(date("2026-03-30")),
            utc("2026-03-29T22:00:00Z")
        );
        assert_eq!(
            paris_midnight(date("2026-10-25")),
            utc("2026-10-24T22:00:00Z")
        );
        assert_eq!(
            paris_midnight(date("2026-10-26")),
            utc("2026-10-25T23:00:00Z")
        );
    }

    #[test]
    fn the_last_daily_instant_is_the_latest_one_that_has_passed() {
        let two = NaiveTime::from_hms_opt(2, 0, 0).expect("valid");
        // Given a daily event at 02:00 Paris
        // When it is 01:30 Paris on 2 December 2026
        // Then the last one was the day before, and the next one is in half an hour
        let at_0130 = utc("2026-12-02T01:30:00+01:00");
        assert_eq!(
            last_daily_instant(at_0130, two),
            utc("2026-12-01T02:00:00+01:00")
        );
        assert_eq!(
            next_daily_instant(at_0130, two),
            utc("2026-12-02T02:00:00+01:00")
        );
        // When it is exactly 02:00, or later that day
        // Then the last one is today's
        for now in ["2026-12-02T02:00:00+01:00", "2026-12-02T23:59:00+01:00"] {
            assert_eq!(
                last_daily_instant(utc(now), two),
                utc("2026-12-02T02:00:00+01:00")
            );
        }
        // And on the spring change, 02:00 Paris is 03:00 CEST
        assert_eq!(
            last_daily_instant(utc("2027-03-28T09:00:00+02:00"), two),
            utc("2027-03-28T03:00:00+02:00")
        );
    }

    #[test]
    fn extreme_dates_do_not_panic() {
        // Given the first and last representable days
        // When deadlines and midnights are computed there
        // Then no panic happens
        let far = j_minus(u16::MAX, "23:59");
        let _ = deadline_instant(&far, NaiveDate::MIN);
        let _ = deadline_instant(&far, NaiveDate::MAX);
        let _ = paris_midnight(NaiveDate::MIN);
        let _ = paris_midnight(NaiveDate::MAX);
        let _ = paris_day(DateTime::<Utc>::MIN_UTC);
        let _ = paris_day(DateTime::<Utc>::MAX_UTC);
        let _ = next_daily_instant(DateTime::<Utc>::MAX_UTC, NaiveTime::MIN);
        let _ = last_daily_instant(DateTime::<Utc>::MIN_UTC, NaiveTime::MIN);
    }

    fn day_in_2024_to_2030() -> impl Strategy<Value = NaiveDate> {
        let first = NaiveDate::from_ymd_opt(2024, 1, 1).expect("valid date");
        let last = NaiveDate::from_ymd_opt(2030, 12, 31).expect("valid date");
        let span = u64::try_from((last - first).num_days()).expect("positive span");
        (0..=span).prop_map(move |offset| first + Days::new(offset))
    }

    proptest! {
        #[test]
        fn the_deadline_falls_on_the_paris_day_days_before(
            day in day_in_2024_to_2030(),
            days_before in 0u16..30,
            seconds in 0u32..86_400,
        ) {
            // Given any day, any J-x and any time of day
            let at = NaiveTime::from_num_seconds_from_midnight_opt(seconds, 0).expect("in a day");
            let deadline = Deadline { days_before, at };
            // When the deadline is computed
            let instant = deadline_instant(&deadline, day);
            // Then its Paris date is the day minus days_before
            let expected_day = day - Days::new(u64::from(days_before));
            prop_assert_eq!(paris_day(instant), expected_day);
            // And its Paris time is `at`, except inside the spring gap where it is 03:00 CEST
            let local = instant.with_timezone(&Paris);
            if local.time() != at {
                prop_assert!(expected_day.month() == 3 && expected_day.weekday() == Weekday::Sun);
                prop_assert_eq!(at.hour(), 2);
                prop_assert_eq!(local.time(), NaiveTime::from_hms_opt(3, 0, 0).expect("valid"));
            }
            // And a repeated local time resolves to winter time (the later instant)
            if Paris.from_local_datetime(&expected_day.and_time(at)).earliest()
                != Paris.from_local_datetime(&expected_day.and_time(at)).latest()
            {
                prop_assert_eq!(
                    local.offset().fix(),
                    FixedOffset::east_opt(3600).expect("valid offset")
                );
            }
        }

        #[test]
        fn paris_midnight_starts_the_paris_day(day in day_in_2024_to_2030()) {
            // Given any day
            // When its midnight is computed
            let midnight = paris_midnight(day);
            // Then it belongs to that day and the second before to the previous day
            prop_assert_eq!(paris_day(midnight), day);
            prop_assert_eq!(paris_day(midnight - Duration::seconds(1)), day - Days::new(1));
        }
    }
}
