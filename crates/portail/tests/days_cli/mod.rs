//! `portail activities capacity` and `portail waitlist promote|move` with `--as LOGIN`: the same
//! `app::days` functions as the back office, the same refusals.

use std::path::Path;

use super::{last_event, portail, stderr, stdout};

fn events(db: &Path) -> usize {
    stdout(&portail(db, &["events", "export"])).lines().count()
}

/// The demo, and the day (AAAA-MM-JJ) its guide names for the capacity raise.
fn demo(dir: &Path) -> (std::path::PathBuf, String) {
    let db = dir.join("portail.db");
    let built = portail(&db, &["demo"]);
    assert!(built.status.success(), "{}", stderr(&built));
    let guide = stdout(&built);
    let line = guide
        .lines()
        .find(|l| l.contains("Capacité : le compte direction"))
        .expect("the guide tells the capacity raise");
    let start = line.find("/gestion/occupation/").unwrap() + "/gestion/occupation/".len();
    let day = line[start..].split(['/', ')']).nth(1).unwrap().to_owned();
    (db, day)
}

#[test]
fn a_director_raises_the_capacity_from_the_cli_lilou_gets_the_place_and_the_mail_and_accueil_is_refused()
 {
    let dir = tempfile::tempdir().unwrap();
    let (db, day) = demo(dir.path());
    let args = |reason: &'static str| {
        vec![
            "activities",
            "capacity",
            "alsh-6-12-apres-midi",
            "--from",
            day.as_str(),
            "--capacity",
            "9",
            "--waitlist",
            "2",
            "--reason",
            reason,
        ]
    };
    let before = events(&db);
    let mut refused = vec!["--as", "accueil"];
    refused.extend(args("Renfort"));
    let output = portail(&db, &refused);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let mut blank = vec!["--as", "direction"];
    blank.extend(args("  "));
    let output = portail(&db, &blank);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("Le motif est obligatoire."));
    assert_eq!(events(&db), before, "a refusal writes nothing");

    let mut raised = vec!["--as", "direction"];
    raised.extend(args("Renfort"));
    let output = portail(&db, &raised);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("1 enfant(s)"),
        "{}",
        stdout(&output)
    );
    let promoted = last_event(&db);
    assert_eq!(promoted["type"], "WaitlistPromoted");
    assert!(
        promoted["metadata"]["actor"]
            .as_str()
            .unwrap()
            .starts_with("staff:")
    );
    assert_ne!(promoted["metadata"]["actor"], "staff:cli");
    let shown = stdout(&portail(
        &db,
        &[
            "waitlist",
            "show",
            "--activity",
            "alsh-6-12-apres-midi",
            "--day",
            &day,
        ],
    ));
    assert!(
        shown.contains("9 / 9 places, liste d'attente 0 / 2"),
        "{shown}"
    );
    let outbox = stdout(&portail(&db, &["mail", "outbox"]));
    assert!(outbox.contains("waitlist_promotion"), "{outbox}");
}

#[test]
fn a_waitlist_move_reads_its_place_direction_and_reason_and_the_ends_cannot_go_further() {
    let dir = tempfile::tempdir().unwrap();
    let (db, day) = demo(dir.path());
    let shown: serde_json::Value = serde_json::from_str(&stdout(&portail(
        &db,
        &[
            "waitlist",
            "show",
            "--activity",
            "alsh-6-12-apres-midi",
            "--day",
            &day,
            "--json",
        ],
    )))
    .unwrap();
    let lilou = shown["waitlist"][0]["reservation_id"].as_str().unwrap();
    let before = events(&db);
    for direction in ["--up", "--down"] {
        let output = portail(
            &db,
            &[
                "--as",
                "direction",
                "waitlist",
                "move",
                "--place",
                lilou,
                direction,
                "--reason",
                "Fratrie",
            ],
        );
        // Alone on the waitlist, Lilou is first and last: a refusal of the rule (exit 1),
        // not of the command line (exit 2).
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    }
    let neither = portail(
        &db,
        &["waitlist", "move", "--place", lilou, "--reason", "Fratrie"],
    );
    assert_eq!(neither.status.code(), Some(2), "{}", stderr(&neither));
    let both = portail(
        &db,
        &[
            "waitlist", "move", "--place", lilou, "--up", "--down", "--reason", "Fratrie",
        ],
    );
    assert_eq!(both.status.code(), Some(2), "{}", stderr(&both));
    assert_eq!(events(&db), before, "nothing written");
}

#[test]
fn closing_a_day_from_the_cli_cancels_its_places_and_a_past_day_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (db, day) = demo(dir.path());
    let before = events(&db);
    let past = portail(
        &db,
        &[
            "--as",
            "direction",
            "activities",
            "close-day",
            "alsh-6-12-apres-midi",
            "--day",
            "2020-01-08",
            "--reason",
            "Grève",
        ],
    );
    assert_eq!(past.status.code(), Some(1));
    assert_eq!(events(&db), before);
    let closed = portail(
        &db,
        &[
            "--as",
            "direction",
            "activities",
            "close-day",
            "alsh-6-12-apres-midi",
            "--day",
            &day,
            "--reason",
            "Grève",
        ],
    );
    assert!(closed.status.success(), "{}", stderr(&closed));
    assert!(
        stdout(&closed).contains("9 place(s) annulée(s)"),
        "{}",
        stdout(&closed)
    );
    let outbox = stdout(&portail(&db, &["mail", "outbox"]));
    assert_eq!(outbox.matches("day_closed").count(), 9, "{outbox}");
}
