//! The log defends itself: guards reinstalled at every open, the tail checked at open and while
//! serving, nothing appended to a broken chain, anchors that survive a recomputed chain.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use rusqlite::Connection;
use serde_json::json;
use store::anchor::{self, AnchorKey, AnchorOutcome};
use store::{
    AppendError, BreakReason, ChainReport, EventStore, ExpectedVersion, Metadata, NewEvent,
    StoreError, StoreOptions,
};
use uuid::Uuid;

fn event(i: u64) -> NewEvent {
    NewEvent {
        event_id: Uuid::now_v7(),
        event_type: "PaymentRecorded".to_owned(),
        schema_version: 1,
        payload: json!({ "amount": format!("{i}.00") }),
        metadata: Metadata::actor("staff:test"),
        tags: vec![],
    }
}

fn store_with_events(dir: &Path, n: u64) -> (PathBuf, EventStore) {
    let db = dir.join("log.db");
    let store = EventStore::open(&db, StoreOptions::default()).unwrap();
    for i in 0..n {
        store
            .append("family-1", ExpectedVersion::Any, vec![event(i)])
            .unwrap();
    }
    (db, store)
}

/// Changes the amount of the event at `position` behind the store (dropping the guard first).
fn edit_payload(db: &Path, position: u64, amount: &str) {
    let conn = Connection::open(db).unwrap();
    conn.execute_batch("DROP TRIGGER IF EXISTS events_refuse_update")
        .unwrap();
    conn.execute(
        "UPDATE events SET payload = json_set(payload, '$.amount', ?1) WHERE position = ?2",
        rusqlite::params![amount, position as i64],
    )
    .unwrap();
}

/// position, event_id, stream_id, stream_version, event_type, schema_version, payload,
/// metadata, recorded_at
type Row = (
    i64,
    String,
    String,
    i64,
    String,
    i64,
    String,
    String,
    String,
);

