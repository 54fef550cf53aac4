//! The nightly transmission: decides every request pending at the cut-off with
//! `domain::booking::transmit`, records the decisions and enqueues the report mails, in one
//! transaction.

mod input;
mod report;

use input::transmission_input;
pub use report::{
    DecisionCounts, DecisionLine, Outcome, SlotCounts, StructureCounts, by_slot, by_structure,
};

use chrono::{DateTime, Utc};
use domain::booking as rules;
use domain::event::payloads::{
    RequestWithdrawn, TransmissionCompleted, TransmissionCounts, TransmissionStarted,
};

use domain::ids::{StructureId, TransmissionId};
use domain::staff::Permission;
use projections::booking as bq;
use rusqlite::Connection;
use serde::Serialize;

use crate::booking::{BookingRefusal, derived};
use crate::lookup::Lookup;
use crate::staff::Acting;
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
    /// One line per decision, in the order decided.
    pub lines: Vec<DecisionLine>,
    /// The report mails queued, one per family and structure: the structure of each.
    #[serde(skip)]
    pub mail_structures: Vec<StructureId>,
    /// Cut down to the structures the member sees (a scoped direction): `lines`, `counts`
    /// and `mails` then tell those structures only.
    pub restricted: bool,
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
///
/// `Permission::ViewBoards`. The run is one for every structure (a waitlist moves with every
/// cancellation), so it is computed whole, then a member whose right is scoped (direction)
/// is shown the lines, counts and mails of their structures only (`restricted`).
pub fn dry_run_transmission(
    app: &App,
    by: &Acting,
    cut_off: DateTime<Utc>,
) -> Result<TransmitReport, AppError> {
    let checked = by.clone();
    let report = app.rehearse(&by.actor_text(), move |command| {
        checked.require(Permission::ViewBoards, None)?;
        transmit_in(command, cut_off)
    })?;
    let report = TransmitReport {
        dry_run: true,
        ..report
    };
    Ok(if sees_every_structure(by) {
        report
    } else {
        restrict(report, |structure| {
            by.may_in(Permission::ViewBoards, structure)
        })
    })
}

/// Whether `by` sees the boards of every structure (an unscoped role granting them, or the
/// operator on the server).
fn sees_every_structure(by: &Acting) -> bool {
    by.rights().is_none_or(|rights| {
        rights
            .roles
            .iter()
            .any(|role| !role.is_scoped() && role.permissions().contains(&Permission::ViewBoards))
    })
}

/// `report` told for the structures `visible` keeps.
fn restrict(report: TransmitReport, visible: impl Fn(StructureId) -> bool) -> TransmitReport {
    let lines: Vec<DecisionLine> = report
        .lines
        .into_iter()
        .filter(|line| visible(line.structure_id))
        .collect();
    let mail_structures: Vec<StructureId> = report
        .mail_structures
        .into_iter()
        .filter(|structure| visible(*structure))
        .collect();
    let decided = DecisionCounts::of(&lines);
    let new_requests = decided.accepted + decided.waitlisted + decided.refused;
    let counts = TransmissionCounts {
        received: new_requests + decided.cancelled,
        new_requests,
        cancellation_requests: decided.cancelled,
        accepted: decided.accepted,
        waitlisted: decided.waitlisted,
        cancelled: decided.cancelled,
        refused: decided.refused,
        promoted: decided.promoted,
    };
    TransmitReport {
        counts,
        mails: u32::try_from(mail_structures.len()).unwrap_or(u32::MAX),
        lines,
        mail_structures,
        restricted: true,
        ..report
    }
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
    let mut lines = Vec::new();
    for decision in &outcome.decisions {
        lines.push(report::line_of(command.conn(), decision, &mut cache)?);
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
        lines,
        mail_structures: mail_structures(command.conn(), transmission)?,
        restricted: false,
    })
}

/// The structure of each report mail `transmission` queued (their cause names it last).
fn mail_structures(
    conn: &Connection,
    transmission: TransmissionId,
) -> Result<Vec<StructureId>, AppError> {
    let mut structures = Vec::new();
    for (cause, _) in mail::caused_by(conn, &crate::notify::transmission_mail_prefix(transmission))?
    {
        let structure = cause
            .rsplit(':')
            .next()
            .and_then(|id| id.parse().ok())
            .ok_or_else(|| AppError::corrupt("mail_outbox", &cause))?;
        structures.push(StructureId::from_uuid(structure));
    }
    Ok(structures)
}
