//! `append`: durable appends through `EventStore::append` from many submitters, against the
//! same rows inserted by plain rusqlite in one transaction (same table, indexes and tags, no
//! hashing), in the same run.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use rusqlite::params;
use serde_json::{Value, json};
use store::{EventStore, ExpectedVersion, Metadata, NewEvent, StoreOptions, canonical_json};
use uuid::Uuid;

use crate::measure::Measure;

/// A booking request as the portal writes it: ~400 bytes of payload and metadata.
fn realistic_event(n: u64, family: Uuid) -> NewEvent {
    let activity = Uuid::from_u128(u128::from(n % 200) + 1);
    NewEvent {
        event_id: Uuid::now_v7(),
        event_type: "BookingRequested".to_owned(),
        schema_version: 1,
        payload: json!({
            "request_id": Uuid::now_v7(),
            "basket_id": Uuid::now_v7(),
            "family_id": family,
            "child_id": Uuid::from_u128(u128::from(n % 7_919)),
            "activity_id": activity,
            "day": format!("2026-{:02}-{:02}", 1 + n % 12, 1 + n % 28),
            "forecast": { "kind": "place_available" },
        }),
        metadata: Metadata {
            actor: format!("family:{family}"),
            command_id: Some(Uuid::now_v7()),
            correlation_id: Some(Uuid::now_v7()),
            causation_id: None,
            client_request_id: Some(format!("form-{n}")),
            overrides: Vec::new(),
        },
        tags: vec![
            format!("activity-{activity}"),
            format!("child-{}", n % 7_919),
        ],
    }
}

/// Inserts `events` realistic rows with plain rusqlite in one transaction (same table, indexes
/// and tags as the store, no hashing) into `dir/raw.db`; returns the rate in events per second.
pub fn raw_append_rate(dir: &Path, events: u64) -> anyhow::Result<f64> {
    let raw_path = dir.join("raw.db");
    drop(EventStore::open(&raw_path, StoreOptions::default())?); // same schema and indexes
    let rows: Vec<(String, String, String, String, Vec<String>)> = (0..events)
        .map(|n| {
            let event = realistic_event(n, Uuid::from_u128(u128::from(n % 5_000)));
            let metadata: Value = serde_json::to_value(&event.metadata).unwrap_or(Value::Null);
            (
                event.event_id.to_string(),
                format!("family-{}", n % 5_000),
                canonical_json(&event.payload),
                canonical_json(&metadata),
                event.tags,
            )
        })
        .collect();
    let mut conn = rusqlite::Connection::open(&raw_path)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
    )?;
    let started = Instant::now();
    {
        let tx = conn.transaction()?;
        {
            let mut insert = tx.prepare(
                "INSERT INTO events (position, event_id, stream_id, stream_version, event_type, schema_version, payload, metadata, recorded_at, hash)
                 VALUES (?1, ?2, ?3, ?4, 'BookingRequested', 1, ?5, ?6, '2026-11-28T00:00:00.000000Z', ?7)",
            )?;
            let mut tag = tx.prepare("INSERT INTO event_tags (tag, position) VALUES (?1, ?2)")?;
            let hash = [7u8; 32];
            for (index, (event_id, stream, payload, metadata, tags)) in rows.iter().enumerate() {
                let position = index as i64 + 1;
                let version = index as i64 / 5_000 + 1;
                insert.execute(params![
                    position,
                    event_id,
                    stream,
                    version,
                    payload,
                    metadata,
                    hash.as_slice()
                ])?;
                for t in tags {
                    tag.execute(params![t, position])?;
                }
            }
        }
        tx.commit()?;
    }
    let rate = events as f64 / started.elapsed().as_secs_f64();
    drop(conn);
    std::fs::remove_file(&raw_path)?;
    Ok(rate)
}

/// The store's durable rate with `submitters` threads, `per_command` events per command, and
/// the raw rate of the same rows; the chain is verified after the run.
pub fn run(events: u64, submitters: u64, per_command: u64) -> anyhow::Result<Measure> {
    let dir = tempfile::tempdir_in(crate::scratch_dir())?;
    let per_command = per_command.max(1);
    let raw_rate = raw_append_rate(dir.path(), events)?;

    let store = EventStore::open(dir.path().join("store.db"), StoreOptions::default())?;
    let per_submitter = events / submitters.max(1);
    let done = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let threads: Vec<_> = (0..submitters)
        .map(|s| {
            let store = store.clone();
            let done = Arc::clone(&done);
            std::thread::spawn(move || -> anyhow::Result<()> {
                for i in (0..per_submitter).step_by(per_command as usize) {
                    let n = s * per_submitter + i;
                    let family = Uuid::from_u128(u128::from(n % 5_000));
                    let count = per_command.min(per_submitter - i);
                    let events = (n..n + count).map(|k| realistic_event(k, family)).collect();
                    store.append(&format!("family-{family}"), ExpectedVersion::Any, events)?;
                    done.fetch_add(count, Ordering::Relaxed);
                }
                Ok(())
            })
        })
        .collect();
    for thread in threads {
        thread
            .join()
            .map_err(|_| anyhow::anyhow!("a submitter panicked"))??;
    }
    let seconds = started.elapsed().as_secs_f64();
    let appended = done.load(Ordering::Relaxed);
    let stats = store.writer_stats();
    let chain = store.verify_chain()?;
    anyhow::ensure!(
        matches!(chain, store::ChainReport::Intact { events, .. } if events == appended),
        "chain after the run: {chain:?}, {appended} appended"
    );
    let target = if per_command == 1 { 0.5 } else { 0.7 };
    Ok(Measure::ratio(
        &format!("append, {per_command} ev/cmd"),
        (appended as f64 / seconds, "ev/s"),
        (raw_rate, "ev/s raw"),
        target,
    )
    .with_note(format!(
        "{appended} events, {submitters} submitters, {} groups of {:.1} commands, writer busy {:.0} %, chain verified",
        stats.groups,
        stats.commands as f64 / stats.groups.max(1) as f64,
        100.0 * stats.busy.as_secs_f64() / seconds
    )))
}
