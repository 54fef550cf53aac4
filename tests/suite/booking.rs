//! The booking engine through the application layer: invariants against every command, the
//! transmission, concurrency, determinism and replay.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use app::booking::{self, LineOutcome, LineRequest};
use app::setup::file::parse_setup;
use app::setup::import::import;
use app::{App, Clock};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use domain::booking::ReservationState;
use domain::ids::derive_id;
use domain::ids::*;
use proptest::prelude::*;

/// A clock that moves one second at every reading, from 2027-01-04 08:00 UTC (a Monday).
struct SteppingClock(AtomicI64);

impl Clock for SteppingClock {
    fn now(&self) -> DateTime<Utc> {
        let step = self.0.fetch_add(1, Ordering::SeqCst);
        Utc.with_ymd_and_hms(2027, 1, 4, 8, 0, 0).unwrap() + chrono::Duration::seconds(step)
    }
}

const DAYS: [&str; 3] = ["2027-01-13", "2027-01-20", "2027-01-27"];
const ACTIVITIES: [&str; 2] = ["matin", "journee"];

fn setup_text(families: usize, capacity: u32, waitlist: u32) -> String {
    let mut text = format!(
        r#"
[organisation]
name = "CdC de test"
address = "1 rue de la Mairie - 33000 Test"
phone = "05 00 00 00 00"
email = "accueil@test.example"

[[wallets]]
key = "regie"
label = "Régie de test"

[[structures]]
key = "centre"
label = "Accueil de Loisirs de Test"
wallet = "regie"

[[activities]]
key = "matin"
structure = "centre"
label = "ALSH Matin"
unit = "matin"
ages = [3, 12]
price = "10.35"
capacity = {capacity}
waitlist = {waitlist}
booking_deadline = "J-2 18:00"
cancellation_deadline = "J-2 18:00"
incompatible_with = ["journee"]

[[activities]]
key = "journee"
structure = "centre"
label = "ALSH Journée"
unit = "journee"
ages = [3, 12]
price = "14.85"
capacity = {capacity}
waitlist = {waitlist}
booking_deadline = "J-2 18:00"
cancellation_deadline = "J-2 18:00"

[[periods]]
key = "mercredis"
label = "Mercredis"
activities = ["matin", "journee"]
from = "2027-01-06"
to = "2027-02-24"
weekdays = ["mercredi"]
booking = {{ opens = "2026-12-01 08:00", closes = "2027-02-20 18:00" }}
"#
    );
    for i in 0..families {
        text.push_str(&format!(
            r#"
[[families]]
login = "famille{i}"
payer = "FAMILLE{i} Test"
email = "famille{i}@test.example"
structures = ["centre"]

[[families.children]]
key = "enfant"
first_name = "Enfant{i}"
last_name = "FAMILLE{i}"
birth_date = "2018-05-12"
"#
        ));
    }
    text
}

fn world(
    dir: &tempfile::TempDir,
    name: &str,
    families: usize,
    capacity: u32,
    waitlist: u32,
) -> App {
    let app = App::open(
        dir.path().join(name),
        Arc::new(SteppingClock(AtomicI64::new(0))),
    )
    .unwrap();
    import(
        &app,
        &app::staff::Acting::operator(),
        parse_setup(&setup_text(families, capacity, waitlist), "t.toml").unwrap(),
        app.today(),
    )
    .unwrap();
    app
}

fn family(i: usize) -> FamilyId {
    FamilyId(derive_id("family", &format!("famille{i}")))
}

fn child(i: usize) -> ChildId {
    ChildId(derive_id("child", &format!("famille{i}/enfant")))
}

fn activity(key: &str) -> ActivityId {
    ActivityId(derive_id("activity", key))
}

fn day(i: usize) -> NaiveDate {
    DAYS[i].parse().unwrap()
}

fn book(app: &App, f: usize, a: usize, d: usize, request: &str) -> booking::BasketReceipt {
    booking::submit_basket(
        app,
        "test",
        family(f),
        request,
        vec![LineRequest::Book {
            child_id: child(f),
            activity_id: activity(ACTIVITIES[a]),
            day: day(d),
        }],
    )
    .unwrap()
}

