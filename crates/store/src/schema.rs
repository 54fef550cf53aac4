//! Connection set-up and the store's own migrations.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::error::StoreError;

/// The oldest SQLite the store accepts (STRICT tables, `RETURNING`, JSON functions built in).
pub const MIN_SQLITE_VERSION: &str = "3.45.0";
const MIN_SQLITE_VERSION_NUMBER: i32 = 3_045_000;

/// Prepared statements kept per connection.
const STATEMENT_CACHE: usize = 256;

/// The store's schema, one entry per version, applied in order and recorded in
/// `store_migrations`. Never edit an applied entry: add a new one.
const MIGRATIONS: &[&str] = &[
    r#"
-- The log. One row per event; position is global, gapless and commit-ordered.
CREATE TABLE events (
    position       INTEGER PRIMARY KEY,
    event_id       TEXT    NOT NULL UNIQUE,
    stream_id      TEXT    NOT NULL,
    stream_version INTEGER NOT NULL CHECK (stream_version >= 1),
    event_type     TEXT    NOT NULL,
    schema_version INTEGER NOT NULL CHECK (schema_version >= 1),
    payload        TEXT    NOT NULL CHECK (json_valid(payload)),
    metadata       TEXT    NOT NULL CHECK (json_valid(metadata)),
    recorded_at    TEXT    NOT NULL,
    hash           BLOB    NOT NULL CHECK (length(hash) = 32),
    UNIQUE (stream_id, stream_version)
) STRICT;

CREATE INDEX events_by_type ON events (event_type, position);

-- Cross-stream tags (activity-…, child-…, wallet-…), for reads that follow an entity.
CREATE TABLE event_tags (
    tag      TEXT    NOT NULL,
    position INTEGER NOT NULL REFERENCES events (position),
    PRIMARY KEY (tag, position)
) STRICT, WITHOUT ROWID;

-- The end of the chain, kept apart so that a removed tail is detected.
CREATE TABLE chain_head (
    singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
    position    INTEGER NOT NULL,
    hash        BLOB    NOT NULL CHECK (length(hash) = 32),
    recorded_at TEXT    NOT NULL
) STRICT;
INSERT INTO chain_head (singleton, position, hash, recorded_at) VALUES (1, 0, zeroblob(32), '');

CREATE TRIGGER events_refuse_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only: UPDATE refused'); END;
CREATE TRIGGER events_refuse_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only: DELETE refused'); END;
CREATE TRIGGER event_tags_refuse_update BEFORE UPDATE ON event_tags
BEGIN SELECT RAISE(ABORT, 'event tags are append-only: UPDATE refused'); END;
CREATE TRIGGER event_tags_refuse_delete BEFORE DELETE ON event_tags
BEGIN SELECT RAISE(ABORT, 'event tags are append-only: DELETE refused'); END;
CREATE TRIGGER chain_head_refuse_delete BEFORE DELETE ON chain_head
BEGIN SELECT RAISE(ABORT, 'the chain head cannot be deleted'); END;
"#,
    r#"
-- The last version of each stream, maintained by every append (an index lookup instead of a
-- MAX over the stream; see WriteTx::stream_version).
CREATE TABLE stream_heads (
    stream_id TEXT PRIMARY KEY,
    version   INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
INSERT INTO stream_heads (stream_id, version)
    SELECT stream_id, MAX(stream_version) FROM events GROUP BY stream_id;
"#,
];

/// Opens the connection the writer thread will own, configured for durability.
pub(crate) fn open_write_connection(
    path: &Path,
    busy_timeout_ms: u32,
    cache_kib: u32,
) -> Result<Connection, StoreError> {
    check_sqlite_version()?;
    let mut conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(Duration::from_millis(u64::from(busy_timeout_ms)))?;
    // Commands, projectors and queries use ~100 distinct statements: keep them all prepared.
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    // The page cache, in KiB (a negative `cache_size`): see `StoreOptions::writer_cache_kib`.
    conn.pragma_update(None, "cache_size", -i64::from(cache_kib))?;
    // journal_mode answers with a row; the others answer nothing.
    let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
    // FULL: an acknowledged booking or payment survives a power loss (NORMAL may lose it in WAL).
    conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")?;
    // The per-command SAVEPOINT journals stay in memory instead of a temp file made and
    // unlinked for every group.
    conn.execute_batch("PRAGMA temp_store = MEMORY;")?;
    migrate(&mut conn)?;
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    ensure_guards(&tx)?;
    tx.commit()?;
    // Checkpoints run on their own thread (see checkpoint.rs), not inside the writer's commits.
    let _pages: i64 = conn.query_row("PRAGMA wal_autocheckpoint = 0", [], |row| row.get(0))?;
    // A busy period leaves at most 64 MiB of WAL file when the log restarts; the checkpoint
    // thread empties it once the writer is idle (checkpoint.rs). More than the checkpoint
    // thread lets it grow before it makes it restart (`RESTART_FRAMES`), so a restarted WAL is
    // written over blocks the file has instead of extending it again (the file system zeroes
    // every new block and journals every size change at each fsync).
    let _limit: i64 =
        conn.query_row("PRAGMA journal_size_limit = 67108864", [], |row| row.get(0))?;
    Ok(conn)
}

/// Opens the connection of the checkpoint thread.
pub(crate) fn open_checkpoint_connection(
    path: &Path,
    busy_timeout_ms: u32,
) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(Duration::from_millis(u64::from(busy_timeout_ms)))?;
    conn.execute_batch("PRAGMA synchronous = FULL;")?;
    Ok(conn)
}

