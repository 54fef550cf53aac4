//! Reads, on a bounded pool of read-only connections (WAL: readers never wait for the writer).

use std::cell::Cell;
use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::path::PathBuf;
use std::sync::{Condvar, Mutex};

use rusqlite::{Connection, Row, params};
use uuid::Uuid;

use crate::EventStore;
use crate::error::StoreError;
use crate::event::StoredEvent;
use crate::schema;

/// Last position and hash of the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Head {
    pub position: u64,
    pub hash: [u8; 32],
    pub recorded_at: String,
}

/// The read-only connections: at most `size` open at once. A reader finds an idle one, or
/// opens one while fewer than `size` are open, or waits for one to come back (memory stays
/// bounded however many requests arrive together). A read started inside another read on the
/// same thread (a nested query) never waits for itself: it gets a connection of its own.
pub(crate) struct ReadPool {
    path: PathBuf,
    slots: Mutex<Slots>,
    returned: Condvar,
    size: usize,
    busy_timeout_ms: u32,
}

/// The pool's connections: the idle ones and how many are open (idle or lent).
struct Slots {
    idle: Vec<Connection>,
    open: usize,
}

thread_local! {
    /// How many pooled connections this thread holds now.
    static HELD: Cell<usize> = const { Cell::new(0) };
}

impl ReadPool {
    pub(crate) fn new(path: PathBuf, size: usize, busy_timeout_ms: u32) -> Self {
        ReadPool {
            path,
            slots: Mutex::new(Slots {
                idle: Vec::new(),
                open: 0,
            }),
            returned: Condvar::new(),
            size: size.max(1),
            busy_timeout_ms,
        }
    }

    /// Runs `query` on a pooled connection, waiting for one when `size` are lent.
    pub(crate) fn with<T>(
        &self,
        query: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        if HELD.with(Cell::get) > 0 {
            let conn = schema::open_read_connection(&self.path, self.busy_timeout_ms)?;
            return query(&conn);
        }
        let conn = self.checkout()?;
        match catch_unwind(AssertUnwindSafe(|| query(&conn))) {
            Ok(result) => {
                self.give_back(Some(conn));
                result
            }
            Err(panic) => {
                // The read may have stopped inside a statement: close its connection.
                drop(conn);
                self.give_back(None);
                resume_unwind(panic)
            }
        }
    }

