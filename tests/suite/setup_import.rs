//! Importing the organisation: what staff write is what the portal knows, once.

use std::sync::Arc;

use app::setup::file::parse_setup;
use app::setup::import::{hash_activation_code, import};
use app::{App, FixedClock};
use chrono::{NaiveDate, TimeZone, Utc};
use domain::values::Pricing;

const EXAMPLE: &str = include_str!("../../docs/examples/setup.toml");

fn app_at(dir: &tempfile::TempDir, name: &str, year: i32, month: u32, day: u32) -> App {
    let now = Utc.with_ymd_and_hms(year, month, day, 9, 0, 0).unwrap();
    App::open(dir.path().join(name), Arc::new(FixedClock(now))).unwrap()
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

#[test]
fn importing_the_example_lists_exactly_what_the_file_says() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_at(&dir, "a.db", 2026, 12, 1);
    let setup = parse_setup(EXAMPLE, "setup.toml").unwrap();
    let report = import(
        &app,
        &app::staff::Acting::operator(),
        setup.clone(),
        app.today(),
    )
    .unwrap();
    assert!(report.events > 0);
    assert_eq!(
        report.activation_codes.len(),
        setup.families.len() + setup.staff.len()
    );

    let listed = app::listing::activities(&app).unwrap();
    assert_eq!(listed.len(), setup.activities.len());
    for activity in &setup.activities {
        let row = listed.iter().find(|a| a.id == activity.id.0).unwrap();
        assert_eq!(row.key.as_deref(), Some(activity.key.as_str()));
        assert_eq!(row.structure_id, activity.structure.0);
        assert_eq!(row.label, activity.label);
        assert_eq!(row.unit, activity.unit.label());
        assert_eq!(row.quantity_per_day, activity.quantity_per_day);
        assert_eq!(
            (row.age_min, row.age_max),
            (activity.age_min, activity.age_max)
        );
        assert_eq!(
            (row.capacity, row.waitlist),
            (activity.capacity, activity.waitlist_size)
        );
        assert_eq!(
            row.booking_deadline,
            app::listing::deadline_text(&activity.booking_deadline)
        );
        assert_eq!(
            row.cancellation_deadline,
            app::listing::deadline_text(&activity.cancellation_deadline)
        );
        let mut incompatible: Vec<_> = activity.incompatible_with.iter().map(|a| a.0).collect();
        incompatible.sort();
        let mut listed_incompatible = row.incompatible_with.clone();
        listed_incompatible.sort();
        assert_eq!(listed_incompatible, incompatible);
        match &activity.pricing {
            Pricing::Flat { amount } => {
                assert_eq!(row.price, Some(*amount));
            }
            Pricing::Quotient { brackets } => {
                assert_eq!(row.price, None);
                let listed: Vec<_> = row.prices.iter().map(|p| (p.up_to, p.price)).collect();
                let file: Vec<_> = brackets.iter().map(|b| (b.up_to, b.amount)).collect();
                assert_eq!(listed, file);
            }
        }
    }
    let structures = app::listing::structures(&app).unwrap();
    assert_eq!(structures.len(), setup.structures.len());
    let families = app::listing::families(&app).unwrap();
    assert_eq!(families.len(), setup.families.len());
    for family in &setup.families {
        let row = families.iter().find(|f| f.login == family.login).unwrap();
        assert_eq!(row.children.len(), family.children.len());
        assert_eq!(row.dossier_complete, family.dossier_complete);
        assert_eq!(row.missing_items, family.missing_items);
        assert_eq!(row.quotient, family.quotient);
        assert_eq!(row.balance.to_string(), "0.00");
    }
}

#[test]
fn importing_the_same_file_twice_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_at(&dir, "a.db", 2026, 12, 1);
    let setup = parse_setup(EXAMPLE, "setup.toml").unwrap();
    import(
        &app,
        &app::staff::Acting::operator(),
        setup.clone(),
        app.today(),
    )
    .unwrap();
    let head = app.store.head().unwrap().position;
    let again = import(&app, &app::staff::Acting::operator(), setup, app.today()).unwrap();
    assert!(again.changed_nothing(), "{again:?}");
    assert!(again.activation_codes.is_empty());
    assert_eq!(app.store.head().unwrap().position, head);
}

#[test]
fn a_changed_capacity_becomes_one_capacity_change_effective_from_the_given_day() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_at(&dir, "a.db", 2026, 12, 1);
    import(
        &app,
        &app::staff::Acting::operator(),
        parse_setup(EXAMPLE, "setup.toml").unwrap(),
        app.today(),
    )
    .unwrap();
    let head = app.store.head().unwrap().position;

    let changed = EXAMPLE.replacen("capacity = 24", "capacity = 30", 1);
    assert_ne!(changed, EXAMPLE);
    let report = import(
        &app,
        &app::staff::Acting::operator(),
        parse_setup(&changed, "setup.toml").unwrap(),
        day("2027-01-04"),
    )
    .unwrap();
    assert_eq!(report.events, 1, "{report:?}");
    let appended: Vec<_> = app
        .store
        .read_range(head + 1, None, 10)
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(appended.len(), 1);
    assert_eq!(appended[0].event_type, "ActivityCapacityChanged");
    assert_eq!(
        appended[0].payload_json().unwrap()["effective_from"],
        "2027-01-04"
    );

    let matin = domain::ids::derive_id("activity", "alsh-6-12-matin");
    let capacity_on = |d: &str| {
        app.query(|conn| Ok(projections::activities(conn, day(d))?))
            .unwrap()
            .into_iter()
            .find(|a| a.activity_id.0 == matin)
            .unwrap()
            .capacity
    };
    assert_eq!(
        capacity_on("2027-01-03"),
        24,
        "decisions before the change keep the old capacity"
    );
    assert_eq!(capacity_on("2027-01-04"), 30);
}

