//! Projecting events: inline in a command's transaction, by checkpoint, or to catch up with
//! the head of the log.

use domain::Event;
use rusqlite::{Connection, OptionalExtension, params};
use store::{EventStore, StoreError};

use crate::ProjectionError;
use crate::registry::PROJECTIONS;

/// Applies one event, already appended at `position`, to every read model that has not seen it.
/// Runs inside the writer's transaction.
pub(crate) fn apply(
    conn: &Connection,
    position: u64,
    event: &Event,
) -> Result<(), ProjectionError> {
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

/// Applies one event to every read model, without consulting the checkpoints: for commands of
/// the application, whose read models are caught up when the database is opened and then
/// projected in the very transaction of each append. [`advance_checkpoints`] closes the command.
pub fn apply_inline(
    conn: &Connection,
    position: u64,
    event: &Event,
) -> Result<(), ProjectionError> {
    for projection in PROJECTIONS {
        (projection.apply)(conn, position, event)?;
    }
    Ok(())
}

/// Moves every checkpoint to `position` (once per command, after [`apply_inline`]).
pub fn advance_checkpoints(conn: &Connection, position: u64) -> Result<(), ProjectionError> {
    conn.prepare_cached("UPDATE projection_checkpoints SET position = ?1 WHERE position < ?1")?
        .execute(params![position as i64])?;
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
pub(crate) fn decode(stored: &store::StoredEvent) -> Result<Event, ProjectionError> {
    let payload = stored.payload_json().map_err(StoreError::Json)?;
    Event::decode(&stored.event_type, stored.schema_version, payload).map_err(|source| {
        ProjectionError::Decode {
            position: stored.position,
            source,
        }
    })
}
