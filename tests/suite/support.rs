//! Shared helpers of the suite.

use serde_json::json;
use store::{EventStore, Metadata, NewEvent, StoreOptions};
use tempfile::TempDir;
use uuid::Uuid;

/// A fresh database in its own temporary directory (kept alive by the returned guard).
pub fn fresh_store() -> (TempDir, EventStore) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = EventStore::open(dir.path().join("events.db"), StoreOptions::default())
        .expect("open store");
    (dir, store)
}

/// An event of a realistic size (a booking request's payload).
pub fn sample_event(n: u64) -> NewEvent {
    NewEvent {
        event_id: Uuid::now_v7(),
        event_type: "BookingRequested".to_owned(),
        schema_version: 1,
        payload: json!({
            "request_id": Uuid::now_v7(),
            "basket_id": Uuid::now_v7(),
            "family_id": Uuid::now_v7(),
            "child_id": Uuid::now_v7(),
            "activity_id": Uuid::now_v7(),
            "day": "2026-03-04",
            "forecast": { "kind": "waitlisted", "expected_rank": n % 9 }
        }),
        metadata: Metadata::actor(format!("test:{n}")),
        tags: vec![format!("activity-{}", n % 3)],
    }
}

/// Path of the second-process helper binary.
pub fn child_binary() -> &'static str {
    env!("CARGO_BIN_EXE_store-child")
}
