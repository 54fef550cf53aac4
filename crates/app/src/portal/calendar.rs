//! The booking calendar of one child: for every day, every activity the child may book there,
//! with the seed's colour state (text, never colour alone) and what is booked.

use std::rc::Rc;

use chrono::{Datelike, Days, NaiveDate};
use domain::booking::{self as rules, DayState, DeadlineRule, EngagementState};
use domain::ids::{ActivityId, ChildId, FamilyId, RequestId, ReservationId, StructureId};
use projections::booking as bq;
use rusqlite::Connection;
use serde::{Serialize, Serializer};

use crate::booking::{BookingBlock, Withdrawable};
use crate::lookup::{Windows, on_day_of};
use crate::portal::PortalRefusal;
use crate::registry::{self, ChildProfile};
use crate::{App, AppError};

/// What the child holds on a cell: a reservation (a place, accepted or waitlisted) or a
/// booking request not transmitted yet. Written as its bare id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Booked {
    Reservation(ReservationId),
    Request(RequestId),
}

impl Booked {
    /// The reservation, when the cell holds a place.
    pub fn reservation(self) -> Option<ReservationId> {
        match self {
            Booked::Reservation(id) => Some(id),
            Booked::Request(_) => None,
        }
    }
}

impl std::fmt::Display for Booked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Booked::Reservation(id) => id.fmt(f),
            Booked::Request(id) => id.fmt(f),
        }
    }
}

/// One activity on one day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CalendarCell {
    pub activity_id: ActivityId,
    /// The structure offering the activity (the portal shows the structure being consulted).
    pub structure_id: StructureId,
    pub activity: String,
    pub state: DayState,
    /// The state in words (the seed's legend).
    pub state_label: &'static str,
    /// Where what is booked stands (written as the read model's code).
    #[serde(serialize_with = "engagement_code")]
    pub booking: Option<EngagementState>,
    pub rank: Option<u32>,
    /// The reservation (or pending request) to cancel (or withdraw).
    pub booking_id: Option<Booked>,
    /// The request « Retirer » withdraws: the booking request not transmitted, or the pending
    /// cancellation of the place (then the place is not offered « annuler » again).
    pub withdrawable: Option<Withdrawable>,
}

/// One day of the month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CalendarDay {
    pub day: NaiveDate,
    pub cells: Vec<CalendarCell>,
}

/// A child's calendar as the portal shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChildCalendar {
    /// Why the family may not book now, if it may not (then the page says only that).
    pub blocked: Option<BookingBlock>,
    /// « Lilou DUPONT ».
    pub child_name: String,
    pub days: Vec<CalendarDay>,
}

/// The children of `family`, by birth date.
pub fn children_of(app: &App, family: FamilyId) -> Result<Vec<ChildProfile>, AppError> {
    app.query(move |conn| registry::children_of(conn, family))
}

/// The calendar of `child` for the days `first..=last`, only the activities of `structure`
/// when one is being consulted; `None` when the child is not the family's. `deadline`: the
/// deadlines set aside (a director at the desk: past-deadline days are offered).
pub fn child_calendar(
    app: &App,
    family: FamilyId,
    child: ChildId,
    (first, last): (NaiveDate, NaiveDate),
    (structure, deadline): (Option<StructureId>, DeadlineRule),
) -> Result<Option<ChildCalendar>, AppError> {
    let Some(profile) = app
        .query(move |conn| registry::child(conn, child))?
        .filter(|c| c.family_id == family)
    else {
        return Ok(None);
    };
    let blocked = crate::booking::booking_blocked(app, family)?;
    let mut days = read_days(app, (family, child), (first, last), None, deadline)?;
    if let Some(structure) = structure {
        for day in &mut days {
            day.cells.retain(|c| c.structure_id == structure);
        }
    }
    Ok(Some(ChildCalendar {
        blocked,
        child_name: format!("{} {}", profile.first_name, profile.last_name),
        days,
    }))
}

/// The month containing `month` for `child` of `family`; only `activity` when given.
pub fn month(
    app: &App,
    family: FamilyId,
    child: ChildId,
    month: NaiveDate,
    activity: Option<ActivityId>,
) -> Result<Vec<CalendarDay>, AppError> {
    let first = month.with_day(1).unwrap_or(month);
    let last = first
        .checked_add_months(chrono::Months::new(1))
        .map_or(first, |next| next - Days::new(1));
    days(app, family, child, first, last, activity)
}

/// What every day of one calendar reads once.
struct Reading<'c> {
    conn: &'c Connection,
    now: chrono::DateTime<chrono::Utc>,
    child: ChildProfile,
    structures: Vec<StructureId>,
    periods: Vec<projections::PeriodRow>,
    windows: Windows,
    /// The days of the month from which a capacity or a price changes.
    changes: Vec<NaiveDate>,
    /// The activities as last read, and the day they were read for.
    in_force: Option<(NaiveDate, Rc<Vec<projections::ActivityRow>>)>,
    activity: Option<ActivityId>,
    deadline: DeadlineRule,
}

/// The days `first..=last` for `child` of `family`; only `activity` when given.
pub fn days(
    app: &App,
    family: FamilyId,
    child: ChildId,
    first: NaiveDate,
    last: NaiveDate,
    activity: Option<ActivityId>,
) -> Result<Vec<CalendarDay>, AppError> {
    read_days(
        app,
        (family, child),
        (first, last),
        activity,
        DeadlineRule::Applies,
    )
}

