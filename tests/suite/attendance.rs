//! The daily attendance sheet told as given / when / then: the last mark decides what the
//! nightly consumption bills, a member acts only on the structures of the account, and a child
//! who came without a place is held to the CLI's consumption rules.

use app::booking::{self, LineRequest};
use app::desk::{self, Sheet};
use app::money;
use app::staff::{Acting, StaffMember};
use chrono::{DateTime, TimeZone, Utc};
use domain::Event;
use domain::Money;
use domain::attendance::Mark;
use domain::event::payloads::{ConsumptionRecorded, PresenceRecorded};
use domain::ids::*;
use domain::staff::{Role, StaffRights};
use uuid::Uuid;

use crate::given::{Given, day, given};

fn morning(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 9, 0, 0).unwrap()
}

fn family(login: &str) -> FamilyId {
    FamilyId(derive_id("family", login))
}

fn child(path: &str) -> ChildId {
    ChildId(derive_id("child", path))
}

fn journee() -> ActivityId {
    ActivityId(derive_id("activity", "journee"))
}

fn centre() -> StructureId {
    StructureId(derive_id("structure", "centre"))
}

/// A desk agent of `structures`.
fn agent(structures: Vec<StructureId>) -> Acting {
    Acting::member(&StaffMember {
        staff_id: StaffId::from_uuid(Uuid::from_u128(7)),
        login: "accueil".to_owned(),
        name: "Agent d'accueil".to_owned(),
        email: None,
        rights: StaffRights {
            roles: vec![Role::Accueil],
            structures,
        },
        activated: true,
        enrolled: true,
        disabled: false,
        demo: false,
    })
}

/// Lilou (dupont) and Jules (petit) have a place on Wednesday 13 January 2027; the world is on
/// the morning of that day.
fn two_places() -> Given {
    let world = given(crate::money::SETUP, morning(2027, 1, 4));
    for (login, path) in [("dupont", "dupont/lilou"), ("petit", "petit/jules")] {
        world.step(|app| {
            booking::submit_basket(
                app,
                "test:parent",
                family(login),
                "form",
                vec![LineRequest::Book {
                    child_id: child(path),
                    activity_id: journee(),
                    day: day("2027-01-13"),
                }],
            )
        });
    }
    world.step(|app| booking::transmit(app, morning(2027, 1, 5)));
    world.at(morning(2027, 1, 13))
}

fn sheet(world: &Given) -> Sheet {
    world.step(|app| {
        desk::attendance_sheet(app, &agent(vec![centre()]), centre(), day("2027-01-13"))
    })
}

/// The place of the child whose first name is `first_name` on the sheet.
fn place_of(world: &Given, first_name: &str) -> ReservationId {
    sheet(world).activities[0]
        .rows
        .iter()
        .find(|row| row.first_name == first_name)
        .and_then(|row| row.place)
        .unwrap()
}

fn mark(world: &Given, first_name: &str, mark: Mark) {
    let place = place_of(world, first_name);
    world.step(|app| desk::mark_attendance(app, &agent(vec![centre()]), place, mark));
}

#[test]
fn given_two_places_when_the_sheet_is_opened_then_both_children_are_expected_by_last_name_not_marked_yet()
 {
    let world = two_places();
    let sheet = sheet(&world);
    assert_eq!(sheet.structure_label, "Accueil de Loisirs de Test");
    assert_eq!(sheet.activities.len(), 1);
    assert_eq!(sheet.activities[0].label, "ALSH Journée");
    let rows: Vec<(&str, &str, u32, Option<Mark>)> = sheet.activities[0]
        .rows
        .iter()
        .map(|r| (r.last_name.as_str(), r.first_name.as_str(), r.age, r.mark))
        .collect();
    assert_eq!(
        rows,
        vec![("DUPONT", "Lilou", 9, None), ("PETIT", "Jules", 11, None)]
    );
}

#[test]
fn given_a_justified_absence_then_a_presence_when_the_day_is_billed_then_the_place_is_billed() {
    let world = two_places();
    mark(&world, "Lilou", Mark::AbsentJustified);
    mark(&world, "Lilou", Mark::Present);
    let marked = sheet(&world).activities[0].rows[0].mark;
    assert_eq!(marked, Some(Mark::Present), "the last mark is on the sheet");
    let report = world
        .at(morning(2027, 1, 14))
        .when(|app| money::consume(app, day("2027-01-13")))
        .then_events(|events| assert_eq!(events.len(), 2, "both places billed"));
    assert_eq!((report.recorded, report.justified_absences), (2, 0));
}

