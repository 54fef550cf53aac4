//! Bookings staff make for a family (on the phone at the desk, or on the CLI): the parent's
//! rules under the member's actor, and a director's exception to a deadline — never to
//! capacity — with its reason kept out of the log.

use app::booking::{self, DeadlineException, LineOutcome, LineRequest};
use app::staff::{Acting, StaffMember};
use chrono::{DateTime, TimeZone, Utc};
use domain::Event;
use domain::booking::{DeadlineRule, LineRefusal};
use domain::ids::*;
use domain::staff::{Role, StaffRights};
use domain::values::{Forecast, RefusalReason};
use uuid::Uuid;

use crate::given::{day, given};

fn family(login: &str) -> FamilyId {
    FamilyId(derive_id("family", login))
}

fn centre() -> StructureId {
    StructureId(derive_id("structure", "centre"))
}

/// A member with `role` on the test centre (or on another structure).
fn member(role: Role, structure: StructureId) -> Acting {
    Acting::member(&StaffMember {
        staff_id: StaffId(Uuid::from_u128(0x5747_u128 + role as u128)),
        login: role.code().to_owned(),
        name: format!("Membre {}", role.code()),
        email: None,
        rights: StaffRights {
            roles: vec![role],
            structures: vec![structure],
        },
        activated: true,
        enrolled: true,
        disabled: false,
        demo: false,
    })
}

/// Lilou's Journée on Wednesday 13 January 2027 (booking deadline: Monday 11 at 18:00).
fn lilou_wednesday() -> LineRequest {
    LineRequest::Book {
        child_id: ChildId(derive_id("child", "dupont/lilou")),
        activity_id: ActivityId(derive_id("activity", "journee")),
        day: day("2027-01-13"),
    }
}

/// Tuesday 12 January 2027 at 10:00 Paris: past the deadline of the 13th.
fn too_late() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 1, 12, 9, 0, 0).unwrap()
}

fn in_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 1, 4, 9, 0, 0).unwrap()
}

/// The metadata of the last event of `event_type` in the log.
fn last_metadata(app: &app::App, event_type: &str) -> serde_json::Value {
    let events = app.store.read_range(1, None, 256).unwrap();
    events
        .map(|e| e.unwrap())
        .filter(|e| e.event_type == event_type)
        .last()
        .map(|e| e.metadata_json().unwrap())
        .expect("the event is in the log")
}

#[test]
fn given_a_desk_agent_when_booking_in_time_for_a_family_then_the_request_names_the_agent() {
    let world = given(crate::money::SETUP, in_time());
    let agent = member(Role::Accueil, centre());
    let receipt = world.step(|app| {
        booking::submit_staff_basket(
            app,
            &agent,
            family("dupont"),
            "phone-1",
            vec![lilou_wednesday()],
            None,
        )
    });
    assert!(matches!(
        receipt.lines[0].1,
        LineOutcome::Requested {
            forecast: Forecast::PlaceAvailable,
            ..
        }
    ));
    let metadata = world.step(|app| Ok(last_metadata(app, "BookingRequested")));
    assert_eq!(metadata["actor"], agent.actor_text());
    assert!(metadata.get("overrides").is_none(), "{metadata}");
}

#[test]
fn given_the_deadline_passed_when_a_desk_agent_books_then_the_line_is_refused_as_for_the_parent() {
    let world = given(crate::money::SETUP, too_late());
    let agent = member(Role::Accueil, centre());
    let receipt = world
        .when(|app| {
            booking::submit_staff_basket(
                app,
                &agent,
                family("dupont"),
                "phone-1",
                vec![lilou_wednesday()],
                None,
            )
        })
        .then_events(|events| assert_eq!(events, &[] as &[Event]));
    assert!(
        matches!(
            &receipt.lines[0].1,
            LineOutcome::Refused {
                reason: booking::BasketRefusal::Rule {
                    refusal: LineRefusal::BookingTooLate { .. }
                }
            }
        ),
        "{receipt:?}"
    );
}

