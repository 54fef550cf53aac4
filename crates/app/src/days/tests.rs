//! Staff actions on a day: given a day with one place taken and two children waiting, when a
//! director acts, then the events, the outbox and the refusals.

use std::sync::Arc;

use chrono::{NaiveDate, TimeZone, Utc};
use domain::booking::ReservationState;
use domain::ids::{ActivityId, ChildId, FamilyId, ReservationId, StaffId, StructureId, derive_id};
use domain::staff::{Role, StaffRights};

use super::{DayActionKind, DayRefusal, Reason};
use crate::booking::LineRequest;
use crate::staff::{Acting, StaffMember};
use crate::{App, AppError, FixedClock};

const SETUP: &str = r#"
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

[[structures]]
key = "autre"
label = "Accueil de Loisirs Voisin"
wallet = "regie"

[[activities]]
key = "journee"
structure = "centre"
label = "ALSH Journée"
unit = "journee"
ages = [3, 12]
price = "10.00"
capacity = 1
waitlist = 3
booking_deadline = "J-2 18:00"
cancellation_deadline = "J-2 18:00"

[[periods]]
key = "mercredis"
label = "Mercredis"
activities = ["journee"]
from = "2027-01-06"
to = "2027-02-24"
weekdays = ["mercredi"]

[[families]]
login = "dupont"
payer = "DUPONT Jean-Paul"
email = "dupont@test.example"
structures = ["centre"]

[[families.children]]
key = "lilou"
first_name = "Lilou"
last_name = "DUPONT"
birth_date = "2017-05-12"

[[families]]
login = "petit"
payer = "PETIT Anne"
email = "petit@test.example"
structures = ["centre"]

[[families.children]]
key = "jules"
first_name = "Jules"
last_name = "PETIT"
birth_date = "2016-01-02"

[[families]]
login = "martin"
payer = "MARTIN Zoé"
email = "martin@test.example"
structures = ["centre"]

[[families.children]]
key = "emma"
first_name = "Emma"
last_name = "MARTIN"
birth_date = "2016-03-04"

[[families]]
login = "bernard"
payer = "BERNARD Luc"
email = "bernard@test.example"
structures = ["centre"]

[[families.children]]
key = "leo"
first_name = "Léo"
last_name = "BERNARD"
birth_date = "2016-07-08"
"#;

pub(super) fn activity() -> ActivityId {
    ActivityId(derive_id("activity", "journee"))
}

pub(super) fn wednesday() -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 1, 13).unwrap()
}

fn director_of(structure: &str) -> Acting {
    Acting::member(&StaffMember {
        staff_id: StaffId(uuid::Uuid::from_u128(9)),
        login: "direction".to_owned(),
        name: "Directrice".to_owned(),
        email: None,
        rights: StaffRights {
            roles: vec![Role::Direction],
            structures: vec![StructureId(derive_id("structure", structure))],
        },
        activated: true,
        enrolled: true,
        disabled: false,
        demo: false,
    })
}

/// Monday 4 January 2027: Wednesday 13 has Lilou accepted, Jules then Emma on the waitlist.
pub(super) fn world(dir: &tempfile::TempDir) -> App {
    let now = Utc.with_ymd_and_hms(2027, 1, 4, 9, 0, 0).unwrap();
    let app = App::open(dir.path().join("days.db"), Arc::new(FixedClock(now))).unwrap();
    let setup = crate::setup::file::parse_setup(SETUP, "t.toml").unwrap();
    crate::setup::import::import(&app, &Acting::operator(), setup, app.today()).unwrap();
    for path in ["dupont/lilou", "petit/jules", "martin/emma"] {
        ask(&app, path, "form");
    }
    crate::booking::transmit(&app, now).unwrap();
    app
}

/// The child at `path` asks for Wednesday 13 (a basket of one line, form id `form`).
fn ask(app: &App, path: &str, form: &str) -> crate::booking::BasketReceipt {
    let login = path.split('/').next().unwrap();
    crate::booking::submit_basket(
        app,
        &format!("family:{login}"),
        FamilyId(derive_id("family", login)),
        &format!("{form}-{login}"),
        vec![LineRequest::Book {
            child_id: ChildId(derive_id("child", path)),
            activity_id: activity(),
            day: wednesday(),
        }],
    )
    .unwrap()
}