/// What someone who can write the file does after an edit: recompute every hash from `from` to
/// the end, and the kept head, so the chain verifies again.
fn recompute_hashes_from(db: &Path, from: u64) {
    let conn = Connection::open(db).unwrap();
    conn.execute_batch("DROP TRIGGER IF EXISTS events_refuse_update")
        .unwrap();
    let mut previous: [u8; 32] = if from <= 1 {
        store::GENESIS_HASH
    } else {
        let hash: Vec<u8> = conn
            .query_row(
                "SELECT hash FROM events WHERE position = ?1",
                [from as i64 - 1],
                |row| row.get(0),
            )
            .unwrap();
        hash.try_into().unwrap()
    };
    let rows: Vec<Row> = conn
        .prepare(
            "SELECT position, event_id, stream_id, stream_version, event_type, schema_version, payload, metadata, recorded_at
             FROM events WHERE position >= ?1 ORDER BY position",
        )
        .unwrap()
        .query_map([from as i64], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for (position, event_id, stream, version, kind, schema, payload, metadata, at) in rows {
        let payload = store::canonical_json(&serde_json::from_str(&payload).unwrap());
        let hash = store::chain_hash(
            &previous,
            &store::HashInput {
                position: position as u64,
                event_id: &event_id,
                stream_id: &stream,
                stream_version: version as u64,
                event_type: &kind,
                schema_version: schema as u32,
                payload: &payload,
                metadata: &metadata,
                recorded_at: &at,
            },
        );
        conn.execute(
            "UPDATE events SET payload = ?1, hash = ?2 WHERE position = ?3",
            rusqlite::params![payload, hash.as_slice(), position],
        )
        .unwrap();
        previous = hash;
    }
    conn.execute(
        "UPDATE chain_head SET hash = ?1 WHERE singleton = 1",
        [previous.as_slice()],
    )
    .unwrap();
}

fn update_refused(db: &Path) -> bool {
    let conn = Connection::open(db).unwrap();
    conn.execute("UPDATE events SET payload = payload WHERE position = 1", [])
        .is_err()
}

#[test]
fn a_dropped_trigger_is_installed_again_at_the_next_open() {
    // Given a log whose append-only trigger was dropped behind the store
    let dir = tempfile::tempdir().unwrap();
    let (db, store) = store_with_events(dir.path(), 3);
    drop(store);
    Connection::open(&db)
        .unwrap()
        .execute_batch("DROP TRIGGER events_refuse_update; DROP TRIGGER event_tags_refuse_delete;")
        .unwrap();
    assert!(!update_refused(&db), "the trigger is gone");

    // When the store is opened again
    let store = EventStore::open(&db, StoreOptions::default()).unwrap();

    // Then the trigger is back: an UPDATE of an event is refused again
    assert!(update_refused(&db));
    let count: i64 = Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name IN ('event_tags_refuse_delete', 'events_refuse_update')",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(count, 2);
    assert!(store.chain_break().is_none());
}

#[test]
fn a_trigger_replaced_by_one_that_refuses_nothing_is_restored() {
    let dir = tempfile::tempdir().unwrap();
    let (db, store) = store_with_events(dir.path(), 2);
    drop(store);
    Connection::open(&db)
        .unwrap()
        .execute_batch(
            "DROP TRIGGER events_refuse_update;
             CREATE TRIGGER events_refuse_update BEFORE UPDATE ON events BEGIN SELECT 1; END;",
        )
        .unwrap();
    assert!(!update_refused(&db));
    let _store = EventStore::open(&db, StoreOptions::default()).unwrap();
    assert!(update_refused(&db));
}

#[test]
fn an_edited_event_is_found_at_open_and_nothing_is_appended_to_the_broken_chain() {
    // Given a log of 10 events whose 7th was edited behind the store
    let dir = tempfile::tempdir().unwrap();
    let (db, store) = store_with_events(dir.path(), 10);
    drop(store);
    edit_payload(&db, 7, "5000.00");

    // When the store is opened
    let store = EventStore::open(&db, StoreOptions::default()).unwrap();

    // Then it knows the chain is broken at position 7, and refuses to append
    let broken = store.chain_break().unwrap();
    assert_eq!(broken.position, 7);
    assert_eq!(broken.reason, BreakReason::RowChanged);
    let refused = store.append("family-2", ExpectedVersion::Any, vec![event(99)]);
    assert!(
        matches!(refused, Err(AppendError::Store(StoreError::ChainBroken(ref b))) if b.position == 7),
        "{refused:?}"
    );
    assert_eq!(store.head().unwrap().position, 10);
}

#[test]
fn a_removed_last_event_is_found_at_open_through_the_kept_head() {
    let dir = tempfile::tempdir().unwrap();
    let (db, store) = store_with_events(dir.path(), 5);
    drop(store);
    Connection::open(&db)
        .unwrap()
        .execute_batch("DROP TRIGGER events_refuse_delete; DELETE FROM events WHERE position = 5;")
        .unwrap();
    let store = EventStore::open(&db, StoreOptions::default()).unwrap();
    let broken = store.chain_break().unwrap();
    assert_eq!(broken.position, 5);
    assert_eq!(
        broken.reason,
        BreakReason::HeadPosition { head: 5, last: 4 }
    );
}

#[test]
fn the_periodic_check_finds_an_edit_made_while_open_restores_the_guard_and_stops_appends() {
    // Given an open store, and an edit made behind it by another program
    let dir = tempfile::tempdir().unwrap();
    let (db, store) = store_with_events(dir.path(), 4);
    edit_payload(&db, 2, "1.99");
    assert!(store.chain_break().is_none(), "not known yet");

    // When the periodic check runs
    let (reinstalled, report) = store.check_integrity().unwrap();

    // Then the dropped guard is back, the break is reported and appends are refused
    assert_eq!(reinstalled, 1);
    assert!(update_refused(&db));
    assert!(
        matches!(report, ChainReport::Broken(ref b) if b.position == 2),
        "{report:?}"
    );
    assert_eq!(store.chain_break().map(|b| b.position), Some(2));
    assert!(
        store
            .append("family-1", ExpectedVersion::Any, vec![event(5)])
            .is_err()
    );
}

#[test]
fn an_intact_log_passes_the_tail_check_and_keeps_appending() {
    let dir = tempfile::tempdir().unwrap();
    let (_db, store) = store_with_events(dir.path(), 1200);
    assert!(matches!(
        store.verify_tail(store::TAIL_CHECK_EVENTS).unwrap(),
        ChainReport::Intact { events: 1200, .. }
    ));
    assert_eq!(store.check_integrity().unwrap().0, 0);
    store
        .append("family-1", ExpectedVersion::Any, vec![event(1)])
        .unwrap();
}

#[test]
fn an_anchor_tells_a_log_rewritten_with_every_hash_recomputed() {
    // Given a log of 10 events anchored at its head with a key kept outside the database
    let dir = tempfile::tempdir().unwrap();
    let (db, store) = store_with_events(dir.path(), 10);
    let key_path = dir.path().join("ancre.key");
    let key = AnchorKey::create(&key_path).unwrap();
    let anchors_path = dir.path().join("ancres.jsonl");
    let anchor = key.sign(&store.head().unwrap(), chrono::Utc::now());
    anchor::append(&anchors_path, &anchor).unwrap();
    let anchors = anchor::read(&anchors_path).unwrap();
    let public = key.public();
    let checks = anchor::check(&store, &anchors, &public).unwrap();
    assert_eq!(checks[0].outcome, AnchorOutcome::Holds);
    drop(store);

    // When the 3rd event is edited and every hash after it recomputed, head included
    edit_payload(&db, 3, "5000.00");
    recompute_hashes_from(&db, 3);

    // Then the chain alone verifies (that is the hole)…
    let store = EventStore::open(&db, StoreOptions::default()).unwrap();
    assert!(matches!(
        store.verify_chain().unwrap(),
        ChainReport::Intact { events: 10, .. }
    ));
    // …but the anchor no longer holds
    let checks = anchor::check(&store, &anchors, &public).unwrap();
    assert!(
        matches!(
            checks[0].outcome,
            AnchorOutcome::Rewritten {
                recomputed: Some(_)
            }
        ),
        "{checks:?}"
    );
    assert_eq!(checks[0].anchor.position, 10);
}

#[test]
fn an_edited_anchor_or_another_key_does_not_verify() {
    let dir = tempfile::tempdir().unwrap();
    let (_db, store) = store_with_events(dir.path(), 3);
    let key = AnchorKey::create(&dir.path().join("a.key")).unwrap();
    let other = AnchorKey::create(&dir.path().join("b.key")).unwrap();
    let mut anchor = key.sign(&store.head().unwrap(), chrono::Utc::now());
    let checks = anchor::check(&store, std::slice::from_ref(&anchor), &other.public()).unwrap();
    assert_eq!(checks[0].outcome, AnchorOutcome::OtherKey);
    anchor.instant = "2020-01-01T00:00:00Z".to_owned();
    let checks = anchor::check(&store, &[anchor], &key.public()).unwrap();
    assert_eq!(checks[0].outcome, AnchorOutcome::BadSignature);
}

#[cfg(unix)]
#[test]
fn the_private_key_file_is_readable_by_its_owner_only_and_never_overwritten() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ancre.key");
    let key = AnchorKey::create(&path).unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert!(matches!(
        AnchorKey::create(&path),
        Err(anchor::AnchorError::KeyExists(_))
    ));
    assert_eq!(AnchorKey::load(&path).unwrap().public(), key.public());
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert!(matches!(
        AnchorKey::load(&path),
        Err(anchor::AnchorError::KeyTooOpen { .. })
    ));
}
