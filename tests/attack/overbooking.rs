//! Overbooking through the real forms: 35 parents on the last 3 places of one day at once, then
//! `portail transmit`: never above capacity, waitlist ranks contiguous.

use std::fmt::Write as _;
use std::sync::{Arc, Barrier};

use chrono::{Datelike, Days, Weekday};

use crate::support::{Browser, Server, held, portail_ok};

const FAMILIES: usize = 40;
/// Places already taken (booked at the desk and transmitted) before the parents come.
const TAKEN: usize = 5;
/// The parents who then compete through the portal for the last places.
const ONLINE: usize = FAMILIES - TAKEN;
const CAPACITY: usize = 8;
const WAITLIST: usize = 12;

/// A setup file: one activity opened on `day`, `FAMILIES` families of one child each.
fn setup(day: chrono::NaiveDate) -> String {
    let mut text = format!(
        r#"
[organisation]
name = "Commune d'essai"
address = "1 place de la Mairie - 33000 Bordeaux"
phone = "05 00 00 00 00"
email = "accueil@essai.example"

[[wallets]]
key = "regie"
label = "Régie"

[[structures]]
key = "centre"
label = "Accueil de Loisirs du Centre"
wallet = "regie"

[[activities]]
key = "journee"
structure = "centre"
label = "ALSH Journée"
unit = "journee"
ages = [3, 12]
price = "10.00"
capacity = {CAPACITY}
waitlist = {WAITLIST}
booking_deadline = "J-2 18:00"
cancellation_deadline = "J-2 18:00"

[[periods]]
key = "mercredi"
label = "Un mercredi"
activities = ["journee"]
from = "{day}"
to = "{day}"
weekdays = ["mercredi"]
"#
    );
    for f in 0..FAMILIES {
        let _ = write!(
            text,
            r#"
[[families]]
login = "famille{f}"
payer = "FAMILLE{f} Camille"
email = "famille{f}@essai.example"
structures = ["centre"]

[[families.children]]
key = "enfant"
first_name = "Enfant{f}"
last_name = "FAMILLE{f}"
birth_date = "2017-03-01"
"#
        );
    }
    text
}

/// Activates the account, puts the day in the basket; returns the basket's form id.
fn basket(
    browser: &mut Browser,
    login: &str,
    code: &str,
    child: &str,
    day: chrono::NaiveDate,
) -> Result<String, String> {
    let n = login.trim_start_matches("famille");
    let password = format!("une phrase bien à nous, la numéro {n} du mercredi");
    browser.get("/activation");
    let page = browser.post(
        "/activation",
        &[
            ("identifiant", login),
            ("code", code),
            ("nouveau", &password),
            ("confirmation", &password),
        ],
    );
    if page.status != 303 {
        return Err(format!("{login} activation: {} {}", page.status, page.body));
    }
    if browser.session().is_none() {
        browser.login(login, &password);
    }
    let page = browser.get(&format!("/reservations/{child}/jour/{day}"));
    let action = format!("/reservations/{child}/panier");
    let fields = page
        .form(&action, &[("action", "reserver")])
        .ok_or_else(|| format!("{login}: no « réserver » on {day}: {}", page.body))?;
    let page = browser.post_raw(&action, &fields);
    if page.status != 303 {
        return Err(format!("{login} basket: {} {}", page.status, page.body));
    }
    let summary = browser.get("/reservations/recapitulatif");
    summary
        .input_values("formulaire")
        .into_iter()
        .next()
        .ok_or_else(|| format!("{login}: empty basket: {}", summary.body))
}

#[test]
fn thirty_five_parents_on_the_last_places_never_overbook_and_waitlist_ranks_are_contiguous() {
    let _quiet = crate::support::shared();
    // Given an imported organisation with 40 families and a Wednesday two weeks ahead
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("portail.db");
    let mut day = chrono::Local::now().date_naive() + Days::new(14);
    while day.weekday() != Weekday::Wed {
        day = day + Days::new(1);
    }
    let file = dir.path().join("setup.toml");
    std::fs::write(&file, setup(day)).unwrap();
    let imported = portail_ok(&db, &["import", file.to_str().unwrap()]);
    let codes: Vec<(String, String)> = imported
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let (login, code) = (words.next()?, words.next()?);
            (login.starts_with("famille") && words.next().is_none())
                .then(|| (login.to_owned(), code.to_owned()))
        })
        .collect();
    assert_eq!(
        codes.len(),
        FAMILIES,
        "activation codes printed:\n{imported}"
    );
    let families = crate::support::portail_ok(&db, &["families", "list", "--json"]);
    let families: serde_json::Value = serde_json::from_str(&families).unwrap();
    let child_of = |login: &str| {
        families
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["login"] == login)
            .unwrap()["children"][0]["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    // Five places already taken at the desk and transmitted: three are left
    for f in 0..TAKEN {
        let family = format!("famille{f}");
        portail_ok(
            &db,
            &[
                "reservations",
                "request",
                "--family",
                &family,
                "--child",
                "enfant",
                "--activity",
                "journee",
                "--day",
                &day.to_string(),
            ],
        );
    }
    portail_ok(&db, &["transmit"]);
    let server = Server::start(dir, db, false);

    // When every family activates its account and fills its basket, then all validate at once
    let barrier = Arc::new(Barrier::new(ONLINE));
    let threads: Vec<_> = codes
        .into_iter()
        .skip(TAKEN)
        .map(|(login, code)| {
            let mut browser = Browser::new(&server);
            let child = child_of(&login);
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                let prepared = basket(&mut browser, &login, &code, &child, day);
                // Every parent reaches the barrier, ready or not, so a failure cannot hang the rest.
                barrier.wait();
                let form = prepared?;
                let page = browser.post("/reservations/recapitulatif", &[("formulaire", &form)]);
                if page.status != 303 {
                    return Err(format!("{login} validation: {} {}", page.status, page.body));
                }
                Ok(())
            })
        })
        .collect();
    let failures: Vec<String> = threads
        .into_iter()
        .filter_map(|t| t.join().unwrap().err())
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");

    // Then, once transmitted, never above capacity and the waitlist ranked 1..n
    let day = day.to_string();
    let transmitted = server.cli_json(&["transmit", "--json"]);
    assert_eq!(
        transmitted["received"].as_u64(),
        Some(ONLINE as u64),
        "{transmitted}"
    );
    let shown = server.cli_json(&[
        "waitlist",
        "show",
        "--activity",
        "journee",
        "--day",
        &day,
        "--json",
    ]);
    assert_eq!(shown["accepted"].as_u64(), Some(CAPACITY as u64), "{shown}");
    assert_eq!(
        shown["places"].as_array().unwrap().len(),
        CAPACITY,
        "{shown}"
    );
    let ranks: Vec<u64> = shown["waitlist"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["rank"].as_u64().unwrap())
        .collect();
    assert_eq!(ranks, (1..=WAITLIST as u64).collect::<Vec<_>>(), "{shown}");
    assert_eq!(
        transmitted["refused"].as_u64(),
        Some((FAMILIES - CAPACITY - WAITLIST) as u64),
        "{transmitted}"
    );
    // And the log and read models agree
    let verify = server.cli_json(&["audit", "verify", "--json"]);
    assert_eq!(verify["read_models"], "identical", "{verify}");
    println!(
        "overbooking: {ONLINE} parents on the last {} places: {} accepted in all, {} waitlisted, {} refused",
        CAPACITY - TAKEN,
        shown["accepted"],
        ranks.len(),
        transmitted["refused"]
    );
    held("overbooking through the real forms", ONLINE);
}
