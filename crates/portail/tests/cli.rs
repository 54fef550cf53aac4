//! The `portail` binary as staff and auditors run it: exit codes, output, tamper detection.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

use rusqlite::Connection;
use serde_json::{Value, json};
use store::{EventStore, ExpectedVersion, Metadata, NewEvent, StoreOptions};
use uuid::Uuid;

mod days_cli;
mod staff_cli;

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

const EXAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../docs/examples/setup.toml"
);

fn event_count(db: &Path) -> usize {
    stdout(&portail(db, &["events", "export"])).lines().count()
}

#[test]
fn the_example_setup_imports_into_a_fresh_database_and_a_second_import_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("setup.db");
    let first = portail(&db, &["import", EXAMPLE]);
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(stdout(&first).contains("Codes d'activation"));
    let events = event_count(&db);
    assert!(events > 10);
    let second = portail(&db, &["import", EXAMPLE]);
    assert_eq!(second.status.code(), Some(0));
    assert!(stdout(&second).contains("Rien à changer"));
    assert_eq!(event_count(&db), events);

    let activities: Value =
        serde_json::from_str(&stdout(&portail(&db, &["activities", "list", "--json"]))).unwrap();
    let matin = activities
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["label"] == "CDC - ALSH 6-12 Matin")
        .unwrap();
    assert_eq!(matin["price"], json!("10.35"));
    assert_eq!(matin["booking_deadline"], json!("J-2 18:00"));
}

/// Every class of mistake stops the import with `file:line: message` and writes nothing.
#[test]
fn a_broken_setup_file_fails_with_its_line_and_leaves_the_database_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("setup.db");
    assert!(portail(&db, &["import", EXAMPLE]).status.success());
    let before_events = event_count(&db);
    let before_families = stdout(&portail(&db, &["families", "list", "--json"]));
    let text = std::fs::read_to_string(EXAMPLE).unwrap();
    let breakages: [(&str, &str, &str); 9] = [
        ("capacity = 24", "capacity = 24\nplaces = 3", "places"),
        ("price = \"10.35\"", "price = \"-1.00\"", "négatif"),
        (
            "structure = \"quinsac\"",
            "structure = \"quinsak\"",
            "quinsak",
        ),
        (
            "birth_date = \"2017-05-12\"",
            "birth_date = \"2017-02-30\"",
            "2017-02-30",
        ),
        // A period opening the same activity on a day another period opens it.
        ("excluded = [\"2027-02-17\"]", "excluded = []", "2027-02-17"),
        // The same key twice.
        (
            "key = \"alsh-6-12-apres-midi\"",
            "key = \"alsh-6-12-matin\"",
            "alsh-6-12-matin",
        ),
        // A TOML syntax error.
        ("capacity = 24", "capacity = = 24", "TOML"),
        // A deadline that is not J-x HH:MM.
        (
            "booking_deadline = \"J-7 12:00\"",
            "booking_deadline = \"la veille\"",
            "la veille",
        ),
        ("capacity = 24", "capacity = 30", ""),
    ];
    for (index, (from, to, mention)) in breakages.iter().enumerate() {
        let broken = text.replacen(from, to, 1);
        assert_ne!(broken, text, "breakage {index} did not apply");
        let file = dir.path().join(format!("broken-{index}.toml"));
        std::fs::write(&file, &broken).unwrap();
        let output = portail(&db, &["import", file.to_str().unwrap()]);
        if mention.is_empty() {
            // The last one is a valid change, to prove the loop can tell the difference.
            assert!(output.status.success());
            continue;
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "breakage {index}: {stderr}");
        let prefix = format!("{}:", file.display());
        assert!(stderr.starts_with(&prefix), "breakage {index}: {stderr}");
        let line: usize = stderr[prefix.len()..]
            .split(':')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(
            line > 1 && line <= broken.lines().count(),
            "breakage {index}: line {line}"
        );
        assert!(stderr.contains(mention), "breakage {index}: {stderr}");
        assert_eq!(
            event_count(&db),
            before_events,
            "breakage {index} wrote events"
        );
        assert_eq!(
            stdout(&portail(&db, &["families", "list", "--json"])),
            before_families
        );
    }
}

#[test]
fn the_demo_lists_its_families_and_refuses_a_second_build() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db");
    let demo = portail(&db, &["demo"]);
    assert!(demo.status.success());
    assert!(stdout(&demo).contains("portail-demo-dupont"));
    let families: Value =
        serde_json::from_str(&stdout(&portail(&db, &["families", "list", "--json"]))).unwrap();
    let logins: Vec<&str> = families
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["login"].as_str().unwrap())
        .collect();
    for login in ["dupont", "martin", "bernard"] {
        assert!(logins.contains(&login), "{logins:?}");
    }
    let dupont = families
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["login"] == "dupont")
        .unwrap();
    assert!(dupont["balance"].is_string(), "money is a decimal string");
    assert_eq!(dupont["children"].as_array().unwrap().len(), 2);
    let again = portail(&db, &["demo"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("pas vide"));
    assert_eq!(portail(&db, &["audit", "verify"]).status.code(), Some(0));
}

fn balance(db: &Path) -> Value {
    serde_json::from_str(&stdout(&portail(
        db,
        &["balance", "--family", "dupont", "--json"],
    )))
    .unwrap()
}

