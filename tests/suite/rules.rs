//! The booking and money rules told as given / when / then: the world, one command, the events
//! it decided (or its refusal, which appends nothing).

use app::booking::{self, LineOutcome, LineRequest};
use app::money::{self, DeskPayment};
use app::staff::Acting;
use chrono::{DateTime, TimeZone, Utc};
use domain::Event;
use domain::Money;
use domain::event::payloads::{PaymentCancelled, PaymentRecorded, RequestWithdrawn};
use domain::ids::*;
use domain::values::PaymentMode;

use crate::given::{day, given};

/// The money suite's world with one place and one waitlist rank, so a second request waits.
fn setup() -> String {
    let one_place = crate::money::SETUP.replace("capacity = 10\n", "capacity = 1\nwaitlist = 1\n");
    assert_ne!(
        one_place,
        crate::money::SETUP,
        "the capacity line is where it was"
    );
    one_place
}

fn morning(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 9, 0, 0).unwrap()
}

fn family(login: &str) -> FamilyId {
    FamilyId(derive_id("family", login))
}

fn child(path: &str) -> ChildId {
    ChildId(derive_id("child", path))
}

fn wallet() -> WalletId {
    WalletId(derive_id("wallet", "regie"))
}

fn journee() -> ActivityId {
    ActivityId(derive_id("activity", "journee"))
}

/// Books `child` (of `login`) for Wednesday 13 January 2027; the request's id.
fn book(
    app: &app::App,
    login: &str,
    child_path: &str,
    form: &str,
) -> Result<RequestId, app::AppError> {
    let receipt = booking::submit_basket(
        app,
        "test:parent",
        family(login),
        form,
        vec![LineRequest::Book {
            child_id: child(child_path),
            activity_id: journee(),
            day: day("2027-01-13"),
        }],
    )?;
    match &receipt.lines[0].1 {
        LineOutcome::Requested { request_id, .. } => Ok(*request_id),
        other => panic!("the line was not requested: {other:?}"),
    }
}

fn desk_payment(amount: &str) -> DeskPayment {
    DeskPayment {
        family: family("dupont"),
        wallet: wallet(),
        amount: Money::parse(amount).unwrap(),
        mode: PaymentMode::Cheque,
        number: Some("124456".to_owned()),
        bank: Some("LBP".to_owned()),
        payer: Some("DUPONT Jean-Paul".to_owned()),
        paid_on: day("2027-01-05"),
    }
}

#[test]
fn given_a_pending_request_when_the_family_withdraws_it_then_it_is_withdrawn_and_nothing_else() {
    let world = given(&setup(), morning(2027, 1, 4));
    let request = world.step(|app| book(app, "dupont", "dupont/lilou", "form-1"));
    world
        .when(|app| booking::withdraw_request(app, "test:parent", family("dupont"), request))
        .then(&[Event::RequestWithdrawn(RequestWithdrawn {
            request_id: request,
            family_id: family("dupont"),
        })]);
}

#[test]
fn given_a_withdrawn_request_when_it_is_withdrawn_again_then_it_is_refused_and_nothing_is_appended()
{
    let world = given(&setup(), morning(2027, 1, 4));
    let request = world.step(|app| book(app, "dupont", "dupont/lilou", "form-1"));
    world.step(|app| booking::withdraw_request(app, "test:parent", family("dupont"), request));
    world
        .when(|app| booking::withdraw_request(app, "test:parent", family("dupont"), request))
        .then_refused(
            "Cette demande a déjà été transmise : elle ne peut plus être retirée. Vous pouvez annuler la réservation.",
        );
}