#[test]
fn new_accounts_get_a_one_time_code_stored_only_as_a_hash() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_at(&dir, "a.db", 2026, 12, 1);
    let report = import(
        &app,
        &app::staff::Acting::operator(),
        parse_setup(EXAMPLE, "setup.toml").unwrap(),
        app.today(),
    )
    .unwrap();
    let (login, code) = report.activation_codes[0].clone();
    assert_eq!(code.len(), 14);
    let stored: String = app
        .query(move |conn| {
            Ok(conn.query_row(
                "SELECT activation_code_hash FROM family_accounts WHERE login = ?1",
                [login],
                |row| row.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(stored, hash_activation_code(&code));
    assert_eq!(
        stored,
        hash_activation_code(&code.to_lowercase().replace('-', " "))
    );
    let export: String = app
        .store
        .read_range(1, None, 1000)
        .unwrap()
        .map(|e| e.unwrap().payload)
        .collect();
    assert!(!export.contains(&code) && !export.contains(&stored));
}

#[test]
fn no_personal_data_from_the_file_reaches_the_event_log() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_at(&dir, "a.db", 2026, 12, 1);
    let setup = parse_setup(EXAMPLE, "setup.toml").unwrap();
    import(
        &app,
        &app::staff::Acting::operator(),
        setup.clone(),
        app.today(),
    )
    .unwrap();
    let log: String = app
        .store
        .read_range(1, None, 1000)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            format!("{} {}", e.payload, e.metadata)
        })
        .collect();
    for family in &setup.families {
        assert!(
            !log.contains(&family.payer_name),
            "{} in the log",
            family.payer_name
        );
        assert!(!log.contains(&family.login), "{} in the log", family.login);
        if let Some(email) = &family.email {
            assert!(!log.contains(email.as_str()));
        }
        for child in &family.children {
            assert!(!log.contains(&child.first_name));
            assert!(!log.contains(&child.birth_date.to_string()));
        }
    }
}

/// The demo, built twice for the same day, holds the same events and the same families.
#[test]
fn the_demo_builds_the_same_content_twice_for_the_same_date() {
    let dir = tempfile::tempdir().unwrap();
    let content = |name: &str| {
        let app = app_at(&dir, name, 2026, 11, 28);
        app::demo::build(&app).unwrap();
        let events: Vec<(String, String, String)> = app
            .store
            .read_range(1, None, 1000)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (e.event_type, e.stream_id, e.payload)
            })
            .collect();
        (
            events,
            app::listing::families(&app).unwrap(),
            app::listing::activities(&app).unwrap(),
        )
    };
    let first = content("one.db");
    let second = content("two.db");
    assert!(first.0.len() > 100);
    assert_eq!(first, second);
}

#[test]
fn the_demo_has_a_family_that_can_book_one_that_owes_and_one_with_an_incomplete_file() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_at(&dir, "demo.db", 2026, 11, 28);
    let report = app::demo::build(&app).unwrap();
    assert_eq!(report.logins.len(), 3);
    let families = app::listing::families(&app).unwrap();
    let family = |login: &str| families.iter().find(|f| f.login == login).unwrap().clone();
    let threshold = domain::Money::parse("30.00").unwrap();
    let dupont = family("dupont");
    assert_eq!(dupont.payer, "M. DUPONT Jean-Paul");
    assert_eq!(dupont.children.len(), 2);
    assert!(
        dupont.balance > -threshold,
        "dupont owes {}",
        dupont.balance
    );
    assert!(dupont.dossier_complete);
    let martin = family("martin");
    assert!(
        martin.balance <= -threshold,
        "martin owes only {}",
        martin.balance
    );
    let bernard = family("bernard");
    assert!(!bernard.dossier_complete);
    assert!(!bernard.missing_items.is_empty());
    // The demo refuses a database that already holds events.
    assert!(matches!(
        app::demo::build(&app),
        Err(app::AppError::Demo(app::DemoRefusal::DatabaseNotEmpty))
    ));
    // Balances equal credits minus debits of the histories, exactly.
    let (debits, credits): (Vec<String>, Vec<String>) = app
        .query(move |conn| {
            let id = dupont.id.to_string();
            let debits = conn
                .prepare("SELECT amount FROM consumption_history WHERE family_id = ?1")?
                .query_map([&id], |r| r.get(0))?
                .collect::<Result<Vec<String>, _>>()?;
            let credits = conn
                .prepare(
                    "SELECT amount FROM payment_history WHERE family_id = ?1 AND cancelled = 0",
                )?
                .query_map([&id], |r| r.get(0))?
                .collect::<Result<Vec<String>, _>>()?;
            Ok((debits, credits))
        })
        .unwrap();
    let sum = |v: &[String]| {
        v.iter()
            .map(|a| domain::Money::from_stored(a).unwrap())
            .sum::<domain::Money>()
    };
    assert_eq!(sum(&credits) - sum(&debits), family("dupont").balance);
    assert_eq!(sum(&credits).to_string(), "140.00");
}

