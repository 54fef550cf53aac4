//! The single writer: a dedicated thread that owns the write connection and group-commits.
//!
//! Submitters put a command on a bounded queue and wait. The thread takes every command waiting
//! (up to `max_batch`), opens one `BEGIN IMMEDIATE` transaction, runs each command inside its own
//! SAVEPOINT (a failing command rolls back to it and does not disturb the others), COMMITs once,
//! and only then answers each submitter. One fsync serves the whole group, which is where the
//! throughput comes from; durability is unchanged (`synchronous=FULL`). `BEGIN IMMEDIATE` plus the
//! busy timeout make another process (the CLI) writing the same file safe: SQLite serializes the
//! two writers, and every command re-reads the head and stream versions inside the transaction.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use chrono::Utc;
use rusqlite::{Connection, ErrorCode, OptionalExtension, params};

use crate::StoreOptions;
use crate::error::{AppendError, StoreError, WriteError};
use crate::event::{Appended, ExpectedVersion, NewEvent};
use crate::hash::{HashInput, chain_hash};
use crate::prepared::PreparedEvent;
use crate::read;
use crate::stream_heads::StreamHeads;
use crate::verify::ChainBreak;

/// What the store knows of its chain: `Some` once a check found it broken. Shared by the store
/// handle (checks set it) and the writer (appends read it).
pub(crate) type BrokenChain = Arc<Mutex<Option<ChainBreak>>>;

/// Format of `recorded_at`: fixed width, so text order is time order.
const RECORDED_AT_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.6fZ";

/// The transaction a command runs in. Everything done through it commits or rolls back with the
/// command.
pub struct WriteTx<'a> {
    conn: &'a Connection,
    recorded_at: String,
    /// The chain head as of the last successful append of this group; written to `chain_head`
    /// once, just before COMMIT.
    head: read::Head,
    head_moved: bool,
    /// Set when the chain is known broken (at open or by a check): appends are refused.
    broken: Option<ChainBreak>,
    /// Stream versions, owned by the writer thread (see `stream_heads.rs`).
    streams: &'a mut StreamHeads,
}