#[test]
fn a_desk_payment_moves_the_demo_balance_by_exactly_its_amount() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("money.db");
    assert!(portail(&db, &["demo"]).status.success());
    let before = balance(&db);
    for key in [
        "balance",
        "estimated_confirmed",
        "estimated_pending",
        "estimated_balance",
    ] {
        assert!(
            before[key].is_string(),
            "{key} is a decimal string: {before}"
        );
    }
    let args = [
        "payments",
        "record",
        "--family",
        "dupont",
        "--wallet",
        "pe2m",
        "--amount",
        "50.00",
        "--mode",
        "CH",
        "--number",
        "124457",
        "--bank",
        "LBP",
        "--payer",
        "DUPONT Jean-Paul",
    ];
    let recorded = portail(&db, &args);
    assert!(
        recorded.status.success(),
        "{}",
        String::from_utf8_lossy(&recorded.stderr)
    );
    let after = balance(&db);
    let cents = |v: &Value| -> i64 {
        let text = v.as_str().unwrap();
        let (whole, frac) = text.split_once('.').unwrap();
        let sign = if whole.starts_with('-') { -1 } else { 1 };
        whole.parse::<i64>().unwrap() * 100 + sign * frac.parse::<i64>().unwrap()
    };
    assert_eq!(cents(&after["balance"]) - cents(&before["balance"]), 5000);
    for bad in ["0", "-3", "12.345", "douze"] {
        let mut refused = args;
        refused[7] = bad;
        let output = portail(&db, &refused);
        assert_eq!(output.status.code(), Some(1), "{bad} accepted");
        assert!(!output.stderr.is_empty());
    }
    assert_eq!(
        balance(&db)["balance"],
        after["balance"],
        "refused payments changed nothing"
    );
    // The history of this month lists the new cheque with its number.
    let history = stdout(&portail(
        &db,
        &["history", "payments", "--family", "dupont", "--json"],
    ));
    assert!(history.contains("124457"));
    assert_eq!(portail(&db, &["audit", "verify"]).status.code(), Some(0));
}

/// The payload of the last event of the log.
fn last_payload(db: &Path) -> Value {
    let export = stdout(&portail(db, &["events", "export"]));
    let last: Value = serde_json::from_str(export.lines().last().unwrap()).unwrap();
    last["payload"].clone()
}

#[test]
fn a_typed_amount_outside_the_grammar_is_refused_in_french_and_records_nothing() {
    // Given the demo world
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("grammar.db");
    assert!(portail(&db, &["demo"]).status.success());
    let events = event_count(&db);
    let record = |amount: &str| {
        portail(
            &db,
            &[
                "payments", "record", "--family", "dupont", "--wallet", "pe2m", "--amount", amount,
                "--mode", "ESP",
            ],
        )
    };
    // When staff type an exponent, a sign, an inner space, or more than the maximum
    for (bad, message) in [
        ("1e3", "« 1e3 » n'est pas un montant"),
        ("1E2", "« 1E2 » n'est pas un montant"),
        ("+5", "« +5 » n'est pas un montant"),
        ("1 000", "« 1 000 » n'est pas un montant"),
        ("5.", "« 5. » n'est pas un montant"),
        (
            "100000.01",
            "« 100000.01 » dépasse le montant maximal de 100000.00 €",
        ),
    ] {
        let output = record(bad);
        // Then the command fails with the French reason and nothing is recorded
        assert_eq!(output.status.code(), Some(1), "{bad} accepted");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(message), "{bad}: {stderr}");
        assert_eq!(event_count(&db), events, "{bad} recorded something");
    }
    // And a whole amount, typed with a comma or not, is written with two decimals
    for (typed, written) in [("5", "5.00"), ("7,5", "7.50")] {
        assert!(record(typed).status.success(), "{typed}");
        let payload = last_payload(&db);
        assert_eq!(payload["amount"], json!(written), "{payload}");
    }
}

#[test]
fn verify_names_a_read_model_row_changed_behind_the_system() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("rm.db");
    assert!(portail(&db, &["demo"]).status.success());
    let intact = portail(&db, &["audit", "verify", "--json"]);
    assert_eq!(intact.status.code(), Some(0), "{}", stdout(&intact));
    let report: Value = serde_json::from_str(stdout(&intact).trim()).unwrap();
    assert_eq!(report["read_models"], json!("identical"));
    let conn = Connection::open(&db).unwrap();
    conn.execute(
        "UPDATE wallet_balances SET balance = '999.00' WHERE balance LIKE '-%'",
        [],
    )
    .unwrap();
    drop(conn);
    let output = portail(&db, &["audit", "verify", "--json"]);
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_str(stdout(&output).trim()).unwrap();
    assert_eq!(report["chain"], json!("intact"));
    assert_eq!(report["read_models"], json!("different"));
    assert_eq!(report["difference"]["table"], json!("wallet_balances"));
    assert!(
        report["difference"]["live_row"]
            .as_str()
            .unwrap()
            .contains("999.00")
    );
}

#[test]
fn an_export_checks_offline_and_a_changed_line_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("export.db");
    assert!(portail(&db, &["demo"]).status.success());
    let export = stdout(&portail(&db, &["events", "export"]));
    let file = dir.path().join("export.jsonl");
    std::fs::write(&file, &export).unwrap();
    // No database is needed: point --db at a path that does not exist.
    let nowhere = dir.path().join("absent").join("none.db");
    let check = portail(
        &nowhere,
        &["events", "import-check", file.to_str().unwrap(), "--json"],
    );
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
    let report: Value = serde_json::from_str(stdout(&check).trim()).unwrap();
    assert_eq!(report["lines"], report["chained"]);
    assert!(!nowhere.exists(), "the offline check created no database");

    // Change one amount in the middle of the file: that line is named.
    let mut lines: Vec<String> = export.lines().map(str::to_owned).collect();
    let target = lines
        .iter()
        .position(|l| l.contains("\"PaymentRecorded\""))
        .unwrap();
    lines[target] = lines[target].replace("\"90.00\"", "\"900.00\"");
    std::fs::write(&file, lines.join("\n")).unwrap();
    let check = portail(
        &nowhere,
        &["events", "import-check", file.to_str().unwrap()],
    );
    assert_eq!(check.status.code(), Some(1));
    assert!(
        stdout(&check).contains(&format!("position {}", target + 1)),
        "{}",
        stdout(&check)
    );

    // A filtered export: the family's events only, still valid, with gaps.
    let family = stdout(&portail(&db, &["events", "export", "--family", "dupont"]));
    assert!(family.lines().count() > 10 && family.lines().count() < export.lines().count());
    let families: Value =
        serde_json::from_str(&stdout(&portail(&db, &["families", "list", "--json"]))).unwrap();
    let dupont = families
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["login"] == "dupont")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for line in family.lines() {
        let event: Value = serde_json::from_str(line).unwrap();
        assert!(
            event["stream"] == json!(format!("family-{dupont}"))
                || event["payload"].to_string().contains(&dupont),
            "not dupont's: {line}"
        );
    }
    std::fs::write(&file, &family).unwrap();
    assert_eq!(
        portail(
            &nowhere,
            &["events", "import-check", file.to_str().unwrap()]
        )
        .status
        .code(),
        Some(0)
    );
    let payments = stdout(&portail(
        &db,
        &["events", "export", "--type", "PaymentRecorded"],
    ));
    assert_eq!(payments.lines().count(), 2);
}

