//! Waitlist pressure per day: the children waitlisted on each open day, every activity of the
//! structure together.

use chrono::NaiveDate;
use domain::ids::StructureId;
use projections::booking as bq;
use rusqlite::Connection;

use super::ChartPeriod;
use crate::AppError;

/// One day of the period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DayPressure {
    pub day: NaiveDate,
    /// Children on a waitlist that day.
    pub waitlisted: u32,
    /// The waitlist places of that day (Σ waitlist size of the activities).
    pub waitlist_size: u32,
}

/// The days of `period` on which an activity of `structure` is in force, in order.
pub fn waitlist_pressure(
    conn: &Connection,
    structure: StructureId,
    period: ChartPeriod,
) -> Result<Vec<DayPressure>, AppError> {
    let mut days = Vec::new();
    for day in period.days() {
        let activities: Vec<_> = projections::activities(conn, day)?
            .into_iter()
            .filter(|a| a.structure_id == structure)
            .collect();
        if activities.is_empty() {
            continue;
        }
        let mut pressure = DayPressure {
            day,
            waitlisted: 0,
            waitlist_size: 0,
        };
        for activity in activities {
            pressure.waitlisted += bq::slot_counts(conn, activity.activity_id, day)?.waitlisted;
            pressure.waitlist_size += activity.waitlist_size;
        }
        days.push(pressure);
    }
    Ok(days)
}