impl WriteTx<'_> {
    /// The connection, inside the command's savepoint: for inline projections and registry rows.
    pub fn connection(&self) -> &Connection {
        self.conn
    }

    /// The instant stamped on the events of this group (UTC, `YYYY-MM-DDTHH:MM:SS.ffffffZ`).
    pub fn recorded_at(&self) -> &str {
        &self.recorded_at
    }

    /// The last position recorded at or before `instant` (UTC, `recorded_at` never decreases), or 0.
    pub fn last_position_at(&self, instant: &chrono::DateTime<Utc>) -> Result<u64, StoreError> {
        let stamp = instant.format(RECORDED_AT_FORMAT).to_string();
        let position: Option<i64> = self
            .conn
            .prepare_cached("SELECT MAX(position) FROM events WHERE recorded_at <= ?1")?
            .query_row(params![stamp], |row| row.get(0))?;
        Ok(position.unwrap_or(0) as u64)
    }

    /// The current version of a stream (0 when it does not exist).
    pub fn stream_version(&mut self, stream: &str) -> Result<u64, StoreError> {
        self.streams.version(self.conn, stream)
    }

    /// Appends events to a stream, see [`crate::EventStore::append`].
    pub fn append(
        &mut self,
        stream: &str,
        expected: ExpectedVersion,
        events: Vec<NewEvent>,
    ) -> Result<Appended, AppendError> {
        let events = PreparedEvent::all(events)?;
        self.append_prepared(stream, expected, events)
    }

    /// [`WriteTx::append`] of events prepared on the submitter's thread.
    pub(crate) fn append_prepared(
        &mut self,
        stream: &str,
        expected: ExpectedVersion,
        events: Vec<PreparedEvent>,
    ) -> Result<Appended, AppendError> {
        let Some(first) = events.first() else {
            return Err(AppendError::Empty);
        };
        self.refuse_if_broken()?;
        if let Some(stored) = self.already_stored(stream, first, &events)? {
            return Ok(stored);
        }
        self.append_fresh(stream, expected, &events)
    }

    /// Appends events whose ids were just generated (so cannot be stored yet): the same as
    /// [`WriteTx::append`] without the retry look-up. The UNIQUE constraint on `event_id` still
    /// refuses a reused id.
    pub fn append_new(
        &mut self,
        stream: &str,
        expected: ExpectedVersion,
        events: Vec<NewEvent>,
    ) -> Result<Appended, AppendError> {
        if events.is_empty() {
            return Err(AppendError::Empty);
        }
        self.refuse_if_broken()?;
        self.append_fresh(stream, expected, &PreparedEvent::all(events)?)
    }

    /// Places `events` after the head (none of their ids is stored).
    fn append_fresh(
        &mut self,
        stream: &str,
        expected: ExpectedVersion,
        events: &[PreparedEvent],
    ) -> Result<Appended, AppendError> {
        let actual = self.check_expected(stream, expected)?;
        let recorded_at = self.group_recorded_at();
        let (positions, last_hash) = self.insert_events(stream, actual, events, &recorded_at)?;
        let stream_version = actual + events.len() as u64;
        self.streams.set(stream, stream_version);
        self.head = read::Head {
            position: self.head.position + events.len() as u64,
            hash: last_hash,
            recorded_at,
        };
        self.head_moved = true;
        Ok(Appended {
            positions,
            stream_version,
            already_stored: false,
        })
    }

    /// The stream's current version, when it is the one the command expects.
    fn check_expected(
        &mut self,
        stream: &str,
        expected: ExpectedVersion,
    ) -> Result<u64, AppendError> {
        let actual = self.stream_version(stream)?;
        let matches = match expected {
            ExpectedVersion::Any => true,
            ExpectedVersion::NoStream => actual == 0,
            ExpectedVersion::Exact(n) => actual == n,
        };
        if !matches {
            return Err(AppendError::Conflict {
                stream: stream.to_owned(),
                expected,
                actual,
            });
        }
        Ok(actual)
    }

    /// The instant stamped on the events: recorded_at never goes backwards, even if the clock
    /// does or another process wrote.
    fn group_recorded_at(&self) -> String {
        if self.head.recorded_at > self.recorded_at {
            self.head.recorded_at.clone()
        } else {
            self.recorded_at.clone()
        }
    }

    /// Inserts the events after the head, each chained to the previous one, with their tags;
    /// returns their positions and the last hash.
    fn insert_events(
        &self,
        stream: &str,
        actual: u64,
        events: &[PreparedEvent],
        recorded_at: &str,
    ) -> Result<(Vec<u64>, [u8; 32]), AppendError> {
        let mut insert_event = self.conn.prepare_cached(
            "INSERT INTO events (position, event_id, stream_id, stream_version, event_type, schema_version, payload, metadata, recorded_at, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?;
        let mut insert_tag = self
            .conn
            .prepare_cached("INSERT OR IGNORE INTO event_tags (tag, position) VALUES (?1, ?2)")?;
        let mut previous = self.head.hash;
        let mut positions = Vec::with_capacity(events.len());
        for (offset, event) in events.iter().enumerate() {
            let row = Row {
                position: self.head.position + 1 + offset as u64,
                stream,
                stream_version: actual + 1 + offset as u64,
                event,
                recorded_at,
            };
            previous = insert_event_row(&mut insert_event, &previous, &row)?;
            for tag in &event.tags {
                insert_tag.execute(params![tag, row.position as i64])?;
            }
            positions.push(row.position);
        }
        Ok((positions, previous))
    }

    /// Nothing is appended to a chain known broken: it would be extended from a forged state.
    fn refuse_if_broken(&self) -> Result<(), AppendError> {
        match &self.broken {
            Some(broken) => Err(AppendError::Store(StoreError::ChainBroken(broken.clone()))),
            None => Ok(()),
        }
    }

    /// A retry: the first event's id is stored. Then every event must be stored, with the same
    /// stream, type and payload; the stored positions are returned. A batch is all-or-nothing, so
    /// when the first id is unknown the others are too (the UNIQUE constraint guards the rest).
    fn already_stored(
        &mut self,
        stream: &str,
        first: &PreparedEvent,
        events: &[PreparedEvent],
    ) -> Result<Option<Appended>, AppendError> {
        let mut lookup = self.conn.prepare_cached(
            "SELECT position, stream_id, event_type, payload FROM events WHERE event_id = ?1",
        )?;
        let mut find = |event: &PreparedEvent| -> Result<Option<(i64, String, String, String)>, rusqlite::Error> {
            lookup
                .query_row(params![event.event_id_text], |row| {
                    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
                })
                .optional()
        };
        if find(first)?.is_none() {
            return Ok(None);
        }
        let mut positions = Vec::with_capacity(events.len());
        for event in events {
            match find(event)? {
                Some((position, stored_stream, event_type, payload))
                    if stored_stream == stream
                        && event_type == event.event_type
                        && payload == event.payload =>
                {
                    positions.push(position as u64)
                }
                _ => {
                    return Err(AppendError::EventIdReused {
                        event_id: event.event_id,
                    });
                }
            }
        }
        Ok(Some(Appended {
            positions,
            stream_version: self.stream_version(stream)?,
            already_stored: true,
        }))
    }
}

