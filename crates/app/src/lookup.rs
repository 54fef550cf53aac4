//! Loads a command's inputs once: activities as in force on each day, children's names, and
//! the rules' view of an activity on a day.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use domain::booking::ActivityOnDay;
use domain::calendar::{OpeningCalendar, Period};
use domain::ids::{ActivityId, ChildId, PeriodId};
use projections::booking as bq;
use rusqlite::Connection;

use crate::{AppError, registry};

/// The rules' view of an activity on a day: opening, window, capacity in force, places taken.
pub fn activity_on_day(
    conn: &Connection,
    activity: ActivityId,
    day: NaiveDate,
) -> Result<Option<ActivityOnDay>, AppError> {
    activity_on_day_among(conn, activity, day, &projections::periods(conn)?)
}

/// The same with the periods already read (a month of calendar reads them once).
pub fn activity_on_day_among(
    conn: &Connection,
    activity: ActivityId,
    day: NaiveDate,
    periods: &[projections::PeriodRow],
) -> Result<Option<ActivityOnDay>, AppError> {
    let Some(row) = projections::activity(conn, activity, day)? else {
        return Ok(None);
    };
    on_day_of(conn, &row, day, periods, &mut Windows::default()).map(Some)
}

/// The booking windows of the periods, each read once.
#[derive(Default)]
pub(crate) struct Windows(BTreeMap<PeriodId, projections::Window>);

impl Windows {
    /// The window of `period`; a period without one is bookable whenever its days are.
    fn of(&mut self, conn: &Connection, period: PeriodId) -> Result<projections::Window, AppError> {
        if let Some(window) = self.0.get(&period) {
            return Ok(*window);
        }
        let window = projections::booking_window(conn, period)?
            .unwrap_or((DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC));
        self.0.insert(period, window);
        Ok(window)
    }
}

/// The rules' view of the activity `row` (as in force on `day`) on `day`.
pub(crate) fn on_day_of(
    conn: &Connection,
    row: &projections::ActivityRow,
    day: NaiveDate,
    periods: &[projections::PeriodRow],
    windows: &mut Windows,
) -> Result<ActivityOnDay, AppError> {
    let activity = row.activity_id;
    let mut open = false;
    let mut window = None;
    for period in periods
        .iter()
        .filter(|p| p.activity_ids.contains(&activity))
    {
        let calendar = OpeningCalendar::new(vec![Period {
            first_day: period.first_day,
            last_day: period.last_day,
            weekdays: period.weekdays.clone(),
            excluded_days: period.excluded_days.clone(),
            open_on_public_holidays: period.open_on_public_holidays,
        }]);
        if calendar.is_open(day) {
            open = true;
            window = Some(windows.of(conn, period.period_id)?);
            break;
        }
    }
    // A day staff closed exceptionally is closed like a day outside the periods.
    if open && bq::day_closed(conn, activity, day)? {
        open = false;
        window = None;
    }
    let counts = bq::slot_counts(conn, activity, day)?;
    Ok(ActivityOnDay {
        activity_id: activity,
        label: row.label.clone(),
        age_min: row.age_min,
        age_max: row.age_max,
        incompatible_with: row.incompatible_with.clone(),
        booking_deadline: row.booking_deadline,
        cancellation_deadline: row.cancellation_deadline,
        open,
        booking_window: window,
        capacity: row.capacity,
        waitlist_size: row.waitlist_size,
        accepted: counts.accepted,
        waitlisted: counts.waitlisted,
        pending_before: counts.pending,
    })
}

/// The widest days a change of capacity or price is looked for (dates compare as text).
const EARLIEST: NaiveDate = NaiveDate::from_ymd_opt(1, 1, 1).expect("a valid date");
const LATEST: NaiveDate = NaiveDate::from_ymd_opt(9999, 12, 31).expect("a valid date");

/// Activities as in force on each day, read once per stretch of days without a change, for a
/// whole command.
#[derive(Default)]
pub(crate) struct Lookup {
    /// The activities in force, per stretch of days between two changes of a capacity or a
    /// price (the stretch of a day: how many changes come on or before it).
    by_stretch: BTreeMap<usize, BTreeMap<ActivityId, projections::ActivityRow>>,
    /// Every day a capacity or a price comes into force, read once.
    changes: Option<Vec<NaiveDate>>,
    children: BTreeMap<ChildId, String>,
    periods: Option<Vec<projections::PeriodRow>>,
    windows: Windows,
}