pub(super) fn waitlist(app: &App) -> Vec<ReservationId> {
    places(app, ReservationState::Waitlisted)
}

fn places(app: &App, state: ReservationState) -> Vec<ReservationId> {
    app.query(|conn| {
        Ok(
            projections::booking::slot_reservations(conn, activity(), wednesday())?
                .into_iter()
                .filter(|r| r.state == state)
                .map(|r| r.reservation_id)
                .collect(),
        )
    })
    .unwrap()
}

pub(super) fn head(app: &App) -> u64 {
    app.store.head().unwrap().position
}

pub(super) fn outbox(app: &App) -> Vec<(String, String)> {
    app.query(|conn| Ok(mail::list(conn, mail::OutboxFilter::All)?))
        .unwrap()
        .into_iter()
        .map(|m| (m.recipient, m.subject))
        .collect()
}

fn reason(text: &str) -> Reason {
    Reason::parse(text).unwrap()
}

#[test]
fn given_a_full_day_when_the_director_raises_the_capacity_then_the_first_waiting_gets_the_place_and_a_mail()
 {
    let dir = tempfile::tempdir().unwrap();
    let app = world(&dir);
    let before = waitlist(&app);
    assert_eq!(before.len(), 2);
    let mails = outbox(&app).len();

    let promoted = super::change_capacity(
        &app,
        &director_of("centre"),
        activity(),
        wednesday(),
        2,
        3,
        reason("Un animateur de plus"),
    )
    .unwrap();

    assert_eq!(promoted, 1);
    assert_eq!(places(&app, ReservationState::Accepted).len(), 2);
    assert_eq!(waitlist(&app), before[1..].to_vec());
    let outbox = outbox(&app);
    assert_eq!(outbox.len(), mails + 1);
    assert!(outbox.iter().any(|(to, _)| to == "petit@test.example"));
    let actions = super::day_actions(&app, activity(), wednesday()).unwrap();
    assert_eq!(actions.len(), 1);
    // No account row in this world: the author reads as the actor of the event.
    assert_eq!(actions[0].by, director_of("centre").actor_text());
    assert_eq!(actions[0].reason, "Un animateur de plus");
    assert_eq!(
        actions[0].what,
        DayActionKind::CapacityChanged {
            capacity: 2,
            waitlist_size: 3
        }
    );
}

#[test]
fn a_lowered_capacity_keeps_every_accepted_place() {
    let dir = tempfile::tempdir().unwrap();
    let app = world(&dir);
    super::change_capacity(
        &app,
        &Acting::operator(),
        activity(),
        wednesday(),
        0,
        3,
        reason("Sortie annulée"),
    )
    .unwrap();
    assert_eq!(places(&app, ReservationState::Accepted).len(), 1);
    assert_eq!(waitlist(&app).len(), 2);
}