/// An event placed in the log: its position, its stream and version, its instant.
struct Row<'a> {
    position: u64,
    stream: &'a str,
    stream_version: u64,
    event: &'a PreparedEvent,
    recorded_at: &'a str,
}

/// Inserts one event chained to `previous`; returns its hash. A reused event id is told apart
/// from any other failure.
fn insert_event_row(
    insert: &mut rusqlite::CachedStatement<'_>,
    previous: &[u8; 32],
    row: &Row<'_>,
) -> Result<[u8; 32], AppendError> {
    let event = row.event;
    let hash = chain_hash(
        previous,
        &HashInput {
            position: row.position,
            event_id: &event.event_id_text,
            stream_id: row.stream,
            stream_version: row.stream_version,
            event_type: &event.event_type,
            schema_version: event.schema_version,
            payload: &event.payload,
            metadata: &event.metadata,
            recorded_at: row.recorded_at,
        },
    );
    let inserted = insert.execute(params![
        row.position as i64,
        event.event_id_text,
        row.stream,
        row.stream_version as i64,
        event.event_type,
        event.schema_version,
        event.payload,
        event.metadata,
        row.recorded_at,
        hash.as_slice(),
    ]);
    match inserted {
        Ok(_) => Ok(hash),
        Err(error) => Err(match error.sqlite_error_code() {
            Some(ErrorCode::ConstraintViolation) if error.to_string().contains("event_id") => {
                AppendError::EventIdReused {
                    event_id: event.event_id,
                }
            }
            _ => AppendError::from(error),
        }),
    }
}

