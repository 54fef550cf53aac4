//! Reads, on a small pool of read-only connections (WAL: readers never wait for the writer).

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Mutex;

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

pub(crate) struct ReadPool {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    keep: usize,
    busy_timeout_ms: u32,
}

impl ReadPool {
    pub(crate) fn new(path: PathBuf, keep: usize, busy_timeout_ms: u32) -> Self {
        ReadPool {
            path,
            idle: Mutex::new(Vec::new()),
            keep: keep.max(1),
            busy_timeout_ms,
        }
    }

    /// Runs `query` on an idle connection (or a new one); keeps at most `keep` idle.
    pub(crate) fn with<T>(
        &self,
        query: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let pooled = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        let conn = match pooled {
            Some(conn) => conn,
            None => schema::open_read_connection(&self.path, self.busy_timeout_ms)?,
        };
        let result = query(&conn);
        if let Ok(mut idle) = self.idle.lock()
            && idle.len() < self.keep
        {
            idle.push(conn);
        }
        result
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