#[test]
fn given_a_presence_then_a_justified_absence_when_the_day_is_billed_then_the_place_is_not_billed() {
    let world = two_places();
    mark(&world, "Lilou", Mark::Present);
    mark(&world, "Lilou", Mark::AbsentJustified);
    let report = world
        .at(morning(2027, 1, 14))
        .when(|app| money::consume(app, day("2027-01-13")))
        .then_events(|events| {
            let [Event::ConsumptionRecorded(debit)] = events else {
                panic!("one debit expected: {events:?}");
            };
            assert_eq!(debit.child_id, child("petit/jules"), "only Jules is billed");
        });
    assert_eq!((report.recorded, report.justified_absences), (1, 1));
}

#[test]
fn given_an_unjustified_absence_when_the_day_is_billed_then_the_place_is_billed() {
    let world = two_places();
    mark(&world, "Lilou", Mark::AbsentUnjustified);
    let report = world
        .at(morning(2027, 1, 14))
        .when(|app| money::consume(app, day("2027-01-13")))
        .then_events(|_| {});
    assert_eq!((report.recorded, report.justified_absences), (2, 0));
}

#[test]
fn given_a_billed_day_when_a_justified_absence_is_marked_then_it_is_refused_as_the_cli_refuses_it()
{
    let world = two_places().at(morning(2027, 1, 14));
    world.step(|app| money::consume(app, day("2027-01-13")));
    let place = place_of(&world, "Lilou");
    world
        .when(|app| desk::mark_attendance(app, &agent(vec![centre()]), place, Mark::AbsentJustified))
        .then_refused(
            "La journée du 13/01/2027 de Lilou est déjà facturée : une absence justifiée doit être saisie avant la facturation.",
        );
}

#[test]
fn given_a_place_when_a_member_marks_it_then_the_presence_is_recorded_in_the_members_name() {
    let world = two_places();
    let place = place_of(&world, "Lilou");
    world
        .when(|app| desk::mark_attendance(app, &agent(vec![centre()]), place, Mark::Present))
        .then(&[Event::PresenceRecorded(PresenceRecorded {
            presence_id: PresenceId(derive_id(
                "presence",
                &format!("{}/{}/2027-01-13", child("dupont/lilou"), journee()),
            )),
            family_id: family("dupont"),
            child_id: child("dupont/lilou"),
            activity_id: journee(),
            day: day("2027-01-13"),
            reservation_id: Some(place),
        })]);
}

#[test]
fn given_a_member_of_another_structure_when_they_mark_or_open_the_sheet_then_it_is_refused_and_nothing_is_written()
 {
    let world = two_places();
    let place = place_of(&world, "Lilou");
    let elsewhere = agent(vec![StructureId::from_uuid(Uuid::from_u128(99))]);
    let refused = world.step(|app| {
        Ok(desk::attendance_sheet(app, &elsewhere, centre(), day("2027-01-13")).unwrap_err())
    });
    assert_eq!(
        refused.to_string(),
        "Votre compte ne permet pas de faire le pointage : rien n'a été enregistré."
    );
    world
        .when(|app| desk::mark_attendance(app, &elsewhere, place, Mark::AbsentJustified))
        .then_refused("Votre compte ne permet pas de faire le pointage : rien n'a été enregistré.");
}

#[test]
fn given_a_place_tomorrow_when_it_is_marked_present_today_then_it_is_refused() {
    let world = two_places().at(morning(2027, 1, 12));
    let place = place_of(&world, "Lilou");
    world
        .when(|app| desk::mark_attendance(app, &agent(vec![centre()]), place, Mark::Present))
        .then_refused(
            "Le 13/01/2027 n'est pas encore arrivé : un enfant ne peut être pointé présent qu'à partir du jour même.",
        );
}

#[test]
fn given_a_child_without_a_place_when_added_on_an_open_day_then_a_consumption_and_a_presence_are_recorded()
 {
    let world = given(crate::money::SETUP, morning(2027, 1, 13));
    world
        .when(|app| {
            desk::add_walk_in(
                app,
                &agent(vec![centre()]),
                child("dupont/lilou"),
                journee(),
                day("2027-01-13"),
            )
        })
        .then_events(|events| {
            let [
                Event::ConsumptionRecorded(debit),
                Event::PresenceRecorded(presence),
            ] = events
            else {
                panic!("a debit and a presence expected: {events:?}");
            };
            assert_eq!(
                (debit.reservation_id, presence.reservation_id),
                (None, None)
            );
            assert_eq!(debit.amount.to_string(), "70.55");
        });
}

