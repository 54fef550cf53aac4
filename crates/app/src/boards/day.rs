//! The detail of one activity's day: the children accepted (with their attendance mark once
//! taken), the waitlist in rank order, the requests not yet transmitted in log order.

use chrono::{DateTime, NaiveDate, Utc};
use domain::attendance::Mark;
use domain::booking::{BoardState, RequestKind, ReservationState};
use domain::ids::{ActivityId, ChildId, FamilyId, RequestId, ReservationId, StructureId};
use domain::staff::Permission;
use rusqlite::Connection;

use super::SlotFigures;
use super::occupancy::cell;
use crate::staff::Acting;
use crate::{App, AppError, registry};

/// A child with a place on the day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AcceptedChild {
    pub reservation_id: ReservationId,
    pub child_id: ChildId,
    /// « DUPONT Lilou ».
    pub child: String,
    pub family_id: FamilyId,
    /// The payer's name, as the family is known at the desk.
    pub family: String,
    /// The last attendance mark; `None` while not taken.
    pub mark: Option<Mark>,
}

/// A child on the waitlist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaitingChild {
    pub reservation_id: ReservationId,
    /// 1-based.
    pub rank: u32,
    pub child_id: ChildId,
    pub child: String,
    pub family_id: FamilyId,
    pub family: String,
    /// When the child joined the waitlist.
    pub since: Option<DateTime<Utc>>,
}

/// A request not yet transmitted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingEntry {
    pub request_id: RequestId,
    pub kind: RequestKind,
    pub received_at: Option<DateTime<Utc>>,
    pub child: String,
    pub family_id: FamilyId,
    pub family: String,
}

/// One activity's day, as the board's detail shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DayDetail {
    pub activity_id: ActivityId,
    pub activity_label: String,
    pub structure_id: StructureId,
    pub structure_label: String,
    pub day: NaiveDate,
    pub figures: SlotFigures,
    pub state: BoardState,
    /// By child's name.
    pub accepted: Vec<AcceptedChild>,
    /// In rank order.
    pub waitlist: Vec<WaitingChild>,
    /// In log order: bookings and cancellations.
    pub pending: Vec<PendingEntry>,
    /// The staff actions on the day, with their authors and reasons, oldest first.
    pub actions: Vec<crate::days::DayAction>,
    /// Where the day stands today: its capacity and opening change only while it is to come,
    /// its waitlist moves until it is over (`app::days`).
    pub timing: DayTiming,
}

/// A day seen from today (Europe/Paris).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DayTiming {
    Coming,
    Today,
    Over,
}

impl DayTiming {
    fn of(day: NaiveDate, today: NaiveDate) -> DayTiming {
        match day.cmp(&today) {
            std::cmp::Ordering::Greater => DayTiming::Coming,
            std::cmp::Ordering::Equal => DayTiming::Today,
            std::cmp::Ordering::Less => DayTiming::Over,
        }
    }
}

/// The detail of `activity` on `day`; `None` when no activity has this id on that day. `by`
/// needs `ViewBoards` on the activity's structure.
pub fn day_detail(
    app: &App,
    by: &Acting,
    activity: ActivityId,
    day: NaiveDate,
) -> Result<Option<DayDetail>, AppError> {
    let by = by.clone();
    let now = app.now();
    let timing = DayTiming::of(day, app.today());
    let read = app.query(move |conn| {
        let Some(row) = projections::activity(conn, activity, day)? else {
            return Ok(None);
        };
        by.require(Permission::ViewBoards, Some(row.structure_id))?;
        let periods = projections::periods(conn)?;
        let Some(cell) = cell(conn, &periods, activity, day, now)? else {
            return Ok(None);
        };
        let (accepted, waitlist) = places(conn, activity, day)?;
        Ok(Some((
            DayDetail {
                activity_id: activity,
                activity_label: row.label,
                structure_id: row.structure_id,
                structure_label: row.structure_label,
                day,
                figures: cell.figures,
                state: cell.state,
                accepted,
                waitlist: Vec::new(),
                pending: Vec::new(),
                actions: Vec::new(),
                timing,
            },
            waitlist,
            pending(conn, activity, day)?,
        )))
    })?;
    let Some((mut detail, waitlist, pending)) = read else {
        return Ok(None);
    };
    for (mut entry, position) in waitlist {
        entry.since = instant_of(app, position)?;
        detail.waitlist.push(entry);
    }
    for (mut entry, position) in pending {
        entry.received_at = instant_of(app, position)?;
        detail.pending.push(entry);
    }
    detail.actions = crate::days::day_actions(app, activity, day)?;
    Ok(Some(detail))
}