/// Capacity and waitlist are never exceeded; no day has both a free place and a waitlisted child
/// (places only free up at a transmission or a capacity raise, and both promote at once); ranks
/// are 1..n.
fn check_slots(app: &App) {
    for key in ACTIVITIES {
        for d in 0..DAYS.len() {
            let slot = app::listing::slot(app, activity(key), day(d)).unwrap();
            assert!(
                slot.accepted <= slot.capacity,
                "{key} {}: {} accepted for {}",
                slot.day,
                slot.accepted,
                slot.capacity
            );
            assert!(
                slot.waitlisted <= slot.waitlist_size,
                "{key} {}: waitlist overflow",
                slot.day
            );
            assert_eq!(slot.places.len() as u32, slot.accepted);
            let ranks: Vec<u32> = slot.waitlist.iter().map(|e| e.rank.unwrap()).collect();
            assert_eq!(
                ranks,
                (1..=ranks.len() as u32).collect::<Vec<_>>(),
                "{key} {}: ranks",
                slot.day
            );
            assert!(
                slot.accepted >= slot.capacity || slot.waitlist.is_empty(),
                "{key} {}: a free place and a waitlisted child",
                slot.day
            );
        }
    }
}

/// Rebuilding the read models from the log gives exactly the live ones.
fn check_replay(app: &App) {
    let live = app.query(|conn| Ok(projections::snapshot(conn)?)).unwrap();
    let scratch = rusqlite::Connection::open_in_memory().unwrap();
    projections::install(&scratch).unwrap();
    projections::replay(&scratch, app.store.read_range(1, None, 500).unwrap()).unwrap();
    let rebuilt = projections::snapshot(&scratch).unwrap();
    for (table, rows) in &live {
        assert_eq!(
            rows, &rebuilt[table],
            "read model {table} differs from its replay"
        );
    }
}

/// No request is decided twice and no reservation promoted twice.
fn check_decided_once(app: &App) {
    let mut decided = BTreeSet::new();
    let mut promoted = BTreeSet::new();
    for event in app.store.read_range(1, None, 500).unwrap() {
        let event = event.unwrap();
        let payload = event.payload_json().unwrap();
        match event.event_type.as_str() {
            "BookingAccepted" | "BookingWaitlisted" | "BookingRefused" => {
                assert!(
                    decided.insert(payload["request_id"].to_string()),
                    "request decided twice"
                );
            }
            "ReservationCancelled" if !payload["request_id"].is_null() => {
                assert!(
                    decided.insert(payload["request_id"].to_string()),
                    "cancellation decided twice"
                );
            }
            "WaitlistPromoted" => {
                assert!(
                    promoted.insert(payload["reservation_id"].to_string()),
                    "promoted twice"
                );
            }
            _ => {}
        }
    }
}

#[derive(Clone, Debug)]
enum Op {
    Book {
        family: usize,
        activity: usize,
        day: usize,
    },
    Cancel {
        family: usize,
        nth: usize,
    },
    Withdraw {
        family: usize,
        nth: usize,
    },
    Transmit,
    RaiseCapacity {
        activity: usize,
        by: u32,
        waitlist: u32,
    },
    MoveUp {
        activity: usize,
        day: usize,
        nth: usize,
    },
}

