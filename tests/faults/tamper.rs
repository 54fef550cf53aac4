//! The database changed behind the product, as an attacker with the file would: an event (its
//! guard dropped first), a read-model row, a guard left dropped, an anchor line edited.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rusqlite::Connection;

use crate::support::{
    Server, assert_audit_verifies, demo_db, free_port, portail, portail_bin, stderr, stdout,
};

const GUARDS: [&str; 5] = [
    "events_refuse_update",
    "events_refuse_delete",
    "event_tags_refuse_update",
    "event_tags_refuse_delete",
    "chain_head_refuse_delete",
];

fn head(db: &Path) -> i64 {
    Connection::open(db)
        .unwrap()
        .query_row("SELECT max(position) FROM events", [], |row| row.get(0))
        .unwrap()
}

fn guards_present(db: &Path) -> Vec<String> {
    let conn = Connection::open(db).unwrap();
    let mut statement = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
        .unwrap();
    statement
        .query_map([], |row| row.get::<_, String>(0))
        .unwrap()
        .map(Result::unwrap)
        .filter(|name| GUARDS.contains(&name.as_str()))
        .collect()
}

/// Drops the guard on `events` and edits the payload of the event at `position`.
fn edit_event(db: &Path, position: i64) {
    let conn = Connection::open(db).unwrap();
    conn.execute_batch("DROP TRIGGER events_refuse_update")
        .unwrap();
    let changed = conn
        .execute(
            "UPDATE events SET payload = json_set(payload, '$.note', 'modifié') WHERE position = ?1",
            [position],
        )
        .unwrap();
    assert_eq!(changed, 1);
}

#[test]
fn an_edited_event_is_named_by_audit_verify_serve_refuses_to_start_and_the_guard_is_back() {
    // Given the demo whose event in the middle of the log was edited, its guard dropped first
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path(), "event");
    let position = head(&db) / 2;
    edit_event(&db, position);
    let last = head(&db);

    // When it is verified, Then it fails naming the position
    let output = portail(&db, &["audit", "verify"]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    assert!(
        stdout(&output).contains(&format!("Chaîne rompue à la position {position}")),
        "{}",
        stdout(&output)
    );
    // And the guard the attacker dropped is back after that open
    assert_eq!(guards_present(&db).len(), GUARDS.len());

    // When serve is started on it, Then it refuses (exit 1) naming the position and the runbook
    let mut child = Command::new(portail_bin())
        .arg("--db")
        .arg(&db)
        .args(["serve", "--addr", &format!("127.0.0.1:{}", free_port())])
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("serve kept running on a tampered log");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let err = stderr(&child.wait_with_output().unwrap());
    assert_eq!(status.code(), Some(1), "{err}");
    assert!(err.contains("Le portail ne démarre pas"), "{err}");
    assert!(
        err.contains(&format!("Chaîne rompue à la position {position}")),
        "{err}"
    );
    assert!(err.contains("docs/operations.md § 7"), "{err}");
    // And nothing was appended
    assert_eq!(head(&db), last);
}

#[test]
fn a_read_model_row_changed_behind_the_log_fails_audit_verify_and_a_rebuild_repairs_it() {
    // Given the demo whose balances were changed in the read model, the log intact
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path(), "model");
    let changed = Connection::open(&db)
        .unwrap()
        .execute("UPDATE wallet_balances SET balance = '999.00'", [])
        .unwrap();
    assert!(changed > 0);
    // When it is verified, Then it fails and says the log is intact: rebuild
    let output = portail(&db, &["audit", "verify"]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    assert!(
        stdout(&output).contains("À faire : le journal est intact"),
        "{}",
        stdout(&output)
    );
    assert!(
        stdout(&output).contains("portail rebuild"),
        "{}",
        stdout(&output)
    );
    // And after the rebuild it verifies
    let rebuilt = portail(&db, &["rebuild"]);
    assert!(rebuilt.status.success(), "{}", stderr(&rebuilt));
    assert_audit_verifies(&db);
}

#[test]
fn every_dropped_guard_is_back_once_serve_has_opened_the_database() {
    // Given the demo whose five append-only guards were dropped
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path(), "guards");
    let conn = Connection::open(&db).unwrap();
    for guard in GUARDS {
        conn.execute_batch(&format!("DROP TRIGGER {guard}"))
            .unwrap();
    }
    drop(conn);
    assert!(guards_present(&db).is_empty());
    // When serve starts (and answers), Then every guard is back and an UPDATE is refused
    let server = Server::start(&db, free_port(), &[]);
    server.kill();
    assert_eq!(guards_present(&db).len(), GUARDS.len());
    let refused = Connection::open(&db)
        .unwrap()
        .execute("UPDATE events SET payload = payload WHERE position = 1", [])
        .unwrap_err();
    assert!(refused.to_string().contains("append-only"), "{refused}");
    assert_audit_verifies(&db);
}

#[test]
fn an_edited_anchor_line_fails_audit_verify_naming_the_anchor() {
    // Given the demo anchored twice with a key kept outside the database
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path(), "anchor");
    let key = dir.path().join("ancre.key");
    let anchors = dir.path().join("ancres.jsonl");
    let made = portail(
        &db,
        &["audit", "anchor", "--new-key", key.to_str().unwrap()],
    );
    assert!(made.status.success(), "{}", stderr(&made));
    let public = dir.path().join("ancre.key.pub");
    let anchor = || {
        let anchored = portail(
            &db,
            &[
                "audit",
                "anchor",
                "--key",
                key.to_str().unwrap(),
                "--anchors",
                anchors.to_str().unwrap(),
            ],
        );
        assert!(anchored.status.success(), "{}", stderr(&anchored));
    };
    anchor();
    anchor();
    let verify = || {
        portail(
            &db,
            &[
                "audit",
                "verify",
                "--anchors",
                anchors.to_str().unwrap(),
                "--public-key",
                public.to_str().unwrap(),
            ],
        )
    };
    assert_eq!(verify().status.code(), Some(0), "{}", stdout(&verify()));

    // When the second line's hash is replaced by another valid-looking hash
    let text = std::fs::read_to_string(&anchors).unwrap();
    let mut lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    lines[1]["hash"] = serde_json::json!("0".repeat(64));
    let edited: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(&anchors, edited).unwrap();

    // Then the verification fails naming that anchor
    let output = verify();
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let out = stdout(&output);
    assert!(out.contains("Ancre n° 2"), "{out}");
    assert!(out.contains("signature invalide"), "{out}");
}
