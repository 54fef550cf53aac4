//! Benchmarks: measurements printed for `docs/performance.md`, never assertions.
//!
//! `cargo run --release -p bench -- append [EVENTS] [SUBMITTERS]` appends EVENTS (default
//! 1,000,000) events of realistic size twice, in the same run:
//! 1. raw: the same rows inserted by plain rusqlite in one transaction (no store, no hashing);
//! 2. store: through `EventStore::append` from SUBMITTERS (default 64) threads, one command per
//!    event, durable (`synchronous=FULL`), group-committed by the single writer.
#![forbid(unsafe_code)]

mod logins;
mod portal;
mod transmit;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use anyhow::{Context, bail};
use rusqlite::params;
use serde_json::{Value, json};
use store::{EventStore, ExpectedVersion, Metadata, NewEvent, StoreOptions, canonical_json};
use uuid::Uuid;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("append") => {
            let events = parse_arg(&args, 1, 1_000_000)?;
            let submitters = parse_arg(&args, 2, 64)?;
            let per_command = parse_arg(&args, 3, 1)?.max(1);
            append(events, submitters, per_command)
        }
        Some("rebuild") => {
            let requests = parse_arg(&args, 1, 330_000)?;
            let families = parse_arg(&args, 2, 5_000)?;
            // A directory to keep the log in (and reuse at the next run).
            let keep = args.get(3).map(std::path::PathBuf::from);
            transmit::rebuild(requests, families, keep.as_deref())
        }
        Some("portal") => portal::run(parse_arg(&args, 1, 32)? as usize),
        Some("logins") => logins::run(
            parse_arg(&args, 1, 120)? as usize,
            parse_arg(&args, 2, 8)? as usize,
        ),
        Some("transmit") => {
            let requests = parse_arg(&args, 1, 100_000)?;
            let families = parse_arg(&args, 2, 5_000)?;
            transmit::run(requests, families)
        }
        _ => bail!(
            "usage: bench append [EVENTS] [SUBMITTERS] [EVENTS_PER_COMMAND] | bench transmit [REQUESTS] [FAMILIES] | bench rebuild [REQUESTS] [FAMILIES] [KEEP_DIR] | bench portal [CLIENTS] | bench logins [LOGINS] [CLICKERS]"
        ),
    }
}

fn parse_arg(args: &[String], index: usize, default: u64) -> anyhow::Result<u64> {
    match args.get(index) {
        Some(text) => text
            .replace('_', "")
            .parse()
            .with_context(|| format!("not a number: {text}")),
        None => Ok(default),
    }
}

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
/// and tags as the store, no hashing) and returns the rate, in events per second.
pub fn raw_append_rate(dir: &std::path::Path, events: u64) -> anyhow::Result<f64> {
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
    let raw_seconds = started.elapsed().as_secs_f64();
    let raw_rate = events as f64 / raw_seconds;
    println!(
        "raw rusqlite, one transaction:        {raw_rate:>10.0} events/s ({raw_seconds:.2} s)"
    );
    Ok(raw_rate)
}

fn append(events: u64, submitters: u64, per_command: u64) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    println!(
        "appending {events} events; SQLite {}; 2 cores; synchronous=FULL",
        rusqlite::version()
    );

    let raw_rate = raw_append_rate(dir.path(), events)?;

    // --- store: submitters through the single writer.
    let store = EventStore::open(dir.path().join("store.db"), StoreOptions::default())?;
    let per_submitter = events / submitters;
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
    let store_seconds = started.elapsed().as_secs_f64();
    let appended = done.load(Ordering::Relaxed);
    let store_rate = appended as f64 / store_seconds;
    println!(
        "store, {submitters} submitters, durable:    {store_rate:>10.0} events/s ({store_seconds:.2} s, {appended} events, {per_command} per command)"
    );
    let stats = store.writer_stats();
    println!(
        "writer: {} groups, {:.1} commands per group, busy {:.0}% of the run",
        stats.groups,
        stats.commands as f64 / stats.groups.max(1) as f64,
        100.0 * stats.busy.as_secs_f64() / store_seconds
    );
    println!(
        "store / raw:                          {:>10.2}",
        store_rate / raw_rate
    );
    let report = store.verify_chain()?;
    println!("chain after the run: {report:?}");
    Ok(())
}
