//! The event store's guarantees, observed from outside.

use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Barrier};
use std::time::Duration;

use proptest::prelude::*;
use rusqlite::Connection;
use store::{AppendError, ChainReport, EventStore, ExpectedVersion, StoreOptions};

use crate::support::{child_binary, fresh_store, sample_event};

#[derive(Clone, Debug)]
enum Expect {
    Any,
    NoStream,
    Right,
    Wrong(u64),
}

#[derive(Clone, Debug)]
enum Op {
    Append {
        stream: usize,
        expect: Expect,
        events: usize,
    },
    /// Append again the batch of an earlier successful append (a client retry).
    Retry { earlier: usize },
}

fn op() -> impl Strategy<Value = Op> {
    let expect = prop_oneof![
        Just(Expect::Any),
        Just(Expect::NoStream),
        Just(Expect::Right),
        (1u64..4).prop_map(Expect::Wrong),
    ];
    prop_oneof![
        4 => (0usize..4, expect, 1usize..4).prop_map(|(stream, expect, events)| Op::Append { stream, expect, events }),
        1 => (0usize..50).prop_map(|earlier| Op::Retry { earlier }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Positions are 1..n without gaps, each stream's versions are contiguous, conflicts and
    /// retries leave no trace, and the chain verifies.
    #[test]
    fn appends_with_right_and_wrong_expectations_keep_the_log_gapless(ops in prop::collection::vec(op(), 1..40)) {
        let (_dir, store) = fresh_store();
        let mut versions = [0u64; 4];
        let mut model: Vec<(String, u64)> = Vec::new();
        let mut accepted: Vec<(String, Vec<store::NewEvent>, Vec<u64>)> = Vec::new();
        for (i, op) in ops.into_iter().enumerate() {
            match op {
                Op::Append { stream, expect, events } => {
                    let name = format!("family-{stream}");
                    let current = versions[stream];
                    let expected = match expect {
                        Expect::Any => ExpectedVersion::Any,
                        Expect::NoStream => ExpectedVersion::NoStream,
                        Expect::Right => ExpectedVersion::Exact(current),
                        Expect::Wrong(delta) => ExpectedVersion::Exact(current + delta),
                    };
                    let should_pass = match expected {
                        ExpectedVersion::Any => true,
                        ExpectedVersion::NoStream => current == 0,
                        ExpectedVersion::Exact(n) => n == current,
                    };
                    let batch: Vec<_> = (0..events).map(|k| sample_event((i * 10 + k) as u64)).collect();
                    match store.append(&name, expected, batch.clone()) {
                        Ok(appended) => {
                            prop_assert!(should_pass, "append with {expected} on version {current} was accepted");
                            prop_assert!(!appended.already_stored);
                            for _ in 0..events {
                                versions[stream] += 1;
                                model.push((name.clone(), versions[stream]));
                            }
                            prop_assert_eq!(appended.stream_version, versions[stream]);
                            prop_assert_eq!(appended.positions.len(), events);
                            prop_assert_eq!(*appended.positions.last().unwrap(), model.len() as u64);
                            accepted.push((name, batch, appended.positions));
                        }
                        Err(AppendError::Conflict { actual, .. }) => {
                            prop_assert!(!should_pass, "append with {expected} on version {current} conflicted");
                            prop_assert_eq!(actual, current);
                        }
                        Err(other) => prop_assert!(false, "unexpected error {other}"),
                    }
                }
                Op::Retry { earlier } => {
                    if accepted.is_empty() {
                        continue;
                    }
                    let (name, batch, positions) = accepted[earlier % accepted.len()].clone();
                    let again = store.append(&name, ExpectedVersion::Exact(0), batch).unwrap();
                    prop_assert!(again.already_stored);
                    prop_assert_eq!(again.positions, positions);
                }
            }
        }
        let log: Vec<_> = store.read_range(1, None, 7).unwrap().map(Result::unwrap).collect();
        prop_assert_eq!(log.len(), model.len());
        for (index, (event, (stream, version))) in log.iter().zip(&model).enumerate() {
            prop_assert_eq!(event.position, index as u64 + 1);
            prop_assert_eq!(&event.stream_id, stream);
            prop_assert_eq!(event.stream_version, *version);
        }
        for stream in 0..4 {
            let versions: Vec<u64> = store.read_stream(&format!("family-{stream}")).unwrap().iter().map(|e| e.stream_version).collect();
            prop_assert_eq!(versions, (1..).take(versions_len(&model, stream)).collect::<Vec<u64>>());
        }
        let intact = matches!(store.verify_chain().unwrap(), ChainReport::Intact { .. });
        prop_assert!(intact, "the chain does not verify");
    }
}

fn versions_len(model: &[(String, u64)], stream: usize) -> usize {
    let name = format!("family-{stream}");
    model.iter().filter(|(s, _)| *s == name).count()
}

#[test]
fn an_event_id_reused_with_other_content_is_refused_and_writes_nothing() {
    let (_dir, store) = fresh_store();
    let event = sample_event(1);
    store
        .append("family-a", ExpectedVersion::NoStream, vec![event.clone()])
        .unwrap();
    let mut forged = event.clone();
    forged.payload = serde_json::json!({ "amount": "999.00" });
    let refused = store.append("family-a", ExpectedVersion::Any, vec![forged]);
    assert!(
        matches!(refused, Err(AppendError::EventIdReused { .. })),
        "{refused:?}"
    );
    assert_eq!(store.head().unwrap().position, 1);
}

#[test]
fn stored_events_cannot_be_updated_or_deleted() {
    let (dir, store) = fresh_store();
    store
        .append("family-a", ExpectedVersion::Any, vec![sample_event(1)])
        .unwrap();
    drop(store);
    let conn = Connection::open(dir.path().join("events.db")).unwrap();
    let update = conn.execute("UPDATE events SET payload = '{}' WHERE position = 1", []);
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = conn.execute("DELETE FROM events WHERE position = 1", []);
    assert!(delete.unwrap_err().to_string().contains("append-only"));
    let delete_tag = conn.execute("DELETE FROM event_tags", []);
    assert!(delete_tag.is_err());
}

#[test]
fn reads_by_stream_tag_and_range() {
    let (_dir, store) = fresh_store();
    for n in 0..30u64 {
        store
            .append(
                &format!("family-{}", n % 2),
                ExpectedVersion::Any,
                vec![sample_event(n)],
            )
            .unwrap();
    }
    let tagged = store.read_tag("activity-1").unwrap();
    assert_eq!(tagged.len(), 10);
    assert!(tagged.windows(2).all(|w| w[0].position < w[1].position));
    assert_eq!(store.read_stream("family-1").unwrap().len(), 15);
    let middle: Vec<u64> = store
        .read_range(11, Some(20), 3)
        .unwrap()
        .map(|e| e.unwrap().position)
        .collect();
    assert_eq!(middle, (11..=20).collect::<Vec<_>>());
    assert_eq!(store.read_range(31, None, 3).unwrap().count(), 0);
}

#[test]
fn a_failing_command_does_not_fail_the_others_of_its_group() {
    let (_dir, store) = fresh_store();
    // 16 threads submit at once, so the writer groups them; the odd ones fail after appending.
    let barrier = Arc::new(Barrier::new(16));
    let handles: Vec<_> = (0..16u64)
        .map(|n| {
            let store = store.clone();
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                barrier.wait();
                store.write(move |tx| {
                    tx.append(
                        &format!("family-{n}"),
                        ExpectedVersion::NoStream,
                        vec![sample_event(n)],
                    )
                    .map_err(|e| e.to_string())?;
                    if n % 2 == 1 {
                        Err("refused after writing".to_owned())
                    } else {
                        Ok(n)
                    }
                })
            })
        })
        .collect();
    let outcomes: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(outcomes.iter().filter(|o| o.is_ok()).count(), 8);
    let log: Vec<_> = store
        .read_range(1, None, 100)
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(log.len(), 8);
    assert!(log.iter().all(|e| {
        e.stream_id
            .trim_start_matches("family-")
            .parse::<u64>()
            .unwrap()
            % 2
            == 0
    }));
    assert!(matches!(
        store.verify_chain().unwrap(),
        ChainReport::Intact { events: 8, .. }
    ));
}

