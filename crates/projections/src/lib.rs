//! Read models: projectors that turn events into rows, and the queries that read them.
//!
//! Each read model is described by one SQL file under `projections/` at the root of the
//! repository (the read-side contract) and has a version and a checkpoint (the last position it
//! has applied) in `projection_checkpoints`.
//!
//! Architecture invariant: projectors are deterministic functions of the events (no clock, no
//! registry, no IO besides their own tables), so replaying the log rebuilds exactly the rows the
//! live system has. They run inline, in the writer's transaction, right after the append.
#![forbid(unsafe_code)]

mod booking;
pub mod booking_queries;
mod families;
mod money;
pub mod queries;
mod setup;

use domain::Event;
use rusqlite::{Connection, OptionalExtension, params};
use store::{EventStore, StoreError};

/// A read model.
#[derive(Clone, Copy, Debug)]
pub struct Projection {
    pub name: &'static str,
    /// Raise it when the projector or the tables change: the model must then be rebuilt.
    pub version: u32,
    pub schema: &'static str,
    apply: fn(&Connection, u64, &Event) -> Result<(), ProjectionError>,
}

/// Every read model, in the order they are applied.
pub const PROJECTIONS: &[Projection] = &[
    Projection {
        name: "setup",
        version: 1,
        schema: include_str!("../../../projections/setup.sql"),
        apply: setup::apply,
    },
    Projection {
        name: "families",
        version: 1,
        schema: include_str!("../../../projections/families.sql"),
        apply: families::apply,
    },
    Projection {
        name: "booking",
        version: 1,
        schema: include_str!("../../../projections/booking.sql"),
        apply: booking::apply,
    },
    Projection {
        name: "money",
        version: 1,
        schema: include_str!("../../../projections/money.sql"),
        apply: money::apply,
    },
];

/// Why a projection failed. Always a bug or a broken database, never a user's doing.
#[derive(Debug, thiserror::Error)]
pub enum ProjectionError {
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("event at position {position} cannot be read: {source}")]
    Decode {
        position: u64,
        source: domain::DecodeError,
    },
    #[error("read model {table} holds a malformed value: {detail}")]
    Malformed { table: &'static str, detail: String },
}

impl ProjectionError {
    pub(crate) fn malformed(table: &'static str, detail: impl std::fmt::Display) -> Self {
        ProjectionError::Malformed {
            table,
            detail: detail.to_string(),
        }
    }
}

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

/// Applies one event, already appended at `position`, to every read model that has not seen it.
/// Runs inside the writer's transaction.
pub fn apply(conn: &Connection, position: u64, event: &Event) -> Result<(), ProjectionError> {
    let mut checkpoint =
        conn.prepare_cached("SELECT position FROM projection_checkpoints WHERE name = ?1")?;
    let mut advance =
        conn.prepare_cached("UPDATE projection_checkpoints SET position = ?2 WHERE name = ?1")?;
    for projection in PROJECTIONS {
        let seen: Option<i64> = checkpoint
            .query_row(params![projection.name], |row| row.get(0))
            .optional()?;
        if seen.is_some_and(|seen| seen as u64 >= position) {
            continue;
        }
        (projection.apply)(conn, position, event)?;
        advance.execute(params![projection.name, position as i64])?;
    }
    Ok(())
}

/// Brings every read model up to the head of the log (after an upgrade added a model, or after
/// another process appended without projecting). Returns the number of events applied.
pub fn catch_up(store: &EventStore) -> Result<u64, ProjectionError> {
    let lowest: i64 = store.read(|conn| {
        Ok(conn.query_row(
            "SELECT COALESCE(MIN(position), 0) FROM projection_checkpoints",
            [],
            |row| row.get(0),
        )?)
    })?;
    let head = store.head()?.position;
    let mut applied = 0;
    let mut next = lowest as u64 + 1;
    while next <= head {
        let batch: Vec<store::StoredEvent> = store
            .read_range(next, Some(head), 2_000)?
            .take(2_000)
            .collect::<Result<_, _>>()?;
        let Some(last) = batch.last().map(|e| e.position) else {
            break;
        };
        let count = batch.len() as u64;
        store
            .write(move |tx| -> Result<(), ProjectionError> {
                for stored in &batch {
                    let event = decode(stored)?;
                    apply(tx.connection(), stored.position, &event)?;
                }
                Ok(())
            })
            .map_err(|error| match error {
                store::WriteError::Rejected(error) => error,
                store::WriteError::Store(error) => ProjectionError::Store(error),
            })?;
        applied += count;
        next = last + 1;
    }
    Ok(applied)
}

/// Decodes a stored event into the current domain type (upcasting older versions).
pub fn decode(stored: &store::StoredEvent) -> Result<Event, ProjectionError> {
    let payload = stored.payload_json().map_err(StoreError::Json)?;
    Event::decode(&stored.event_type, stored.schema_version, payload).map_err(|source| {
        ProjectionError::Decode {
            position: stored.position,
            source,
        }
    })
}
