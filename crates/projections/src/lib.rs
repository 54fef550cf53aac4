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

pub mod booking;
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
        version: 2,
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
pub fn decode(stored: &store::StoredEvent) -> Result<Event, ProjectionError> {
    let payload = stored.payload_json().map_err(StoreError::Json)?;
    Event::decode(&stored.event_type, stored.schema_version, payload).map_err(|source| {
        ProjectionError::Decode {
            position: stored.position,
            source,
        }
    })
}

/// The read-model tables, in the order their SQL files create them.
pub fn tables() -> Vec<&'static str> {
    let mut tables = Vec::new();
    for projection in PROJECTIONS {
        for line in projection.schema.lines() {
            if let Some(rest) = line.trim().strip_prefix("CREATE TABLE IF NOT EXISTS ")
                && let Some(name) = rest.split_whitespace().next()
            {
                tables.push(name);
            }
        }
    }
    tables
}

/// Rebuilds every read model into `conn` (which must hold empty tables, see [`install`]) by
/// applying `events` in order. Returns the number of events applied.
pub fn replay(
    conn: &Connection,
    events: impl Iterator<Item = Result<store::StoredEvent, StoreError>>,
) -> Result<u64, ProjectionError> {
    let mut applied = 0;
    for stored in events {
        let stored = stored?;
        let event = decode(&stored)?;
        apply(conn, stored.position, &event)?;
        applied += 1;
    }
    Ok(applied)
}

/// Rows of every read-model table, rendered as text and sorted, by table name.
pub type Snapshot = std::collections::BTreeMap<String, Vec<String>>;

/// Every row of every read-model table, rendered as text and sorted, per table: two databases
/// whose snapshots are equal hold the same read models.
pub fn snapshot(
    conn: &Connection,
) -> Result<std::collections::BTreeMap<String, Vec<String>>, ProjectionError> {
    let mut out = std::collections::BTreeMap::new();
    for table in tables() {
        // Table names come from our own SQL files, never from input; identifiers cannot be
        // bound as parameters, so the statement is looked up from a fixed list instead.
        let exists: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1)",
            [table],
            |row| row.get(0),
        )?;
        if !exists {
            // A table added by an upgrade and not created yet holds nothing.
            out.insert(table.to_owned(), Vec::new());
            continue;
        }
        let sql = SNAPSHOT_QUERIES
            .iter()
            .find(|(name, _)| *name == table)
            .map(|(_, sql)| *sql)
            .ok_or_else(|| {
                ProjectionError::malformed("snapshot", format!("no snapshot query for {table}"))
            })?;
        let mut statement = conn.prepare(sql)?;
        let columns = statement.column_count();
        let mut rows: Vec<String> = statement
            .query_map([], |row| {
                let mut values = Vec::with_capacity(columns);
                for i in 0..columns {
                    let value: rusqlite::types::Value = row.get(i)?;
                    values.push(match value {
                        rusqlite::types::Value::Null => "NULL".to_owned(),
                        rusqlite::types::Value::Integer(n) => n.to_string(),
                        rusqlite::types::Value::Real(x) => x.to_string(),
                        rusqlite::types::Value::Text(text) => text,
                        rusqlite::types::Value::Blob(bytes) => format!("x'{}'", hex_bytes(&bytes)),
                    });
                }
                Ok(values.join("|"))
            })?
            .collect::<Result<_, _>>()?;
        rows.sort();
        out.insert(table.to_owned(), rows);
    }
    Ok(out)
}

/// The first difference between two snapshots: the table and the first row (rendered, its key
/// first) present on one side and not the other.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    pub table: String,
    pub live_row: Option<String>,
    pub rebuilt_row: Option<String>,
}

/// Compares a live snapshot with a rebuilt one; `None` when they are identical.
pub fn first_difference(
    live: &std::collections::BTreeMap<String, Vec<String>>,
    rebuilt: &std::collections::BTreeMap<String, Vec<String>>,
) -> Option<Difference> {
    let empty = Vec::new();
    for table in live.keys().chain(rebuilt.keys()) {
        let (a, b) = (
            live.get(table).unwrap_or(&empty),
            rebuilt.get(table).unwrap_or(&empty),
        );
        if a == b {
            continue;
        }
        let mut i = 0;
        while i < a.len() && i < b.len() && a[i] == b[i] {
            i += 1;
        }
        return Some(Difference {
            table: table.clone(),
            live_row: a.get(i).cloned(),
            rebuilt_row: b.get(i).cloned(),
        });
    }
    None
}

