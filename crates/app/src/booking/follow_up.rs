//! « Suivi »: the family's requests and what became of them, ready to show.

use chrono::{DateTime, NaiveDate, Utc};
use domain::booking::{self as rules, DeadlineRule, ReservationState};
use domain::ids::{ChildId, FamilyId, RequestId, ReservationId};
use projections::booking as bq;
use rusqlite::Connection;
use serde::Serialize;

use super::Withdrawable;
use crate::lookup::Lookup;
use crate::wording::booking::follow_up_state_text;
use crate::{App, AppError};

/// One line of « Suivi », ready to show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FollowUpLine {
    pub request_id: RequestId,
    pub reservation_id: Option<ReservationId>,
    pub child_id: ChildId,
    pub child: String,
    pub activity: String,
    pub day: NaiveDate,
    /// Pending, accepted, waitlisted, refused or cancelled.
    #[serde(serialize_with = "bq::serialize_state")]
    pub state: ReservationState,
    /// « Non transmis », « Acceptée », « Liste d'attente — rang 2 », « Refusée — complet »…
    pub state_text: String,
    /// What « Retirer » withdraws: the request while not transmitted, or the pending
    /// cancellation of its place (« annulation demandée (non transmise) »).
    pub withdrawable: Option<Withdrawable>,
    /// The place may be cancelled now (accepted or waitlisted, before the deadline, no
    /// cancellation pending).
    pub cancellable: bool,
}

/// The family's requests and what became of them, by day then child. `deadline`: whether the
/// reader may set the cancellation deadline aside (a director at the desk), which makes a place
/// past it still cancellable.
pub fn follow_up(
    app: &App,
    family: FamilyId,
    deadline: DeadlineRule,
) -> Result<Vec<FollowUpLine>, AppError> {
    let now = app.now();
    app.query(move |conn| follow_up_in(conn, now, family, deadline))
}

/// « Suivi » as read on `conn` at `now`.
pub(crate) fn follow_up_in(
    conn: &Connection,
    now: DateTime<Utc>,
    family: FamilyId,
    deadline: DeadlineRule,
) -> Result<Vec<FollowUpLine>, AppError> {
    let mut cache = Lookup::default();
    let mut out = Vec::new();
    for row in bq::follow_up(conn, family)? {
        let state_text = follow_up_state_text(row.state, row.rank, row.reason);
        let cancellable = match row.state.held() {
            Some(state) if row.pending_cancellation.is_none() => cache
                .on_day(conn, row.activity_id, row.day)?
                .is_some_and(|on_day| {
                    rules::validate_cancellation(now, row.day, &on_day, state, deadline).is_ok()
                }),
            _ => false,
        };
        let activity = cache
            .activity(conn, row.activity_id, row.day)?
            .map(|a| a.label.clone())
            .unwrap_or_default();
        out.push(FollowUpLine {
            request_id: row.request_id,
            reservation_id: row.reservation_id,
            child_id: row.child_id,
            child: cache.child_name(conn, row.child_id)?,
            activity,
            day: row.day,
            withdrawable: Withdrawable::of_place(
                (row.state == ReservationState::Pending).then_some(row.request_id),
                row.pending_cancellation,
            ),
            cancellable,
            state: row.state,
            state_text,
        });
    }
    Ok(out)
}
