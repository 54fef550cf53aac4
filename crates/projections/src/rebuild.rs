//! Blue/green rebuild of read models: replay into a scratch file beside the database, catch up
//! with what was appended meanwhile, swap the tables into the live database in one transaction.

use std::path::{Path, PathBuf};
use std::time::Instant;

use domain::Event;
use rusqlite::{Connection, params};
use store::EventStore;

use crate::ProjectionError;
use crate::apply::decode;
use crate::registry::{PROJECTIONS, Projection, tables_of};

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

/// Decoded events handed from the reading thread to the applying one at a time.
const DECODED_BATCH: usize = 2_000;
/// Events between two progress reports of a rebuild.
const PROGRESS_EVERY: u64 = 10_000;
/// Attempts at taking the swap's lock with the scratch database at the head of the log.
const SWAP_ATTEMPTS: usize = 50;

/// Rebuilds the named read models (all when `names` is empty) from position 1 into a scratch
/// database beside `db`, catches up with what was appended meanwhile, and swaps the tables into
/// the live database in one transaction: readers see the old models until the commit, then the
/// new ones, never a half-built one. An interrupted rebuild leaves the live models untouched and
/// its scratch file is recreated by the next run. The outbox is not a read model: no mail moves.
pub fn rebuild(
    store: &EventStore,
    db: &Path,
    names: &[String],
    batch: usize,
    progress: &mut dyn FnMut(Progress),
) -> Result<RebuildReport, ProjectionError> {
    let started = Instant::now();
    let selected = select(names)?;
    let scratch_path = PathBuf::from(format!("{}.rebuild", db.display()));
    let scratch = open_scratch(&scratch_path)?;
    // Tables first, secondary indexes after the bulk replay: building an index once is cheaper
    // than maintaining it row by row.
    let (tables_sql, indexes_sql) = split_indexes(&selected);
    scratch.execute_batch(&tables_sql)?;
    let rebuild = Rebuild {
        store,
        selected,
        scratch,
        batch: batch.max(1),
        started,
    };
    let replayed = rebuild.replay(progress)?;
    rebuild.scratch.execute_batch(&indexes_sql)?;
    let caught_up = rebuild.swap(db, &scratch_path, replayed)?;
    let Rebuild {
        selected, scratch, ..
    } = rebuild;
    drop(scratch);
    let _ = std::fs::remove_file(&scratch_path);
    Ok(RebuildReport {
        projections: selected.iter().map(|p| p.name).collect(),
        replayed,
        caught_up,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// The read models named (all when `names` is empty); an unknown name is refused.
fn select(names: &[String]) -> Result<Vec<&'static Projection>, ProjectionError> {
    if names.is_empty() {
        return Ok(PROJECTIONS.iter().collect());
    }
    names
        .iter()
        .map(|name| {
            PROJECTIONS
                .iter()
                .find(|p| p.name == name.as_str())
                .ok_or_else(|| {
                    ProjectionError::malformed(
                        "rebuild",
                        format!(
                            "modèle de lecture inconnu « {name} » (connus : {})",
                            PROJECTIONS
                                .iter()
                                .map(|p| p.name)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    )
                })
        })
        .collect()
}

/// A fresh scratch database at `path` (what an interrupted run left there is removed first),
/// tuned for a bulk load that need not survive a crash.
fn open_scratch(path: &Path) -> Result<Connection, ProjectionError> {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let file = PathBuf::from(format!("{}{suffix}", path.display()));
        if file.exists() {
            std::fs::remove_file(&file).map_err(|e| ProjectionError::malformed("rebuild", e))?;
        }
    }
    let scratch = Connection::open(path)?;
    scratch.execute_batch(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -131072;",
    )?;
    scratch.set_prepared_statement_cache_capacity(256);
    Ok(scratch)
}

/// What the steps of one rebuild share.
struct Rebuild<'a> {
    store: &'a EventStore,
    selected: Vec<&'static Projection>,
    scratch: Connection,
    /// Events per scratch transaction (at least 1).
    batch: usize,
    started: Instant,
}

impl Rebuild<'_> {
    fn apply(&self, position: u64, event: &Event) -> Result<(), ProjectionError> {
        for projection in &self.selected {
            (projection.apply)(&self.scratch, position, event)?;
        }
        Ok(())
    }

    fn progress(&self, done: u64, total: u64) -> Progress {
        let seconds = self.started.elapsed().as_secs_f64().max(1e-6);
        Progress {
            done,
            total,
            events_per_second: done as f64 / seconds,
        }
    }

    /// Step 1: replays the log up to the head as it is now. Two threads: one reads and decodes
    /// the log, this one applies; a transaction every `batch` events, progress every 10,000.
    fn replay(&self, progress: &mut dyn FnMut(Progress)) -> Result<u64, ProjectionError> {
        let total = self.store.head()?.position;
        let mut done = 0u64;
        let commit_every = self.batch as u64;
        self.scratch.execute_batch("BEGIN")?;
        std::thread::scope(|scope| -> Result<(), ProjectionError> {
            let (sender, receiver) = std::sync::mpsc::sync_channel::<Decoded>(16);
            let store = self.store;
            scope.spawn(move || {
                if let Err(error) = read_decoded(store, total, &sender) {
                    let _ = sender.send(Err(error));
                }
            });
            for decoded in receiver {
                for (position, event) in decoded? {
                    self.apply(position, &event)?;
                    done += 1;
                    if done.is_multiple_of(commit_every) {
                        self.scratch.execute_batch("COMMIT; BEGIN")?;
                    }
                    if done.is_multiple_of(PROGRESS_EVERY) {
                        progress(self.progress(done, total));
                    }
                }
            }
            Ok(())
        })?;
        self.scratch.execute_batch("COMMIT")?;
        progress(self.progress(done, total));
        Ok(done)
    }

    /// Step 2: the swap. BEGIN IMMEDIATE on the live connection also locks the attached scratch
    /// file, so the scratch cannot be caught up under that lock: catch it up just before, take
    /// the lock, and if the log moved in between, release and try again. Returns the events
    /// caught up.
    fn swap(&self, db: &Path, scratch_path: &Path, replayed: u64) -> Result<u64, ProjectionError> {
        let live = Connection::open(db)?;
        live.busy_timeout(std::time::Duration::from_secs(60))?;
        live.execute(
            "ATTACH DATABASE ?1 AS rebuilt",
            params![scratch_path.to_string_lossy()],
        )?;
        let mut applied = replayed;
        for _attempt in 0..SWAP_ATTEMPTS {
            applied = self.catch_up(applied)?;
            live.execute_batch("BEGIN IMMEDIATE")?;
            match self.swap_tables(&live, applied) {
                Ok(true) => {
                    live.execute_batch("COMMIT")?;
                    live.execute_batch("DETACH DATABASE rebuilt")?;
                    return Ok(applied - replayed);
                }
                Ok(false) => live.execute_batch("ROLLBACK")?,
                Err(error) => {
                    let _ = live.execute_batch("ROLLBACK");
                    return Err(error);
                }
            }
        }
        Err(ProjectionError::malformed(
            "rebuild",
            "le journal avance plus vite que la reconstruction ne le rattrape : relancez-la à un moment plus calme",
        ))
    }

    /// Applies to the scratch what was appended after position `applied`; returns the new
    /// position.
    fn catch_up(&self, mut applied: u64) -> Result<u64, ProjectionError> {
        let head = self.store.head()?.position;
        for stored in self.store.read_range(applied + 1, Some(head), self.batch)? {
            let stored = stored?;
            self.apply(stored.position, &decode(&stored)?)?;
            applied += 1;
        }
        Ok(applied)
    }

    /// Under the live database's write lock: replaces every selected table by its rebuilt rows
    /// and moves the checkpoints, if the scratch is at the head (`false`: the log moved).
    fn swap_tables(&self, live: &Connection, applied: u64) -> Result<bool, ProjectionError> {
        let head = store::head_on(live)?.position;
        if head != applied {
            return Ok(false);
        }
        for projection in &self.selected {
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
    }
}

/// Decoded events, or why the reading thread stopped.
type Decoded = Result<Vec<(u64, Event)>, ProjectionError>;

/// The reading thread of step 1: reads and decodes positions 1..=`total`, `DECODED_BATCH` at a
/// time. Stops quietly when the applying side has hung up (it failed and says why).
fn read_decoded(
    store: &EventStore,
    total: u64,
    sender: &std::sync::mpsc::SyncSender<Decoded>,
) -> Result<(), ProjectionError> {
    let mut decoded = Vec::with_capacity(DECODED_BATCH);
    for stored in store.read_range(1, Some(total), 10_000)? {
        let stored = stored?;
        decoded.push((stored.position, decode(&stored)?));
        if decoded.len() == DECODED_BATCH {
            let full = std::mem::replace(&mut decoded, Vec::with_capacity(DECODED_BATCH));
            if sender.send(Ok(full)).is_err() {
                return Ok(());
            }
        }
    }
    if !decoded.is_empty() {
        let _ = sender.send(Ok(decoded));
    }
    Ok(())
}

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
        "closed_days",
        "DELETE FROM main.closed_days",
        "INSERT INTO main.closed_days SELECT * FROM rebuilt.closed_days",
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
    (
        "attendance_marks",
        "DELETE FROM main.attendance_marks",
        "INSERT INTO main.attendance_marks SELECT * FROM rebuilt.attendance_marks",
    ),
];

#[cfg(test)]
mod tests;