/// Whether `conn` holds the read models (a bare event store does not).
pub fn installed(conn: &Connection) -> Result<bool, ProjectionError> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'projection_checkpoints')",
        [],
        |row| row.get(0),
    )?)
}

/// What `verify_read_models` found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadModelCheck {
    /// The database has no read models (a bare event store).
    Absent,
    /// Rebuilding every read model from the log gives exactly the live rows.
    Identical {
        events: u64,
        tables: usize,
    },
    Different(Difference),
}

/// Rebuilds every read model from the log into a scratch in-memory database and compares it row
/// by row with the live one, at one consistent point of the log.
pub fn verify_read_models(store: &EventStore) -> Result<ReadModelCheck, ProjectionError> {
    let live = store.read(|conn| {
        let check = (|| -> Result<Option<(u64, Snapshot)>, ProjectionError> {
            if !installed(conn)? {
                return Ok(None);
            }
            conn.execute_batch("BEGIN")?;
            let head = store::head_on(conn)?.position;
            let rows = snapshot(conn);
            conn.execute_batch("COMMIT")?;
            Ok(Some((head, rows?)))
        })();
        Ok(check)
    })??;
    let Some((head, live)) = live else {
        return Ok(ReadModelCheck::Absent);
    };
    let scratch = Connection::open_in_memory()?;
    install(&scratch)?;
    scratch.execute_batch("BEGIN")?;
    let events = replay(&scratch, store.read_range(1, Some(head), 2_000)?)?;
    scratch.execute_batch("COMMIT")?;
    let rebuilt = snapshot(&scratch)?;
    Ok(match first_difference(&live, &rebuilt) {
        None => ReadModelCheck::Identical {
            events,
            tables: live.len(),
        },
        Some(difference) => ReadModelCheck::Different(difference),
    })
}

