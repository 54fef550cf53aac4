//! WAL checkpoints off the writer's path.
//!
//! With SQLite's automatic checkpoint, the committing connection copies the WAL back into the
//! database file (and fsyncs it) inside some commits, so every thousandth command pays for it.
//! The writer connection disables that (`wal_autocheckpoint = 0`) and this thread, with its own
//! connection, runs a PASSIVE checkpoint (it never blocks the writer) a few times a second.
//!
//! Under a steady stream of commits a PASSIVE checkpoint never catches up with the writer (new
//! frames arrive while it copies), and SQLite restarts the WAL from its beginning only when a
//! write transaction starts with every frame copied: the file then grew for as long as the
//! writes lasted (1.4 GB for 100,000 one-event commands), each commit extending it, which the
//! file system pays for in zeroed blocks and journaled size changes at every fsync. So once the
//! WAL holds more than [`RESTART_FRAMES`] frames, the thread runs a RESTART checkpoint right
//! after its PASSIVE one: it waits for the writer's running group, copies the few frames the
//! PASSIVE one left, and the next group writes the WAL from its start again, over blocks the
//! file already has (`journal_size_limit` keeps them).
//!
//! A PASSIVE checkpoint never shrinks the WAL file: it keeps the size of the busiest moment. So
//! once the writer is idle (no new frame since the last tick, every frame copied back) the
//! thread runs one TRUNCATE checkpoint, which empties the file; `journal_size_limit` (schema.rs)
//! caps what a busy period leaves behind when the WAL restarts. Disk use stays near the
//! database's size. A TRUNCATE checkpoint also runs when the store closes.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use rusqlite::Connection;

use crate::error::StoreError;
use crate::schema;

const INTERVAL: Duration = Duration::from_millis(200);

/// WAL frames (pages of 4 KiB) past which the log is made to restart: 16 MiB, well under the
/// size `journal_size_limit` keeps (schema.rs), so a restarted WAL is written over blocks the
/// file already has.
const RESTART_FRAMES: i64 = 4096;

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

/// What a checkpoint answered: whether it was blocked, the frames in the WAL, the frames
/// copied back into the database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct WalState {
    busy: bool,
    frames: i64,
    checkpointed: i64,
}

impl WalState {
    /// The WAL holds frames, all of them already in the database.
    fn fully_copied(self) -> bool {
        !self.busy && self.frames > 0 && self.frames == self.checkpointed
    }
}

#[derive(Clone, Copy, Debug)]
enum Mode {
    Passive,
    Restart,
    Truncate,
}

fn run(conn: Connection, stop: Receiver<()>) {
    let mut previous: Option<WalState> = None;
    // Nothing is ever sent: the sender is dropped when the store closes.
    while let Err(RecvTimeoutError::Timeout) = stop.recv_timeout(INTERVAL) {
        let mut state = checkpoint(&conn, Mode::Passive);
        if state.is_some_and(|wal| wal.frames > RESTART_FRAMES) {
            state = checkpoint(&conn, Mode::Restart);
        }
        // Idle: the same frames as a tick ago, all copied back.
        let idle = state.is_some_and(WalState::fully_copied) && state == previous;
        previous = if idle {
            checkpoint(&conn, Mode::Truncate);
            None
        } else {
            state
        };
    }
    checkpoint(&conn, Mode::Truncate);
}

