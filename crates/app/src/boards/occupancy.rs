//! The occupancy board of a structure over a period: per activity and day, the places taken
//! against the capacity, the waitlist against its size, the requests not yet transmitted, and
//! the day's state.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use domain::booking::{ActivityOnDay, BoardState};
use domain::ids::{ActivityId, StructureId};
use domain::staff::Permission;
use rusqlite::Connection;

use super::Period;
use crate::staff::Acting;
use crate::{App, AppError};

/// A structure whose boards the member may see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoardStructure {
    pub structure_id: StructureId,
    pub label: String,
}

/// The figures of an activity's day.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SlotFigures {
    pub accepted: u32,
    pub capacity: u32,
    pub waitlisted: u32,
    pub waitlist_size: u32,
    /// Booking requests received since the last transmission, not decided yet.
    pub pending: u32,
}

/// One activity's day on the board.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BoardCell {
    pub day: NaiveDate,
    pub figures: SlotFigures,
    pub state: BoardState,
}

/// One activity of the board: a cell per day of [`OccupancyBoard::days`] (`None` on a day the
/// activity did not exist yet).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoardRow {
    pub activity_id: ActivityId,
    pub label: String,
    pub cells: Vec<Option<BoardCell>>,
}

/// The occupancy of a structure over a period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OccupancyBoard {
    pub structure_id: StructureId,
    pub structure_label: String,
    pub period: Period,
    /// The days of the period on which one of the structure's activities opens or holds a
    /// place or a request, in order.
    pub days: Vec<NaiveDate>,
    /// The structure's activities, by label.
    pub rows: Vec<BoardRow>,
}

/// The structures on which `by` may see the boards: in the order of the member's account,
/// then by label.
pub fn board_structures(app: &App, by: &Acting) -> Result<Vec<BoardStructure>, AppError> {
    let by = by.clone();
    app.query(move |conn| {
        let listed = by
            .rights()
            .map(|r| r.structures.clone())
            .unwrap_or_default();
        let mut structures: Vec<BoardStructure> = projections::structures(conn)?
            .into_iter()
            .filter(|s| by.may_in(Permission::ViewBoards, s.structure_id))
            .map(|s| BoardStructure {
                structure_id: s.structure_id,
                label: s.label,
            })
            .collect();
        structures.sort_by_key(|s| {
            (
                listed
                    .iter()
                    .position(|id| *id == s.structure_id)
                    .unwrap_or(usize::MAX),
                s.label.clone(),
            )
        });
        Ok(structures)
    })
}

/// The occupancy board of `structure` over `period`; `None` when no structure has this id.
/// `by` needs `ViewBoards` on the structure.
pub fn occupancy(
    app: &App,
    by: &Acting,
    structure: StructureId,
    period: Period,
) -> Result<Option<OccupancyBoard>, AppError> {
    by.require(Permission::ViewBoards, Some(structure))?;
    let now = app.now();
    app.query(move |conn| {
        let Some(structure_row) = projections::structures(conn)?
            .into_iter()
            .find(|s| s.structure_id == structure)
        else {
            return Ok(None);
        };
        let periods = projections::periods(conn)?;
        let days = period.days();
        let mut activities: BTreeMap<ActivityId, String> = BTreeMap::new();
        for day in &days {
            for activity in projections::activities(conn, *day)?
                .into_iter()
                .filter(|a| a.structure_id == structure)
            {
                activities.insert(activity.activity_id, activity.label);
            }
        }
        let mut rows = Vec::with_capacity(activities.len());
        for (activity_id, label) in activities {
            let mut cells = Vec::with_capacity(days.len());
            for day in &days {
                cells.push(cell(conn, &periods, activity_id, *day, now)?);
            }
            rows.push(BoardRow {
                activity_id,
                label,
                cells,
            });
        }
        rows.sort_by(|a, b| a.label.cmp(&b.label));
        Ok(Some(shown_days(structure_row, period, days, rows)))
    })
}

/// Keeps the days worth a column: one of the activities opens, or holds something.
fn shown_days(
    structure: projections::StructureRow,
    period: Period,
    days: Vec<NaiveDate>,
    mut rows: Vec<BoardRow>,
) -> OccupancyBoard {
    let keep: Vec<bool> = (0..days.len())
        .map(|i| {
            rows.iter()
                .filter_map(|row| row.cells[i])
                .any(|c| c.state != BoardState::Closed || c.figures.held() > 0)
        })
        .collect();
    for row in &mut rows {
        row.cells = row
            .cells
            .iter()
            .zip(&keep)
            .filter(|(_, kept)| **kept)
            .map(|(cell, _)| *cell)
            .collect();
    }
    OccupancyBoard {
        structure_id: structure.structure_id,
        structure_label: structure.label,
        period,
        days: days
            .into_iter()
            .zip(&keep)
            .filter(|(_, kept)| **kept)
            .map(|(day, _)| day)
            .collect(),
        rows,
    }
}

impl SlotFigures {
    /// Places, waitlist entries and requests held on the day.
    pub fn held(&self) -> u32 {
        self.accepted + self.waitlisted + self.pending
    }

    fn of(on_day: &ActivityOnDay) -> SlotFigures {
        SlotFigures {
            accepted: on_day.accepted,
            capacity: on_day.capacity,
            waitlisted: on_day.waitlisted,
            waitlist_size: on_day.waitlist_size,
            pending: on_day.pending_before,
        }
    }
}

/// The figures and state of `activity` on `day` (`None` when the activity is not in force).
pub(super) fn cell(
    conn: &Connection,
    periods: &[projections::PeriodRow],
    activity: ActivityId,
    day: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Option<BoardCell>, AppError> {
    let Some(on_day) = crate::booking::activity_on_day_among(conn, activity, day, periods)? else {
        return Ok(None);
    };
    let closed = projections::booking::day_closed(conn, activity, day)?;
    let state = domain::booking::board_state(now, day, &on_day, closed);
    Ok(Some(BoardCell {
        day,
        figures: SlotFigures::of(&on_day),
        state,
    }))
}