/// The names a row shows: the child's and the family's.
fn names(
    conn: &Connection,
    child: Option<ChildId>,
    family: FamilyId,
) -> Result<(String, String), AppError> {
    let child = match child {
        Some(child) => registry::child(conn, child)?
            .map(|c| c.display_name())
            .unwrap_or_default(),
        None => String::new(),
    };
    let family = registry::family_account(conn, family)?
        .map(|account| account.payer_name)
        .unwrap_or_default();
    Ok((child, family))
}

type Waiting = Vec<(WaitingChild, Option<u64>)>;

/// The accepted children (by name) and the waitlist (in rank order, each with the position
/// that put it there).
fn places(
    conn: &Connection,
    activity: ActivityId,
    day: NaiveDate,
) -> Result<(Vec<AcceptedChild>, Waiting), AppError> {
    let since = projections::booking::waitlist_since(conn, activity, day)?;
    let mut accepted = Vec::new();
    let mut waitlist = Vec::new();
    for held in projections::booking::slot_reservations(conn, activity, day)? {
        let (child, family) = names(conn, Some(held.child_id), held.family_id)?;
        match held.state {
            ReservationState::Accepted => accepted.push(AcceptedChild {
                reservation_id: held.reservation_id,
                child_id: held.child_id,
                child,
                family_id: held.family_id,
                family,
                mark: projections::attendance_mark(conn, held.child_id, activity, day)?,
            }),
            _ => waitlist.push((
                WaitingChild {
                    reservation_id: held.reservation_id,
                    rank: held.rank.unwrap_or(0),
                    child_id: held.child_id,
                    child,
                    family_id: held.family_id,
                    family,
                    since: None,
                },
                since
                    .iter()
                    .find(|s| s.reservation_id == held.reservation_id)
                    .map(|s| s.since_position),
            )),
        }
    }
    accepted.sort_by_key(|a| a.child.to_lowercase());
    waitlist.sort_by_key(|(w, _)| w.rank);
    Ok((accepted, waitlist))
}

/// The requests of the day not transmitted yet, in log order, each with its position.
fn pending(
    conn: &Connection,
    activity: ActivityId,
    day: NaiveDate,
) -> Result<Vec<(PendingEntry, Option<u64>)>, AppError> {
    let mut entries = Vec::new();
    for request in projections::booking::pending_requests(conn, i64::MAX as u64)?
        .into_iter()
        .filter(|r| r.activity_id == Some(activity) && r.day == Some(day))
    {
        let (child, family) = names(conn, request.child_id, request.family_id)?;
        entries.push((
            PendingEntry {
                request_id: request.request_id,
                kind: request.kind,
                received_at: None,
                child,
                family_id: request.family_id,
                family,
            },
            Some(request.requested_position),
        ));
    }
    Ok(entries)
}

/// When the event at `position` was recorded.
fn instant_of(app: &App, position: Option<u64>) -> Result<Option<DateTime<Utc>>, AppError> {
    let Some(position) = position else {
        return Ok(None);
    };
    Ok(
        match app.store.read_range(position, Some(position), 1)?.next() {
            Some(stored) => stored?.recorded_at_utc(),
            None => None,
        },
    )
}
