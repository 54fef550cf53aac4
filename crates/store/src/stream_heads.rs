//! The writer's memory of stream versions. The writer thread is the only writer of its process,
//! so what it read or wrote of `stream_heads` stays exact while the log's head is the one it
//! last committed: the cache is kept across groups when the head read at BEGIN is that one, and
//! dropped otherwise (another process appended) or when a group fails. A command's changes are
//! undone with its savepoint. The versions a group changed are written to `stream_heads` once
//! per stream, just before COMMIT, so that the table stays the truth for other processes and the
//! next open.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::StoreError;

/// Streams remembered at most; past it the cache starts again empty (a group reads the rest).
const MAX_STREAMS: usize = 100_000;

#[derive(Debug, Default)]
pub(crate) struct StreamHeads {
    /// Versions known exact for the log at head position `valid_at`.
    known: HashMap<String, u64>,
    /// The head position the cache matches, once a group committed.
    valid_at: Option<u64>,
    /// Versions the running group changed, to write before COMMIT.
    dirty: HashMap<String, u64>,
    /// What the running command changed: the stream, its previous known and dirty versions.
    undo: Vec<(String, Option<u64>, Option<u64>)>,
}

impl StreamHeads {
    /// At BEGIN of a group, with the head position read in its transaction.
    pub(crate) fn begin_group(&mut self, head_position: u64) {
        if self.valid_at != Some(head_position) || self.known.len() > MAX_STREAMS {
            self.known.clear();
        }
        self.valid_at = None;
        self.dirty.clear();
        self.undo.clear();
    }

    /// Before each command of the group.
    pub(crate) fn begin_command(&mut self) {
        self.undo.clear();
    }

    /// The command was rolled back to its savepoint: forget what it changed.
    pub(crate) fn undo_command(&mut self) {
        for (stream, known, dirty) in self.undo.drain(..).rev() {
            match known {
                Some(version) => self.known.insert(stream.clone(), version),
                None => self.known.remove(&stream),
            };
            match dirty {
                Some(version) => self.dirty.insert(stream, version),
                None => self.dirty.remove(&stream),
            };
        }
    }

    /// The current version of `stream` (0 when it does not exist).
    pub(crate) fn version(&mut self, conn: &Connection, stream: &str) -> Result<u64, StoreError> {
        if let Some(version) = self.known.get(stream) {
            return Ok(*version);
        }
        // Kept in `stream_heads` rather than read with `ORDER BY stream_version DESC LIMIT 1`
        // (or MAX): SQLite 3.54 re-prepares those statements at every step.
        let stored: Option<i64> = conn
            .prepare_cached("SELECT version FROM stream_heads WHERE stream_id = ?1")?
            .query_row(params![stream], |row| row.get(0))
            .optional()?;
        let version = stored.unwrap_or(0) as u64;
        // A read changes nothing the command could undo: the stored version stays true.
        self.known.insert(stream.to_owned(), version);
        Ok(version)
    }

    /// `stream` is now at `version` (inside the running command).
    pub(crate) fn set(&mut self, stream: &str, version: u64) {
        let known = self.known.insert(stream.to_owned(), version);
        let dirty = self.dirty.insert(stream.to_owned(), version);
        self.undo.push((stream.to_owned(), known, dirty));
    }

    /// Just before COMMIT: writes the versions the group changed, in key order.
    pub(crate) fn flush(&mut self, conn: &Connection) -> Result<(), StoreError> {
        let mut changed: Vec<(&String, &u64)> = self.dirty.iter().collect();
        changed.sort_unstable();
        let mut upsert = conn.prepare_cached(
            "INSERT INTO stream_heads (stream_id, version) VALUES (?1, ?2)
             ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version",
        )?;
        for (stream, version) in changed {
            upsert.execute(params![stream, *version as i64])?;
        }
        Ok(())
    }

    /// The group committed with the log's head at `head_position`: the cache is exact there.
    pub(crate) fn committed(&mut self, head_position: u64) {
        self.dirty.clear();
        self.undo.clear();
        self.valid_at = Some(head_position);
    }

