//! `portail staff …` and `--as LOGIN`.

use std::path::Path;

use serde_json::Value;

use super::{last_event, portail, stderr, stdout};

fn demo(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("portail.db");
    let built = portail(&db, &["demo"]);
    assert!(built.status.success(), "{}", stderr(&built));
    assert!(stdout(&built).contains("portail-demo-accueil"));
    db
}

fn accounts(db: &Path) -> Vec<Value> {
    let listed = portail(db, &["staff", "list", "--json"]);
    assert!(listed.status.success(), "{}", stderr(&listed));
    serde_json::from_str::<Value>(&stdout(&listed))
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn account<'a>(accounts: &'a [Value], login: &str) -> &'a Value {
    accounts.iter().find(|a| a["login"] == login).unwrap()
}

fn events(db: &Path) -> usize {
    stdout(&portail(db, &["events", "export"])).lines().count()
}

#[test]
fn staff_accounts_are_added_listed_and_disabled_and_only_demo_accounts_show_their_secret() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let added = portail(
        &db,
        &[
            "staff",
            "add",
            "--login",
            "nadia",
            "--name",
            "Nadia Martin",
            "--email",
            "nadia@exemple.fr",
            "--role",
            "accueil",
            "--role",
            "regie",
            "--structure",
            "quinsac",
        ],
    );
    assert!(added.status.success(), "{}", stderr(&added));
    assert!(stdout(&added).contains("Code d'activation"));
    let listed = accounts(&db);
    let nadia = account(&listed, "nadia");
    assert_eq!(nadia["roles"], serde_json::json!(["accueil", "regie"]));
    assert_eq!(nadia["structures"][0]["key"], "quinsac");
    assert_eq!(nadia["activated"], false);
    assert!(nadia.get("totp_secret").is_none(), "not a demo account");
    let demo_secret = account(&listed, "accueil")["totp_secret"].as_str().unwrap();
    assert_eq!(
        demo_secret,
        app::demo::DEMO_STAFF[0].totp_secret().base32(),
        "the demo secret is shown"
    );
    assert_eq!(last_event(&db)["metadata"]["actor"], "staff:cli");

    let disabled = portail(&db, &["staff", "disable", "nadia"]);
    assert!(disabled.status.success(), "{}", stderr(&disabled));
    assert_eq!(account(&accounts(&db), "nadia")["disabled"], true);
    assert_eq!(last_event(&db)["type"], "StaffAccountDisabled");

    let code = portail(&db, &["staff", "code", "accueil"]);
    assert!(code.status.success(), "{}", stderr(&code));
    assert_eq!(account(&accounts(&db), "accueil")["enrolled"], false);
}

#[test]
fn as_a_member_the_events_carry_their_id_and_without_the_permission_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let admin_id = account(&accounts(&db), "admin")["staff_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let added = portail(
        &db,
        &[
            "--as", "admin", "staff", "add", "--login", "nadia", "--name", "N", "--role", "regie",
        ],
    );
    assert!(added.status.success(), "{}", stderr(&added));
    assert_eq!(
        last_event(&db)["metadata"]["actor"],
        format!("staff:{admin_id}")
    );

    let before = events(&db);
    for args in [
        vec![
            "--as", "accueil", "staff", "add", "--login", "x", "--name", "X", "--role", "regie",
        ],
        vec!["--as", "regie", "staff", "disable", "nadia"],
        vec!["--as", "accueil", "transmit"],
        vec!["--as", "regie", "rebuild"],
    ] {
        let refused = portail(&db, &args);
        assert_eq!(refused.status.code(), Some(1), "{args:?}");
        assert!(
            stderr(&refused).contains("Votre compte ne permet pas de"),
            "{args:?}: {}",
            stderr(&refused)
        );
    }
    assert_eq!(events(&db), before, "nothing written");

    let transmitted = portail(&db, &["--as", "admin", "transmit"]);
    assert!(transmitted.status.success(), "{}", stderr(&transmitted));
    assert_eq!(
        last_event(&db)["metadata"]["actor"],
        format!("staff:{admin_id}")
    );
}

#[test]
fn as_an_unknown_or_disabled_login_is_refused_in_french() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    assert!(
        portail(&db, &["staff", "disable", "regie"])
            .status
            .success()
    );
    for login in ["personne", "regie"] {
        let refused = portail(&db, &["--as", login, "staff", "list"]);
        assert_eq!(refused.status.code(), Some(1));
        assert!(stderr(&refused).contains("Aucun compte du personnel actif"));
    }
}

#[test]
fn a_director_s_dry_run_prints_the_decisions_of_their_centres_and_accueil_gets_none() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let before = events(&db);
    let whole = portail(&db, &["transmit", "--dry-run"]);
    assert!(whole.status.success(), "{}", stderr(&whole));
    let whole = stdout(&whole);
    assert!(
        whole.starts_with("Simulation (rien n'est enregistré) :"),
        "{whole}"
    );
    let decisions: Vec<&str> = whole.lines().filter(|l| l.starts_with("  ")).collect();
    assert!(!decisions.is_empty(), "{whole}");
    assert!(
        decisions
            .iter()
            .all(|l| l.contains(" — ") && l.contains(" : ")),
        "{whole}"
    );

    // The demo's director holds both centres: the same decisions, said to be theirs.
    let directed = portail(&db, &["--as", "direction", "transmit", "--dry-run"]);
    assert!(directed.status.success(), "{}", stderr(&directed));
    let directed = stdout(&directed);
    assert!(directed.contains("Chiffres des structures de votre compte seulement."));
    let seen: Vec<&str> = directed.lines().filter(|l| l.starts_with("  ")).collect();
    assert_eq!(seen, decisions);

    let refused = portail(&db, &["--as", "accueil", "transmit", "--dry-run"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("Votre compte ne permet pas de"));
    assert_eq!(events(&db), before, "a dry run writes nothing");
}