fn read_days(
    app: &App,
    (family, child): (FamilyId, ChildId),
    (first, last): (NaiveDate, NaiveDate),
    activity: Option<ActivityId>,
    deadline: DeadlineRule,
) -> Result<Vec<CalendarDay>, AppError> {
    let now = app.now();
    app.query(move |conn| {
        days_in(
            conn,
            now,
            (family, child),
            (first, last),
            (activity, deadline),
        )
    })
}

/// The days `first..=last` for `child` of `family` as read on `conn` at `now`.
pub(crate) fn days_in(
    conn: &Connection,
    now: chrono::DateTime<chrono::Utc>,
    (family, child): (FamilyId, ChildId),
    (first, last): (NaiveDate, NaiveDate),
    (activity, deadline): (Option<ActivityId>, DeadlineRule),
) -> Result<Vec<CalendarDay>, AppError> {
    let Some(profile) = registry::child(conn, child)?.filter(|c| c.family_id == family) else {
        return Err(PortalRefusal::ChildNotInFamily.into());
    };
    let today = domain::deadline::paris_day(now);
    let Some(family_row) = projections::family(conn, family, today)? else {
        return Err(PortalRefusal::UnknownFamily.into());
    };
    let mut reading = Reading {
        conn,
        now,
        child: profile,
        structures: family_row.structures,
        periods: projections::periods(conn)?,
        windows: Windows::default(),
        changes: projections::activity_changes(conn, first, last)?,
        in_force: None,
        activity,
        deadline,
    };
    let mut days = Vec::new();
    let mut day = first;
    while day <= last {
        days.push(CalendarDay {
            day,
            cells: reading.cells(day)?,
        });
        day = day + Days::new(1);
    }
    Ok(days)
}

impl Reading<'_> {
    /// The activities as in force on `day` (the days come in order): read again only from a day
    /// a capacity or a price changes, the same rows otherwise.
    fn activities_on(
        &mut self,
        day: NaiveDate,
    ) -> Result<Rc<Vec<projections::ActivityRow>>, AppError> {
        if let Some((read_on, rows)) = &self.in_force
            && !self.changes.iter().any(|c| read_on < c && *c <= day)
        {
            return Ok(Rc::clone(rows));
        }
        let rows = Rc::new(projections::activities(self.conn, day)?);
        self.in_force = Some((day, Rc::clone(&rows)));
        Ok(rows)
    }

    /// The activities the child may book on `day`, each with its state.
    fn cells(&mut self, day: NaiveDate) -> Result<Vec<CalendarCell>, AppError> {
        let mut cells = Vec::new();
        let engagements = bq::child_engagements(self.conn, self.child.child_id, day)?;
        for row in self.activities_on(day)?.iter() {
            if self.activity.is_some_and(|a| a != row.activity_id)
                || !self.structures.contains(&row.structure_id)
            {
                continue;
            }
            let age = domain::calendar::age_on(self.child.birth_date, day);
            if age < u32::from(row.age_min) || age > u32::from(row.age_max) {
                continue;
            }
            let on_day = on_day_of(self.conn, row, day, &self.periods, &mut self.windows)?;
            let engagement = engagements
                .iter()
                .find(|e| e.activity_id == row.activity_id);
            let held = match engagement {
                Some(engagement) => Some(self.held(engagement, row.activity_id, day)?),
                None => None,
            };
            let state =
                rules::day_state(self.now, day, &on_day, held.map(|h| h.state), self.deadline);
            cells.push(CalendarCell {
                activity_id: row.activity_id,
                structure_id: row.structure_id,
                activity: row.label.clone(),
                state,
                state_label: state.label(),
                booking: held.map(|h| h.state),
                rank: held.and_then(|h| h.rank),
                booking_id: held.and_then(|h| h.booked),
                withdrawable: held.and_then(|h| h.withdrawable),
            });
        }
        Ok(cells)
    }

    /// What the child holds on an activity and day: its state, rank and what « Retirer »
    /// withdraws.
    fn held(
        &self,
        engagement: &bq::EngagementRow,
        activity: ActivityId,
        day: NaiveDate,
    ) -> Result<Held, AppError> {
        let state = engagement.state.engagement();
        Ok(match engagement.reservation_id {
            Some(id) => Held {
                state,
                rank: bq::reservation_by_id(self.conn, id)?.and_then(|r| r.rank),
                booked: Some(Booked::Reservation(id)),
                withdrawable: Withdrawable::of_place(
                    None,
                    bq::pending_cancellation(self.conn, id)?,
                ),
            },
            None => {
                let request =
                    bq::pending_booking_request(self.conn, self.child.child_id, activity, day)?;
                Held {
                    state,
                    rank: None,
                    booked: request.map(Booked::Request),
                    withdrawable: Withdrawable::of_place(request, None),
                }
            }
        })
    }
}

/// What the child holds on one cell.
#[derive(Clone, Copy)]
struct Held {
    state: EngagementState,
    rank: Option<u32>,
    booked: Option<Booked>,
    withdrawable: Option<Withdrawable>,
}

/// A cell's engagement as the read model's code (the calendar's JSON shows the stored form).
fn engagement_code<S: Serializer>(
    state: &Option<EngagementState>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let code = state.map(|state| bq::state_column(state.into()));
    code.serialize(serializer)
}

#[cfg(test)]
pub(crate) mod tests;