fn op(families: usize) -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0..families, 0..2usize, 0..3usize).prop_map(|(family, activity, day)| Op::Book { family, activity, day }),
        2 => (0..families, 0..4usize).prop_map(|(family, nth)| Op::Cancel { family, nth }),
        1 => (0..families, 0..4usize).prop_map(|(family, nth)| Op::Withdraw { family, nth }),
        2 => Just(Op::Transmit),
        1 => (0..2usize, 0..3u32, 0..3u32).prop_map(|(activity, by, waitlist)| Op::RaiseCapacity { activity, by, waitlist }),
        1 => (0..2usize, 0..3usize, 0..3usize).prop_map(|(activity, day, nth)| Op::MoveUp { activity, day, nth }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn random_commands_never_overbook_and_replay_equals_live(
        capacity in 0u32..3,
        waitlist in 0u32..3,
        ops in prop::collection::vec(op(5), 1..35),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let app = world(&dir, "p.db", 5, capacity, waitlist);
        let mut capacities = [(capacity, waitlist); 2];
        for (step, op) in ops.iter().enumerate() {
            match op {
                Op::Book { family: f, activity: a, day: d } => {
                    book(&app, *f, *a, *d, &format!("r{step}"));
                }
                Op::Cancel { family: f, nth } => {
                    let lines = app::listing::reservations(&app, family(*f)).unwrap();
                    let live: Vec<_> = lines.iter().filter(|l| l.state == ReservationState::Accepted || l.state == ReservationState::Waitlisted).collect();
                    if let Some(line) = live.get(*nth) {
                        booking::submit_basket(&app, "test", family(*f), &format!("c{step}"), vec![LineRequest::Cancel {
                            reservation_id: ReservationId(line.reservation_id.unwrap()),
                        }]).unwrap();
                    }
                }
                Op::Withdraw { family: f, nth } => {
                    let lines = app::listing::reservations(&app, family(*f)).unwrap();
                    let pending: Vec<_> = lines.iter().filter(|l| l.state == ReservationState::Pending).collect();
                    if let Some(line) = pending.get(*nth) {
                        booking::withdraw_request(&app, "test", family(*f), RequestId(line.request_id)).unwrap();
                    }
                }
                Op::Transmit => {
                    let cut_off = app.now();
                    booking::transmit(&app, cut_off).unwrap();
                }
                Op::RaiseCapacity { activity: a, by, waitlist } => {
                    let (c, w) = capacities[*a];
                    capacities[*a] = (c + by, w.max(*waitlist));
                    app::days::change_capacity(&app, &app::staff::Acting::operator(), activity(ACTIVITIES[*a]), day(0), c + by, w.max(*waitlist), app::days::Reason::parse("test").unwrap()).unwrap();
                }
                Op::MoveUp { activity: a, day: d, nth } => {
                    let slot = app::listing::slot(&app, activity(ACTIVITIES[*a]), day(*d)).unwrap();
                    if let Some(entry) = slot.waitlist.get(*nth).filter(|_| *nth > 0) {
                        let place = ReservationId(entry.reservation_id);
                        app::days::move_waitlisted(&app, &app::staff::Acting::operator(), place, domain::booking::Direction::Up, app::days::Reason::parse("test").unwrap()).unwrap();
                        let moved = app::listing::slot(&app, activity(ACTIVITIES[*a]), day(*d)).unwrap();
                        prop_assert_eq!(moved.waitlist[*nth - 1].reservation_id, entry.reservation_id);
                    }
                }
            }
            check_slots(&app);
        }
        check_decided_once(&app);
        check_replay(&app);
    }
}