#[test]
fn a_director_of_another_structure_or_a_past_day_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let app = world(&dir);
    let position = head(&app);
    let refused = super::change_capacity(
        &app,
        &director_of("autre"),
        activity(),
        wednesday(),
        5,
        3,
        reason("x"),
    );
    assert!(matches!(refused, Err(AppError::Staff(_))), "{refused:?}");
    let past = NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
    let refused = super::change_capacity(
        &app,
        &director_of("centre"),
        activity(),
        past,
        5,
        3,
        reason("x"),
    );
    assert!(
        matches!(refused, Err(AppError::Days(DayRefusal::PastDay { .. }))),
        "{refused:?}"
    );
    assert_eq!(head(&app), position);
    assert!(
        super::day_actions(&app, activity(), wednesday())
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_reason_is_required_and_at_most_500_characters() {
    assert_eq!(Reason::parse("  \n "), Err(DayRefusal::ReasonMissing));
    assert_eq!(
        Reason::parse(&"é".repeat(501)),
        Err(DayRefusal::ReasonTooLong { max: 500 })
    );
    assert_eq!(Reason::parse("  Fratrie ").unwrap().as_str(), "Fratrie");
    assert_eq!(
        DayRefusal::NoFreePlace.to_string(),
        "Plus de place libre ce jour-là : augmentez d'abord la capacité."
    );
}

#[test]
fn given_a_full_day_a_promotion_by_hand_is_refused_with_nothing_written() {
    let dir = tempfile::tempdir().unwrap();
    let app = world(&dir);
    let position = head(&app);
    let second = waitlist(&app)[1];
    let refused =
        super::promote_waitlisted(&app, &director_of("centre"), second, reason("Fratrie"));
    assert!(
        matches!(refused, Err(AppError::Days(DayRefusal::NoFreePlace))),
        "{refused:?}"
    );
    assert_eq!(head(&app), position);
}

#[test]
fn given_the_day_over_its_waitlist_neither_gets_a_place_by_hand_nor_moves() {
    let dir = tempfile::tempdir().unwrap();
    let app = world(&dir);
    let [_, second] = waitlist(&app)[..] else {
        panic!("two waiting")
    };
    drop(app);
    // The Thursday after: the Wednesday is over.
    let later = Utc.with_ymd_and_hms(2027, 1, 14, 9, 0, 0).unwrap();
    let app = App::open(dir.path().join("days.db"), Arc::new(FixedClock(later))).unwrap();
    let position = head(&app);
    let promoted =
        super::promote_waitlisted(&app, &director_of("centre"), second, reason("Fratrie"));
    assert!(
        matches!(promoted, Err(AppError::Days(DayRefusal::DayOver { .. }))),
        "{promoted:?}"
    );
    let moved = super::move_waitlisted(
        &app,
        &director_of("centre"),
        second,
        domain::booking::Direction::Up,
        reason("Fratrie"),
    );
    assert!(
        matches!(moved, Err(AppError::Days(DayRefusal::DayOver { .. }))),
        "{moved:?}"
    );
    assert_eq!(head(&app), position, "nothing written");
}

#[test]
fn given_a_free_place_the_director_promotes_the_second_waiting_and_the_first_keeps_rank_one() {
    let dir = tempfile::tempdir().unwrap();
    let app = world(&dir);
    let [first, second] = waitlist(&app)[..] else {
        panic!("two waiting")
    };
    // A place freed without a promotion (a raw capacity event), then the promotion by hand
    // picks the second of the list.
    app.execute("test:free", move |command| {
        command.emit(domain::event::payloads::ActivityCapacityChanged {
            activity_id: activity(),
            effective_from: wednesday(),
            capacity: 2,
            waitlist_size: 3,
        })?;
        Ok(())
    })
    .unwrap();
    let mails = outbox(&app).len();
    super::promote_waitlisted(&app, &director_of("centre"), second, reason("Fratrie")).unwrap();
    assert_eq!(waitlist(&app), vec![first]);
    let rank = app
        .query(|conn| Ok(projections::booking::reservation_by_id(conn, first)?))
        .unwrap()
        .unwrap()
        .rank;
    assert_eq!(rank, Some(1));
    let outbox = outbox(&app);
    assert_eq!(outbox.len(), mails + 1);
    assert!(outbox.iter().any(|(to, _)| to == "martin@test.example"));
    let actions = super::day_actions(&app, activity(), wednesday()).unwrap();
    assert_eq!(actions.len(), 1);
    assert!(matches!(
        actions[0].what,
        DayActionKind::Promoted {
            previous_rank: 2,
            ..
        }
    ));
}

#[test]
fn given_two_waiting_when_the_second_moves_up_then_ranks_follow_and_the_next_promotion_picks_her() {
    let dir = tempfile::tempdir().unwrap();
    let app = world(&dir);
    let [jules, emma] = waitlist(&app)[..] else {
        panic!("two waiting")
    };
    let director = director_of("centre");
    let position = head(&app);
    let refused = super::move_waitlisted(
        &app,
        &director,
        jules,
        domain::booking::Direction::Up,
        reason("x"),
    );
    assert!(
        matches!(refused, Err(AppError::Days(DayRefusal::AlreadyFirst))),
        "{refused:?}"
    );
    let refused = super::move_waitlisted(
        &app,
        &director,
        emma,
        domain::booking::Direction::Down,
        reason("x"),
    );
    assert!(
        matches!(refused, Err(AppError::Days(DayRefusal::AlreadyLast))),
        "{refused:?}"
    );
    assert_eq!(head(&app), position);

    super::move_waitlisted(
        &app,
        &director,
        emma,
        domain::booking::Direction::Up,
        reason("Fratrie déjà inscrite"),
    )
    .unwrap();
    assert_eq!(waitlist(&app), vec![emma, jules]);
    let rank_of = |place| {
        app.query(move |conn| Ok(projections::booking::reservation_by_id(conn, place)?))
            .unwrap()
            .unwrap()
            .rank
    };
    assert_eq!((rank_of(emma), rank_of(jules)), (Some(1), Some(2)));
    let actions = super::day_actions(&app, activity(), wednesday()).unwrap();
    assert!(matches!(
        actions[0].what,
        DayActionKind::Reordered {
            from_rank: 2,
            to_rank: 1,
            ..
        }
    ));

    super::change_capacity(
        &app,
        &director,
        activity(),
        wednesday(),
        2,
        3,
        reason("Renfort"),
    )
    .unwrap();
    assert_eq!(waitlist(&app), vec![jules]);
    assert!(
        outbox(&app)
            .iter()
            .any(|(to, _)| to == "martin@test.example")
    );
}

#[test]
fn given_places_and_a_pending_request_when_the_day_is_closed_then_each_family_is_mailed_and_the_day_is_shut()
 {
    let dir = tempfile::tempdir().unwrap();
    let app = world(&dir);
    ask(&app, "bernard/leo", "form");
    let director = director_of("centre");
    let past = NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
    let position = head(&app);
    let refused = super::close_day(&app, &director, activity(), past, reason("Grève"));
    assert!(
        matches!(refused, Err(AppError::Days(DayRefusal::PastDay { .. }))),
        "{refused:?}"
    );
    assert_eq!(head(&app), position);

    let closed = super::close_day(
        &app,
        &director,
        activity(),
        wednesday(),
        reason("Panne de chauffage"),
    )
    .unwrap();
    assert_eq!(closed.cancelled, 3);
    assert!(places(&app, ReservationState::Accepted).is_empty());
    assert!(waitlist(&app).is_empty());
    let mails: Vec<_> = app
        .query(|conn| Ok(mail::list(conn, mail::OutboxFilter::All)?))
        .unwrap()
        .into_iter()
        .filter(|m| m.kind == mail::MailKind::DayClosed)
        .collect();
    assert_eq!(mails.len(), 3);
    assert!(
        mails
            .iter()
            .all(|m| m.subject.starts_with("Journée fermée exceptionnellement"))
    );
    let actions = super::day_actions(&app, activity(), wednesday()).unwrap();
    assert_eq!(actions[0].what, DayActionKind::Closed);
    assert_eq!(actions[0].reason, "Panne de chauffage");

    let position = head(&app);
    let again = super::close_day(&app, &director, activity(), wednesday(), reason("x"));
    assert!(
        matches!(again, Err(AppError::Days(DayRefusal::AlreadyClosed))),
        "{again:?}"
    );
    assert_eq!(head(&app), position);

    let calendar = crate::portal::month(
        &app,
        FamilyId(derive_id("family", "dupont")),
        ChildId(derive_id("child", "dupont/lilou")),
        wednesday(),
        Some(activity()),
    )
    .unwrap();
    let cell = &calendar
        .iter()
        .find(|d| d.day == wednesday())
        .unwrap()
        .cells[0];
    assert_eq!(cell.state, domain::booking::DayState::Closed);
    let basket = ask(&app, "dupont/lilou", "again");
    assert!(
        matches!(
            basket.lines[0].1,
            crate::booking::LineOutcome::Refused { .. }
        ),
        "{basket:?}"
    );
    crate::booking::transmit(&app, app.now() + chrono::Duration::minutes(1)).unwrap();
    let suivi = crate::booking::follow_up(
        &app,
        FamilyId(derive_id("family", "bernard")),
        domain::booking::DeadlineRule::Applies,
    )
    .unwrap();
    assert_eq!(suivi[0].state, ReservationState::Refused);
    assert!(
        suivi[0]
            .state_text
            .contains("Journée fermée exceptionnellement"),
        "{}",
        suivi[0].state_text
    );
}