#[test]
fn given_the_deadline_passed_when_a_desk_agent_asks_for_an_exception_then_it_is_refused_and_nothing_written()
 {
    let world = given(crate::money::SETUP, too_late());
    let agent = member(Role::Accueil, centre());
    world
        .when(|app| {
            booking::submit_staff_basket(
                app,
                &agent,
                family("dupont"),
                "phone-1",
                vec![lilou_wednesday()],
                Some(DeadlineException::parse("Le papa a appelé").unwrap()),
            )
        })
        .then_refused("Votre compte ne permet pas d'accepter une demande après la date limite : rien n'a été enregistré.");
}

#[test]
fn given_the_deadline_passed_when_a_director_sets_it_aside_then_the_line_is_requested_with_the_rule_and_reason_kept()
 {
    let world = given(crate::money::SETUP, too_late());
    let director = member(Role::Direction, centre());
    let receipt = world.step(|app| {
        booking::submit_staff_basket(
            app,
            &director,
            family("dupont"),
            "phone-1",
            vec![lilou_wednesday()],
            Some(DeadlineException::parse("  Hospitalisation du parent  ").unwrap()),
        )
    });
    let LineOutcome::Requested {
        request_id,
        forecast,
    } = receipt.lines[0].1.clone()
    else {
        panic!("the line was not requested: {receipt:?}");
    };
    assert_eq!(forecast, Forecast::PlaceAvailable);
    let metadata = world.step(|app| Ok(last_metadata(app, "BookingRequested")));
    assert_eq!(metadata["actor"], director.actor_text());
    assert_eq!(
        metadata["overrides"],
        serde_json::json!(["booking_too_late"])
    );
    let basket = world.step(|app| Ok(last_metadata(app, "BasketSubmitted")));
    assert!(basket.get("overrides").is_none(), "{basket}");
    let kept = world
        .step(|app| booking::deadline_exception(app, request_id))
        .expect("the reason is kept");
    assert_eq!(kept.reason, "Hospitalisation du parent");
    assert_eq!(kept.rule, "booking_too_late");
    assert_eq!(kept.actor, director.actor_text());
}

#[test]
fn given_a_full_day_past_its_deadline_when_a_director_sets_it_aside_then_capacity_still_decides() {
    let one_place = crate::money::SETUP.replace("capacity = 10\n", "capacity = 1\n");
    let world = given(&one_place, in_time());
    let jules = LineRequest::Book {
        child_id: ChildId(derive_id("child", "petit/jules")),
        activity_id: ActivityId(derive_id("activity", "journee")),
        day: day("2027-01-13"),
    };
    world.step(|app| booking::submit_basket(app, "test:parent", family("petit"), "f", vec![jules]));
    let world = world.at(too_late());
    let director = member(Role::Direction, centre());
    let receipt = world.step(|app| {
        booking::submit_staff_basket(
            app,
            &director,
            family("dupont"),
            "phone-1",
            vec![lilou_wednesday()],
            Some(DeadlineException::parse("Urgence").unwrap()),
        )
    });
    assert!(
        matches!(
            receipt.lines[0].1,
            LineOutcome::Requested {
                forecast: Forecast::Refused {
                    reason: RefusalReason::Full
                },
                ..
            }
        ),
        "{receipt:?}"
    );
}

#[test]
fn given_a_deadline_exception_when_another_rule_breaks_then_that_rule_still_refuses() {
    let world = given(crate::money::SETUP, too_late());
    let director = member(Role::Direction, centre());
    let closed_day = LineRequest::Book {
        child_id: ChildId(derive_id("child", "dupont/lilou")),
        activity_id: ActivityId(derive_id("activity", "journee")),
        day: day("2027-01-14"),
    };
    let receipt = world.step(|app| {
        booking::submit_staff_basket(
            app,
            &director,
            family("dupont"),
            "phone-1",
            vec![closed_day],
            Some(DeadlineException::parse("Urgence").unwrap()),
        )
    });
    assert_eq!(
        receipt.lines[0].1,
        LineOutcome::Refused {
            reason: booking::BasketRefusal::Rule {
                refusal: LineRefusal::DayClosed
            }
        }
    );
}