#[test]
fn a_transmission_decides_in_order_then_a_second_run_does_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let app = world(&dir, "t.db", 6, 3, 2);
    for f in 0..6 {
        let receipt = book(&app, f, 0, 0, "first");
        assert!(
            matches!(receipt.lines[0].1, LineOutcome::Requested { .. }),
            "{receipt:?}"
        );
    }
    // The forecasts follow the queue: 3 places, then ranks 1 and 2, then refused.
    let forecasts: Vec<String> = (0..6)
        .map(|f| match &book(&app, f, 0, 0, "first").lines[0].1 {
            LineOutcome::Requested { forecast, .. } => booking::forecast_text(forecast),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(forecasts[2], "place disponible");
    assert_eq!(forecasts[3], "sera mise en liste d'attente (rang prévu 1)");
    assert_eq!(
        forecasts[5],
        "sera refusée (complet, liste d'attente complète)"
    );

    let report = booking::transmit(&app, app.now()).unwrap();
    let c = report.counts;
    assert_eq!(
        (
            c.received,
            c.new_requests,
            c.accepted,
            c.waitlisted,
            c.refused
        ),
        (6, 6, 3, 2, 1)
    );
    assert_eq!(report.mails, 6, "one report per family with an e-mail");
    let again = booking::transmit(&app, app.now()).unwrap();
    assert_eq!(
        again.counts,
        domain::event::payloads::TransmissionCounts::default()
    );
    assert_eq!(again.mails, 0);

    // Family 0 cancels its place: at the next transmission rank 1 (family 3) gets it.
    let place = app::listing::reservations(&app, family(0)).unwrap()[0]
        .reservation_id
        .unwrap();
    booking::submit_basket(
        &app,
        "test",
        family(0),
        "cancel",
        vec![LineRequest::Cancel {
            reservation_id: ReservationId(place),
        }],
    )
    .unwrap();
    let report = booking::transmit(&app, app.now()).unwrap();
    assert_eq!((report.counts.cancelled, report.counts.promoted), (1, 1));
    let line = &app::listing::reservations(&app, family(3)).unwrap()[0];
    assert_eq!(line.state, ReservationState::Accepted);
    let line = &app::listing::reservations(&app, family(4)).unwrap()[0];
    assert_eq!(
        (line.state, line.rank),
        (ReservationState::Waitlisted, Some(1))
    );
    let line = &app::listing::reservations(&app, family(5)).unwrap()[0];
    assert_eq!(line.state, ReservationState::Refused);
    assert_eq!(
        line.reason.as_deref(),
        Some("complet, liste d'attente complète")
    );
    check_slots(&app);
    check_replay(&app);
}

#[test]
fn a_dry_run_prints_the_decisions_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let app = world(&dir, "d.db", 3, 1, 1);
    for f in 0..3 {
        book(&app, f, 0, 0, "x");
    }
    let head = app.store.head().unwrap().position;
    let report =
        booking::dry_run_transmission(&app, &app::staff::Acting::operator(), app.now()).unwrap();
    assert!(report.dry_run);
    assert_eq!(
        (
            report.counts.accepted,
            report.counts.waitlisted,
            report.counts.refused
        ),
        (1, 1, 1)
    );
    assert_eq!(report.lines.len(), 3);
    assert_eq!(app.store.head().unwrap().position, head);
    let outbox = app
        .query(|conn| Ok(mail::list(conn, mail::OutboxFilter::All)?))
        .unwrap();
    assert!(outbox.is_empty());
}

#[test]
fn every_basket_refusal_reads_back_from_its_stored_code() {
    use app::booking::BasketRefusal;
    let refusals = [
        BasketRefusal::Blocked {
            blocked: domain::booking::Blocked::DossierIncomplete {
                missing_items: vec!["Fiche sanitaire".to_owned()],
            },
        },
        BasketRefusal::ChildNotInFamily,
        BasketRefusal::UnknownActivity,
        BasketRefusal::ActivityNotOffered,
        BasketRefusal::Rule {
            refusal: domain::booking::LineRefusal::Incompatible {
                with_label: "Journée".to_owned(),
            },
        },
        BasketRefusal::UnknownReservation,
        BasketRefusal::AlreadyCancelled,
        BasketRefusal::CancellationPending,
        BasketRefusal::Worded("Déjà demandé pour ce jour.".to_owned()),
    ];
    for refusal in refusals {
        let stored = serde_json::to_string(&refusal).unwrap();
        let read: BasketRefusal = serde_json::from_str(&stored).unwrap();
        assert_eq!(read, refusal, "{stored}");
        assert_eq!(read.to_string(), refusal.to_string());
    }
}