#[test]
fn given_a_walk_in_when_the_sheet_is_opened_then_the_child_is_on_it_present_without_a_place() {
    let world = given(crate::money::SETUP, morning(2027, 1, 13));
    world.step(|app| {
        desk::add_walk_in(
            app,
            &agent(vec![centre()]),
            child("petit/jules"),
            journee(),
            day("2027-01-13"),
        )
    });
    let rows = &sheet(&world).activities[0].rows;
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0].first_name.as_str(), rows[0].place, rows[0].mark),
        ("Jules", None, Some(Mark::Present))
    );
}

#[test]
fn given_a_closed_day_when_a_child_is_added_then_the_clis_rule_refuses_it_and_nothing_is_written() {
    // Thursday 14 January 2027: the activity opens on Wednesdays only.
    let world = given(crate::money::SETUP, morning(2027, 1, 14));
    world
        .when(|app| {
            desk::add_walk_in(
                app,
                &agent(vec![centre()]),
                child("dupont/lilou"),
                journee(),
                day("2027-01-14"),
            )
        })
        .then_refused("Ce jour n'est pas ouvert à la réservation.");
}

#[test]
fn given_a_child_with_a_place_when_added_without_one_then_it_is_refused() {
    let world = two_places();
    world
        .when(|app| {
            desk::add_walk_in(
                app,
                &agent(vec![centre()]),
                child("dupont/lilou"),
                journee(),
                day("2027-01-13"),
            )
        })
        .then_refused("Lilou a déjà une place ce jour-là : pointez-la sur la feuille.");
}

#[test]
fn given_the_structures_families_when_a_name_is_searched_then_their_children_are_proposed() {
    let world = given(crate::money::SETUP, morning(2027, 1, 13));
    let found = world.step(|app| {
        desk::walk_in_candidates(
            app,
            &agent(vec![centre()]),
            centre(),
            day("2027-01-13"),
            "JUL",
        )
    });
    let names: Vec<&str> = found.iter().map(|c| c.first_name.as_str()).collect();
    assert_eq!(names, vec!["Jules"]);
}

#[test]
fn given_a_member_when_the_structures_are_listed_then_each_says_whether_it_opens_that_day() {
    let world = given(crate::money::SETUP, morning(2027, 1, 13));
    let listed = |on: &str| {
        world
            .step(|app| desk::attendance_structures(app, &agent(vec![centre()]), day(on)))
            .into_iter()
            .map(|s| (s.label, s.open))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        listed("2027-01-13"),
        vec![("Accueil de Loisirs de Test".to_owned(), true)]
    );
    assert_eq!(
        listed("2027-01-14"),
        vec![("Accueil de Loisirs de Test".to_owned(), false)]
    );
    let elsewhere = agent(vec![StructureId::from_uuid(Uuid::from_u128(99))]);
    let none = world.step(|app| desk::attendance_structures(app, &elsewhere, day("2027-01-13")));
    assert!(none.is_empty(), "no structure of another member's");
}

/// A consumption of that place under another id (as the demo's history records them).
fn billed_elsewhere(place: ReservationId) -> Event {
    Event::ConsumptionRecorded(ConsumptionRecorded {
        consumption_id: ConsumptionId::from_uuid(Uuid::from_u128(1234)),
        family_id: family("dupont"),
        wallet_id: WalletId(derive_id("wallet", "regie")),
        child_id: child("dupont/lilou"),
        activity_id: journee(),
        day: day("2027-01-13"),
        unit_price: Money::parse("4.15").unwrap(),
        quantity: 17,
        amount: Money::parse("70.55").unwrap(),
        reservation_id: Some(place),
    })
}

#[test]
fn given_a_place_billed_under_another_id_when_marked_absent_justified_or_billed_again_then_it_is_billed_once()
 {
    let world = two_places().at(morning(2027, 1, 14));
    let place = place_of(&world, "Lilou");
    let event = billed_elsewhere(place);
    let world = world.events(vec![event]);
    world.step(|app| {
        let refused =
            desk::mark_attendance(app, &agent(vec![centre()]), place, Mark::AbsentJustified)
                .unwrap_err();
        assert!(
            refused.to_string().contains("est déjà facturée"),
            "{refused}"
        );
        Ok(())
    });
    let report = world
        .when(|app| money::consume(app, day("2027-01-13")))
        .then_events(|events| assert_eq!(events.len(), 1, "Jules only"));
    assert_eq!((report.recorded, report.already_recorded), (1, 1));
}
