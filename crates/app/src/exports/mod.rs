//! The back office's CSV exports (`/gestion/exports`, `portail export …`): one file per export,
//! each building typed rows from the read models and the registry, then the French spreadsheet
//! sheet of `documents::csv`. The web and the CLI call [`export`] and get the same bytes.
//!
//! Each download is one row of the export log (`log.rs`): who, when, which file, for which
//! month and structure, how many lines — the RGPD trace of a file that names many families.

mod attendance;
mod consumptions;
mod files;
mod log;
mod month;
mod payments;
mod refusal;
mod scope;

#[cfg(test)]
mod tests;

use domain::ids::StructureId;
use rusqlite::Connection;

use crate::staff::Acting;
use crate::{App, AppError};

pub use log::{ExportLogLine, exports_of, purge_export_log};
pub use month::ExportMonth;
pub use refusal::ExportRefusal;
pub use scope::{ExportStructure, export_structures, structure_named};

/// The four exports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExportKind {
    /// CAF attendance hours per child and month, by age bracket.
    Attendance,
    /// Consumptions per régie and activity, for the accountant.
    Consumptions,
    /// The régie's payment journal.
    Payments,
    /// Families whose file is incomplete.
    Files,
}

impl ExportKind {
    pub const ALL: [ExportKind; 4] = [
        ExportKind::Attendance,
        ExportKind::Consumptions,
        ExportKind::Payments,
        ExportKind::Files,
    ];

    /// The file's name without the month: `presences`, `consommations`…
    pub fn stem(self) -> &'static str {
        match self {
            ExportKind::Attendance => "presences",
            ExportKind::Consumptions => "consommations",
            ExportKind::Payments => "reglements",
            ExportKind::Files => "dossiers-incomplets",
        }
    }

    /// The permission it needs (`ExportAttendance` or `ExportMoney`).
    pub fn permission(self) -> domain::staff::Permission {
        use domain::staff::Permission;
        match self {
            ExportKind::Attendance | ExportKind::Files => Permission::ExportAttendance,
            ExportKind::Consumptions | ExportKind::Payments => Permission::ExportMoney,
        }
    }

    fn code(self) -> &'static str {
        match self {
            ExportKind::Attendance => "attendance",
            ExportKind::Consumptions => "consumptions",
            ExportKind::Payments => "payments",
            ExportKind::Files => "files",
        }
    }

    fn from_code(code: &str) -> Option<ExportKind> {
        ExportKind::ALL.into_iter().find(|kind| kind.code() == code)
    }
}

/// What to export: a month, and a structure or every structure the member may export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExportRequest {
    pub kind: ExportKind,
    pub month: ExportMonth,
    pub structure: Option<StructureId>,
}

/// A file ready to download.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportFile {
    /// `presences-2026-11.csv`
    pub filename: String,
    pub bytes: Vec<u8>,
    /// Lines of data (totals excluded).
    pub lines: usize,
}

/// A sheet built from the read models, before it is logged.
pub(crate) struct Sheet {
    pub bytes: Vec<u8>,
    pub lines: usize,
}

/// Builds the export `by` asked for and writes its line to the export log. Refused (nothing
/// written) when `by` lacks the kind's permission in the structure, or everywhere.
pub fn export(app: &App, by: &Acting, request: ExportRequest) -> Result<ExportFile, AppError> {
    let permission = request.kind.permission();
    by.require(permission, request.structure)?;
    let acting = by.clone();
    let structures = app.query(move |conn| {
        scope::structures_in_scope(conn, &acting, permission, request.structure)
    })?;
    let month = request.month;
    let sheet = match request.kind {
        ExportKind::Attendance => {
            app.query(move |conn| attendance::sheet(conn, month, &structures))?
        }
        ExportKind::Consumptions => {
            app.query(move |conn| consumptions::sheet(conn, month, &structures))?
        }
        ExportKind::Payments => app.query(move |conn| payments::sheet(conn, month, &structures))?,
        // The files' « since » is read off the families' streams, outside the read-model query.
        ExportKind::Files => files::sheet(app, &structures)?,
    };
    log::record(app, by, &request, sheet.lines)?;
    Ok(ExportFile {
        filename: format!("{}-{}.csv", request.kind.stem(), request.month.code()),
        bytes: sheet.bytes,
        lines: sheet.lines,
    })
}

pub(crate) fn install(conn: &Connection) -> Result<(), AppError> {
    conn.execute_batch(include_str!("exports.sql"))?;
    Ok(())
}

/// A `documents::csv` failure is ours (only the in-memory buffer can fail).
fn csv_failed(error: documents::csv::CsvError) -> AppError {
    AppError::corrupt("export", error)
}