/// The demo shows every colour of the seed's code on Lilou's calendar.
#[test]
fn the_demo_calendar_shows_every_state_of_the_colour_code() {
    use domain::booking::DayState;
    let dir = tempfile::tempdir().unwrap();
    let app = app_at(&dir, "colours.db", 2026, 11, 28);
    app::demo::build(&app).unwrap();
    let family = domain::ids::FamilyId(domain::ids::derive_id("family", "dupont"));
    let lilou = domain::ids::ChildId(domain::ids::derive_id("child", "dupont/lilou"));
    let mut seen = std::collections::BTreeSet::new();
    for month in ["2026-10-01", "2026-11-01", "2026-12-01", "2027-01-01"] {
        for day in app::portal::month(&app, family, lilou, day(month), None).unwrap() {
            for cell in day.cells {
                assert_eq!(
                    cell.state_label,
                    cell.state.label(),
                    "every state is written out"
                );
                seen.insert(format!("{:?}", cell.state));
            }
        }
    }
    for state in [
        DayState::Closed,
        DayState::Open,
        DayState::Booked,
        DayState::BookedLocked,
        DayState::FullWaitlistOpen,
        DayState::Full,
    ] {
        assert!(
            seen.contains(&format!("{state:?}")),
            "{state:?} is missing from the demo: {seen:?}"
        );
    }
    // Antoine (5) is not offered the 6-12 activities.
    let antoine = domain::ids::ChildId(domain::ids::derive_id("child", "dupont/antoine"));
    let december = app::portal::month(&app, family, antoine, day("2026-12-01"), None).unwrap();
    assert!(
        december
            .iter()
            .flat_map(|d| &d.cells)
            .all(|c| !c.activity.contains("6-12"))
    );
}

/// `[[staff]]`: new accounts opened with a code, rights recorded only when they change,
/// passwords never touched.
#[test]
fn staff_of_the_setup_file_are_opened_once_and_only_their_changed_rights_are_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_at(&dir, "s.db", 2026, 12, 1);
    let operator = app::staff::Acting::operator();
    let setup = parse_setup(EXAMPLE, "setup.toml").unwrap();
    assert_eq!(setup.staff.len(), 2);
    let report = import(&app, &operator, setup.clone(), app.today()).unwrap();
    let (login, code) = report
        .activation_codes
        .iter()
        .find(|(login, _)| login == "claire.accueil")
        .unwrap();
    assert!(
        report
            .created
            .contains(&"compte du personnel claire.accueil".to_owned())
    );
    app::staff::activate_staff(&app, login, code, "une phrase de passe bien longue", None).unwrap();

    let again = import(&app, &operator, setup, app.today()).unwrap();
    assert!(again.changed_nothing(), "{again:?}");

    let changed_text = EXAMPLE.replace(
        "roles = [\"regie\", \"administration\"]",
        "roles = [\"regie\"]",
    );
    let changed = parse_setup(&changed_text, "setup.toml").unwrap();
    let report = import(&app, &operator, changed, app.today()).unwrap();
    assert_eq!(report.events, 1, "{report:?}");
    assert_eq!(
        report.changed,
        vec!["droits du compte du personnel regisseur".to_owned()]
    );
    let claire = app::staff::staff_accounts(&app, &operator)
        .unwrap()
        .into_iter()
        .find(|a| a.login == "claire.accueil")
        .unwrap();
    assert!(claire.activated, "the password chosen stays");
}

#[test]
fn a_staff_entry_with_an_unknown_role_or_no_structure_for_accueil_is_refused_with_its_line() {
    let unknown =
        format!("{EXAMPLE}\n[[staff]]\nkey = \"xavier\"\nname = \"X\"\nroles = [\"chef\"]\n");
    let error = parse_setup(&unknown, "setup.toml").unwrap_err().to_string();
    assert!(error.contains("rôle inconnu « chef »"), "{error}");
    let line = unknown.lines().count();
    assert!(error.starts_with(&format!("setup.toml:{line}:")), "{error}");
    let scoped =
        format!("{EXAMPLE}\n[[staff]]\nkey = \"xavier\"\nname = \"X\"\nroles = [\"accueil\"]\n");
    let error = parse_setup(&scoped, "setup.toml").unwrap_err().to_string();
    assert!(error.contains("indiquez « structures »"), "{error}");
}