/// Opens a read-only connection for the pool.
pub(crate) fn open_read_connection(
    path: &Path,
    busy_timeout_ms: u32,
) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(Duration::from_millis(u64::from(busy_timeout_ms)))?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    // 8 MiB of page cache each (SQLite's default is 2 MiB): the pages of a family's calendar,
    // « Suivi » and « Solde » stay cached; the pool's size bounds the total.
    conn.execute_batch("PRAGMA query_only = ON; PRAGMA cache_size = -8192;")?;
    Ok(conn)
}

fn check_sqlite_version() -> Result<(), StoreError> {
    if rusqlite::version_number() < MIN_SQLITE_VERSION_NUMBER {
        return Err(StoreError::SqliteTooOld {
            found: rusqlite::version().to_owned(),
            required: MIN_SQLITE_VERSION.to_owned(),
        });
    }
    Ok(())
}

fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    // IMMEDIATE: two processes opening a fresh file at once do not both migrate.
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    tx.execute_batch(
        "CREATE TABLE IF NOT EXISTS store_migrations (
             version    INTEGER PRIMARY KEY,
             applied_at TEXT NOT NULL
         ) STRICT;",
    )?;
    let applied: u32 = tx.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM store_migrations",
        [],
        |row| row.get(0),
    )?;
    let known = MIGRATIONS.len() as u32;
    if applied > known {
        return Err(StoreError::SchemaTooNew {
            found: applied,
            known,
        });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(applied as usize) {
        tx.execute_batch(sql)?;
        tx.execute(
            "INSERT INTO store_migrations (version, applied_at) VALUES (?1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
            [index as u32 + 1],
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// The append-only guards: name, the statement that removes a tampered one, and the statement
/// that creates it, as SQLite keeps its text in `sqlite_master` (the migrations created them
/// with exactly these statements).
const GUARDS: &[(&str, &str, &str)] = &[
    (
        "events_refuse_update",
        "DROP TRIGGER IF EXISTS events_refuse_update",
        "CREATE TRIGGER events_refuse_update BEFORE UPDATE ON events\nBEGIN SELECT RAISE(ABORT, 'events are append-only: UPDATE refused'); END",
    ),
    (
        "events_refuse_delete",
        "DROP TRIGGER IF EXISTS events_refuse_delete",
        "CREATE TRIGGER events_refuse_delete BEFORE DELETE ON events\nBEGIN SELECT RAISE(ABORT, 'events are append-only: DELETE refused'); END",
    ),
    (
        "event_tags_refuse_update",
        "DROP TRIGGER IF EXISTS event_tags_refuse_update",
        "CREATE TRIGGER event_tags_refuse_update BEFORE UPDATE ON event_tags\nBEGIN SELECT RAISE(ABORT, 'event tags are append-only: UPDATE refused'); END",
    ),
    (
        "event_tags_refuse_delete",
        "DROP TRIGGER IF EXISTS event_tags_refuse_delete",
        "CREATE TRIGGER event_tags_refuse_delete BEFORE DELETE ON event_tags\nBEGIN SELECT RAISE(ABORT, 'event tags are append-only: DELETE refused'); END",
    ),
    (
        "chain_head_refuse_delete",
        "DROP TRIGGER IF EXISTS chain_head_refuse_delete",
        "CREATE TRIGGER chain_head_refuse_delete BEFORE DELETE ON chain_head\nBEGIN SELECT RAISE(ABORT, 'the chain head cannot be deleted'); END",
    ),
];

/// (Re)installs the append-only triggers and checks they are there, as written. Idempotent: a
/// guard present with its text is left alone; one dropped (migrations are recorded as applied, so
/// they would never bring it back) or replaced by another body is created again. Runs inside the
/// caller's transaction: at every open, and in the writer for the periodic check.
pub(crate) fn ensure_guards(conn: &Connection) -> Result<u32, StoreError> {
    let mut reinstalled = 0;
    for (name, drop, sql) in GUARDS {
        if guard_text(conn, name)?.as_deref().map(same_statement) != Some(same_statement(sql)) {
            conn.execute_batch(drop)?;
            conn.execute_batch(sql)?;
            reinstalled += 1;
        }
    }
    for (name, _, sql) in GUARDS {
        if guard_text(conn, name)?.as_deref().map(same_statement) != Some(same_statement(sql)) {
            return Err(StoreError::GuardMissing((*name).to_owned()));
        }
    }
    Ok(reinstalled)
}

fn guard_text(conn: &Connection, name: &str) -> Result<Option<String>, StoreError> {
    let mut statement =
        conn.prepare_cached("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?1")?;
    let mut rows = statement.query([name])?;
    match rows.next()? {
        Some(row) => Ok(row.get(0)?),
        None => Ok(None),
    }
}

/// A statement's words, whitespace-insensitive.
fn same_statement(sql: &str) -> String {
    sql.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use crate::{EventStore, StoreOptions};

    fn writer_cache_kib(options: StoreOptions) -> i64 {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let store = EventStore::open(dir.path().join("store.db"), options)
            .unwrap_or_else(|e| panic!("{e}"));
        store
            .write(|tx| -> Result<i64, crate::StoreError> {
                Ok(tx
                    .connection()
                    .query_row("PRAGMA cache_size", [], |row| row.get(0))?)
            })
            .unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[test]
    fn the_writer_keeps_the_page_cache_its_options_say_and_serve_keeps_less() {
        assert_eq!(writer_cache_kib(StoreOptions::default()), -64 * 1024);
        assert_eq!(writer_cache_kib(StoreOptions::serving()), -16 * 1024);
    }
}
