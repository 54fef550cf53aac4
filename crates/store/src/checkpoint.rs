//! WAL checkpoints off the writer's path.
//!
//! With SQLite's automatic checkpoint, the committing connection copies the WAL back into the
//! database file (and fsyncs it) inside some commits, so every thousandth command pays for it.
//! The writer connection disables that (`wal_autocheckpoint = 0`) and this thread, with its own
//! connection, runs a PASSIVE checkpoint (it never blocks the writer) a few times a second, and a
//! TRUNCATE one when the store closes.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use rusqlite::Connection;

use crate::error::StoreError;
use crate::schema;

const INTERVAL: Duration = Duration::from_millis(200);

pub(crate) fn spawn(
    path: PathBuf,
    busy_timeout_ms: u32,
    stop: Receiver<()>,
) -> Result<std::thread::JoinHandle<()>, StoreError> {
    let conn = schema::open_checkpoint_connection(&path, busy_timeout_ms)?;
    Ok(std::thread::Builder::new()
        .name("event-store-checkpoint".to_owned())
        .spawn(move || run(conn, stop))?)
}

fn run(conn: Connection, stop: Receiver<()>) {
    // Nothing is ever sent: the sender is dropped when the store closes.
    while let Err(RecvTimeoutError::Timeout) = stop.recv_timeout(INTERVAL) {
        checkpoint(&conn, "PASSIVE");
    }
    checkpoint(&conn, "TRUNCATE");
}

fn checkpoint(conn: &Connection, mode: &str) {
    let sql = match mode {
        "TRUNCATE" => "PRAGMA wal_checkpoint(TRUNCATE)",
        _ => "PRAGMA wal_checkpoint(PASSIVE)",
    };
    let result = conn.query_row(sql, [], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, i64>(1)?,
            row.get::<_, i64>(2)?,
        ))
    });
    if let Err(error) = result {
        tracing::warn!(%error, mode, "WAL checkpoint failed; it will be retried");
    }
}