fn checkpoint(conn: &Connection, mode: Mode) -> Option<WalState> {
    let sql = match mode {
        Mode::Truncate => "PRAGMA wal_checkpoint(TRUNCATE)",
        Mode::Passive => "PRAGMA wal_checkpoint(PASSIVE)",
        Mode::Restart => "PRAGMA wal_checkpoint(RESTART)",
    };
    let result = conn.query_row(sql, [], |row| {
        Ok(WalState {
            busy: row.get::<_, i64>(0)? != 0,
            frames: row.get(1)?,
            checkpointed: row.get(2)?,
        })
    });
    match result {
        Ok(state) => Some(state),
        Err(error) => {
            tracing::warn!(%error, ?mode, "WAL checkpoint failed; it will be retried");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{EventStore, ExpectedVersion, Metadata, NewEvent, StoreOptions};

    fn wal_size(dir: &std::path::Path) -> u64 {
        std::fs::metadata(dir.join("store.db-wal")).map_or(0, |m| m.len())
    }

    #[test]
    fn the_wal_stays_bounded_while_writes_never_stop() {
        // Given a store written without a pause: 160 commands of 400 KB, ~64 MB in all.
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let store = EventStore::open(dir.path().join("store.db"), StoreOptions::default())
            .unwrap_or_else(|e| panic!("{e}"));
        let filler = "y".repeat(8_000);
        let mut largest = 0;
        for batch in 0..160 {
            let events = (0..50)
                .map(|_| NewEvent {
                    event_id: uuid::Uuid::now_v7(),
                    event_type: "test_filled".to_owned(),
                    schema_version: 1,
                    payload: serde_json::json!({ "batch": batch, "filler": filler }),
                    metadata: Metadata::default(),
                    tags: Vec::new(),
                })
                .collect();
            store
                .append(&format!("test-{batch}"), ExpectedVersion::NoStream, events)
                .unwrap_or_else(|e| panic!("{e}"));
            largest = largest.max(wal_size(dir.path()));
        }
        // Then the WAL restarted on the way instead of holding every write: it stays near the
        // restart threshold (16 MiB) plus what is written between two ticks.
        assert!(
            largest < 48 * 1024 * 1024,
            "the WAL grew to {largest} bytes"
        );
        assert_eq!(store.head().map(|h| h.position).ok(), Some(8_000));
    }

    #[test]
    fn the_wal_shrinks_back_once_writes_stop() {
        // Given a store that has just written a few megabytes.
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let store = EventStore::open(dir.path().join("store.db"), StoreOptions::default())
            .unwrap_or_else(|e| panic!("{e}"));
        let filler = "x".repeat(2_000);
        for batch in 0..40 {
            let events = (0..50)
                .map(|_| NewEvent {
                    event_id: uuid::Uuid::now_v7(),
                    event_type: "test_filled".to_owned(),
                    schema_version: 1,
                    payload: serde_json::json!({ "batch": batch, "filler": filler }),
                    metadata: Metadata::default(),
                    tags: Vec::new(),
                })
                .collect();
            store
                .append(&format!("test-{batch}"), ExpectedVersion::NoStream, events)
                .unwrap_or_else(|e| panic!("{e}"));
        }
        // When nothing is written for a moment, then the WAL is emptied while the store runs.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while wal_size(dir.path()) > 0 && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        // Measured once the WAL is empty: before the first checkpoint the writes may all still
        // be in the WAL, and the database file only its first page.
        let database = std::fs::metadata(dir.path().join("store.db")).map_or(0, |m| m.len());
        assert_eq!(wal_size(dir.path()), 0, "database {database} bytes");
        assert!(database > 2_000_000, "the test wrote {database} bytes only");
        // And the store keeps working.
        store
            .append(
                "test-after",
                ExpectedVersion::NoStream,
                vec![NewEvent {
                    event_id: uuid::Uuid::now_v7(),
                    event_type: "test_filled".to_owned(),
                    schema_version: 1,
                    payload: serde_json::json!({}),
                    metadata: Metadata::default(),
                    tags: Vec::new(),
                }],
            )
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(store.head().map(|h| h.position).ok(), Some(2_001));
        // What a busy period may leave when the log restarts is capped too.
        let limit = store.write(|tx| {
            tx.connection()
                .query_row("PRAGMA journal_size_limit", [], |row| row.get::<_, i64>(0))
        });
        assert_eq!(limit.ok(), Some(64 * 1024 * 1024));
    }
}