/// A backup taken while another process writes restores to a database that verifies.
#[test]
fn a_backup_taken_during_writes_restores_and_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("live.db");
    assert!(portail(&db, &["demo"]).status.success());
    let writer_db = db.clone();
    let writer = std::thread::spawn(move || {
        for n in 0..40 {
            let amount = format!("{}.{:02}", 1 + n, n);
            let args = [
                "payments", "record", "--family", "martin", "--wallet", "pe2m", "--amount",
                &amount, "--mode", "ESP",
            ];
            assert!(portail(&writer_db, &args).status.success());
        }
    });
    std::thread::sleep(std::time::Duration::from_millis(300));
    let backup = dir.path().join("backup.db");
    let taken = portail(&db, &["backup", "--to", backup.to_str().unwrap()]);
    assert!(
        taken.status.success(),
        "{}",
        String::from_utf8_lossy(&taken.stderr)
    );
    writer.join().unwrap();
    // A second backup to the same file is refused.
    assert_eq!(
        portail(&db, &["backup", "--to", backup.to_str().unwrap()])
            .status
            .code(),
        Some(1)
    );

    let restored = dir.path().join("restored.db");
    let output = portail(&restored, &["restore", "--from", backup.to_str().unwrap()]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        stdout(&output),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout(&output).contains("Chaîne intacte"));
    assert!(stdout(&output).contains("identiques"));
    // Restoring over a database with events needs --force.
    let again = portail(&restored, &["restore", "--from", backup.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(1));
    let forced = portail(
        &restored,
        &["restore", "--from", backup.to_str().unwrap(), "--force"],
    );
    assert_eq!(forced.status.code(), Some(0));
}

/// Fills the demo with `n` more payment events through the application, quickly.
fn many_events(db: &Path, n: u32) {
    use std::sync::Arc;
    let app = app::App::open(db, Arc::new(app::SystemClock)).unwrap();
    let family = domain::ids::FamilyId(domain::ids::derive_id("family", "martin"));
    let wallet = domain::ids::WalletId(domain::ids::derive_id("wallet", "pe2m"));
    for chunk in 0..(n / 1000) {
        app.execute("test:fixture", move |command| {
            for i in 0..1000 {
                command.emit(domain::event::payloads::PaymentRecorded {
                    payment_id: domain::ids::PaymentId(uuid::Uuid::now_v7()),
                    family_id: family,
                    wallet_id: wallet,
                    amount: domain::Money::from_cents(i64::from(100 + chunk * 1000 + i)),
                    mode: domain::values::PaymentMode::Transfer,
                    paid_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
                })?;
            }
            Ok(())
        })
        .unwrap();
    }
}

#[test]
fn a_rebuild_repairs_a_read_model_and_a_killed_rebuild_leaves_the_live_models_intact() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("rebuild.db");
    assert!(portail(&db, &["demo"]).status.success());
    many_events(&db, 20_000);
    // A killed rebuild: the live models are untouched and still verify.
    let mut child = Command::new(env!("CARGO_BIN_EXE_portail"))
        .args(["--db", db.to_str().unwrap(), "rebuild", "--batch", "200"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(150));
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(portail(&db, &["audit", "verify"]).status.code(), Some(0));

    // A read model changed behind the system's back is repaired by a rebuild.
    let conn = Connection::open(&db).unwrap();
    conn.execute("UPDATE wallet_balances SET balance = '999.00'", [])
        .unwrap();
    drop(conn);
    assert_eq!(portail(&db, &["audit", "verify"]).status.code(), Some(1));
    let rebuilt = portail(&db, &["rebuild"]);
    assert!(
        rebuilt.status.success(),
        "{}",
        String::from_utf8_lossy(&rebuilt.stderr)
    );
    assert!(stdout(&rebuilt).contains("événements rejoués"));
    assert_eq!(portail(&db, &["audit", "verify"]).status.code(), Some(0));
    assert!(!std::path::PathBuf::from(format!("{}.rebuild", db.display())).exists());
    // The outbox is not a read model: nothing to send again.
    let outbox: Value =
        serde_json::from_str(&stdout(&portail(&db, &["mail", "outbox", "--json"]))).unwrap();
    assert_eq!(outbox.as_array().unwrap().len(), 0);
}

/// Writes during a rebuild: afterwards live = rebuilt = replayed.
#[test]
fn a_rebuild_concurrent_with_writes_ends_equal_to_a_replay() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("concurrent.db");
    assert!(portail(&db, &["demo"]).status.success());
    many_events(&db, 10_000);
    let writer_db = db.clone();
    let writer = std::thread::spawn(move || {
        for n in 0..15 {
            let amount = format!("{}.00", 2 + n);
            let args = [
                "payments", "record", "--family", "dupont", "--wallet", "pe2m", "--amount",
                &amount, "--mode", "CH",
            ];
            assert!(portail(&writer_db, &args).status.success());
        }
    });
    let rebuilt = portail(&db, &["rebuild", "--batch", "500"]);
    writer.join().unwrap();
    assert!(
        rebuilt.status.success(),
        "{}",
        String::from_utf8_lossy(&rebuilt.stderr)
    );
    let verify = portail(&db, &["audit", "verify", "--json"]);
    let report: Value = serde_json::from_str(stdout(&verify).trim()).unwrap();
    assert_eq!(report["read_models"], json!("identical"), "{report}");
    assert_eq!(verify.status.code(), Some(0));
}

