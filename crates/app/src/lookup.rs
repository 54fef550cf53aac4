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

/// Activities as in force on each day, read once per day for a whole transmission.
#[derive(Default)]
pub(crate) struct Lookup {
    by_day: BTreeMap<NaiveDate, BTreeMap<ActivityId, projections::ActivityRow>>,
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
        if let std::collections::btree_map::Entry::Vacant(slot) = self.by_day.entry(day) {
            slot.insert(
                projections::activities(conn, day)?
                    .into_iter()
                    .map(|a| (a.activity_id, a))
                    .collect(),
            );
        }
        Ok(self.by_day.get(&day).and_then(|rows| rows.get(&activity)))
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
