//! The booking calendar of one child for one month: for every day, every activity the child may
//! book there, with the seed's colour state (text, never colour alone) and what is booked.

use chrono::{Datelike, Days, NaiveDate};
use domain::booking::{self as rules, DayState, ReservationState};
use domain::ids::*;
use projections::{booking as bq, queries};
use serde::Serialize;
use uuid::Uuid;

use crate::booking::{Withdrawable, activity_on_day_among};
use crate::registry;
use crate::{App, AppError};

/// One activity on one day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CalendarCell {
    pub activity_id: Uuid,
    /// The structure offering the activity (the portal shows the structure being consulted).
    pub structure_id: Uuid,
    pub activity: String,
    pub state: DayState,
    /// The state in words (the seed's legend).
    pub state_label: &'static str,
    /// Pending, accepted or waitlisted when something is booked.
    #[serde(serialize_with = "bq::serialize_opt_state")]
    pub booking: Option<ReservationState>,
    pub rank: Option<u32>,
    /// The reservation (or pending request) to cancel (or withdraw).
    pub booking_id: Option<Uuid>,
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

/// The days `first..=last` for `child` of `family`; only `activity` when given.
pub fn days(
    app: &App,
    family: FamilyId,
    child: ChildId,
    first: NaiveDate,
    last: NaiveDate,
    activity: Option<ActivityId>,
) -> Result<Vec<CalendarDay>, AppError> {
    let now = app.now();
    app.query(move |conn| {
        let Some(profile) = registry::child(conn, child)?.filter(|c| c.family_id == family) else {
            return Err(AppError::Refused(
                "Cet enfant n'est pas rattaché à ce compte.".to_owned(),
            ));
        };
        let today = domain::deadline::paris_day(now);
        let Some(family_row) = queries::family(conn, family, today)? else {
            return Err(AppError::Refused("Famille inconnue.".to_owned()));
        };
        let periods = queries::periods(conn)?;
        let mut days = Vec::new();
        let mut day = first;
        while day <= last {
            let mut cells = Vec::new();
            let engagements = bq::child_engagements(conn, child, day)?;
            for row in queries::activities(conn, day)? {
                if activity.is_some_and(|a| a != row.activity_id)
                    || !family_row.structures.contains(&row.structure_id)
                {
                    continue;
                }
                let age = domain::calendar::age_on(profile.birth_date, day);
                if age < u32::from(row.age_min) || age > u32::from(row.age_max) {
                    continue;
                }
                let Some(on_day) = activity_on_day_among(conn, row.activity_id, day, &periods)?
                else {
                    continue;
                };
                let engagement = engagements
                    .iter()
                    .find(|e| e.activity_id == row.activity_id);
                let (booking, state, booking_id, rank, withdrawable) = match &engagement {
                    Some(e) => {
                        let state = e.state.engagement();
                        let rank = match e.reservation_id {
                            Some(id) => bq::reservation_by_id(conn, id)?.and_then(|r| r.rank),
                            None => None,
                        };
                        let (id, withdrawable) = match e.reservation_id {
                            Some(id) => (
                                Some(id.0),
                                Withdrawable::of_place(None, bq::pending_cancellation(conn, id)?),
                            ),
                            None => {
                                let request =
                                    bq::pending_booking_request(conn, child, row.activity_id, day)?;
                                (request.map(|r| r.0), Withdrawable::of_place(request, None))
                            }
                        };
                        (Some(e.state), Some(state), id, rank, withdrawable)
                    }
                    None => (None, None, None, None, None),
                };
                let state = rules::day_state(now, day, &on_day, state);
                cells.push(CalendarCell {
                    activity_id: row.activity_id.0,
                    structure_id: row.structure_id.0,
                    activity: row.label,
                    state,
                    state_label: state.label(),
                    booking,
                    rank,
                    booking_id,
                    withdrawable,
                });
            }
            days.push(CalendarDay { day, cells });
            day = day + Days::new(1);
        }
        Ok(days)
    })
}