fn hex_bytes(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// One `SELECT *` per read-model table (kept in step with `tables()` by a test).
const SNAPSHOT_QUERIES: &[(&str, &str)] = &[
    (
        "organisation_settings",
        "SELECT * FROM organisation_settings",
    ),
    ("wallets", "SELECT * FROM wallets"),
    ("structures", "SELECT * FROM structures"),
    ("activities", "SELECT * FROM activities"),
    ("activity_capacities", "SELECT * FROM activity_capacities"),
    ("activity_prices", "SELECT * FROM activity_prices"),
    ("opening_periods", "SELECT * FROM opening_periods"),
    ("period_activities", "SELECT * FROM period_activities"),
    ("booking_windows", "SELECT * FROM booking_windows"),
    ("families", "SELECT * FROM families"),
    ("family_structures", "SELECT * FROM family_structures"),
    ("children", "SELECT * FROM children"),
    ("family_quotients", "SELECT * FROM family_quotients"),
    ("booking_requests", "SELECT * FROM booking_requests"),
    ("baskets", "SELECT * FROM baskets"),
    ("reservations", "SELECT * FROM reservations"),
    ("slot_counts", "SELECT * FROM slot_counts"),
    ("transmissions", "SELECT * FROM transmissions"),
    ("wallet_balances", "SELECT * FROM wallet_balances"),
    ("consumption_history", "SELECT * FROM consumption_history"),
    ("payment_history", "SELECT * FROM payment_history"),
    ("absences", "SELECT * FROM absences"),
    ("online_payments", "SELECT * FROM online_payments"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_read_model_table_has_a_snapshot_query() {
        let listed: Vec<&str> = SNAPSHOT_QUERIES.iter().map(|(t, _)| *t).collect();
        let mut tables = tables();
        tables.sort_unstable();
        let mut listed_sorted = listed.clone();
        listed_sorted.sort_unstable();
        assert_eq!(tables, listed_sorted);
    }
}

/// Per read-model table: how to empty the live table and fill it from the rebuilt one (`rebuilt`
/// is the scratch database attached for the swap). Kept in step with `tables()` by a test.
const SWAP_STATEMENTS: &[(&str, &str, &str)] = &[
    (
        "organisation_settings",
        "DELETE FROM main.organisation_settings",
        "INSERT INTO main.organisation_settings SELECT * FROM rebuilt.organisation_settings",
    ),
    (
        "wallets",
        "DELETE FROM main.wallets",
        "INSERT INTO main.wallets SELECT * FROM rebuilt.wallets",
    ),
    (
        "structures",
        "DELETE FROM main.structures",
        "INSERT INTO main.structures SELECT * FROM rebuilt.structures",
    ),
    (
        "activities",
        "DELETE FROM main.activities",
        "INSERT INTO main.activities SELECT * FROM rebuilt.activities",
    ),
    (
        "activity_capacities",
        "DELETE FROM main.activity_capacities",
        "INSERT INTO main.activity_capacities SELECT * FROM rebuilt.activity_capacities",
    ),
    (
        "activity_prices",
        "DELETE FROM main.activity_prices",
        "INSERT INTO main.activity_prices SELECT * FROM rebuilt.activity_prices",
    ),
    (
        "opening_periods",
        "DELETE FROM main.opening_periods",
        "INSERT INTO main.opening_periods SELECT * FROM rebuilt.opening_periods",
    ),
    (
        "period_activities",
        "DELETE FROM main.period_activities",
        "INSERT INTO main.period_activities SELECT * FROM rebuilt.period_activities",
    ),
    (
        "booking_windows",
        "DELETE FROM main.booking_windows",
        "INSERT INTO main.booking_windows SELECT * FROM rebuilt.booking_windows",
    ),
    (
        "families",
        "DELETE FROM main.families",
        "INSERT INTO main.families SELECT * FROM rebuilt.families",
    ),
    (
        "family_structures",
        "DELETE FROM main.family_structures",
        "INSERT INTO main.family_structures SELECT * FROM rebuilt.family_structures",
    ),
    (
        "children",
        "DELETE FROM main.children",
        "INSERT INTO main.children SELECT * FROM rebuilt.children",
    ),
    (
        "family_quotients",
        "DELETE FROM main.family_quotients",
        "INSERT INTO main.family_quotients SELECT * FROM rebuilt.family_quotients",
    ),
    (
        "booking_requests",
        "DELETE FROM main.booking_requests",
        "INSERT INTO main.booking_requests SELECT * FROM rebuilt.booking_requests",
    ),
    (
        "baskets",
        "DELETE FROM main.baskets",
        "INSERT INTO main.baskets SELECT * FROM rebuilt.baskets",
    ),
    (
        "reservations",
        "DELETE FROM main.reservations",
        "INSERT INTO main.reservations SELECT * FROM rebuilt.reservations",
    ),
    (
        "slot_counts",
        "DELETE FROM main.slot_counts",
        "INSERT INTO main.slot_counts SELECT * FROM rebuilt.slot_counts",
    ),
    (
        "transmissions",
        "DELETE FROM main.transmissions",
        "INSERT INTO main.transmissions SELECT * FROM rebuilt.transmissions",
    ),
    (
        "wallet_balances",
        "DELETE FROM main.wallet_balances",
        "INSERT INTO main.wallet_balances SELECT * FROM rebuilt.wallet_balances",
    ),
    (
        "consumption_history",
        "DELETE FROM main.consumption_history",
        "INSERT INTO main.consumption_history SELECT * FROM rebuilt.consumption_history",
    ),
    (
        "payment_history",
        "DELETE FROM main.payment_history",
        "INSERT INTO main.payment_history SELECT * FROM rebuilt.payment_history",
    ),
    (
        "absences",
        "DELETE FROM main.absences",
        "INSERT INTO main.absences SELECT * FROM rebuilt.absences",
    ),
    (
        "online_payments",
        "DELETE FROM main.online_payments",
        "INSERT INTO main.online_payments SELECT * FROM rebuilt.online_payments",
    ),
];

/// The SQL of `selected` split into what creates tables and what creates indexes.
fn split_indexes(selected: &[&'static Projection]) -> (String, String) {
    let (mut tables, mut indexes) = (String::new(), String::new());
    for projection in selected {
        // Comments first (they may hold ';'); our SQL files have no "--" inside literals.
        let code: String = projection
            .schema
            .lines()
            .map(|line| line.split("--").next().unwrap_or(""))
            .collect::<Vec<_>>()
            .join("\n");
        for statement in code.split(';') {
            let statement = statement.trim();
            if statement.is_empty() {
                continue;
            }
            let target = if statement.starts_with("CREATE INDEX")
                || statement.starts_with("CREATE UNIQUE INDEX")
            {
                &mut indexes
            } else {
                &mut tables
            };
            target.push_str(statement);
            target.push_str(";\n");
        }
    }
    (tables, indexes)
}

/// The tables a projection owns, from its SQL file.
pub fn tables_of(projection: &Projection) -> Vec<&'static str> {
    projection
        .schema
        .lines()
        .filter_map(|line| line.trim().strip_prefix("CREATE TABLE IF NOT EXISTS "))
        .filter_map(|rest| rest.split_whitespace().next())
        .collect()
}

/// Read models whose stored version is older than the code's: `(name, stored, code)`.
pub fn stale(conn: &Connection) -> Result<Vec<(&'static str, u32, u32)>, ProjectionError> {
    let mut out = Vec::new();
    for projection in PROJECTIONS {
        let stored: Option<u32> = conn
            .prepare_cached("SELECT version FROM projection_checkpoints WHERE name = ?1")?
            .query_row(params![projection.name], |row| row.get(0))
            .optional()?;
        if let Some(stored) = stored
            && stored < projection.version
        {
            out.push((projection.name, stored, projection.version));
        }
    }
    Ok(out)
}

/// Progress of a rebuild, for a progress bar or a log line.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Progress {
    pub done: u64,
    pub total: u64,
    pub events_per_second: f64,
}

/// What a rebuild did.
#[derive(Clone, Debug, PartialEq)]
pub struct RebuildReport {
    pub projections: Vec<&'static str>,
    /// Events replayed into the scratch database before the swap.
    pub replayed: u64,
    /// Events appended meanwhile and applied just before the swap.
    pub caught_up: u64,
    pub seconds: f64,
}

/// Rebuilds the named read models (all when `names` is empty) from position 1 into a scratch
/// database beside `db`, catches up with what was appended meanwhile, and swaps the tables into
/// the live database in one transaction: readers see the old models until the commit, then the
/// new ones, never a half-built one. An interrupted rebuild leaves the live models untouched and
/// its scratch file is recreated by the next run. The outbox is not a read model: no mail moves.
/// Decoded events handed from the reading thread to the applying one at a time.
const DECODED_BATCH: usize = 2_000;
/// Events between two progress reports of a rebuild.
const PROGRESS_EVERY: u64 = 10_000;

pub fn rebuild(
    store: &EventStore,
    db: &std::path::Path,
    names: &[String],
    batch: usize,
    progress: &mut dyn FnMut(Progress),
) -> Result<RebuildReport, ProjectionError> {
    let started = std::time::Instant::now();
    let selected: Vec<&'static Projection> = if names.is_empty() {
        PROJECTIONS.iter().collect()
    } else {
        let mut selected = Vec::new();
        for name in names {
            match PROJECTIONS.iter().find(|p| p.name == name.as_str()) {
                Some(projection) => selected.push(projection),
                None => {
                    return Err(ProjectionError::malformed(
                        "rebuild",
                        format!(
                            "modèle de lecture inconnu « {name} » (connus : {})",
                            PROJECTIONS
                                .iter()
                                .map(|p| p.name)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    ));
                }
            }
        }
        selected
    };
    let scratch_path = std::path::PathBuf::from(format!("{}.rebuild", db.display()));
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let path = std::path::PathBuf::from(format!("{}{suffix}", scratch_path.display()));
        if path.exists() {
            std::fs::remove_file(&path).map_err(|e| ProjectionError::malformed("rebuild", e))?;
        }
    }
    let scratch = Connection::open(&scratch_path)?;
    scratch.execute_batch(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -131072;",
    )?;
    scratch.set_prepared_statement_cache_capacity(256);
    // Tables first, secondary indexes after the bulk replay: building an index once is cheaper
    // than maintaining it row by row.
    let (tables_sql, indexes_sql) = split_indexes(&selected);
    scratch.execute_batch(&tables_sql)?;
    let apply_selected =
        |conn: &Connection, stored: &store::StoredEvent| -> Result<(), ProjectionError> {
            let event = decode(stored)?;
            for projection in &selected {
                (projection.apply)(conn, stored.position, &event)?;
            }
            Ok(())
        };

    // 1. Replay up to the head as it is now. Two threads: one reads and decodes the log, this one
    //    applies; a transaction every `batch` events, progress every 10,000.
    let total = store.head()?.position;
    let mut done = 0u64;
    let commit_every = batch.max(1) as u64;
    scratch.execute_batch("BEGIN")?;
    std::thread::scope(|scope| -> Result<(), ProjectionError> {
        let (sender, receiver) =
            std::sync::mpsc::sync_channel::<Result<Vec<(u64, Event)>, ProjectionError>>(16);
        scope.spawn(move || {
            let read = || -> Result<(), ProjectionError> {
                let mut decoded = Vec::with_capacity(DECODED_BATCH);
                for stored in store.read_range(1, Some(total), 10_000)? {
                    let stored = stored?;
                    decoded.push((stored.position, decode(&stored)?));
                    if decoded.len() == DECODED_BATCH {
                        let full =
                            std::mem::replace(&mut decoded, Vec::with_capacity(DECODED_BATCH));
                        if sender.send(Ok(full)).is_err() {
                            return Ok(());
                        }
                    }
                }
                if !decoded.is_empty() {
                    let _ = sender.send(Ok(decoded));
                }
                Ok(())
            };
            if let Err(error) = read() {
                let _ = sender.send(Err(error));
            }
        });
        for decoded in receiver {
            for (position, event) in decoded? {
                for projection in &selected {
                    (projection.apply)(&scratch, position, &event)?;
                }
                done += 1;
                if done.is_multiple_of(commit_every) {
                    scratch.execute_batch("COMMIT; BEGIN")?;
                }
                if done.is_multiple_of(PROGRESS_EVERY) {
                    let seconds = started.elapsed().as_secs_f64().max(1e-6);
                    progress(Progress {
                        done,
                        total,
                        events_per_second: done as f64 / seconds,
                    });
                }
            }
        }
        Ok(())
    })?;
    scratch.execute_batch("COMMIT")?;
    scratch.execute_batch(&indexes_sql)?;
    let replayed = done;
    let seconds = started.elapsed().as_secs_f64().max(1e-6);
    progress(Progress {
        done,
        total,
        events_per_second: done as f64 / seconds,
    });

    // 2. Swap. BEGIN IMMEDIATE on the live connection also locks the attached scratch file, so
    //    the scratch cannot be caught up under that lock: catch it up just before, take the
    //    lock, and if the log moved in between, release and try again.
    let live = Connection::open(db)?;
    live.busy_timeout(std::time::Duration::from_secs(60))?;
    live.execute(
        "ATTACH DATABASE ?1 AS rebuilt",
        params![scratch_path.to_string_lossy()],
    )?;
    let mut applied = replayed;
    let mut caught_up = 0;
    let mut swapped = false;
    for _attempt in 0..50 {
        let head = store.head()?.position;
        for stored in store.read_range(applied + 1, Some(head), batch.max(1))? {
            apply_selected(&scratch, &stored?)?;
            applied += 1;
            caught_up += 1;
        }
        live.execute_batch("BEGIN IMMEDIATE")?;
        let swap = (|| -> Result<bool, ProjectionError> {
            let head = store::head_on(&live)?.position;
            if head != applied {
                return Ok(false);
            }
            for projection in &selected {
                for table in tables_of(projection) {
                    let Some((_, delete, insert)) =
                        SWAP_STATEMENTS.iter().find(|(t, _, _)| *t == table)
                    else {
                        return Err(ProjectionError::malformed(
                            "rebuild",
                            format!("no swap statements for {table}"),
                        ));
                    };
                    live.execute_batch(delete)?;
                    live.execute_batch(insert)?;
                }
                live.execute(
                    "INSERT INTO projection_checkpoints (name, position, version) VALUES (?1, ?2, ?3)
                     ON CONFLICT (name) DO UPDATE SET position = excluded.position, version = excluded.version",
                    params![projection.name, head as i64, projection.version],
                )?;
            }
            Ok(true)
        })();
        match swap {
            Ok(true) => {
                live.execute_batch("COMMIT")?;
                swapped = true;
                break;
            }
            Ok(false) => live.execute_batch("ROLLBACK")?,
            Err(error) => {
                let _ = live.execute_batch("ROLLBACK");
                return Err(error);
            }
        }
    }
    if !swapped {
        return Err(ProjectionError::malformed(
            "rebuild",
            "le journal avance plus vite que la reconstruction ne le rattrape : relancez-la à un moment plus calme",
        ));
    }
    live.execute_batch("DETACH DATABASE rebuilt")?;
    drop(scratch);
    let _ = std::fs::remove_file(&scratch_path);
    Ok(RebuildReport {
        projections: selected.iter().map(|p| p.name).collect(),
        replayed,
        caught_up,
        seconds: started.elapsed().as_secs_f64(),
    })
}

#[cfg(test)]
mod swap_tests {
    use super::*;

    #[test]
    fn every_read_model_table_can_be_swapped() {
        let mut listed: Vec<&str> = SWAP_STATEMENTS.iter().map(|(t, _, _)| *t).collect();
        listed.sort_unstable();
        let mut all = tables();
        all.sort_unstable();
        assert_eq!(listed, all);
    }
}