    /// The group failed (nothing of it is kept): start again from the table.
    pub(crate) fn failed(&mut self) {
        self.known.clear();
        self.dirty.clear();
        self.undo.clear();
        self.valid_at = None;
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use uuid::Uuid;

    use super::*;
    use crate::{AppendError, EventStore, ExpectedVersion, Metadata, NewEvent, StoreOptions};

    fn event(n: u128) -> NewEvent {
        NewEvent {
            event_id: Uuid::from_u128(n),
            event_type: "Essai".to_owned(),
            schema_version: 1,
            payload: json!({ "n": n.to_string() }),
            metadata: Metadata::actor("staff:cli"),
            tags: Vec::new(),
        }
    }

    #[test]
    fn a_refused_command_leaves_the_stream_at_its_committed_version_for_the_next_ones() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store =
            EventStore::open(dir.path().join("s.db"), StoreOptions::default()).expect("open");
        store
            .append("family-a", ExpectedVersion::NoStream, vec![event(1)])
            .expect("first");
        let refused = store.write(|tx| -> Result<(), AppendError> {
            tx.append(
                "family-a",
                ExpectedVersion::Exact(1),
                vec![event(2), event(3)],
            )?;
            Err(AppendError::Empty)
        });
        assert!(refused.is_err());
        let appended = store
            .append("family-a", ExpectedVersion::Exact(1), vec![event(4)])
            .expect("the version the refused command saw is forgotten");
        assert_eq!(appended.stream_version, 2);
        assert_eq!(appended.positions, vec![2]);
        drop(store);
        let reopened =
            EventStore::open(dir.path().join("s.db"), StoreOptions::default()).expect("reopen");
        let conflict = reopened.append("family-a", ExpectedVersion::Exact(1), vec![event(5)]);
        assert!(
            matches!(conflict, Err(AppendError::Conflict { actual: 2, .. })),
            "the table kept the committed version: {conflict:?}"
        );
    }

    fn table() -> Connection {
        let conn = Connection::open_in_memory().expect("memory db");
        conn.execute_batch(
            "CREATE TABLE stream_heads (stream_id TEXT PRIMARY KEY, version INTEGER NOT NULL) STRICT, WITHOUT ROWID;
             INSERT INTO stream_heads VALUES ('a', 3);",
        )
        .expect("schema");
        conn
    }

    #[test]
    fn a_rolled_back_command_leaves_the_versions_it_found() {
        let conn = table();
        let mut heads = StreamHeads::default();
        heads.begin_group(10);
        heads.begin_command();
        assert_eq!(heads.version(&conn, "a").expect("read"), 3);
        heads.set("a", 4);
        heads.set("b", 1);
        heads.begin_command();
        heads.set("a", 6);
        heads.undo_command();
        assert_eq!(heads.version(&conn, "a").expect("read"), 4);
        assert_eq!(heads.version(&conn, "b").expect("read"), 1);
        heads.flush(&conn).expect("flush");
        let stored: i64 = conn
            .query_row(
                "SELECT version FROM stream_heads WHERE stream_id = 'a'",
                [],
                |r| r.get(0),
            )
            .expect("row");
        assert_eq!(stored, 4);
    }

    #[test]
    fn another_writer_moving_the_head_drops_what_was_known() {
        let conn = table();
        let mut heads = StreamHeads::default();
        heads.begin_group(10);
        heads.begin_command();
        heads.set("a", 4);
        heads.flush(&conn).expect("flush");
        heads.committed(11);
        conn.execute(
            "UPDATE stream_heads SET version = 9 WHERE stream_id = 'a'",
            [],
        )
        .expect("other writer");
        heads.begin_group(11);
        assert_eq!(heads.version(&conn, "a").expect("read"), 4);
        heads.committed(11);
        heads.begin_group(12);
        assert_eq!(heads.version(&conn, "a").expect("read"), 9);
    }
}
