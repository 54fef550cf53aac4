//! The export log: one row per export (`exports.sql`), written after the file is built, in its
//! own command (an export reads; its trace is the only thing it writes).

use chrono::{DateTime, Utc};
use domain::ids::StructureId;
use rusqlite::params;

use super::{ExportKind, ExportMonth, ExportRequest};
use crate::accounts::{instant, stamp};
use crate::staff::Acting;
use crate::{App, AppError};

/// One export, as the log keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportLogLine {
    pub at: DateTime<Utc>,
    /// `None`: the operator on the server.
    pub staff_id: Option<uuid::Uuid>,
    pub kind: ExportKind,
    pub month: String,
    pub structure: Option<StructureId>,
    pub lines: u64,
}

pub(super) fn record(
    app: &App,
    by: &Acting,
    request: &ExportRequest,
    lines: usize,
) -> Result<(), AppError> {
    let staff = by
        .actor()
        .staff()
        .map_or_else(|| uuid::Uuid::nil().to_string(), |id| id.to_string());
    let kind = request.kind.code();
    let month = request.month.code();
    let structure = request.structure.map(|s| s.to_string());
    app.execute(&by.actor_text(), move |command| {
        let at = stamp(command.now());
        command
            .conn()
            .prepare_cached(
                "INSERT INTO export_log (at, staff_id, kind, month, structure_id, lines)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                at,
                staff,
                kind,
                month,
                structure,
                i64::try_from(lines).unwrap_or(i64::MAX)
            ])?;
        Ok(())
    })
}

/// The exports made for `month`, oldest first (the exports page lists them): for a member who
/// may export something.
pub fn exports_of(
    app: &App,
    by: &Acting,
    month: ExportMonth,
) -> Result<Vec<ExportLogLine>, AppError> {
    if !by.may(domain::staff::Permission::ExportMoney) {
        by.require(domain::staff::Permission::ExportAttendance, None)?;
    }
    let month = month.code();
    app.query(move |conn| {
        let mut statement = conn.prepare_cached(
            "SELECT at, staff_id, kind, month, structure_id, lines FROM export_log
             WHERE month = ?1 ORDER BY export_id",
        )?;
        let rows = statement.query_map(params![month], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, Option<String>>(4)?,
                row.get::<_, i64>(5)?,
            ))
        })?;
        let mut lines = Vec::new();
        for row in rows {
            let (at, staff, kind, month, structure, count) = row?;
            let staff: uuid::Uuid = staff
                .parse()
                .map_err(|e| AppError::corrupt("export_log", e))?;
            lines.push(ExportLogLine {
                at: instant(&at, "export_log")?,
                staff_id: (!staff.is_nil()).then_some(staff),
                kind: ExportKind::from_code(&kind)
                    .ok_or_else(|| AppError::corrupt("export_log", &kind))?,
                month,
                structure: structure
                    .map(|s| s.parse().map_err(|e| AppError::corrupt("export_log", e)))
                    .transpose()?,
                lines: u64::try_from(count).unwrap_or(0),
            });
        }
        Ok(lines)
    })
}

/// Deletes the export log's rows older than the access log's six months (the nightly run).
pub fn purge_export_log(app: &App) -> Result<usize, AppError> {
    app.execute("system:gestion", move |command| {
        let now = command.now();
        let cutoff = now
            .checked_sub_months(chrono::Months::new(crate::staff::ACCESS_LOG_MONTHS))
            .unwrap_or(now);
        Ok(command
            .conn()
            .prepare_cached("DELETE FROM export_log WHERE at < ?1")?
            .execute(params![stamp(cutoff)])?)
    })
}
