//! Occupancy rate per activity over the period: the accepted places of its open days over the
//! places offered (the capacity in force on each open day).

use domain::ids::{ActivityId, StructureId};
use rusqlite::Connection;

use super::ChartPeriod;
use crate::AppError;
use crate::lookup::activity_on_day_among;

/// One activity's places over the period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActivityOccupancy {
    pub activity_id: ActivityId,
    pub label: String,
    /// Open days in the period.
    pub days: u32,
    /// Σ capacity in force on each open day.
    pub offered: u32,
    /// Σ accepted places on those days.
    pub accepted: u32,
}

impl ActivityOccupancy {
    /// The rate in whole percent, rounded half up (0 when nothing was offered).
    pub fn percent(&self) -> u32 {
        if self.offered == 0 {
            return 0;
        }
        let (accepted, offered) = (u64::from(self.accepted), u64::from(self.offered));
        u32::try_from((accepted * 200 + offered) / (offered * 2)).unwrap_or(u32::MAX)
    }
}

/// The activities of `structure` open at least once in `period`, by name.
pub fn occupancy(
    conn: &Connection,
    structure: StructureId,
    period: ChartPeriod,
) -> Result<Vec<ActivityOccupancy>, AppError> {
    let periods = projections::periods(conn)?;
    let mut rows: Vec<ActivityOccupancy> = Vec::new();
    for day in period.days() {
        for activity in projections::activities(conn, day)?
            .into_iter()
            .filter(|a| a.structure_id == structure)
        {
            let Some(on_day) = activity_on_day_among(conn, activity.activity_id, day, &periods)?
            else {
                continue;
            };
            if !on_day.open {
                continue;
            }
            let row = match rows
                .iter_mut()
                .find(|r| r.activity_id == activity.activity_id)
            {
                Some(row) => row,
                None => {
                    rows.push(ActivityOccupancy {
                        activity_id: activity.activity_id,
                        label: activity.label.clone(),
                        days: 0,
                        offered: 0,
                        accepted: 0,
                    });
                    let last = rows.len() - 1;
                    &mut rows[last]
                }
            };
            row.days += 1;
            row.offered += on_day.capacity;
            row.accepted += on_day.accepted;
        }
    }
    rows.sort_by(|a, b| a.label.cmp(&b.label));
    Ok(rows)
}
