//! The past staff actions on one activity's day, with who did them and why (the day's detail
//! page lists them).

use chrono::{DateTime, NaiveDate, Utc};
use domain::Actor;
use domain::actor::StoredActor;
use domain::event::Event;
use domain::ids::{ActivityId, ChildId, ReservationId};

use super::reason::reasons_of_day;
use crate::{App, AppError};

/// What a staff member did on a day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DayActionKind {
    /// The capacity and waitlist size changed from this day on.
    CapacityChanged { capacity: u32, waitlist_size: u32 },
    /// A waitlisted child was given a free place by hand.
    Promoted {
        reservation: ReservationId,
        child: ChildId,
        previous_rank: u32,
    },
    /// A waitlisted child moved one rank up or down.
    Reordered {
        reservation: ReservationId,
        from_rank: u32,
        to_rank: u32,
    },
    /// The day was closed exceptionally; its places were cancelled.
    Closed,
}

/// One past action on a day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DayAction {
    /// The log position of the action's event.
    pub position: u64,
    pub at: DateTime<Utc>,
    /// The staff member's name (« opérateur » for the CLI without `--as`).
    pub by: String,
    pub what: DayActionKind,
    pub reason: String,
}

/// The staff actions recorded on `activity`'s `day`, oldest first. A capacity change is listed
/// on the day it takes effect from. The page calling it checks `ViewBoards` first.
pub fn day_actions(
    app: &App,
    activity: ActivityId,
    day: NaiveDate,
) -> Result<Vec<DayAction>, AppError> {
    let reasons = app.query(|conn| reasons_of_day(conn, activity, day))?;
    let mut actions = Vec::with_capacity(reasons.len());
    for (position, reason) in reasons {
        let Some(stored) = app.store.read_range(position, Some(position), 1)?.next() else {
            return Err(AppError::corrupt("day_action_reasons", position));
        };
        let stored = stored?;
        let what = match decoded(&stored)? {
            Event::ActivityCapacityChanged(e) => DayActionKind::CapacityChanged {
                capacity: e.capacity,
                waitlist_size: e.waitlist_size,
            },
            Event::WaitlistPromoted(e) => DayActionKind::Promoted {
                reservation: e.reservation_id,
                child: e.child_id,
                previous_rank: e.previous_rank,
            },
            Event::WaitlistReordered(e) => DayActionKind::Reordered {
                reservation: e.reservation_id,
                from_rank: e.from_rank,
                to_rank: e.to_rank,
            },
            Event::ActivityDayClosed(_) => DayActionKind::Closed,
            other => {
                return Err(AppError::corrupt(
                    "day_action_reasons",
                    format!("position {position} holds {}", other.event_type()),
                ));
            }
        };
        actions.push(DayAction {
            position,
            at: stored.recorded_at_utc().unwrap_or_default(),
            by: author(app, &stored)?,
            what,
            reason,
        });
    }
    Ok(actions)
}

fn decoded(stored: &store::StoredEvent) -> Result<Event, AppError> {
    let payload = stored
        .payload_json()
        .map_err(|e| AppError::corrupt("events", e))?;
    Event::decode(&stored.event_type, stored.schema_version, payload)
        .map_err(|e| AppError::corrupt("events", e))
}

/// The name of the staff member who recorded `stored`.
fn author(app: &App, stored: &store::StoredEvent) -> Result<String, AppError> {
    let metadata: store::Metadata =
        serde_json::from_str(&stored.metadata).map_err(|e| AppError::corrupt("events", e))?;
    let Ok(actor) = metadata.actor.parse::<StoredActor>();
    Ok(match actor {
        StoredActor::Staff(id) => app
            .query(|conn| crate::staff::member(conn, id))?
            .map(|member| member.name)
            .unwrap_or_else(|| Actor::Staff(id).to_string()),
        _ => crate::wording::days::OPERATOR.to_owned(),
    })
}