#[test]
fn a_panicking_command_is_rolled_back_and_the_writer_keeps_working() {
    let (_dir, store) = fresh_store();
    let outcome: Result<(), _> = store.write(|tx| -> Result<(), String> {
        tx.append("family-a", ExpectedVersion::Any, vec![sample_event(1)])
            .map_err(|e| e.to_string())?;
        panic!("bug in a command");
    });
    assert!(matches!(
        outcome,
        Err(store::WriteError::Store(store::StoreError::CommandPanicked))
    ));
    store
        .append("family-a", ExpectedVersion::NoStream, vec![sample_event(2)])
        .unwrap();
    assert_eq!(store.head().unwrap().position, 1);
}

/// 8 threads of this process and a second process append to one stream with exact expected
/// versions: every version is taken once, every loser hears `Conflict`.
#[test]
fn concurrent_writers_in_two_processes_take_each_version_exactly_once() {
    const WINS_PER_THREAD: u64 = 25;
    let (dir, store) = fresh_store();
    let db = dir.path().join("events.db");
    let child = Command::new(child_binary())
        .args([
            "contend",
            db.to_str().unwrap(),
            "family-shared",
            &WINS_PER_THREAD.to_string(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let store = store.clone();
            std::thread::spawn(move || {
                let (mut won, mut lost) = (0, 0);
                while won < WINS_PER_THREAD {
                    let version = store
                        .read_stream("family-shared")
                        .unwrap()
                        .last()
                        .map_or(0, |e| e.stream_version);
                    match store.append(
                        "family-shared",
                        ExpectedVersion::Exact(version),
                        vec![sample_event(version)],
                    ) {
                        Ok(_) => won += 1,
                        Err(AppendError::Conflict { .. }) => lost += 1,
                        Err(other) => panic!("a loser got {other} instead of a conflict"),
                    }
                }
                lost
            })
        })
        .collect();
    let in_process_losses: u64 = threads.into_iter().map(|t| t.join().unwrap()).sum();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "child failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let child_wins = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|l| l.starts_with("WON"))
        .count() as u64;
    assert_eq!(child_wins, WINS_PER_THREAD);

    let events = store.read_stream("family-shared").unwrap();
    let total = 9 * WINS_PER_THREAD;
    assert_eq!(events.len() as u64, total);
    assert_eq!(
        events.iter().map(|e| e.stream_version).collect::<Vec<_>>(),
        (1..=total).collect::<Vec<_>>()
    );
    let ids: HashSet<_> = events.iter().map(|e| e.event_id).collect();
    assert_eq!(ids.len() as u64, total);
    assert!(matches!(
        store.verify_chain().unwrap(),
        ChainReport::Intact { .. }
    ));
    // Not a guarantee, but with 9 writers on one stream some attempt always loses.
    eprintln!("conflicts seen in this process: {in_process_losses}");
}

/// Kill a writing process at random instants, 50 times, on the same file: afterwards the
/// database is intact, every acknowledged event is there exactly once and the chain verifies.
#[test]
fn a_writer_killed_at_random_instants_loses_no_acknowledged_event() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crash.db");
    let mut acknowledged: BTreeMap<String, u32> = BTreeMap::new();
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    for round in 0..50 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let wait = Duration::from_millis(5 + seed % 120);
        let mut child = Command::new(child_binary())
            .args(["append-loop", db.to_str().unwrap()])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .filter_map(|l| l.strip_prefix("ACK ").map(str::to_owned))
                .collect::<Vec<_>>()
        });
        std::thread::sleep(wait);
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        for id in reader.join().unwrap() {
            *acknowledged.entry(id).or_default() += 1;
        }
        if round % 10 == 9 {
            check_after_crash(&db, &acknowledged);
        }
    }
    check_after_crash(&db, &acknowledged);
    // Most rounds are killed mid-flight; at least some must have acknowledged events.
    assert!(
        acknowledged.len() > 50,
        "the child acknowledged only {} events",
        acknowledged.len()
    );
    eprintln!(
        "{} acknowledged events survived 50 kills",
        acknowledged.len()
    );
}

fn check_after_crash(db: &std::path::Path, acknowledged: &BTreeMap<String, u32>) {
    let conn = Connection::open(db).unwrap();
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    let mut statement = conn
        .prepare("SELECT COUNT(*) FROM events WHERE event_id = ?1")
        .unwrap();
    for (id, times) in acknowledged {
        assert_eq!(*times, 1, "event {id} acknowledged twice");
        let count: i64 = statement.query_row([id], |r| r.get(0)).unwrap();
        assert_eq!(count, 1, "acknowledged event {id} is missing after a crash");
    }
    drop(statement);
    drop(conn);
    let store = EventStore::open(db, StoreOptions::default()).unwrap();
    let report = store.verify_chain().unwrap();
    assert!(matches!(report, ChainReport::Intact { .. }), "{report:?}");
}
