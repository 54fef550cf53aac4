//! What the forms of a day action show: the activity, the day, its places and its waitlist.

use chrono::NaiveDate;
use domain::booking::ReservationState;
use domain::ids::{ActivityId, ReservationId};
use domain::staff::Permission;

use super::DayRefusal;
use crate::staff::Acting;
use crate::{App, AppError, registry};

/// One child on the day's waitlist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaitlistEntry {
    pub reservation: ReservationId,
    pub rank: u32,
    /// The child's name as the back office shows it.
    pub child: String,
}

/// The current figures of an activity's day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DayFigures {
    pub activity: ActivityId,
    pub activity_label: String,
    pub structure_label: String,
    pub day: NaiveDate,
    pub capacity: u32,
    pub waitlist_size: u32,
    pub accepted: u32,
    /// In rank order.
    pub waitlist: Vec<WaitlistEntry>,
    /// Families holding a place or a waitlist entry (each mailed if the day is closed).
    pub families: u32,
    /// Staff closed the day exceptionally.
    pub closed: bool,
}

impl DayFigures {
    /// Whether a place is free (a promotion by hand is possible).
    pub fn has_free_place(&self) -> bool {
        self.accepted < self.capacity
    }
}

/// The figures of `activity` on `day`, for a member allowed to manage its days.
pub fn day_figures(
    app: &App,
    by: &Acting,
    activity: ActivityId,
    day: NaiveDate,
) -> Result<DayFigures, AppError> {
    app.query(|conn| {
        let Some(row) = projections::activity(conn, activity, day)? else {
            return Err(DayRefusal::UnknownActivity.into());
        };
        by.require(Permission::ManageDays, Some(row.structure_id))?;
        let held = projections::booking::slot_reservations(conn, activity, day)?;
        let accepted = held
            .iter()
            .filter(|h| h.state == ReservationState::Accepted)
            .count();
        let mut families: Vec<_> = held.iter().map(|h| h.family_id).collect();
        families.sort();
        families.dedup();
        let mut waitlist = Vec::new();
        for place in held
            .iter()
            .filter(|h| h.state == ReservationState::Waitlisted)
        {
            let child = registry::child(conn, place.child_id)?
                .map(|c| c.display_name())
                .unwrap_or_else(|| place.child_id.to_string());
            waitlist.push(WaitlistEntry {
                reservation: place.reservation_id,
                rank: place.rank.unwrap_or_default(),
                child,
            });
        }
        Ok(DayFigures {
            activity,
            activity_label: row.label,
            structure_label: row.structure_label,
            day,
            capacity: row.capacity,
            waitlist_size: row.waitlist_size,
            accepted: u32::try_from(accepted).unwrap_or(u32::MAX),
            waitlist,
            families: u32::try_from(families.len()).unwrap_or(u32::MAX),
            closed: projections::booking::day_closed(conn, activity, day)?,
        })
    })
}