/// What the family owed at an instant, recomputed from the log, is what was shown then.
/// Before the first family was registered, a replay of every family shows none (and does not
/// stop on the families that did not exist yet).
#[test]
fn audit_replay_before_the_families_existed_leaves_them_out_and_succeeds() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("replay-early.db");
    assert!(portail(&db, &["demo"]).status.success());
    let replay = portail(&db, &["audit", "replay", "--position", "1", "--json"]);
    assert!(
        replay.status.success(),
        "{}",
        String::from_utf8_lossy(&replay.stderr)
    );
    let report: Value = serde_json::from_str(&stdout(&replay)).unwrap();
    assert_eq!(report, json!([]));
}

#[test]
fn audit_replay_at_an_instant_gives_the_balance_shown_at_that_time() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("replay.db");
    assert!(portail(&db, &["demo"]).status.success());
    let shown_then = balance(&db)["balance"].clone();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let then = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    std::thread::sleep(std::time::Duration::from_millis(20));
    let args = [
        "payments", "record", "--family", "dupont", "--wallet", "pe2m", "--amount", "25.00",
        "--mode", "ESP",
    ];
    assert!(portail(&db, &args).status.success());
    assert_ne!(balance(&db)["balance"], shown_then);

    let replay = portail(
        &db,
        &[
            "audit",
            "replay",
            "--at",
            &then,
            "--family",
            "dupont",
            "--explain",
            "--json",
        ],
    );
    assert!(
        replay.status.success(),
        "{}",
        String::from_utf8_lossy(&replay.stderr)
    );
    let report: Value = serde_json::from_str(&stdout(&replay)).unwrap();
    let dupont = &report[0];
    assert_eq!(dupont["login"], json!("dupont"));
    assert_eq!(dupont["balance"], shown_then);
    // The movements explain the figure: they add up to it.
    let total: i64 = dupont["movements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let text = m["amount"].as_str().unwrap();
            let negative = text.starts_with('-');
            let (whole, cents) = text.trim_start_matches('-').split_once('.').unwrap();
            let value = whole.parse::<i64>().unwrap() * 100 + cents.parse::<i64>().unwrap();
            if negative { -value } else { value }
        })
        .sum();
    let shown = shown_then.as_str().unwrap();
    let (whole, cents) = shown.trim_start_matches('-').split_once('.').unwrap();
    let shown_cents = (whole.parse::<i64>().unwrap() * 100 + cents.parse::<i64>().unwrap())
        * if shown.starts_with('-') { -1 } else { 1 };
    assert_eq!(total, shown_cents);
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The last event of the log, as `events export` prints it.
fn last_event(db: &Path) -> Value {
    let export = stdout(&portail(db, &["events", "export"]));
    serde_json::from_str(export.lines().last().unwrap()).unwrap()
}

/// A consumption typed by staff follows the opening calendar and the activity's ages, like a
/// booking; `--force` records a staff-approved exception, named in the event's metadata.
#[test]
fn a_staff_consumption_on_a_closed_day_or_outside_the_ages_needs_force_which_the_log_keeps() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("staff.db");
    assert!(portail(&db, &["import", EXAMPLE]).status.success());
    let record = |child: &str, day: &str, extra: &[&str]| {
        let mut args = vec![
            "consumptions",
            "record",
            "--family",
            "dupont",
            "--child",
            child,
            "--activity",
            "alsh-6-12-matin",
            "--day",
            day,
        ];
        args.extend_from_slice(extra);
        portail(&db, &args)
    };
    let events = event_count(&db);

    // Given Thursday 7 January 2027, which the Wednesdays' period does not open
    let closed = record("lilou", "2027-01-07", &[]);
    assert_eq!(closed.status.code(), Some(1), "{}", stdout(&closed));
    assert!(
        stderr(&closed).contains("Ce jour n'est pas ouvert"),
        "{}",
        stderr(&closed)
    );
    assert!(stderr(&closed).contains("--force"), "{}", stderr(&closed));
    assert_eq!(
        event_count(&db),
        events,
        "a refused consumption writes nothing"
    );

    // Given Antoine, 5 years old, on the 6-12 activity of an open Wednesday
    let too_young = record("antoine", "2027-01-13", &[]);
    assert_eq!(too_young.status.code(), Some(1));
    assert!(
        stderr(&too_young).contains("Antoine a 5 ans"),
        "{}",
        stderr(&too_young)
    );
    assert_eq!(event_count(&db), events);

    // Both at once: both rules are named
    let both = record("antoine", "2027-01-07", &[]);
    assert_eq!(both.status.code(), Some(1));
    assert!(stderr(&both).contains("Ce jour n'est pas ouvert"));
    assert!(stderr(&both).contains("Antoine a 5 ans"));

    // With --force the exception is recorded, and the log says which rules were set aside
    let forced = record("antoine", "2027-01-07", &["--force"]);
    assert_eq!(forced.status.code(), Some(0), "{}", stderr(&forced));
    assert!(stdout(&forced).contains("Exception"), "{}", stdout(&forced));
    assert!(stdout(&forced).contains("Consommation enregistrée : 1 × 10.35 €"));
    let event = last_event(&db);
    assert_eq!(event["type"], json!("ConsumptionRecorded"), "{event}");
    assert_eq!(
        event["metadata"]["overrides"],
        json!(["day_closed", "age_out_of_range"]),
        "{event}"
    );

    // An ordinary consumption carries no exception
    let ordinary = record("lilou", "2027-01-13", &[]);
    assert_eq!(ordinary.status.code(), Some(0), "{}", stderr(&ordinary));
    let event = last_event(&db);
    assert_eq!(event["type"], json!("ConsumptionRecorded"));
    assert!(event["metadata"].get("overrides").is_none(), "{event}");
    assert_eq!(portail(&db, &["audit", "verify"]).status.code(), Some(0));
}