impl Lookup {
    pub(crate) fn activity(
        &mut self,
        conn: &Connection,
        activity: ActivityId,
        day: NaiveDate,
    ) -> Result<Option<&projections::ActivityRow>, AppError> {
        // Between two changes, `projections::activities` answers the same rows: a command
        // over many days (a wallet's estimate, a transmission) reads them once per stretch.
        if self.changes.is_none() {
            self.changes = Some(projections::activity_changes(conn, EARLIEST, LATEST)?);
        }
        let stretch = self
            .changes
            .as_deref()
            .unwrap_or_default()
            .partition_point(|change| *change <= day);
        if let std::collections::btree_map::Entry::Vacant(slot) = self.by_stretch.entry(stretch) {
            slot.insert(
                projections::activities(conn, day)?
                    .into_iter()
                    .map(|a| (a.activity_id, a))
                    .collect(),
            );
        }
        Ok(self
            .by_stretch
            .get(&stretch)
            .and_then(|rows| rows.get(&activity)))
    }

    /// The rules' view of `activity` on `day` ([`activity_on_day`]), the activities of each
    /// day, the periods and their windows read once.
    pub(crate) fn on_day(
        &mut self,
        conn: &Connection,
        activity: ActivityId,
        day: NaiveDate,
    ) -> Result<Option<ActivityOnDay>, AppError> {
        if self.periods.is_none() {
            self.periods = Some(projections::periods(conn)?);
        }
        let Some(row) = self.activity(conn, activity, day)?.cloned() else {
            return Ok(None);
        };
        let periods = self.periods.as_deref().unwrap_or_default();
        on_day_of(conn, &row, day, periods, &mut self.windows).map(Some)
    }

    /// "DUPONT Lilou", read once per child.
    pub(crate) fn child_name(
        &mut self,
        conn: &Connection,
        child: ChildId,
    ) -> Result<String, AppError> {
        if let Some(name) = self.children.get(&child) {
            return Ok(name.clone());
        }
        let name = registry::child(conn, child)?
            .map(|c| c.display_name())
            .unwrap_or_else(|| child.to_string());
        self.children.insert(child, name.clone());
        Ok(name)
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Datelike, Days};

    use super::Lookup;

    #[test]
    fn days_read_in_any_order_see_each_capacity_from_the_day_it_comes_into_force() {
        // Given the demo, and an activity whose capacity changes on the 15th of the month
        let (_dir, app) = crate::portal::demo();
        let first = app.today().with_day(1).unwrap_or_else(|| app.today());
        let from = first + Days::new(14);
        let activities = app
            .query(move |conn| Ok(projections::activities(conn, first)?))
            .unwrap_or_else(|e| panic!("{e}"));
        let activity = activities[0].activity_id;
        app.execute("test:capacity", move |command| {
            command.emit(domain::event::payloads::ActivityCapacityChanged {
                activity_id: activity,
                effective_from: from,
                capacity: 3,
                waitlist_size: 1,
            })?;
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
        // When one lookup reads the month's days from the last to the first, then again
        // Then each day answers what that day alone answers, for every activity
        let days: Vec<_> = (0..31).rev().map(|n| first + Days::new(n)).collect();
        let ids: Vec<_> = activities.iter().map(|a| a.activity_id).collect();
        app.query(move |conn| {
            let mut lookup = Lookup::default();
            for day in days.iter().chain(days.iter().rev()) {
                for id in &ids {
                    let alone = projections::activity(conn, *id, *day)?;
                    assert_eq!(lookup.activity(conn, *id, *day)?, alone.as_ref(), "{day}");
                }
            }
            let mut on = |day| {
                lookup
                    .activity(conn, activity, day)
                    .map(|r| r.map(|r| r.capacity))
            };
            assert_eq!(on(from)?, Some(3));
            assert_ne!(on(from - Days::new(1))?, Some(3));
            Ok(())
        })
        .unwrap_or_else(|e: crate::AppError| panic!("{e}"));
    }
}
