//! The event store: an append-only log of events in SQLite with a hash chain.
//!
//! Architecture invariants:
//! - only this crate reads or writes the `events`, `event_tags` and `chain_head` tables;
//! - nothing UPDATEs or DELETEs an event (SQL triggers refuse it);
//! - every write goes through the single writer thread ([`EventStore::write`]), inside one
//!   `BEGIN IMMEDIATE` transaction shared by the commands queued at that moment (group commit),
//!   each command in its own SAVEPOINT; callers hear back only after the COMMIT is durable;
//! - positions are 1..n without gaps, in commit order; `recorded_at` never decreases;
//! - `hash(n) = sha256(hash(n-1) ‖ canonical bytes of row n)`, and the head (last position, last
//!   hash) is kept in `chain_head`, so a removed tail is detected too;
//! - every open (re)installs the append-only triggers and checks them, and checks the head and the
//!   last [`TAIL_CHECK_EVENTS`] events; once a check finds the chain broken, nothing is appended
//!   through this handle ([`StoreError::ChainBroken`]);
//! - an anchor ([`anchor`]) signs a head with a key kept outside the database, so a log rewritten
//!   with every hash recomputed is still told apart from the one that was anchored.
//!
//! The store knows nothing of the domain: payloads are JSON values with a type and a schema
//! version. Decoding and upcasting belong to the `domain` crate.
#![forbid(unsafe_code)]

pub mod anchor;
mod backup;
mod canonical;
mod checkpoint;
mod error;
mod event;
mod hash;
mod prepared;
mod read;
mod schema;
mod stream_heads;
mod verify;
mod writer;

pub use backup::{
    ChecksumCheck, Restore, backup, check_backup_checksum, checksum_path, file_sha256,
    head_of_file, restore,
};
pub use canonical::canonical_json;
pub use error::{AppendError, StoreError, WriteError, is_sqlite_full};
pub use event::{Appended, ExpectedVersion, Metadata, NewEvent, StoredEvent};
pub use hash::{GENESIS_HASH, HashInput, chain_hash};
pub use read::{EventPage, Head};

/// The head as seen by `conn` (inside a read transaction: consistent with what else it reads).
pub fn head_on(conn: &rusqlite::Connection) -> Result<Head, StoreError> {
    read::head(conn)
}
pub use schema::MIN_SQLITE_VERSION;
pub use verify::{BreakReason, ChainBreak, ChainReport, ChainVerifier};

/// Events the cheap check recomputes behind the head, at every open and periodically.
pub const TAIL_CHECK_EVENTS: u64 = 1000;
pub use writer::{WriteTx, WriterStats};

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{SyncSender, sync_channel};
use std::thread::JoinHandle;

use read::ReadPool;
use writer::{BrokenChain, WriterHandle};

/// Options of [`EventStore::open`].
#[derive(Clone, Debug)]
pub struct StoreOptions {
    /// Largest number of commands committed together by the writer.
    pub max_batch: usize,
    /// Commands waiting for the writer before submitters block (back-pressure).
    pub queue_capacity: usize,
    /// Read-only connections open at most: a reader waits for one beyond that
    /// ([`default_read_connections`]).
    pub read_connections: usize,
    /// How long a statement waits for a lock held by another process, in milliseconds.
    pub busy_timeout_ms: u32,
    /// The writer connection's page cache, in KiB. A transmission touches many pages in one
    /// transaction: 64 MiB by default; `serve` keeps less ([`StoreOptions::serving`]).
    pub writer_cache_kib: u32,
}

impl StoreOptions {
    /// What `portail serve` opens the store with: a 16 MiB writer cache. The page cache stays
    /// resident once filled, and under a booking-day rush the writer's 64 MiB were a third of
    /// the process (212 MiB peak, 175 MiB after the burst; 162 and 117 MiB with 16 MiB, see
    /// docs/performance.md). The nightly transmission in `serve` reads more pages back for it.
    pub fn serving() -> StoreOptions {
        StoreOptions {
            writer_cache_kib: 16 * 1024,
            ..StoreOptions::default()
        }
    }
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            max_batch: 512,
            queue_capacity: 4096,
            read_connections: default_read_connections(),
            busy_timeout_ms: 10_000,
            writer_cache_kib: 64 * 1024,
        }
    }
}

