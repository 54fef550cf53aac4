//! The nightly transmission: decides every request pending at the cut-off with
//! `domain::booking::transmit`, records the decisions and enqueues the report mails, in one
//! transaction.

mod input;

use input::transmission_input;

use chrono::{DateTime, Utc};
use domain::booking::{self as rules, Decision};
use domain::event::payloads::{
    RequestWithdrawn, TransmissionCompleted, TransmissionCounts, TransmissionStarted,
};

use domain::ids::TransmissionId;
use domain::staff::Permission;
use projections::booking as bq;
use rusqlite::Connection;
use serde::Serialize;

use crate::booking::{BookingRefusal, derived};
use crate::lookup::Lookup;
use crate::staff::Acting;
use crate::wording::booking::decision_text;
use crate::{App, AppError, Command};

/// What a transmission run did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TransmitReport {
    /// The transmission recorded; `None` when the cut-off was already transmitted (nothing is
    /// recorded then).
    pub transmission_id: Option<TransmissionId>,
    pub cut_off: Option<DateTime<Utc>>,
    /// The cut-off of the transmission before this run: everything received up to it had
    /// already been decided. `None` before the first transmission.
    pub previous_cut_off: Option<DateTime<Utc>>,
    pub counts: TransmissionCounts,
    pub mails: u32,
    pub dry_run: bool,
    /// One line per decision, in French, for the staff's screen.
    pub details: Vec<String>,
}

impl TransmitReport {
    /// Whether the run had nothing to decide: no request, cancellation or promotion since the
    /// previous cut-off.
    pub fn nothing_new(&self) -> bool {
        self.counts == TransmissionCounts::default()
    }
}

/// Decides every request pending at `cut_off` (see `domain::booking::transmit`), records the
/// decisions and enqueues the report mails, in one transaction.
///
/// A cut-off equal to the previous transmission's records nothing (everything up to it is
/// already decided: the report says so with `previous_cut_off`). A cut-off earlier than the
/// previous one is refused: « Dernière mise à jour » never goes backwards.
pub fn transmit(app: &App, cut_off: DateTime<Utc>) -> Result<TransmitReport, AppError> {
    app.execute("system:transmission", move |command| {
        transmit_in(command, cut_off)
    })
}

/// [`transmit`] started by a person (the CLI, `--as LOGIN`): `Permission::RunTransmission`,
/// and their actor on the events (the nightly job stays `system:transmission`).
pub fn transmit_by(
    app: &App,
    by: &Acting,
    cut_off: DateTime<Utc>,
) -> Result<TransmitReport, AppError> {
    let by = by.clone();
    app.execute(&by.actor_text(), move |command| {
        by.require(Permission::RunTransmission, None)?;
        transmit_in(command, cut_off)
    })
}

/// What [`transmit`] would report at `cut_off`, computed in the writer transaction on the same
/// state and then rolled back: nothing is recorded, no mail is queued.
pub fn dry_run_transmission(
    app: &App,
    by: &Acting,
    cut_off: DateTime<Utc>,
) -> Result<TransmitReport, AppError> {
    let by = by.clone();
    let report = app.rehearse(&by.actor_text(), move |command| {
        by.require(Permission::RunTransmission, None)?;
        transmit_in(command, cut_off)
    })?;
    Ok(TransmitReport {
        dry_run: true,
        ..report
    })
}

/// « Dernière mise à jour » at `now`: the cut-off of the last transmission, never later than
/// `now` (a transmission run with a cut-off still to come has decided everything received so
/// far, not what is still to come).
pub fn last_update(
    conn: &Connection,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, AppError> {
    Ok(last_cut_off(conn)?.map(|cut_off| cut_off.min(now)))
}

/// The cut-off of the last transmission recorded.
fn last_cut_off(conn: &Connection) -> Result<Option<DateTime<Utc>>, AppError> {
    Ok(bq::last_transmission(conn)?.map(|last| last.cut_off))
}

fn transmit_in(
    command: &mut Command<'_, '_>,
    cut_off: DateTime<Utc>,
) -> Result<TransmitReport, AppError> {
    let conn = command.conn();
    let previous_cut_off = last_cut_off(conn)?;
    if let Some(previous) = previous_cut_off {
        if cut_off < previous {
            return Err(AppError::Booking(BookingRefusal::CutOffBeforeLast {
                requested: cut_off,
                last: previous,
            }));
        }
        if cut_off == previous {
            // Already transmitted up to this cut-off: nothing to record.
            return Ok(TransmitReport {
                cut_off: Some(cut_off),
                previous_cut_off,
                ..TransmitReport::default()
            });
        }
    }
    let up_to = command.last_position_at(&cut_off)?;
    let pending_rows = bq::pending_requests(conn, up_to)?;
    let mut cache = Lookup::default();
    let input = transmission_input(conn, &pending_rows, &mut cache)?;
    let outcome =
        rules::transmit(&input).map_err(|e| AppError::corrupt("transmission input", e))?;
    let transmission = TransmissionId::from_uuid(derived(
        "transmission",
        &[&cut_off.to_rfc3339(), &up_to.to_string()],
    ));
    command.emit(TransmissionStarted {
        transmission_id: transmission,
        cut_off,
        up_to_position: up_to,
    })?;
    let mut details = Vec::new();
    for decision in &outcome.decisions {
        details.push(describe(command.conn(), decision, &mut cache)?);
        command.emit(decision.event(transmission))?;
    }
    for ignored in &outcome.ignored {
        // A cancellation of a place that no longer exists: nothing to do, close the request.
        command.emit(RequestWithdrawn {
            request_id: ignored.request_id,
            family_id: ignored.family_id,
        })?;
    }
    command.emit(TransmissionCompleted {
        transmission_id: transmission,
        counts: outcome.counts,
    })?;
    let mails = crate::notify::transmission_reports(
        command,
        transmission,
        &pending_rows,
        &outcome.decisions,
        &mut cache,
    )?;
    Ok(TransmitReport {
        transmission_id: Some(transmission),
        cut_off: Some(cut_off),
        previous_cut_off,
        counts: outcome.counts,
        mails,
        dry_run: false,
        details,
    })
}

fn describe(
    conn: &Connection,
    decision: &Decision,
    cache: &mut Lookup,
) -> Result<String, AppError> {
    let (activity, day) = decision.slot();
    let label = cache
        .activity(conn, activity, day)?
        .map(|a| a.label.clone())
        .unwrap_or_default();
    let who = cache.child_name(conn, decision.child_id())?;
    Ok(format!(
        "{day} {label} — {who} : {}",
        decision_text(decision)
    ))
}