    /// How many connections are open now (idle or lent).
    pub(crate) fn open_connections(&self) -> usize {
        self.lock().open
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Slots> {
        self.slots
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn checkout(&self) -> Result<Connection, StoreError> {
        let mut slots = self.lock();
        loop {
            if let Some(conn) = slots.idle.pop() {
                HELD.with(|held| held.set(held.get() + 1));
                return Ok(conn);
            }
            if slots.open < self.size {
                slots.open += 1;
                drop(slots);
                return match schema::open_read_connection(&self.path, self.busy_timeout_ms) {
                    Ok(conn) => {
                        HELD.with(|held| held.set(held.get() + 1));
                        Ok(conn)
                    }
                    Err(error) => {
                        self.lock().open -= 1;
                        self.returned.notify_one();
                        Err(error)
                    }
                };
            }
            slots = self
                .returned
                .wait(slots)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
    }

    /// A lent connection comes back (or, `None`, was closed): a waiting reader may go on.
    fn give_back(&self, conn: Option<Connection>) {
        HELD.with(|held| held.set(held.get().saturating_sub(1)));
        let mut slots = self.lock();
        match conn {
            Some(conn) => slots.idle.push(conn),
            None => slots.open -= 1,
        }
        drop(slots);
        self.returned.notify_one();
    }
}

pub(crate) fn event_from_row(row: &Row<'_>) -> rusqlite::Result<Result<StoredEvent, StoreError>> {
    let position: i64 = row.get(0)?;
    let position = position as u64;
    let event_id: String = row.get(1)?;
    let hash: Vec<u8> = row.get(9)?;
    let Ok(event_id) = Uuid::parse_str(&event_id) else {
        return Ok(Err(StoreError::Malformed {
            position,
            detail: format!("event_id {event_id:?} is not a UUID"),
        }));
    };
    let Ok(hash) = <[u8; 32]>::try_from(hash.as_slice()) else {
        return Ok(Err(StoreError::Malformed {
            position,
            detail: "hash is not 32 bytes".to_owned(),
        }));
    };
    let stream_version: i64 = row.get(3)?;
    let schema_version: i64 = row.get(5)?;
    Ok(Ok(StoredEvent {
        position,
        event_id,
        stream_id: row.get(2)?,
        stream_version: stream_version as u64,
        event_type: row.get(4)?,
        schema_version: schema_version as u32,
        payload: row.get(6)?,
        metadata: row.get(7)?,
        recorded_at: row.get(8)?,
        hash,
    }))
}

fn collect(
    rows: impl Iterator<Item = rusqlite::Result<Result<StoredEvent, StoreError>>>,
) -> Result<Vec<StoredEvent>, StoreError> {
    let mut events = Vec::new();
    for row in rows {
        events.push(row??);
    }
    Ok(events)
}

pub(crate) fn head(conn: &Connection) -> Result<Head, StoreError> {
    let (position, hash, recorded_at): (i64, Vec<u8>, String) = conn
        .prepare_cached("SELECT position, hash, recorded_at FROM chain_head WHERE singleton = 1")?
        .query_row([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?;
    let hash = <[u8; 32]>::try_from(hash.as_slice()).map_err(|_| StoreError::Malformed {
        position: position as u64,
        detail: "chain head hash is not 32 bytes".to_owned(),
    })?;
    Ok(Head {
        position: position as u64,
        hash,
        recorded_at,
    })
}

pub(crate) fn stream(conn: &Connection, stream_id: &str) -> Result<Vec<StoredEvent>, StoreError> {
    let mut statement = conn.prepare_cached(
        "SELECT position, event_id, stream_id, stream_version, event_type, schema_version, payload, metadata, recorded_at, hash
         FROM events WHERE stream_id = ?1 ORDER BY stream_version",
    )?;
    collect(statement.query_map(params![stream_id], event_from_row)?)
}

pub(crate) fn tag(conn: &Connection, tag: &str) -> Result<Vec<StoredEvent>, StoreError> {
    let mut statement = conn.prepare_cached(
        "SELECT e.position, e.event_id, e.stream_id, e.stream_version, e.event_type, e.schema_version, e.payload, e.metadata, e.recorded_at, e.hash
         FROM event_tags t JOIN events e ON e.position = t.position
         WHERE t.tag = ?1 ORDER BY t.position",
    )?;
    collect(statement.query_map(params![tag], event_from_row)?)
}

pub(crate) fn range(
    conn: &Connection,
    from: u64,
    to: u64,
    limit: usize,
) -> Result<Vec<StoredEvent>, StoreError> {
    let mut statement = conn.prepare_cached(
        "SELECT position, event_id, stream_id, stream_version, event_type, schema_version, payload, metadata, recorded_at, hash
         FROM events WHERE position >= ?1 AND position <= ?2 ORDER BY position LIMIT ?3",
    )?;
    let to = i64::try_from(to).unwrap_or(i64::MAX);
    collect(statement.query_map(params![from as i64, to, limit as i64], event_from_row)?)
}

/// Iterator over a range of positions, fetched page by page (constant memory).
pub struct EventPage {
    store: EventStore,
    next: u64,
    to: u64,
    page_size: usize,
    buffer: VecDeque<StoredEvent>,
    exhausted: bool,
}

impl EventPage {
    pub(crate) fn new(store: EventStore, from: u64, to: u64, page_size: usize) -> Self {
        EventPage {
            store,
            next: from,
            to,
            page_size,
            buffer: VecDeque::new(),
            exhausted: from > to,
        }
    }
}

impl Iterator for EventPage {
    type Item = Result<StoredEvent, StoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.buffer.is_empty() && !self.exhausted {
            let (next, to, size) = (self.next, self.to, self.page_size);
            match self.store.read(|conn| range(conn, next, to, size)) {
                Ok(page) => {
                    if page.len() < size {
                        self.exhausted = true;
                    }
                    if let Some(last) = page.last() {
                        self.next = last.position + 1;
                    }
                    self.buffer.extend(page);
                }
                Err(error) => {
                    self.exhausted = true;
                    return Some(Err(error));
                }
            }
        }
        self.buffer.pop_front().map(Ok)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Barrier};

    use crate::{EventStore, StoreOptions};

    fn store_with(readers: usize) -> (tempfile::TempDir, EventStore) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let options = StoreOptions {
            read_connections: readers,
            ..StoreOptions::default()
        };
        let store = EventStore::open(dir.path().join("store.db"), options)
            .unwrap_or_else(|e| panic!("{e}"));
        (dir, store)
    }

    #[test]
    fn thirty_two_readers_at_once_share_the_bounded_connections_and_all_get_their_answer() {
        // Given a store allowed 3 read connections
        let (_dir, store) = store_with(3);
        let most = Arc::new(AtomicUsize::new(0));
        let barrier = Arc::new(Barrier::new(32));
        // When 32 threads read at the same moment, each holding its connection a little while
        let threads: Vec<_> = (0..32)
            .map(|_| {
                let (store, most, barrier) =
                    (store.clone(), Arc::clone(&most), Arc::clone(&barrier));
                std::thread::spawn(move || {
                    barrier.wait();
                    store.read(|conn| {
                        most.fetch_max(store.read_connections_open(), Ordering::SeqCst);
                        std::thread::sleep(std::time::Duration::from_millis(5));
                        Ok(conn.query_row("SELECT 1", [], |row| row.get::<_, i64>(0))?)
                    })
                })
            })
            .collect();
        // Then every read answers, and never more than 3 connections were open
        for thread in threads {
            let answer = thread.join().unwrap_or_else(|_| panic!("reader panicked"));
            assert_eq!(answer.unwrap_or_else(|e| panic!("{e}")), 1);
        }
        assert!(most.load(Ordering::SeqCst) <= 3, "{most:?} connections");
        assert!(store.read_connections_open() <= 3);
    }

    #[test]
    fn a_read_inside_a_read_answers_even_when_every_connection_is_lent() {
        // Given a store allowed one read connection, lent to the outer read
        let (_dir, store) = store_with(1);
        // When a read runs inside it on the same thread
        let inner = store.read(|_outer| store.head());
        // Then it answers instead of waiting for itself, and the pool keeps its bound after
        assert_eq!(inner.unwrap_or_else(|e| panic!("{e}")).position, 0);
        assert_eq!(store.read_connections_open(), 1);
    }

    #[test]
    fn a_read_that_panicked_gives_its_place_back() {
        // Given a store allowed one read connection, whose read panicked
        let (_dir, store) = store_with(1);
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            store.read(|_conn| -> Result<(), crate::StoreError> { panic!("a bug in a query") })
        }));
        assert!(panicked.is_err());
        // When the next read comes, then it gets a connection (it does not wait forever)
        assert_eq!(store.head().map(|h| h.position).unwrap_or(u64::MAX), 0);
    }
}