#[test]
fn a_receipt_recorded_with_words_by_the_previous_version_is_still_read() {
    // Given a basket whose line is refused (another family's child), its receipt stored as the
    // previous version wrote it: the refusal in words, not as a code
    let dir = tempfile::tempdir().unwrap();
    let app = world(&dir, "w.db", 2, 5, 0);
    let line = LineRequest::Book {
        child_id: child(1),
        activity_id: activity("matin"),
        day: day(1),
    };
    let receipt =
        booking::submit_basket(&app, "test", family(0), "form-old", vec![line.clone()]).unwrap();
    let coded = app
        .query(move |conn| {
            Ok(conn.query_row(
                "SELECT receipt FROM basket_receipts WHERE family_id = ?1 AND client_request_id = 'form-old'",
                [family(0).to_string()],
                |row| row.get::<_, String>(0),
            )?)
        })
        .unwrap();
    assert!(coded.contains("child_not_in_family"), "{coded}");
    assert!(
        !coded.contains("rattaché"),
        "receipts keep codes, not words: {coded}"
    );
    let words = "Cet enfant n'est pas rattaché à votre compte.";
    let legacy = serde_json::json!({
        "basket_id": null,
        "lines": [[serde_json::to_value(&line).unwrap(), { "outcome": "refused", "reason": words }]],
        "replayed": false,
    })
    .to_string();
    app.store
        .write(move |tx| {
            tx.connection().execute(
                "UPDATE basket_receipts SET receipt = ?1 WHERE family_id = ?2 AND client_request_id = 'form-old'",
                rusqlite::params![legacy, family(0).to_string()],
            )
        })
        .unwrap();
    // When it is read back, and when the same form is sent again
    let read = booking::receipt(&app, family(0), "form-old")
        .unwrap()
        .unwrap();
    let again = booking::submit_basket(&app, "test", family(0), "form-old", vec![line]).unwrap();
    // Then both answer the refusal with the same words as the fresh receipt
    for answer in [&read, &again] {
        match &answer.lines[0].1 {
            LineOutcome::Refused { reason } => assert_eq!(reason.to_string(), words),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }
    match &receipt.lines[0].1 {
        LineOutcome::Refused { reason } => assert_eq!(reason.to_string(), words),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(again.replayed);
}

#[test]
fn refused_lines_say_why_and_the_same_form_is_recorded_once() {
    let dir = tempfile::tempdir().unwrap();
    let app = world(&dir, "r.db", 2, 5, 0);
    let lines = vec![
        LineRequest::Book {
            child_id: child(0),
            activity_id: activity("matin"),
            day: day(0),
        },
        // Incompatible with the line before (Journée vs Matin, same day).
        LineRequest::Book {
            child_id: child(0),
            activity_id: activity("journee"),
            day: day(0),
        },
        // A Thursday: not open.
        LineRequest::Book {
            child_id: child(0),
            activity_id: activity("matin"),
            day: "2027-01-14".parse().unwrap(),
        },
        // Another family's child.
        LineRequest::Book {
            child_id: child(1),
            activity_id: activity("matin"),
            day: day(1),
        },
    ];
    let receipt = booking::submit_basket(&app, "test", family(0), "form-1", lines.clone()).unwrap();
    let reasons: Vec<String> = receipt
        .lines
        .iter()
        .map(|(_, o)| match o {
            LineOutcome::Refused { reason } => reason.to_string(),
            other => format!("{other:?}"),
        })
        .collect();
    assert!(reasons[0].starts_with("Requested"), "{reasons:?}");
    assert!(reasons[1].contains("Incompatible"), "{reasons:?}");
    assert!(reasons[2].contains("pas ouvert"), "{reasons:?}");
    assert!(reasons[3].contains("pas rattaché"), "{reasons:?}");
    let head = app.store.head().unwrap().position;
    let again = booking::submit_basket(&app, "test", family(0), "form-1", lines).unwrap();
    assert!(again.replayed);
    assert_eq!(
        app.store.head().unwrap().position,
        head,
        "a resubmitted form is recorded once"
    );
    let other = booking::submit_basket(
        &app,
        "test",
        family(0),
        "form-1",
        vec![LineRequest::Book {
            child_id: child(0),
            activity_id: activity("matin"),
            day: day(2),
        }],
    );
    assert!(matches!(other, Err(app::AppError::Booking(_))));
    let empty = booking::submit_basket(&app, "test", family(0), "form-2", vec![]);
    assert!(
        matches!(empty, Err(app::AppError::Booking(refusal)) if refusal.to_string().contains("vide"))
    );
}

#[test]
fn the_recap_counts_only_the_lines_that_may_cost_money() {
    // Given one place per day and no waitlist, the place of the first Wednesday already
    // requested by another family
    let dir = tempfile::tempdir().unwrap();
    let app = world(&dir, "cost.db", 2, 1, 0);
    book(&app, 1, 0, 0, "first");
    // When family 0 looks at the récapitulatif of a basket with a line that will be refused
    // (full), a line that is impossible (Matin and Journée the same day) and a free place
    let lines = vec![
        LineRequest::Book {
            child_id: child(0),
            activity_id: activity("matin"),
            day: day(0),
        },
        LineRequest::Book {
            child_id: child(0),
            activity_id: activity("journee"),
            day: day(1),
        },
        LineRequest::Book {
            child_id: child(0),
            activity_id: activity("matin"),
            day: day(1),
        },
    ];
    let preview = booking::preview_basket(
        &app,
        family(0),
        lines,
        domain::booking::DeadlineRule::Applies,
    )
    .unwrap();
    let forecasts: Vec<String> = preview
        .iter()
        .map(|line| match &line.outcome {
            LineOutcome::Requested { forecast, .. } => booking::forecast_text(forecast),
            LineOutcome::Refused { .. } => "impossible".to_owned(),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        forecasts,
        ["sera refusée (complet)", "place disponible", "impossible"]
    );
    // Then only the free place has a cost, and the total is its price
    let costs: Vec<Option<String>> = preview
        .iter()
        .map(|line| line.cost.map(|c| c.to_string()))
        .collect();
    assert_eq!(costs, [None, Some("14.85".to_owned()), None]);
    assert_eq!(booking::estimated_total(&preview).to_string(), "14.85");
}

/// 64 families race for the last 3 places of a day.
#[test]
fn sixty_four_concurrent_baskets_for_the_last_three_places() {
    let dir = tempfile::tempdir().unwrap();
    let app = world(&dir, "c.db", 71, 10, 20);
    for f in 64..71 {
        book(&app, f, 0, 0, "early");
    }
    booking::transmit(&app, app.now()).unwrap();
    assert_eq!(
        app::listing::slot(&app, activity("matin"), day(0))
            .unwrap()
            .accepted,
        7
    );
    let threads: Vec<_> = (0..64)
        .map(|f| {
            let app = app.clone();
            std::thread::spawn(move || book(&app, f, 0, 0, "race"))
        })
        .collect();
    for thread in threads {
        assert!(matches!(
            thread.join().unwrap().lines[0].1,
            LineOutcome::Requested { .. }
        ));
    }
    let report = booking::transmit(&app, app.now()).unwrap();
    assert_eq!(
        (
            report.counts.accepted,
            report.counts.waitlisted,
            report.counts.refused
        ),
        (3, 20, 41)
    );
    let slot = app::listing::slot(&app, activity("matin"), day(0)).unwrap();
    assert_eq!(slot.accepted, 10);
    let ranks: Vec<u32> = slot.waitlist.iter().map(|e| e.rank.unwrap()).collect();
    assert_eq!(ranks, (1..=20).collect::<Vec<_>>());
    check_replay(&app);
}

/// The same commands on two databases give the same decisions, event for event.
#[test]
fn the_same_commands_give_the_same_log() {
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str| {
        let app = world(&dir, name, 5, 2, 1);
        for (step, f) in [0, 1, 2, 3, 4, 2, 0].iter().enumerate() {
            book(&app, *f, step % 2, step % 3, &format!("s{step}"));
        }
        booking::transmit(&app, app.now()).unwrap();
        let decisions: BTreeMap<u64, (String, String)> = app
            .store
            .read_range(1, None, 500)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (e.position, (e.event_type, e.payload))
            })
            .collect();
        decisions
    };
    assert_eq!(run("one.db"), run("two.db"));
}