#[test]
fn given_a_director_of_another_centre_when_booking_for_the_family_then_it_is_refused_and_nothing_written()
 {
    let world = given(crate::money::SETUP, in_time());
    let elsewhere = member(
        Role::Direction,
        StructureId(derive_id("structure", "ailleurs")),
    );
    world
        .when(|app| {
            booking::submit_staff_basket(
                app,
                &elsewhere,
                family("dupont"),
                "phone-1",
                vec![lilou_wednesday()],
                None,
            )
        })
        .then_refused("Votre compte ne permet pas de réserver ou annuler pour une famille : rien n'a été enregistré.");
}

#[test]
fn an_exception_without_a_reason_is_refused() {
    assert!(DeadlineException::parse("   ").is_err());
    assert!(DeadlineException::parse(&"x".repeat(501)).is_err());
    assert_eq!(
        DeadlineException::parse(" Motif ").unwrap().reason(),
        "Motif"
    );
}

#[test]
fn given_a_pending_request_when_a_desk_agent_withdraws_it_then_the_withdrawal_names_the_agent() {
    let world = given(crate::money::SETUP, in_time());
    let agent = member(Role::Accueil, centre());
    let receipt = world.step(|app| {
        booking::submit_basket(
            app,
            "test:parent",
            family("dupont"),
            "f",
            vec![lilou_wednesday()],
        )
    });
    let LineOutcome::Requested { request_id, .. } = receipt.lines[0].1 else {
        panic!("requested");
    };
    let regie = member(Role::Regie, centre());
    let refused = world.step(|app| {
        Ok(booking::staff_withdraw_request(
            app,
            &regie,
            family("dupont"),
            request_id,
        ))
    });
    assert!(refused.is_err(), "the régie does not book by phone");
    world.step(|app| booking::staff_withdraw_request(app, &agent, family("dupont"), request_id));
    let metadata = world.step(|app| Ok(last_metadata(app, "RequestWithdrawn")));
    assert_eq!(metadata["actor"], agent.actor_text());
}

#[test]
fn given_a_place_past_its_cancellation_deadline_when_a_director_cancels_it_with_a_reason_then_the_cancellation_is_requested()
 {
    let world = given(crate::money::SETUP, in_time());
    world.step(|app| {
        booking::submit_basket(
            app,
            "test:parent",
            family("dupont"),
            "f",
            vec![lilou_wednesday()],
        )
    });
    world.step(|app| booking::transmit(app, Utc.with_ymd_and_hms(2027, 1, 5, 0, 0, 0).unwrap()));
    let place = world
        .step(|app| booking::follow_up(app, family("dupont"), DeadlineRule::Applies))
        .into_iter()
        .find_map(|line| line.reservation_id)
        .expect("Lilou holds the place");
    let world = world.at(too_late());
    let cancel = || {
        vec![LineRequest::Cancel {
            reservation_id: place,
        }]
    };
    let agent = member(Role::Accueil, centre());
    let refused = world.step(|app| {
        booking::submit_staff_basket(app, &agent, family("dupont"), "late-1", cancel(), None)
    });
    assert!(
        matches!(
            &refused.lines[0].1,
            LineOutcome::Refused {
                reason: booking::BasketRefusal::Rule {
                    refusal: LineRefusal::CancellationTooLate { .. }
                }
            }
        ),
        "{refused:?}"
    );
    let director = member(Role::Direction, centre());
    let receipt = world.step(|app| {
        booking::submit_staff_basket(
            app,
            &director,
            family("dupont"),
            "late-2",
            cancel(),
            Some(DeadlineException::parse("Enfant malade").unwrap()),
        )
    });
    let LineOutcome::CancellationRequested { request_id } = receipt.lines[0].1 else {
        panic!("the cancellation was not requested: {receipt:?}");
    };
    let metadata = world.step(|app| Ok(last_metadata(app, "CancellationRequested")));
    assert_eq!(
        metadata["overrides"],
        serde_json::json!(["cancellation_too_late"])
    );
    let kept = world.step(|app| booking::deadline_exception(app, request_id));
    assert_eq!(kept.map(|k| k.reason).as_deref(), Some("Enfant malade"));
}