#[test]
fn given_one_place_and_two_requests_when_transmitted_then_the_first_is_accepted_and_the_second_waitlisted()
 {
    let world = given(&setup(), morning(2027, 1, 4));
    let first = world.step(|app| book(app, "dupont", "dupont/lilou", "form-1"));
    let second = world.step(|app| book(app, "petit", "petit/jules", "form-2"));
    world
        .at(morning(2027, 1, 5))
        .when(|app| booking::transmit(app, morning(2027, 1, 5)))
        .then_events(|events| {
            let accepted: Vec<RequestId> = events
                .iter()
                .filter_map(|e| match e {
                    Event::BookingAccepted(a) => Some(a.request_id),
                    _ => None,
                })
                .collect();
            let waitlisted: Vec<(RequestId, u32)> = events
                .iter()
                .filter_map(|e| match e {
                    Event::BookingWaitlisted(w) => Some((w.request_id, w.rank)),
                    _ => None,
                })
                .collect();
            assert_eq!(
                accepted,
                vec![first],
                "the one place goes to the first request"
            );
            assert_eq!(
                waitlisted,
                vec![(second, 1)],
                "the second is first on the waitlist"
            );
        });
}

#[test]
fn given_an_accepted_place_when_its_day_is_over_then_it_is_billed_once_at_the_price_of_the_family_bracket()
 {
    let world = given(&setup(), morning(2027, 1, 4));
    world.step(|app| book(app, "petit", "petit/jules", "form-1"));
    world.step(|app| booking::transmit(app, morning(2027, 1, 5)));
    let world = world.at(morning(2027, 1, 14));
    world
        .when(|app| money::consume(app, day("2027-01-13")))
        .then_events(|events| {
            let [Event::ConsumptionRecorded(debit)] = events else {
                panic!("one debit expected: {events:?}");
            };
            assert_eq!(debit.family_id, family("petit"));
            assert_eq!(debit.unit_price, Money::parse("2.10").unwrap());
            assert_eq!(debit.quantity, 17);
            assert_eq!(debit.amount, Money::parse("35.70").unwrap());
        });
}

#[test]
fn given_a_desk_payment_when_it_is_recorded_then_the_wallet_is_credited_by_exactly_its_amount() {
    let world = given(&setup(), morning(2027, 1, 5));
    world
        .when(|app| money::record_payment(app, &Acting::operator(), desk_payment("12.34")))
        .then_events(|events| {
            let [Event::PaymentRecorded(recorded)] = events else {
                panic!("one credit expected: {events:?}");
            };
            assert_eq!(
                recorded,
                &PaymentRecorded {
                    payment_id: recorded.payment_id,
                    family_id: family("dupont"),
                    wallet_id: wallet(),
                    amount: Money::parse("12.34").unwrap(),
                    mode: PaymentMode::Cheque,
                    paid_on: day("2027-01-05"),
                }
            );
        });
}

#[test]
fn given_a_cancelled_payment_when_it_is_cancelled_again_then_it_is_refused_and_nothing_is_appended()
{
    let world = given(&setup(), morning(2027, 1, 5));
    let payment =
        world.step(|app| money::record_payment(app, &Acting::operator(), desk_payment("12.34")));
    world.step(|app| money::cancel_payment(app, &Acting::operator(), payment, "erreur de saisie"));
    world
        .when(|app| money::cancel_payment(app, &Acting::operator(), payment, "erreur de saisie"))
        .then_refused("Ce règlement est déjà annulé.");
}

#[test]
fn given_a_desk_payment_in_the_log_when_it_is_cancelled_then_the_same_amount_is_taken_back() {
    let payment = PaymentId(uuid::Uuid::from_u128(7));
    given(&setup(), morning(2027, 1, 5))
        .events(vec![Event::PaymentRecorded(PaymentRecorded {
            payment_id: payment,
            family_id: family("dupont"),
            wallet_id: wallet(),
            amount: Money::parse("12.34").unwrap(),
            mode: PaymentMode::Cash,
            paid_on: day("2027-01-04"),
        })])
        .when(|app| money::cancel_payment(app, &Acting::operator(), payment, "erreur de saisie"))
        .then(&[Event::PaymentCancelled(PaymentCancelled {
            payment_id: payment,
            family_id: family("dupont"),
            wallet_id: wallet(),
            amount: Money::parse("12.34").unwrap(),
        })]);
}
