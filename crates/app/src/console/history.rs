//! The past transmissions: when, who ran it, the cut-off, the counts and the report mails.

use chrono::{DateTime, Utc};
use domain::actor::StoredActor;
use domain::event::payloads::TransmissionCounts;
use domain::ids::{StructureId, TransmissionId};
use domain::staff::Permission;
use mail::OutboxEntry;
use projections::booking as bq;
use rusqlite::Connection;

use super::ConsoleRefusal;
use crate::notify::transmission_mail_prefix;
use crate::staff::Acting;
use crate::{App, AppError};

/// Who started a transmission (the actor of its events).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RanBy {
    /// The nightly job (`system:transmission`).
    Night,
    /// A staff member (« Transmettre maintenant », or the CLI with `--as`): their name.
    Staff(String),
    /// The operator on the server, on the CLI without `--as`.
    Operator,
    /// The history the demo world is built with (`system:demo`).
    Demo,
    /// An actor this version does not know.
    Unknown,
}

/// One completed transmission.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PastTransmission {
    pub transmission_id: TransmissionId,
    /// When it was recorded.
    pub ran_at: DateTime<Utc>,
    pub ran_by: RanBy,
    pub cut_off: DateTime<Utc>,
    /// The run's counts, every structure (the run decides them together).
    pub counts: TransmissionCounts,
    /// Report mails the member sees (their structures' for a scoped direction).
    pub mails: usize,
}

/// A transmission and the report mails it produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransmissionDetail {
    pub summary: PastTransmission,
    pub mails: Vec<OutboxEntry>,
}

/// Every completed transmission, the last first. `Permission::ViewBoards`.
pub fn past_transmissions(app: &App, by: &Acting) -> Result<Vec<PastTransmission>, AppError> {
    by.require(Permission::ViewBoards, None)?;
    let rows = app.query(|conn| Ok(bq::transmissions(conn)?))?;
    let mut past = Vec::with_capacity(rows.len());
    for row in rows {
        let (summary, _) = summary_of(app, by, row)?;
        past.push(summary);
    }
    Ok(past)
}

/// One transmission and its report mails (for a scoped direction, the mails of their
/// structures). `Permission::ViewBoards`; an unknown id is `ConsoleRefusal::UnknownTransmission`.
pub fn transmission(
    app: &App,
    by: &Acting,
    id: TransmissionId,
) -> Result<TransmissionDetail, AppError> {
    by.require(Permission::ViewBoards, None)?;
    let row = app
        .query(|conn| Ok(bq::transmissions(conn)?))?
        .into_iter()
        .find(|row| row.transmission_id == id)
        .ok_or(AppError::Console(ConsoleRefusal::UnknownTransmission))?;
    let (summary, mails) = summary_of(app, by, row)?;
    Ok(TransmissionDetail { summary, mails })
}

fn summary_of(
    app: &App,
    by: &Acting,
    row: bq::TransmissionRow,
) -> Result<(PastTransmission, Vec<OutboxEntry>), AppError> {
    let id = row.transmission_id;
    let counts: TransmissionCounts = match &row.counts {
        Some(json) => {
            serde_json::from_str(json).map_err(|e| AppError::corrupt("transmissions", e))?
        }
        None => TransmissionCounts::default(),
    };
    let started = app
        .store
        .read_stream(&id.stream())?
        .into_iter()
        .next()
        .ok_or_else(|| AppError::corrupt("transmissions", id))?;
    let ran_at = started
        .recorded_at_utc()
        .ok_or_else(|| AppError::corrupt("events", &started.recorded_at))?;
    let actor = started
        .metadata_json()
        .map_err(|e| AppError::corrupt("events", e))?
        .get("actor")
        .and_then(|a| a.as_str())
        .map(str::to_owned)
        .unwrap_or_default();
    let (ran_by, mails) =
        app.query(|conn| Ok((ran_by(conn, &actor)?, visible_mails(conn, by, id)?)))?;
    let summary = PastTransmission {
        transmission_id: id,
        ran_at,
        ran_by,
        cut_off: row.cut_off,
        counts,
        mails: mails.len(),
    };
    Ok((summary, mails))
}

fn ran_by(conn: &Connection, actor: &str) -> Result<RanBy, AppError> {
    let parsed: StoredActor = match actor.parse() {
        Ok(parsed) => parsed,
        Err(never) => match never {},
    };
    Ok(match parsed {
        StoredActor::System(job) if job == "transmission" => RanBy::Night,
        StoredActor::System(job) if job == "demo" => RanBy::Demo,
        StoredActor::Staff(id) => match crate::staff::member(conn, id)? {
            Some(member) => RanBy::Staff(member.name),
            None => RanBy::Unknown,
        },
        StoredActor::Operator => RanBy::Operator,
        _ => RanBy::Unknown,
    })
}

/// The report mails of `transmission` whose structure `by` sees.
fn visible_mails(
    conn: &Connection,
    by: &Acting,
    transmission: TransmissionId,
) -> Result<Vec<OutboxEntry>, AppError> {
    let mut mails = Vec::new();
    for (cause, entry) in mail::caused_by(conn, &transmission_mail_prefix(transmission))? {
        let structure = cause
            .rsplit(':')
            .next()
            .and_then(|id| id.parse().ok())
            .map(StructureId::from_uuid)
            .ok_or_else(|| AppError::corrupt("mail_outbox", &cause))?;
        if by.may_in(Permission::ViewBoards, structure) {
            mails.push(entry);
        }
    }
    Ok(mails)
}
