//! Replaying the log into another connection and comparing read models row by row: how the
//! tests prove replay = live and how `audit verify` checks a live database.

use rusqlite::Connection;
use store::{EventStore, StoreError};

use crate::ProjectionError;
use crate::apply::{apply, decode};
use crate::install::{install, installed};
use crate::registry::tables;

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
    ("closed_days", "SELECT * FROM closed_days"),
    ("transmissions", "SELECT * FROM transmissions"),
    ("wallet_balances", "SELECT * FROM wallet_balances"),
    ("consumption_history", "SELECT * FROM consumption_history"),
    ("payment_history", "SELECT * FROM payment_history"),
    ("absences", "SELECT * FROM absences"),
    ("online_payments", "SELECT * FROM online_payments"),
    ("attendance_marks", "SELECT * FROM attendance_marks"),
];

#[cfg(test)]
mod tests;
