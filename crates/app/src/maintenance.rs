//! What operators run on a database besides the services: rebuilding the read models from the
//! log (blue/green, `projections::rebuild`), comparing them with their replay (`audit verify`,
//! `restore`), and the health check's last transmission.

use std::path::Path;

use store::EventStore;

use crate::staff::Acting;
use crate::{App, AppError};
use domain::staff::Permission;

pub use projections::booking::TransmissionRow;
pub use projections::{Difference, Progress, ReadModelCheck, RebuildReport};

/// Why a maintenance command stops before it changes anything (the wording is in
/// `crate::wording::maintenance`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MaintenanceRefusal {
    /// The rebuild cannot run, or cannot finish: an unknown read model named, a scratch file
    /// that cannot be removed, a log that moves faster than the rebuild catches up. The reason
    /// is the rebuild's own sentence; the live read models are untouched.
    RebuildStopped { reason: String },
}

/// Installs the read-model tables the code added since the database was made (they must exist
/// to be swapped), then rebuilds the `names`d read models (all when empty) from the log into a
/// scratch file beside `db` and swaps them in, `batch` events per transaction.
pub fn rebuild(
    by: &Acting,
    store: &EventStore,
    db: &Path,
    names: &[String],
    batch: usize,
    progress: &mut dyn FnMut(Progress),
) -> Result<RebuildReport, AppError> {
    by.require(Permission::RunRebuild, None)?;
    store.write(|tx| -> Result<(), AppError> {
        projections::install(tx.connection())?;
        Ok(())
    })?;
    projections::rebuild(store, db, names, batch, progress).map_err(|error| match error {
        projections::ProjectionError::Malformed {
            table: "rebuild",
            detail,
        } => AppError::Maintenance(MaintenanceRefusal::RebuildStopped { reason: detail }),
        error => AppError::Projection(error),
    })
}

/// Every read model rebuilt from the log in memory and compared with the live rows.
pub fn verify_read_models(store: &EventStore) -> Result<ReadModelCheck, AppError> {
    Ok(projections::verify_read_models(store)?)
}

/// The last transmission recorded, if any.
pub fn last_transmission(app: &App) -> Result<Option<TransmissionRow>, AppError> {
    app.query(|conn| Ok(projections::booking::last_transmission(conn)?))
}