/// Two read connections per core: a read is CPU work on a cached page more often than it waits
/// for the disk, so more connections than that only add page caches and memory, not throughput.
pub fn default_read_connections() -> usize {
    std::thread::available_parallelism().map_or(2, |cores| cores.get() * 2)
}

/// Handle to an open event store. Cheap to clone; the writer thread stops when the last handle
/// is dropped.
#[derive(Clone)]
pub struct EventStore {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    writer: WriterHandle,
    readers: ReadPool,
    broken: BrokenChain,
    checkpointer: Option<(SyncSender<()>, JoinHandle<()>)>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Some((stop, thread)) = self.checkpointer.take() {
            drop(stop);
            let _ = thread.join();
        }
    }
}

impl EventStore {
    /// Opens (creating if needed) the database at `path`, checks the SQLite version, applies
    /// migrations, (re)installs the append-only guards, checks the tail of the chain and starts
    /// the writer thread. A broken chain does not prevent opening (it must be audited and
    /// exported), but [`EventStore::chain_break`] tells it and nothing is appended.
    pub fn open(path: impl AsRef<Path>, options: StoreOptions) -> Result<EventStore, StoreError> {
        let path = path.as_ref().to_path_buf();
        let conn = schema::open_write_connection(
            &path,
            options.busy_timeout_ms,
            options.writer_cache_kib,
        )?;
        let found = match verify::verify_tail(&conn, TAIL_CHECK_EVENTS)? {
            ChainReport::Broken(broken) => {
                tracing::error!(%broken, "the event log's hash chain is broken");
                Some(broken)
            }
            ChainReport::Intact { .. } => None,
        };
        let broken: BrokenChain = Arc::new(std::sync::Mutex::new(found));
        let writer = writer::spawn(conn, &options, Arc::clone(&broken))?;
        let readers = ReadPool::new(
            path.clone(),
            options.read_connections,
            options.busy_timeout_ms,
        );
        let (stop, stopped) = sync_channel(1);
        let thread = checkpoint::spawn(path.clone(), options.busy_timeout_ms, stopped)?;
        Ok(EventStore {
            inner: Arc::new(Inner {
                path,
                writer,
                readers,
                broken,
                checkpointer: Some((stop, thread)),
            }),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Runs `command` in the writer thread, inside a SAVEPOINT of the current group transaction,
    /// and returns its result once the transaction is committed (durably: `synchronous=FULL`).
    /// If `command` returns an error, everything it wrote is rolled back and other commands of
    /// the same group are unaffected.
    pub fn write<T, E, F>(&self, command: F) -> Result<T, WriteError<E>>
    where
        T: Send + 'static,
        E: Send + 'static,
        F: FnOnce(&mut WriteTx<'_>) -> Result<T, E> + Send + 'static,
    {
        self.inner.writer.submit(command)
    }

    /// Appends `events` to `stream` if its version is `expected`. Appending events whose ids are
    /// already stored (a retry) changes nothing and returns the stored positions.
    pub fn append(
        &self,
        stream: &str,
        expected: ExpectedVersion,
        events: Vec<NewEvent>,
    ) -> Result<Appended, AppendError> {
        // The canonical texts are computed here, on the submitter's thread: the single writer
        // only places, hashes and inserts.
        let events = prepared::PreparedEvent::all(events)?;
        let stream = stream.to_owned();
        self.write(move |tx| tx.append_prepared(&stream, expected, events))
            .map_err(|error| match error {
                WriteError::Rejected(append) => append,
                WriteError::Store(store) => AppendError::Store(store),
            })
    }

    /// What the writer has done since the store was opened (groups, commands, busy time).
    pub fn writer_stats(&self) -> WriterStats {
        self.inner.writer.stats()
    }

    /// Runs a read-only query on a pooled connection.
    pub fn read<T>(
        &self,
        query: impl FnOnce(&rusqlite::Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.inner.readers.with(query)
    }

    /// How many read connections are open now (never more than `read_connections`, whatever
    /// the number of readers at once).
    pub fn read_connections_open(&self) -> usize {
        self.inner.readers.open_connections()
    }

    /// Last position and hash of the log (position 0 and [`GENESIS_HASH`] when empty).
    pub fn head(&self) -> Result<Head, StoreError> {
        self.read(read::head)
    }

    /// The last position recorded at or before `instant` (`recorded_at` never decreases), or 0.
    pub fn position_at(&self, instant: &chrono::DateTime<chrono::Utc>) -> Result<u64, StoreError> {
        let stamp = instant.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
        self.read(|conn| {
            let position: Option<i64> = conn
                .prepare_cached("SELECT MAX(position) FROM events WHERE recorded_at <= ?1")?
                .query_row([stamp], |row| row.get(0))?;
            Ok(position.unwrap_or(0) as u64)
        })
    }

    /// Events of one stream in version order.
    pub fn read_stream(&self, stream: &str) -> Result<Vec<StoredEvent>, StoreError> {
        self.read(|conn| read::stream(conn, stream))
    }

    /// Events carrying `tag`, in log order.
    pub fn read_tag(&self, tag: &str) -> Result<Vec<StoredEvent>, StoreError> {
        self.read(|conn| read::tag(conn, tag))
    }

    /// Events from position `from` to `to` (inclusive; `None`: the head at call time), fetched in
    /// pages so memory stays constant however long the log is.
    pub fn read_range(
        &self,
        from: u64,
        to: Option<u64>,
        page_size: usize,
    ) -> Result<EventPage, StoreError> {
        let to = match to {
            Some(to) => to,
            None => self.head()?.position,
        };
        Ok(EventPage::new(
            self.clone(),
            from.max(1),
            to,
            page_size.max(1),
        ))
    }

    /// Recomputes the whole hash chain and compares its end with the stored head. A break found
    /// is remembered: nothing is appended afterwards.
    pub fn verify_chain(&self) -> Result<ChainReport, StoreError> {
        // Up to the head read first: rows before it are committed and never change, so the pages
        // need no common transaction, and appends made meanwhile are not mistaken for a tail
        // added behind the store.
        let head = self.head()?;
        let mut verifier = ChainVerifier::new();
        for event in self.read_range(1, Some(head.position), 1024)? {
            let event = event?;
            if let Err(broken) = verifier.check(&event) {
                return Ok(self.learn(ChainReport::Broken(broken)));
            }
        }
        let report = verifier.finish(&head);
        if let ChainReport::Broken(_) = report {
            return Ok(self.learn(report));
        }
        // Events past the head now (one read transaction: the head and the end agree unless a
        // row was added behind the store).
        let (now, end) = self.read(|conn| {
            let tx = conn.unchecked_transaction()?;
            let now = read::head(&tx)?;
            let end: i64 = tx
                .prepare_cached("SELECT COALESCE(MAX(position), 0) FROM events")?
                .query_row([], |row| row.get(0))?;
            Ok((now.position, end as u64))
        })?;
        if end > now {
            return Ok(self.learn(ChainReport::Broken(ChainBreak {
                position: now + 1,
                reason: BreakReason::HeadPosition {
                    head: now,
                    last: end,
                },
            })));
        }
        Ok(report)
    }

    /// The cheap check: the kept head and the last `last` events against their hashes. A break
    /// found is remembered: nothing is appended afterwards.
    pub fn verify_tail(&self, last: u64) -> Result<ChainReport, StoreError> {
        let report = self.read(|conn| verify::verify_tail(conn, last))?;
        Ok(self.learn(report))
    }

    /// The periodic check while serving: the append-only guards (reinstalled if someone dropped
    /// them since the open; returns how many were) and the tail of the chain.
    pub fn check_integrity(&self) -> Result<(u32, ChainReport), StoreError> {
        let reinstalled = self
            .write(|tx| schema::ensure_guards(tx.connection()))
            .map_err(|error| match error {
                WriteError::Rejected(store) | WriteError::Store(store) => store,
            })?;
        if reinstalled > 0 {
            tracing::error!(
                reinstalled,
                "append-only guards were missing and are installed again"
            );
        }
        Ok((reinstalled, self.verify_tail(TAIL_CHECK_EVENTS)?))
    }

    /// Where the chain is known broken (by the check at open or a later one), if it is.
    pub fn chain_break(&self) -> Option<ChainBreak> {
        self.inner
            .broken
            .lock()
            .ok()
            .and_then(|known| known.clone())
    }

    fn learn(&self, report: ChainReport) -> ChainReport {
        if let ChainReport::Broken(broken) = &report
            && let Ok(mut known) = self.inner.broken.lock()
            && known.is_none()
        {
            tracing::error!(%broken, "the event log's hash chain is broken");
            *known = Some(broken.clone());
        }
        report
    }
}
