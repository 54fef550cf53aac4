//! A second process for the event-store tests: it writes to the same database file as the test
//! and reports what the store acknowledged, line by line, on stdout.
//!
//! `store-child append-loop DB` — four threads append small batches to random streams forever,
//! printing `ACK <event_id>` once each append has returned (the test kills it with SIGKILL).
//! `store-child contend DB STREAM WINS` — appends to STREAM with the exact expected version until
//! it has won WINS times, printing `WON <version>` or `LOST <actual>` for every attempt.
#![forbid(unsafe_code)]

use std::io::Write;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use serde_json::json;
use store::{AppendError, EventStore, ExpectedVersion, Metadata, NewEvent, StoreOptions};
use uuid::Uuid;

fn event(kind: &str, n: u64) -> NewEvent {
    NewEvent {
        event_id: Uuid::now_v7(),
        event_type: kind.to_owned(),
        schema_version: 1,
        payload: json!({ "n": n, "amount": "10.35", "day": "2026-03-04" }),
        metadata: Metadata::actor("test:child"),
        tags: vec![format!("tag-{}", n % 7)],
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let store = match args
        .get(2)
        .map(|db| EventStore::open(db, StoreOptions::default()))
    {
        Some(Ok(store)) => store,
        Some(Err(error)) => {
            eprintln!("open: {error}");
            return ExitCode::FAILURE;
        }
        None => {
            eprintln!("usage: store-child append-loop|contend DB …");
            return ExitCode::from(2);
        }
    };
    match args.get(1).map(String::as_str) {
        Some("append-loop") => append_loop(store),
        Some("contend") => {
            let stream = args.get(3).cloned().unwrap_or_default();
            let wins: u64 = args.get(4).and_then(|w| w.parse().ok()).unwrap_or(10);
            contend(&store, &stream, wins)
        }
        _ => ExitCode::from(2),
    }
}

fn append_loop(store: EventStore) -> ExitCode {
    let out = Arc::new(Mutex::new(std::io::stdout()));
    let threads: Vec<_> = (0..4u64)
        .map(|t| {
            let store = store.clone();
            let out = Arc::clone(&out);
            std::thread::spawn(move || {
                let mut n = 0u64;
                loop {
                    n += 1;
                    let batch: Vec<NewEvent> = (0..1 + n % 3)
                        .map(|i| event("ChildAppended", n * 10 + i))
                        .collect();
                    let ids: Vec<Uuid> = batch.iter().map(|e| e.event_id).collect();
                    let stream = format!("child-stream-{t}-{}", n % 5);
                    if store.append(&stream, ExpectedVersion::Any, batch).is_ok()
                        && let Ok(mut out) = out.lock()
                    {
                        for id in ids {
                            let _ = writeln!(out, "ACK {id}");
                        }
                        let _ = out.flush();
                    }
                }
            })
        })
        .collect();
    for thread in threads {
        let _ = thread.join();
    }
    ExitCode::SUCCESS
}

fn contend(store: &EventStore, stream: &str, wins: u64) -> ExitCode {
    let mut won = 0;
    let mut out = std::io::stdout();
    while won < wins {
        let version = match store.read_stream(stream) {
            Ok(events) => events.last().map(|e| e.stream_version).unwrap_or(0),
            Err(error) => {
                eprintln!("read: {error}");
                return ExitCode::FAILURE;
            }
        };
        match store.append(
            stream,
            ExpectedVersion::Exact(version),
            vec![event("Contended", version)],
        ) {
            Ok(appended) => {
                won += 1;
                let _ = writeln!(out, "WON {}", appended.stream_version);
            }
            Err(AppendError::Conflict { actual, .. }) => {
                let _ = writeln!(out, "LOST {actual}");
            }
            Err(error) => {
                eprintln!("append: {error}");
                return ExitCode::FAILURE;
            }
        }
    }
    let _ = out.flush();
    ExitCode::SUCCESS
}
