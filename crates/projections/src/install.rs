//! Creating the read-model tables and their checkpoints.

use rusqlite::{Connection, params};

use crate::ProjectionError;
use crate::registry::PROJECTIONS;

/// Creates the read-model tables that do not exist yet and their checkpoints.
pub fn install(conn: &Connection) -> Result<(), ProjectionError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS projection_checkpoints (
             name     TEXT PRIMARY KEY,
             position INTEGER NOT NULL,
             version  INTEGER NOT NULL
         ) STRICT;",
    )?;
    for projection in PROJECTIONS {
        conn.execute_batch(projection.schema)?;
        conn.execute(
            "INSERT OR IGNORE INTO projection_checkpoints (name, position, version) VALUES (?1, 0, ?2)",
            params![projection.name, projection.version],
        )?;
    }
    Ok(())
}

/// Whether `conn` holds the read models (a bare event store does not).
pub(crate) fn installed(conn: &Connection) -> Result<bool, ProjectionError> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'projection_checkpoints')",
        [],
        |row| row.get(0),
    )?)
}