fn sha256_of(path: &Path) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(std::fs::read(path).unwrap()))
}

/// A demo database and a backup of it with its `.sha256`.
fn database_and_backup(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let db = dir.join("live.db");
    assert!(portail(&db, &["demo"]).status.success());
    let backup = dir.join("backup.db");
    let taken = portail(&db, &["backup", "--to", backup.to_str().unwrap()]);
    assert!(taken.status.success(), "{}", stderr(&taken));
    (db, backup)
}

#[test]
fn a_backup_writes_its_sha256_beside_it_in_sha256sum_format() {
    let dir = tempfile::tempdir().unwrap();
    let (_, backup) = database_and_backup(dir.path());
    let sidecar = std::fs::read_to_string(dir.path().join("backup.db.sha256")).unwrap();
    assert_eq!(sidecar, format!("{}  backup.db\n", sha256_of(&backup)));
}

/// A tampered backup is refused before anything is replaced: the live database stays as it was,
/// byte for byte, and still verifies.
#[test]
fn restore_force_refuses_a_tampered_backup_and_leaves_the_target_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let (db, backup) = database_and_backup(dir.path());
    // Given a backup whose event at position 5 was changed behind the store, and no checksum
    // beside it to give it away
    let _ = std::fs::remove_file(dir.path().join("backup.db.sha256"));
    let conn = Connection::open(&backup).unwrap();
    conn.execute_batch("DROP TRIGGER events_refuse_update")
        .unwrap();
    conn.execute(
        "UPDATE events SET payload = json_set(payload, '$.label', 'Falsifié') WHERE position = 5",
        [],
    )
    .unwrap();
    drop(conn);
    let before = sha256_of(&db);
    let head = last_event(&db)["position"].clone();

    // When it is restored over the live database with --force
    let output = portail(
        &db,
        &["restore", "--from", backup.to_str().unwrap(), "--force"],
    );

    // Then it is refused in French, and the live database is unchanged
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    assert!(
        !stdout(&output).contains("Base restaurée"),
        "{}",
        stdout(&output)
    );
    assert!(
        stderr(&output).contains("Chaîne rompue à la position 5"),
        "{}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains("n'a pas été modifiée"),
        "{}",
        stderr(&output)
    );
    assert_eq!(sha256_of(&db), before, "the target's bytes changed");
    assert_eq!(last_event(&db)["position"], head);
    assert_eq!(portail(&db, &["audit", "verify"]).status.code(), Some(0));
    // No scratch file is left behind
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("restauration"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn restore_refuses_a_backup_that_does_not_match_its_sha256() {
    let dir = tempfile::tempdir().unwrap();
    let (db, backup) = database_and_backup(dir.path());
    let sidecar = dir.path().join("backup.db.sha256");
    // Given a checksum that is not the backup's
    std::fs::write(&sidecar, format!("{}  backup.db\n", "0".repeat(64))).unwrap();
    let before = sha256_of(&db);
    let output = portail(
        &db,
        &["restore", "--from", backup.to_str().unwrap(), "--force"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    assert!(
        stderr(&output).contains("ne correspond pas à son empreinte"),
        "{}",
        stderr(&output)
    );
    assert_eq!(sha256_of(&db), before);
    // A checksum file that is not one is refused too
    std::fs::write(&sidecar, "pas une empreinte\n").unwrap();
    let output = portail(
        &db,
        &["restore", "--from", backup.to_str().unwrap(), "--force"],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("illisible"), "{}", stderr(&output));
    assert_eq!(sha256_of(&db), before);
}

/// A good backup replaces a database that moved on since: the events written after it are gone
/// and the result verifies.
#[test]
fn restore_force_puts_a_good_backup_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let (db, backup) = database_and_backup(dir.path());
    let at_backup = last_event(&db)["position"].clone();
    let paid = portail(
        &db,
        &[
            "payments", "record", "--family", "martin", "--wallet", "pe2m", "--amount", "12.00",
            "--mode", "ESP",
        ],
    );
    assert!(paid.status.success(), "{}", stderr(&paid));
    assert_ne!(last_event(&db)["position"], at_backup);

    let output = portail(
        &db,
        &["restore", "--from", backup.to_str().unwrap(), "--force"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("Base restaurée"));
    assert!(stdout(&output).contains("Chaîne intacte"));
    assert_eq!(last_event(&db)["position"], at_backup);
    assert_eq!(portail(&db, &["audit", "verify"]).status.code(), Some(0));
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("restauration"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// A transmission with nothing new says so, with the cut-off everything is transmitted up to;
/// one asked for earlier than the last one is refused.
#[test]
fn transmit_says_when_there_is_nothing_new_and_refuses_a_cut_off_before_the_last_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("transmit.db");
    assert!(portail(&db, &["demo"]).status.success());
    // Given the demo's pending requests, transmitted once
    let first = portail(&db, &["transmit", "--json"]);
    assert_eq!(first.status.code(), Some(0));
    let first: Value = serde_json::from_str(stdout(&first).trim()).unwrap();
    assert_eq!(first["nothing_new"], json!(false), "{first}");
    assert!(first["previous_cut_off"].is_string(), "{first}");
    let cut_off = first["cut_off"].as_str().unwrap().to_owned();

    // When the staff transmits again at the same cut-off
    let again = portail(&db, &["transmit", "--at", &cut_off]);
    // Then it says there is nothing new, up to when, and succeeds
    assert_eq!(again.status.code(), Some(0));
    let text = stdout(&again);
    assert!(
        text.contains("Rien de nouveau à transmettre : tout est déjà transmis jusqu'au "),
        "{text}"
    );
    assert!(!text.contains("mouvement(s)"), "{text}");
    // And --json carries the previous cut-off
    let again = portail(&db, &["transmit", "--at", &cut_off, "--json"]);
    let again: Value = serde_json::from_str(stdout(&again).trim()).unwrap();
    assert_eq!(again["nothing_new"], json!(true), "{again}");
    let previous =
        chrono::DateTime::parse_from_rfc3339(again["previous_cut_off"].as_str().unwrap()).unwrap();
    let asked = chrono::DateTime::parse_from_rfc3339(&cut_off).unwrap();
    assert_eq!(previous.timestamp(), asked.timestamp(), "{again}");

    // When the staff asks for a cut-off before the last transmission's
    let head = portail(&db, &["events", "export"]).stdout.len();
    let earlier = (asked - chrono::Duration::hours(1)).to_rfc3339();
    let refused = portail(&db, &["transmit", "--at", &earlier]);
    // Then it is refused with the reason, and nothing is recorded
    assert_eq!(refused.status.code(), Some(1));
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(
        message.contains("antérieure à celle de la dernière transmission"),
        "{message}"
    );
    assert_eq!(portail(&db, &["events", "export"]).stdout.len(), head);
}

#[test]
fn serve_help_and_the_operations_guide_describe_the_payfip_modes_as_the_code_does() {
    // Given the modes as the code sends them to PayFiP (T test, X activation, W production)
    let dir = tempfile::tempdir().unwrap();
    let help = portail(&dir.path().join("unused.db"), &["serve", "--help"]);
    assert!(help.status.success());
    let help = stdout(&help);
    let guide = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/operations.md"
    ))
    .unwrap();
    // Then `serve --help` gives each mode its meaning
    for mode in payment::PayfipMode::ALL {
        let line = format!("{} = {}", mode.code(), mode.meaning());
        assert!(
            help.contains(&line),
            "serve --help lacks « {line} »:\n{help}"
        );
    }
    // And the operations guide lists exactly the code's modes, in order
    let block = guide
        .split_once("<!-- payfip-modes")
        .and_then(|(_, rest)| rest.split_once("-->"))
        .and_then(|(_, rest)| rest.split_once("<!-- /payfip-modes -->"))
        .map(|(block, _)| block.trim().to_owned())
        .expect("docs/operations.md has a payfip-modes block");
    let expected: Vec<String> = payment::PayfipMode::ALL
        .iter()
        .map(|mode| format!("- `{}` = {}", mode.code(), mode.meaning()))
        .collect();
    assert_eq!(block, expected.join("\n"));
    // And no text pairs a letter with another mode's meaning (« X = production »)
    let word = |mode: payment::PayfipMode| mode.meaning().split(' ').next().unwrap().to_owned();
    for (name, text) in [("serve --help", &help), ("docs/operations.md", &guide)] {
        for letter in payment::PayfipMode::ALL {
            for other in payment::PayfipMode::ALL
                .into_iter()
                .filter(|m| *m != letter)
            {
                for wrong in [
                    format!("{} = {}", letter.code(), word(other)),
                    format!("{}: {}", letter.code(), word(other)),
                    format!("{} ({})", letter.code(), word(other)),
                ] {
                    assert!(!text.contains(&wrong), "{name} says « {wrong} »");
                }
            }
        }
    }
    // And the endpoint it names is the one the code calls, not the old TIPI service
    assert!(
        !guide.to_lowercase().contains("tipi"),
        "the guide names TIPI"
    );
    assert!(guide.contains(payment::payfip::PRODUCTION_ENDPOINT));
}

/// The demo, then a cheque of 50.00 recorded at the desk for the Dupont family; returns the
/// cheque's position in the log.
fn demo_with_a_cheque_of_50(db: &Path) -> u64 {
    assert!(portail(db, &["demo"]).status.success());
    let recorded = portail(
        db,
        &[
            "payments",
            "record",
            "--family",
            "dupont",
            "--wallet",
            "pe2m",
            "--amount",
            "50.00",
            "--mode",
            "CH",
            "--number",
            "124457",
            "--bank",
            "LBP",
            "--payer",
            "DUPONT Jean-Paul",
        ],
    );
    assert!(recorded.status.success(), "{}", stderr(&recorded));
    let cheque = last_event(db);
    assert_eq!(cheque["payload"]["amount"], json!("50.00"), "{cheque}");
    cheque["position"].as_u64().unwrap()
}

/// Someone with write access to the file turns the amount of the event at `position` into
/// `amount` (dropping the guard the store installs).
fn tamper_amount(db: &Path, position: u64, amount: &str) {
    let conn = Connection::open(db).unwrap();
    conn.execute_batch("DROP TRIGGER IF EXISTS events_refuse_update")
        .unwrap();
    conn.execute(
        "UPDATE events SET payload = json_set(payload, '$.amount', ?1) WHERE position = ?2",
        rusqlite::params![amount, position as i64],
    )
    .unwrap();
}

/// … and then recomputes every hash from `from` to the end, and the kept head, as the published
/// chain rule allows: the chain verifies again.
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
    let mut statement = conn
        .prepare(
            "SELECT position, event_id, stream_id, stream_version, event_type, schema_version, payload, metadata, recorded_at
             FROM events WHERE position >= ?1 ORDER BY position",
        )
        .unwrap();
    let mut rows = statement.query([from as i64]).unwrap();
    let mut updates: Vec<(i64, String, [u8; 32])> = Vec::new();
    while let Some(row) = rows.next().unwrap() {
        let position: i64 = row.get(0).unwrap();
        let event_id: String = row.get(1).unwrap();
        let stream: String = row.get(2).unwrap();
        let version: i64 = row.get(3).unwrap();
        let kind: String = row.get(4).unwrap();
        let schema: i64 = row.get(5).unwrap();
        let payload: String = row.get(6).unwrap();
        let metadata: String = row.get(7).unwrap();
        let at: String = row.get(8).unwrap();
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
        updates.push((position, payload, hash));
        previous = hash;
    }
    drop(rows);
    drop(statement);
    for (position, payload, hash) in updates {
        conn.execute(
            "UPDATE events SET payload = ?1, hash = ?2 WHERE position = ?3",
            rusqlite::params![payload, hash.as_slice(), position],
        )
        .unwrap();
    }
    conn.execute(
        "UPDATE chain_head SET hash = ?1 WHERE singleton = 1",
        [previous.as_slice()],
    )
    .unwrap();
}

#[test]
fn rebuild_refuses_a_tampered_log_and_leaves_the_balances_as_they_were() {
    // Given the demo with a cheque of 50.00, edited to 5000.00 behind the store
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("rebuild.db");
    let cheque = demo_with_a_cheque_of_50(&db);
    let before = balance(&db)["balance"].clone();
    tamper_amount(&db, cheque, "5000.00");

    // When staff runs a rebuild
    let output = portail(&db, &["rebuild"]);

    // Then it is refused, in French, naming the position, and the balance is unchanged
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let err = stderr(&output);
    assert!(
        err.contains(&format!("Chaîne rompue à la position {cheque}")),
        "{err}"
    );
    assert!(err.contains("Reconstruction refusée"), "{err}");
    assert!(err.contains("restaurez la dernière sauvegarde"), "{err}");
    assert_eq!(balance(&db)["balance"], before);
}

#[test]
fn audit_verify_says_restore_for_a_broken_chain_and_rebuild_for_a_differing_read_model() {
    // Given the demo whose balance read model was changed behind the system (log intact)
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("advice.db");
    let cheque = demo_with_a_cheque_of_50(&db);
    Connection::open(&db)
        .unwrap()
        .execute(
            "UPDATE wallet_balances SET balance = '999.00' WHERE balance LIKE '-%'",
            [],
        )
        .unwrap();
    // When it is verified, Then the advice is to rebuild
    let output = portail(&db, &["audit", "verify"]);
    assert_eq!(output.status.code(), Some(1));
    let out = stdout(&output);
    assert!(out.contains("À faire : le journal est intact"), "{out}");
    assert!(out.contains("portail rebuild"), "{out}");
    let json: Value =
        serde_json::from_str(stdout(&portail(&db, &["audit", "verify", "--json"])).trim()).unwrap();
    assert_eq!(json["action"], json!("rebuild"));

    // Given now the cheque edited in the log as well
    tamper_amount(&db, cheque, "5000.00");
    // When it is verified, Then the advice is to restore the last good backup, not to rebuild
    let output = portail(&db, &["audit", "verify"]);
    assert_eq!(output.status.code(), Some(1));
    let out = stdout(&output);
    assert!(
        out.contains(&format!("Chaîne rompue à la position {cheque}")),
        "{out}"
    );
    assert!(out.contains("restaurez la dernière sauvegarde"), "{out}");
    assert!(out.contains("Ne lancez pas portail rebuild"), "{out}");
    assert!(!out.contains("À faire : le journal est intact"), "{out}");
    let json: Value =
        serde_json::from_str(stdout(&portail(&db, &["audit", "verify", "--json"])).trim()).unwrap();
    assert_eq!(json["action"], json!("restore_backup"));
    assert_eq!(json["position"], json!(cheque));
}

#[test]
fn serve_refuses_to_start_on_a_tampered_log_naming_the_position_and_the_runbook() {
    // Given a log whose cheque was edited behind the store
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("serve.db");
    let cheque = demo_with_a_cheque_of_50(&db);
    tamper_amount(&db, cheque, "5000.00");
    let head = last_event(&db)["position"].clone();

    // When the service is started
    let mut child = Command::new(env!("CARGO_BIN_EXE_portail"))
        .arg("--db")
        .arg(&db)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .current_dir(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > std::time::Duration::from_secs(30) {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let output = child.wait_with_output().unwrap();

    // Then it exits non-zero with a French message naming the position and the runbook section
    let status = status.expect("serve kept running on a tampered log");
    assert_eq!(status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("Le portail ne démarre pas"), "{err}");
    assert!(
        err.contains(&format!("Chaîne rompue à la position {cheque}")),
        "{err}"
    );
    assert!(err.contains("docs/operations.md § 7"), "{err}");
    // And nothing was appended
    assert_eq!(last_event(&db)["position"], head);
}

#[test]
fn no_command_appends_to_a_broken_chain() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("append.db");
    let cheque = demo_with_a_cheque_of_50(&db);
    tamper_amount(&db, cheque, "5000.00");
    let head = last_event(&db)["position"].clone();
    let output = portail(
        &db,
        &[
            "payments",
            "record",
            "--family",
            "dupont",
            "--wallet",
            "pe2m",
            "--amount",
            "10.00",
            "--mode",
            "CH",
            "--number",
            "124458",
            "--bank",
            "LBP",
            "--payer",
            "DUPONT Jean-Paul",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("Rien n'a été enregistré"), "{err}");
    assert!(
        err.contains(&format!("Chaîne rompue à la position {cheque}")),
        "{err}"
    );
    assert_eq!(last_event(&db)["position"], head);
}

#[test]
fn a_dropped_trigger_is_back_after_the_next_command() {
    let dir = tempfile::tempdir().unwrap();
    let db = database_with_events(dir.path(), 3);
    Connection::open(&db)
        .unwrap()
        .execute_batch("DROP TRIGGER events_refuse_update")
        .unwrap();
    assert_eq!(portail(&db, &["audit", "verify"]).status.code(), Some(0));
    let refused = Connection::open(&db)
        .unwrap()
        .execute("UPDATE events SET payload = payload WHERE position = 1", [])
        .unwrap_err();
    assert!(refused.to_string().contains("append-only"), "{refused}");
}

#[test]
fn an_anchor_proves_the_log_was_rewritten_even_with_every_hash_recomputed() {
    // Given the demo with a cheque, a key made outside the database, and an anchor of the head
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("anchor.db");
    let cheque = demo_with_a_cheque_of_50(&db);
    let key = dir.path().join("ancre.key");
    let made = portail(
        &db,
        &["audit", "anchor", "--new-key", key.to_str().unwrap()],
    );
    assert!(made.status.success(), "{}", stderr(&made));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the private key is readable by its owner only");
    }
    let public = std::fs::read_to_string(dir.path().join("ancre.key.pub")).unwrap();
    assert!(stdout(&made).contains(public.trim()), "{}", stdout(&made));
    let anchors = dir.path().join("ancres.jsonl");
    let anchored = portail(
        &db,
        &[
            "audit",
            "anchor",
            "--key",
            key.to_str().unwrap(),
            "--anchors",
            anchors.to_str().unwrap(),
            "--mail-to",
            "auditeur@exemple.fr",
        ],
    );
    assert!(anchored.status.success(), "{}", stderr(&anchored));
    let line: Value = serde_json::from_str(
        std::fs::read_to_string(&anchors)
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    let head = last_event(&db)["position"].as_u64().unwrap();
    assert_eq!(line["position"], json!(head));
    for field in ["hash", "instant", "signature", "key_id"] {
        assert!(line[field].is_string(), "{field}: {line}");
    }
    let outbox = stdout(&portail(&db, &["mail", "outbox"]));
    assert!(outbox.contains("auditeur@exemple.fr"), "{outbox}");
    let verify_anchors = |db: &Path| {
        portail(
            db,
            &[
                "audit",
                "verify",
                "--anchors",
                anchors.to_str().unwrap(),
                "--public-key",
                public.trim(),
            ],
        )
    };
    let holds = verify_anchors(&db);
    assert_eq!(holds.status.code(), Some(0), "{}", stdout(&holds));
    assert!(
        stdout(&holds).contains("Ancres vérifiées : 1 ancre(s)"),
        "{}",
        stdout(&holds)
    );

    // When the cheque is edited to 5000.00 and every hash after it recomputed, head included
    tamper_amount(&db, cheque, "5000.00");
    recompute_hashes_from(&db, cheque);
    // (the chain alone no longer tells: that is the hole)
    let chain_only = portail(&db, &["audit", "verify", "--json"]);
    let report: Value = serde_json::from_str(stdout(&chain_only).trim()).unwrap();
    assert_eq!(report["chain"], json!("intact"), "{report}");

    // Then the anchors prove the rewrite, naming the anchor
    let output = verify_anchors(&db);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let out = stdout(&output);
    assert!(
        out.contains(&format!("Ancre n° 1 (position {head}")),
        "{out}"
    );
    assert!(out.contains("RÉÉCRIT"), "{out}");
    assert!(out.contains("restaurez la dernière sauvegarde"), "{out}");
}

#[test]
fn a_key_file_is_never_overwritten_and_an_edited_anchor_does_not_verify() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("empty.db");
    let key = dir.path().join("k");
    assert!(
        portail(
            &db,
            &["audit", "anchor", "--new-key", key.to_str().unwrap()]
        )
        .status
        .success()
    );
    let again = portail(
        &db,
        &["audit", "anchor", "--new-key", key.to_str().unwrap()],
    );
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("existe déjà"), "{}", stderr(&again));
    let anchors = dir.path().join("a.jsonl");
    assert!(
        portail(
            &db,
            &[
                "audit",
                "anchor",
                "--key",
                key.to_str().unwrap(),
                "--anchors",
                anchors.to_str().unwrap()
            ],
        )
        .status
        .success()
    );
    let text = std::fs::read_to_string(&anchors).unwrap();
    let mut line: Value = serde_json::from_str(text.trim()).unwrap();
    line["instant"] = json!("2020-01-01T00:00:00Z");
    std::fs::write(&anchors, format!("{line}\n")).unwrap();
    let public = dir.path().join("k.pub");
    let output = portail(
        &db,
        &[
            "audit",
            "verify",
            "--anchors",
            anchors.to_str().unwrap(),
            "--public-key",
            public.to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("signature invalide"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn a_payment_is_cancelled_only_with_a_reason_and_the_balance_comes_back() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cancel.db");
    assert!(portail(&db, &["demo"]).status.success());
    let before = balance(&db)["balance"].clone();
    let args = [
        "payments", "record", "--family", "dupont", "--wallet", "pe2m", "--amount", "25.00",
        "--mode", "ESP",
    ];
    let recorded = stdout(&portail(&db, &args));
    let id = recorded
        .split("enregistré : ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap()
        .to_owned();
    let events = event_count(&db);
    let without = portail(&db, &["payments", "cancel", "--payment", &id]);
    assert_eq!(without.status.code(), Some(2), "--reason is required");
    let blank = portail(
        &db,
        &["payments", "cancel", "--payment", &id, "--reason", " "],
    );
    assert_eq!(blank.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&blank.stderr).contains("motif"));
    assert_eq!(
        event_count(&db),
        events,
        "a refused cancellation writes nothing"
    );
    let cancelled = portail(
        &db,
        &[
            "payments",
            "cancel",
            "--payment",
            &id,
            "--reason",
            "Saisi deux fois",
        ],
    );
    assert!(
        cancelled.status.success(),
        "{}",
        String::from_utf8_lossy(&cancelled.stderr)
    );
    assert_eq!(balance(&db)["balance"], before);
}
