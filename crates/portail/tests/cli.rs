//! The `portail` binary as staff and auditors run it: exit codes, output, tamper detection.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

use rusqlite::Connection;
use serde_json::{Value, json};
use store::{EventStore, ExpectedVersion, Metadata, NewEvent, StoreOptions};
use uuid::Uuid;

fn portail(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_portail"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("portail runs")
}

/// A database with `n` payment events written through the store.
fn database_with_events(dir: &Path, n: u64) -> std::path::PathBuf {
    let db = dir.join("portail.db");
    let store = EventStore::open(&db, StoreOptions::default()).expect("open");
    for i in 0..n {
        let event = NewEvent {
            event_id: Uuid::now_v7(),
            event_type: "PaymentRecorded".to_owned(),
            schema_version: 1,
            payload: json!({ "payment_id": Uuid::now_v7(), "amount": format!("{i}.50"), "mode": "CH" }),
            metadata: Metadata::actor("staff:test"),
            tags: vec![],
        };
        store
            .append(
                &format!("family-{}", i % 3),
                ExpectedVersion::Any,
                vec![event],
            )
            .expect("append");
    }
    db
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn export_writes_one_json_line_per_event_with_every_field() {
    let dir = tempfile::tempdir().unwrap();
    let db = database_with_events(dir.path(), 12);
    let output = portail(&db, &["events", "export"]);
    assert!(output.status.success());
    let lines: Vec<Value> = stdout(&output)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 12);
    for (index, line) in lines.iter().enumerate() {
        assert_eq!(line["position"], json!(index + 1));
        for key in [
            "event_id",
            "stream",
            "version",
            "type",
            "schema_version",
            "recorded_at",
            "payload",
            "metadata",
            "hash",
        ] {
            assert!(line.get(key).is_some(), "line {index} has no {key}: {line}");
        }
        assert_eq!(line["hash"].as_str().unwrap().len(), 64);
    }
    assert_eq!(lines[0]["payload"]["amount"], json!("0.50"));
    assert_eq!(lines[0]["metadata"]["actor"], json!("staff:test"));

    let window = portail(&db, &["events", "export", "--from", "5", "--to", "7"]);
    let positions: Vec<u64> = stdout(&window)
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["position"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(positions, vec![5, 6, 7]);
}

#[test]
fn verify_accepts_an_intact_chain() {
    let dir = tempfile::tempdir().unwrap();
    let db = database_with_events(dir.path(), 20);
    let output = portail(&db, &["audit", "verify"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(stdout(&output).contains("20 événements"));
    let json = portail(&db, &["audit", "verify", "--json"]);
    let report: Value = serde_json::from_str(stdout(&json).trim()).unwrap();
    assert_eq!(report["chain"], json!("intact"));
    assert_eq!(report["events"], json!(20));
}

#[test]
fn verify_names_the_position_of_a_payload_changed_behind_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let db = database_with_events(dir.path(), 20);
    let conn = Connection::open(&db).unwrap();
    conn.execute_batch("DROP TRIGGER events_refuse_update")
        .unwrap();
    conn.execute(
        "UPDATE events SET payload = json_set(payload, '$.amount', '999.00') WHERE position = 7",
        [],
    )
    .unwrap();
    drop(conn);
    let output = portail(&db, &["audit", "verify"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("position 7"),
        "{}",
        stdout(&output)
    );
    let json = portail(&db, &["audit", "verify", "--json"]);
    let report: Value = serde_json::from_str(stdout(&json).trim()).unwrap();
    assert_eq!(report["position"], json!(7));
}

#[test]
fn verify_detects_a_deleted_last_event_through_the_head() {
    let dir = tempfile::tempdir().unwrap();
    let db = database_with_events(dir.path(), 20);
    let conn = Connection::open(&db).unwrap();
    conn.execute_batch("DROP TRIGGER events_refuse_delete; DROP TRIGGER event_tags_refuse_delete;")
        .unwrap();
    conn.execute("DELETE FROM events WHERE position = 20", [])
        .unwrap();
    drop(conn);
    let output = portail(&db, &["audit", "verify"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("position 20"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn verify_detects_an_event_removed_from_the_middle() {
    let dir = tempfile::tempdir().unwrap();
    let db = database_with_events(dir.path(), 10);
    let conn = Connection::open(&db).unwrap();
    conn.execute_batch("DROP TRIGGER events_refuse_delete; DROP TRIGGER event_tags_refuse_delete;")
        .unwrap();
    conn.execute("DELETE FROM events WHERE position = 4", [])
        .unwrap();
    drop(conn);
    let output = portail(&db, &["audit", "verify"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("position 4"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn usage_errors_are_one_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db");
    for args in [
        &["--frobnicate"][..],
        &["events", "export", "--from", "soon"],
        &["nothing"],
    ] {
        let output = portail(&db, args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
    }
    // A missing subcommand shows the help of the group (what a person needs), still exit 2.
    let output = portail(&db, &["audit"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("verify"));
}