/// A queued command, type-erased for the queue.
trait Job: Send {
    /// Runs the command; `true` when it succeeded and its changes are to be kept.
    fn run(&mut self, tx: &mut WriteTx<'_>) -> bool;
    /// Answers the submitter once the group's fate is known.
    fn finish(self: Box<Self>, committed: Result<(), &StoreError>);
}

struct Command<T, E, F> {
    command: Option<F>,
    outcome: Option<Result<T, WriteError<E>>>,
    reply: SyncSender<Result<T, WriteError<E>>>,
}

impl<T, E, F> Job for Command<T, E, F>
where
    T: Send,
    E: Send,
    F: FnOnce(&mut WriteTx<'_>) -> Result<T, E> + Send,
{
    fn run(&mut self, tx: &mut WriteTx<'_>) -> bool {
        let Some(command) = self.command.take() else {
            return false;
        };
        let (outcome, keep) = match catch_unwind(AssertUnwindSafe(|| command(tx))) {
            Ok(Ok(value)) => (Ok(value), true),
            Ok(Err(rejection)) => (Err(WriteError::Rejected(rejection)), false),
            Err(_) => (Err(WriteError::Store(StoreError::CommandPanicked)), false),
        };
        self.outcome = Some(outcome);
        keep
    }

    fn finish(self: Box<Self>, committed: Result<(), &StoreError>) {
        let answer = match self.outcome {
            // A refused command changed nothing, whatever happened to the group.
            Some(Err(refused)) => Err(refused),
            Some(Ok(value)) => match committed {
                Ok(()) => Ok(value),
                Err(error) => Err(WriteError::Store(commit_failure(error))),
            },
            None => Err(WriteError::Store(match committed {
                Err(error) => commit_failure(error),
                Ok(()) => StoreError::WriterGone,
            })),
        };
        // The submitter may have given up waiting; nothing to do then.
        let _ = self.reply.send(answer);
    }
}

/// What a submitter hears when its group could not be committed: a full disk stays
/// recognisable (it is temporary), anything else is described.
fn commit_failure(error: &StoreError) -> StoreError {
    if error.is_storage_full() {
        StoreError::StorageFull
    } else {
        StoreError::Commit(error.to_string())
    }
}

/// The submitting side of the writer; dropping it stops the thread after the queued commands.
pub(crate) struct WriterHandle {
    stats: Arc<Counters>,
    queue: Option<SyncSender<Box<dyn Job>>>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl WriterHandle {
    pub(crate) fn stats(&self) -> WriterStats {
        WriterStats {
            groups: self.stats.groups.load(Ordering::Relaxed),
            commands: self.stats.commands.load(Ordering::Relaxed),
            busy: Duration::from_nanos(self.stats.busy_nanos.load(Ordering::Relaxed)),
        }
    }

    pub(crate) fn submit<T, E, F>(&self, command: F) -> Result<T, WriteError<E>>
    where
        T: Send + 'static,
        E: Send + 'static,
        F: FnOnce(&mut WriteTx<'_>) -> Result<T, E> + Send + 'static,
    {
        let (reply, answer) = sync_channel(1);
        let job: Box<dyn Job> = Box::new(Command {
            command: Some(command),
            outcome: None,
            reply,
        });
        let queue = self
            .queue
            .as_ref()
            .ok_or(WriteError::Store(StoreError::WriterGone))?;
        queue
            .send(job)
            .map_err(|_| WriteError::Store(StoreError::WriterGone))?;
        answer
            .recv()
            .unwrap_or(Err(WriteError::Store(StoreError::WriterGone)))
    }
}

impl Drop for WriterHandle {
    fn drop(&mut self) {
        self.queue.take();
        if let Ok(mut thread) = self.thread.lock()
            && let Some(thread) = thread.take()
        {
            let _ = thread.join();
        }
    }
}

pub(crate) fn spawn(
    conn: Connection,
    options: &StoreOptions,
    broken: BrokenChain,
) -> Result<WriterHandle, StoreError> {
    let (queue, jobs) = sync_channel::<Box<dyn Job>>(options.queue_capacity.max(1));
    let max_batch = options.max_batch.max(1);
    let stats = Arc::new(Counters::default());
    let thread = std::thread::Builder::new()
        .name("event-store-writer".to_owned())
        .spawn({
            let stats = Arc::clone(&stats);
            move || run_writer(conn, jobs, max_batch, stats, broken)
        })?;
    Ok(WriterHandle {
        stats,
        queue: Some(queue),
        thread: Mutex::new(Some(thread)),
    })
}

fn run_writer(
    conn: Connection,
    jobs: Receiver<Box<dyn Job>>,
    max_batch: usize,
    stats: Arc<Counters>,
    broken: BrokenChain,
) {
    let mut batch: Vec<Box<dyn Job>> = Vec::with_capacity(max_batch);
    let mut streams = StreamHeads::default();
    while let Ok(first) = jobs.recv() {
        let started = std::time::Instant::now();
        batch.push(first);
        while batch.len() < max_batch {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
            }
        }
        let known_broken = broken.lock().ok().and_then(|known| known.clone());
        let committed = run_group(&conn, &mut batch, known_broken, &mut streams);
        if let Err(error) = &committed {
            tracing::error!(%error, commands = batch.len(), "event store group transaction failed");
        }
        stats.groups.fetch_add(1, Ordering::Relaxed);
        stats
            .commands
            .fetch_add(batch.len() as u64, Ordering::Relaxed);
        for job in batch.drain(..) {
            job.finish(committed.as_ref().map(|_| ()));
        }
        let busy = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
        stats.busy_nanos.fetch_add(busy, Ordering::Relaxed);
    }
}

/// Counters of the writer since the store was opened.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    groups: AtomicU64,
    commands: AtomicU64,
    busy_nanos: AtomicU64,
}

/// What the writer has done since the store was opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WriterStats {
    /// Transactions committed (or failed): one per group.
    pub groups: u64,
    /// Commands run.
    pub commands: u64,
    /// Time spent running groups and answering submitters.
    pub busy: Duration,
}

/// Runs a group of commands in one transaction. On error nothing of the group is kept.
fn run_group(
    conn: &Connection,
    batch: &mut [Box<dyn Job>],
    broken: Option<ChainBreak>,
    streams: &mut StreamHeads,
) -> Result<(), StoreError> {
    conn.prepare_cached("BEGIN IMMEDIATE")?.execute([])?;
    let result = run_commands(conn, batch, broken, streams);
    match &result {
        Ok(head_position) => streams.committed(*head_position),
        Err(_) => {
            streams.failed();
            if !conn.is_autocommit() {
                let _ = conn.execute_batch("ROLLBACK");
            }
        }
    }
    result.map(|_| ())
}

/// Runs the commands of a group and commits; returns the head position committed.
fn run_commands(
    conn: &Connection,
    batch: &mut [Box<dyn Job>],
    broken: Option<ChainBreak>,
    streams: &mut StreamHeads,
) -> Result<u64, StoreError> {
    // Read inside the IMMEDIATE transaction: another process may have appended since our last group.
    let head = read::head(conn)?;
    streams.begin_group(head.position);
    let mut tx = WriteTx {
        conn,
        recorded_at: Utc::now().format(RECORDED_AT_FORMAT).to_string(),
        head,
        head_moved: false,
        broken,
        streams,
    };
    let mut savepoint = conn.prepare_cached("SAVEPOINT command")?;
    let mut release = conn.prepare_cached("RELEASE command")?;
    let mut rollback_to = conn.prepare_cached("ROLLBACK TO command")?;
    for job in batch.iter_mut() {
        savepoint.execute([])?;
        let head_before = tx.head.clone();
        tx.streams.begin_command();
        if job.run(&mut tx) {
            release.execute([])?;
        } else if conn.is_autocommit() {
            // SQLite itself rolled the whole transaction back (disk full, I/O error): the
            // commands before this one are lost too, so the whole group fails.
            return Err(StoreError::Commit(
                "SQLite rolled the group transaction back".to_owned(),
            ));
        } else {
            rollback_to.execute([])?;
            release.execute([])?;
            tx.head = head_before;
            tx.streams.undo_command();
        }
    }
    tx.streams.flush(conn)?;
    if tx.head_moved {
        conn.prepare_cached(
            "UPDATE chain_head SET position = ?1, hash = ?2, recorded_at = ?3 WHERE singleton = 1",
        )?
        .execute(params![
            tx.head.position as i64,
            tx.head.hash.as_slice(),
            tx.head.recorded_at
        ])?;
    }
    let committed_at = tx.head.position;
    drop((savepoint, release, rollback_to));
    conn.prepare_cached("COMMIT")?.execute([])?;
    Ok(committed_at)
}
