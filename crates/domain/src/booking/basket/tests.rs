use chrono::{Duration, NaiveTime};
use uuid::Uuid;

use super::*;

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test dates are valid")
}

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("test instants are valid")
        .with_timezone(&Utc)
}

fn euros(text: &str) -> Money {
    Money::from_stored(text).expect("test amounts are valid")
}

fn activity_id(n: u128) -> ActivityId {
    ActivityId::from_uuid(Uuid::from_u128(n))
}

fn child_id(n: u128) -> ChildId {
    ChildId::from_uuid(Uuid::from_u128(0xC000 + n))
}

fn j_minus(days_before: u16, at: &str) -> Deadline {
    Deadline {
        days_before,
        at: NaiveTime::parse_from_str(at, "%H:%M").expect("test times are valid"),
    }
}

const MATIN: u128 = 1;
const JOURNEE: u128 = 2;
const REPAS: u128 = 3;

/// Wednesday 4 March 2026; booking J-2 at 18:00 (Monday 2 March 18:00 Paris, 17:00 UTC).
fn wednesday() -> NaiveDate {
    date("2026-03-04")
}

fn monday_noon() -> DateTime<Utc> {
    utc("2026-03-02T12:00:00+01:00")
}

/// « CDC - ALSH 6-12 Matin », open, window open, 10 places, 2 waitlist places, empty.
fn matin() -> ActivityOnDay {
    ActivityOnDay {
        activity_id: activity_id(MATIN),
        label: "CDC - ALSH 6-12 Matin".to_owned(),
        age_min: 6,
        age_max: 12,
        incompatible_with: vec![activity_id(JOURNEE)],
        booking_deadline: j_minus(2, "18:00"),
        cancellation_deadline: j_minus(2, "18:00"),
        open: true,
        booking_window: Some((
            utc("2026-02-01T08:00:00+01:00"),
            utc("2026-03-31T23:59:00+02:00"),
        )),
        capacity: 10,
        waitlist_size: 2,
        accepted: 0,
        waitlisted: 0,
        pending_before: 0,
    }
}

fn lilou() -> ChildFacts {
    ChildFacts {
        child_id: child_id(1),
        first_name: "Lilou".to_owned(),
        birth_date: date("2017-05-20"),
    }
}

fn journee_engagement(state: EngagementState) -> Engagement {
    Engagement {
        activity_id: activity_id(JOURNEE),
        label: "CDC - ALSH 6-12 Journée".to_owned(),
        // One-sided on purpose: Journée does not list Matin, Matin lists Journée.
        incompatible_with: vec![],
        reservation_id: None,
        state,
    }
}

fn refusal(result: Result<Forecast, LineRefusal>) -> LineRefusal {
    result.expect_err("the line should be refused")
}

// ------------------------------------------------------------ account

#[test]
fn given_a_debt_above_the_threshold_when_checking_the_account_then_booking_is_blocked_with_the_amounts()
 {
    let standing = AccountStanding {
        owed: AccountStanding::owed_from_balance(euros("-46.05")),
        threshold: euros("30"),
        dossier_complete: true,
        missing_items: vec![],
    };
    let blocked = account_block(&standing).expect("blocked");
    assert_eq!(
        blocked,
        Blocked::Debt {
            owed: euros("46.05"),
            threshold: euros("30")
        }
    );
    assert_eq!(
        blocked.message(),
        "Votre compte famille est débiteur de 46.05 € : la réservation est bloquée à partir \
         de 30.00 €. Merci de régulariser votre solde (Solde et Paiement)."
    );
}

#[test]
fn given_a_debt_exactly_at_the_threshold_when_checking_the_account_then_booking_is_blocked() {
    let standing = AccountStanding {
        owed: euros("30.00"),
        threshold: euros("30.00"),
        dossier_complete: true,
        missing_items: vec![],
    };
    assert!(matches!(
        account_block(&standing),
        Some(Blocked::Debt { .. })
    ));
    let just_below = AccountStanding {
        owed: euros("29.99"),
        ..standing
    };
    assert_eq!(account_block(&just_below), None);
}

#[test]
fn given_a_positive_balance_and_a_zero_threshold_when_checking_the_account_then_booking_is_allowed()
{
    let standing = AccountStanding {
        owed: AccountStanding::owed_from_balance(euros("12.00")),
        threshold: Money::ZERO,
        dossier_complete: true,
        missing_items: vec![],
    };
    assert_eq!(standing.owed, Money::ZERO);
    assert_eq!(account_block(&standing), None);
}

#[test]
fn given_an_incomplete_dossier_when_checking_the_account_then_the_missing_items_are_listed() {
    let standing = AccountStanding {
        owed: Money::ZERO,
        threshold: euros("30"),
        dossier_complete: false,
        missing_items: vec![
            "Fiche sanitaire".to_owned(),
            "Attestation d'assurance".to_owned(),
        ],
    };
    let blocked = account_block(&standing).expect("blocked");
    assert_eq!(
        blocked.message(),
        "Votre dossier n'est pas complet : il manque Fiche sanitaire, Attestation \
         d'assurance. Merci de contacter la structure."
    );
    let nothing_listed = AccountStanding {
        missing_items: vec![],
        ..standing
    };
    assert_eq!(
        account_block(&nothing_listed).expect("blocked").to_string(),
        "Votre dossier n'est pas complet. Merci de contacter la structure."
    );
}

#[test]
fn given_debt_and_an_incomplete_dossier_when_checking_the_account_then_both_reasons_are_given() {
    let standing = AccountStanding {
        owed: euros("46.05"),
        threshold: euros("30"),
        dossier_complete: false,
        missing_items: vec!["Fiche sanitaire".to_owned()],
    };
    let blocked = account_block(&standing).expect("blocked");
    assert!(matches!(blocked, Blocked::Both { .. }));
    assert_eq!(
        blocked.message(),
        "Votre compte famille est débiteur de 46.05 € : la réservation est bloquée à partir \
         de 30.00 €. Merci de régulariser votre solde (Solde et Paiement). Votre dossier \
         n'est pas complet : il manque Fiche sanitaire. Merci de contacter la structure."
    );
}

// ------------------------------------------------------------ booking lines

#[test]
fn given_a_valid_line_when_validating_then_a_place_is_forecast() {
    let result = validate_booking(
        monday_noon(),
        wednesday(),
        &lilou(),
        &matin(),
        &[],
        &[],
        DeadlineRule::Applies,
    );
    assert_eq!(result, Ok(Forecast::PlaceAvailable));
}

#[test]
fn given_a_closed_day_when_validating_then_it_is_refused_as_not_open() {
    let activity = ActivityOnDay {
        open: false,
        booking_window: None,
        ..matin()
    };
    let refused = refusal(validate_booking(
        monday_noon(),
        wednesday(),
        &lilou(),
        &activity,
        &[],
        &[],
        DeadlineRule::Applies,
    ));
    assert_eq!(refused, LineRefusal::DayClosed);
    assert_eq!(
        refused.message(),
        "Ce jour n'est pas ouvert à la réservation."
    );
}

#[test]
fn given_no_booking_window_when_validating_then_reservations_are_not_open() {
    let activity = ActivityOnDay {
        booking_window: None,
        ..matin()
    };
    let refused = refusal(validate_booking(
        monday_noon(),
        wednesday(),
        &lilou(),
        &activity,
        &[],
        &[],
        DeadlineRule::Applies,
    ));
    assert_eq!(refused, LineRefusal::WindowNotOpen { opens_at: None });
    assert_eq!(
        refused.message(),
        "Les réservations ne sont pas ouvertes pour ce jour."
    );
}

#[test]
fn given_a_window_opening_later_when_validating_then_the_opening_is_announced() {
    let opens_at = utc("2026-03-02T14:00:00+01:00");
    let activity = ActivityOnDay {
        booking_window: Some((opens_at, utc("2026-03-20T18:00:00+01:00"))),
        ..matin()
    };
    let refused = refusal(validate_booking(
        monday_noon(),
        wednesday(),
        &lilou(),
        &activity,
        &[],
        &[],
        DeadlineRule::Applies,
    ));
    assert_eq!(
        refused.message(),
        "Les réservations ne sont pas encore ouvertes pour ce jour (ouverture : le lundi 2 \
         mars à 14:00)."
    );
    // At the opening instant itself the window is open
    assert!(
        validate_booking(
            opens_at,
            wednesday(),
            &lilou(),
            &activity,
            &[],
            &[],
            DeadlineRule::Applies
        )
        .is_ok()
    );
}

#[test]
fn given_a_closed_window_when_validating_then_reservations_are_closed() {
    let closes_at = utc("2026-03-01T20:00:00+01:00");
    let activity = ActivityOnDay {
        booking_window: Some((utc("2026-02-01T08:00:00+01:00"), closes_at)),
        ..matin()
    };
    let refused = refusal(validate_booking(
        monday_noon(),
        wednesday(),
        &lilou(),
        &activity,
        &[],
        &[],
        DeadlineRule::Applies,
    ));
    assert_eq!(
        refused,
        LineRefusal::WindowClosed {
            closed_at: closes_at
        }
    );
    assert_eq!(
        refused.message(),
        "Les réservations sont closes pour ce jour (depuis le dimanche 1er mars à 20:00)."
    );
    // At the closing instant itself the window is still open
    assert!(
        validate_booking(
            closes_at,
            wednesday(),
            &lilou(),
            &activity,
            &[],
            &[],
            DeadlineRule::Applies
        )
        .is_ok()
    );
}

#[test]
fn given_the_booking_deadline_passed_when_validating_then_the_local_limit_is_given_in_french() {
    let late = utc("2026-03-02T18:00:01+01:00");
    let refused = refusal(validate_booking(
        late,
        wednesday(),
        &lilou(),
        &matin(),
        &[],
        &[],
        DeadlineRule::Applies,
    ));
    assert_eq!(
        refused,
        LineRefusal::BookingTooLate {
            limit: utc("2026-03-02T17:00:00Z")
        }
    );
    assert_eq!(
        refused.message(),
        "Vous n'êtes plus dans les temps pour réserver ce jour (limite : le lundi 2 mars à \
         18:00)."
    );
}

#[test]
fn given_exactly_the_booking_deadline_when_validating_then_it_is_still_in_time() {
    let at_the_limit = utc("2026-03-02T18:00:00+01:00");
    let result = validate_booking(
        at_the_limit,
        wednesday(),
        &lilou(),
        &matin(),
        &[],
        &[],
        DeadlineRule::Applies,
    );
    assert_eq!(result, Ok(Forecast::PlaceAvailable));
}

#[test]
fn given_a_child_who_turned_13_the_day_before_when_validating_a_6_12_activity_then_she_is_not_eligible()
 {
    let child = ChildFacts {
        birth_date: date("2013-03-03"),
        ..lilou()
    };
    let refused = refusal(validate_booking(
        monday_noon(),
        wednesday(),
        &child,
        &matin(),
        &[],
        &[],
        DeadlineRule::Applies,
    ));
    assert_eq!(
        refused,
        LineRefusal::NotEligible {
            first_name: "Lilou".to_owned(),
            age: 13,
            age_min: 6,
            age_max: 12
        }
    );
    assert_eq!(
        refused.message(),
        "Lilou a 13 ans ce jour-là : l'activité est réservée aux 6-12 ans."
    );
}

#[test]
fn given_a_child_turning_13_the_day_after_when_validating_a_6_12_activity_then_she_is_still_eligible()
 {
    let child = ChildFacts {
        birth_date: date("2013-03-05"),
        ..lilou()
    };
    let result = validate_booking(
        monday_noon(),
        wednesday(),
        &child,
        &matin(),
        &[],
        &[],
        DeadlineRule::Applies,
    );
    assert_eq!(result, Ok(Forecast::PlaceAvailable));
    // And on her birthday she is 13: refused
    let birthday = ChildFacts {
        birth_date: date("2013-03-04"),
        ..lilou()
    };
    assert!(matches!(
        validate_booking(
            monday_noon(),
            wednesday(),
            &birthday,
            &matin(),
            &[],
            &[],
            DeadlineRule::Applies
        ),
        Err(LineRefusal::NotEligible { age: 13, .. })
    ));
}

#[test]
fn given_a_child_too_young_without_a_first_name_when_validating_then_the_message_says_the_child() {
    let child = ChildFacts {
        first_name: String::new(),
        birth_date: date("2021-01-10"),
        ..lilou()
    };
    let refused = refusal(validate_booking(
        monday_noon(),
        wednesday(),
        &child,
        &matin(),
        &[],
        &[],
        DeadlineRule::Applies,
    ));
    assert_eq!(
        refused.message(),
        "L'enfant a 5 ans ce jour-là : l'activité est réservée aux 6-12 ans."
    );
}

#[test]
fn given_the_same_activity_already_pending_accepted_or_waitlisted_when_validating_then_it_is_already_requested()
 {
    for state in [
        EngagementState::Pending,
        EngagementState::Accepted,
        EngagementState::Waitlisted,
    ] {
        let engagement = Engagement {
            activity_id: activity_id(MATIN),
            label: "CDC - ALSH 6-12 Matin".to_owned(),
            incompatible_with: vec![activity_id(JOURNEE)],
            reservation_id: None,
            state,
        };
        let refused = refusal(validate_booking(
            monday_noon(),
            wednesday(),
            &lilou(),
            &matin(),
            &[engagement],
            &[],
            DeadlineRule::Applies,
        ));
        assert_eq!(refused, LineRefusal::AlreadyRequested, "{state:?}");
        assert_eq!(refused.message(), "Déjà demandé pour ce jour.");
    }
}

#[test]
fn given_the_same_line_earlier_in_the_basket_when_validating_then_it_is_already_requested() {
    let earlier = BasketLine::new(child_id(1), wednesday(), &matin());
    let refused = refusal(validate_booking(
        monday_noon(),
        wednesday(),
        &lilou(),
        &matin(),
        &[],
        &[earlier],
        DeadlineRule::Applies,
    ));
    assert_eq!(refused, LineRefusal::AlreadyRequested);
}

#[test]
fn given_the_same_activity_for_a_sibling_or_another_day_in_the_basket_when_validating_then_it_is_fine()
 {
    let sibling = BasketLine::new(child_id(2), wednesday(), &matin());
    let next_week = BasketLine::new(child_id(1), date("2026-03-11"), &matin());
    let result = validate_booking(
        monday_noon(),
        wednesday(),
        &lilou(),
        &matin(),
        &[],
        &[sibling, next_week],
        DeadlineRule::Applies,
    );
    assert_eq!(result, Ok(Forecast::PlaceAvailable));
}

#[test]
fn given_an_incompatible_engagement_when_validating_then_it_is_refused_naming_it() {
    let refused = refusal(validate_booking(
        monday_noon(),
        wednesday(),
        &lilou(),
        &matin(),
        &[journee_engagement(EngagementState::Accepted)],
        &[],
        DeadlineRule::Applies,
    ));
    assert_eq!(
        refused,
        LineRefusal::Incompatible {
            with_label: "CDC - ALSH 6-12 Journée".to_owned()
        }
    );
    assert_eq!(
        refused.message(),
        "Incompatible avec « CDC - ALSH 6-12 Journée » le même jour."
    );
}

#[test]
fn given_an_engagement_listing_this_activity_as_incompatible_when_validating_then_it_is_refused_too()
 {
    // Matin does not list Repas here, Repas lists Matin: the reverse direction counts.
    let activity = ActivityOnDay {
        incompatible_with: vec![],
        ..matin()
    };
    let repas = Engagement {
        activity_id: activity_id(REPAS),
        label: "Repas".to_owned(),
        incompatible_with: vec![activity_id(MATIN)],
        reservation_id: None,
        state: EngagementState::Pending,
    };
    assert_eq!(
        refusal(validate_booking(
            monday_noon(),
            wednesday(),
            &lilou(),
            &activity,
            &[repas],
            &[],
            DeadlineRule::Applies,
        )),
        LineRefusal::Incompatible {
            with_label: "Repas".to_owned()
        }
    );
}

#[test]
fn given_an_incompatible_line_earlier_in_the_basket_when_validating_then_it_is_refused() {
    let journee = ActivityOnDay {
        activity_id: activity_id(JOURNEE),
        label: "CDC - ALSH 6-12 Journée".to_owned(),
        incompatible_with: vec![],
        ..matin()
    };
    let earlier = BasketLine::new(child_id(1), wednesday(), &journee);
    assert_eq!(
        refusal(validate_booking(
            monday_noon(),
            wednesday(),
            &lilou(),
            &matin(),
            &[],
            &[earlier],
            DeadlineRule::Applies,
        )),
        LineRefusal::Incompatible {
            with_label: "CDC - ALSH 6-12 Journée".to_owned()
        }
    );
}

#[test]
fn given_several_problems_when_validating_then_the_first_check_in_order_wins() {
    // Closed day beats everything, the deadline beats eligibility, eligibility beats duplicates
    let everything_wrong = ActivityOnDay {
        open: false,
        booking_window: None,
        ..matin()
    };
    let late = utc("2026-03-03T10:00:00+01:00");
    let too_old = ChildFacts {
        birth_date: date("2010-01-01"),
        ..lilou()
    };
    let engagements = [journee_engagement(EngagementState::Accepted)];
    assert_eq!(
        refusal(validate_booking(
            late,
            wednesday(),
            &too_old,
            &everything_wrong,
            &engagements,
            &[],
            DeadlineRule::Applies
        )),
        LineRefusal::DayClosed
    );
    assert!(matches!(
        refusal(validate_booking(
            late,
            wednesday(),
            &too_old,
            &matin(),
            &engagements,
            &[],
            DeadlineRule::Applies
        )),
        LineRefusal::BookingTooLate { .. }
    ));
    assert!(matches!(
        refusal(validate_booking(
            monday_noon(),
            wednesday(),
            &too_old,
            &matin(),
            &engagements,
            &[],
            DeadlineRule::Applies
        )),
        LineRefusal::NotEligible { .. }
    ));
}

#[test]
fn given_a_full_activity_when_validating_then_the_line_is_valid_with_a_refused_forecast() {
    let full = ActivityOnDay {
        capacity: 2,
        waitlist_size: 0,
        accepted: 2,
        ..matin()
    };
    assert_eq!(
        validate_booking(
            monday_noon(),
            wednesday(),
            &lilou(),
            &full,
            &[],
            &[],
            DeadlineRule::Applies
        ),
        Ok(Forecast::Refused {
            reason: RefusalReason::Full
        })
    );
}

// ------------------------------------------------------------ forecast

#[test]
fn given_one_place_left_when_forecasting_then_a_place_is_available() {
    assert_eq!(forecast(10, 2, 9, 0, 0), Forecast::PlaceAvailable);
    assert_eq!(forecast(10, 2, 7, 0, 2), Forecast::PlaceAvailable);
}

#[test]
fn given_the_last_place_taken_by_a_pending_request_when_forecasting_then_rank_1_is_expected() {
    assert_eq!(
        forecast(10, 2, 9, 0, 1),
        Forecast::Waitlisted { expected_rank: 1 }
    );
    assert_eq!(
        forecast(10, 2, 10, 0, 0),
        Forecast::Waitlisted { expected_rank: 1 }
    );
}

#[test]
fn given_people_waiting_and_pending_ahead_when_forecasting_then_the_rank_counts_them_all() {
    // waitlisted + (accepted + pending_before − capacity) + 1 = 1 + (10 + 1 − 10) + 1
    assert_eq!(
        forecast(10, 5, 10, 1, 1),
        Forecast::Waitlisted { expected_rank: 3 }
    );
    // The last waitlist slot
    assert_eq!(
        forecast(10, 3, 10, 1, 1),
        Forecast::Waitlisted { expected_rank: 3 }
    );
}

#[test]
fn given_a_full_waitlist_when_forecasting_then_it_is_refused_waitlist_full() {
    assert_eq!(
        forecast(10, 2, 10, 2, 0),
        Forecast::Refused {
            reason: RefusalReason::WaitlistFull
        }
    );
    assert_eq!(
        forecast(10, 2, 9, 0, 3),
        Forecast::Refused {
            reason: RefusalReason::WaitlistFull
        }
    );
}

#[test]
fn given_no_waitlist_when_forecasting_a_full_activity_then_it_is_refused_full() {
    assert_eq!(
        forecast(3, 0, 3, 0, 0),
        Forecast::Refused {
            reason: RefusalReason::Full
        }
    );
    assert_eq!(
        forecast(0, 0, 0, 0, 0),
        Forecast::Refused {
            reason: RefusalReason::Full
        }
    );
}

#[test]
fn given_a_free_place_with_people_waiting_when_forecasting_then_the_waitlist_takes_it_first() {
    // A place freed during the day goes to rank 1 at the transmission, not to a new request
    assert_eq!(
        forecast(10, 3, 9, 2, 0),
        Forecast::Waitlisted { expected_rank: 2 }
    );
}

#[test]
fn given_a_capacity_lowered_below_the_accepted_when_forecasting_then_no_place_is_counted() {
    assert_eq!(
        forecast(5, 2, 7, 0, 1),
        Forecast::Waitlisted { expected_rank: 2 }
    );
    assert_eq!(
        forecast(5, 2, 7, 4, 0),
        Forecast::Refused {
            reason: RefusalReason::WaitlistFull
        }
    );
}

// ------------------------------------------------------------ cancellations

#[test]
fn given_an_accepted_reservation_before_the_cancellation_deadline_when_validating_then_it_can_be_cancelled()
 {
    let at_the_limit = utc("2026-03-02T18:00:00+01:00");
    assert_eq!(
        validate_cancellation(
            at_the_limit,
            wednesday(),
            &matin(),
            EngagementState::Accepted,
            DeadlineRule::Applies
        ),
        Ok(())
    );
}

#[test]
fn given_an_accepted_reservation_after_the_cancellation_deadline_when_validating_then_it_is_too_late()
 {
    let late = utc("2026-03-02T18:00:01+01:00");
    let refused = validate_cancellation(
        late,
        wednesday(),
        &matin(),
        EngagementState::Accepted,
        DeadlineRule::Applies,
    )
    .expect_err("too late");
    assert_eq!(
        refused,
        LineRefusal::CancellationTooLate {
            limit: utc("2026-03-02T18:00:00+01:00")
        }
    );
    assert_eq!(
        refused.message(),
        "Vous n'êtes plus dans les temps pour annuler ce jour (limite : le lundi 2 mars à \
         18:00)."
    );
}

#[test]
fn given_a_waitlisted_reservation_after_the_deadline_when_validating_then_it_can_be_cancelled_until_the_day_starts()
 {
    let tuesday_evening = utc("2026-03-03T23:59:59+01:00");
    assert_eq!(
        validate_cancellation(
            tuesday_evening,
            wednesday(),
            &matin(),
            EngagementState::Waitlisted,
            DeadlineRule::Applies
        ),
        Ok(())
    );
    let midnight = utc("2026-03-04T00:00:00+01:00");
    assert_eq!(
        validate_cancellation(
            midnight,
            wednesday(),
            &matin(),
            EngagementState::Waitlisted,
            DeadlineRule::Applies
        ),
        Ok(())
    );
    let refused = validate_cancellation(
        midnight + Duration::seconds(1),
        wednesday(),
        &matin(),
        EngagementState::Waitlisted,
        DeadlineRule::Applies,
    )
    .expect_err("too late");
    assert_eq!(
        refused.message(),
        "Vous n'êtes plus dans les temps pour annuler ce jour (limite : le mercredi 4 mars à \
         00:00)."
    );
}

#[test]
fn given_a_same_day_cancellation_deadline_when_cancelling_a_waitlisted_place_then_the_later_limit_applies()
 {
    let activity = ActivityOnDay {
        cancellation_deadline: j_minus(0, "09:00"),
        ..matin()
    };
    let eight = utc("2026-03-04T08:00:00+01:00");
    assert_eq!(
        validate_cancellation(
            eight,
            wednesday(),
            &activity,
            EngagementState::Waitlisted,
            DeadlineRule::Applies
        ),
        Ok(())
    );
}

#[test]
fn given_a_pending_request_when_cancelling_then_it_must_be_withdrawn_instead() {
    let refused = validate_cancellation(
        monday_noon(),
        wednesday(),
        &matin(),
        EngagementState::Pending,
        DeadlineRule::Applies,
    )
    .expect_err("not cancellable");
    assert_eq!(refused, LineRefusal::NotYetTransmitted);
    assert_eq!(
        refused.message(),
        "Cette demande n'a pas encore été transmise : retirez-la plutôt que de l'annuler."
    );
}

#[test]
fn given_an_empty_basket_when_validating_then_it_is_refused() {
    let refused = validate_basket_size(0, 0).expect_err("empty");
    assert_eq!(
        refused.message(),
        "Votre panier est vide : ajoutez au moins un jour ou une annulation."
    );
    assert_eq!(validate_basket_size(1, 0), Ok(()));
    assert_eq!(validate_basket_size(0, 1), Ok(()));
}

#[test]
fn a_refusal_is_stored_under_its_code_and_reads_back_whole() {
    let instant = utc("2026-03-02T13:00:00Z");
    let refusals = [
        LineRefusal::DayClosed,
        LineRefusal::WindowNotOpen { opens_at: None },
        LineRefusal::WindowNotOpen {
            opens_at: Some(instant),
        },
        LineRefusal::WindowClosed { closed_at: instant },
        LineRefusal::BookingTooLate { limit: instant },
        LineRefusal::NotEligible {
            first_name: "Lilou".to_owned(),
            age: 2,
            age_min: 3,
            age_max: 11,
        },
        LineRefusal::AlreadyRequested,
        LineRefusal::Incompatible {
            with_label: "Journée".to_owned(),
        },
        LineRefusal::NotYetTransmitted,
        LineRefusal::CancellationTooLate { limit: instant },
        LineRefusal::EmptyBasket,
    ];
    for refusal in refusals {
        let stored = serde_json::to_value(&refusal).expect("serializes");
        assert_eq!(stored["rule"], refusal.code(), "{stored}");
        let read: LineRefusal = serde_json::from_value(stored).expect("reads back");
        assert_eq!(read, refusal);
    }
}

// ------------------------------------------------------------ deadline set aside

#[test]
fn given_the_booking_deadline_passed_when_no_exception_is_made_then_the_line_is_refused() {
    let late = utc("2026-03-03T09:00:00+01:00");
    let refused = refusal(validate_booking(
        late,
        wednesday(),
        &lilou(),
        &matin(),
        &[],
        &[],
        DeadlineRule::Applies,
    ));
    assert!(matches!(refused, LineRefusal::BookingTooLate { .. }));
    assert_eq!(booking_too_late(late, wednesday(), &matin()), Some(refused));
}

#[test]
fn given_the_booking_deadline_passed_when_a_director_sets_it_aside_then_the_line_is_requested() {
    let late = utc("2026-03-03T09:00:00+01:00");
    let result = validate_booking(
        late,
        wednesday(),
        &lilou(),
        &matin(),
        &[],
        &[],
        DeadlineRule::SetAside,
    );
    assert_eq!(result, Ok(Forecast::PlaceAvailable));
}

#[test]
fn given_a_full_day_past_its_deadline_when_a_director_sets_it_aside_then_the_forecast_still_decides()
 {
    let late = utc("2026-03-03T09:00:00+01:00");
    let full = ActivityOnDay {
        accepted: 10,
        ..matin()
    };
    let waitlisted = validate_booking(
        late,
        wednesday(),
        &lilou(),
        &full,
        &[],
        &[],
        DeadlineRule::SetAside,
    );
    assert_eq!(waitlisted, Ok(Forecast::Waitlisted { expected_rank: 1 }));
    let no_room = ActivityOnDay {
        waitlisted: 2,
        ..full
    };
    let refused = validate_booking(
        late,
        wednesday(),
        &lilou(),
        &no_room,
        &[],
        &[],
        DeadlineRule::SetAside,
    );
    assert_eq!(
        refused,
        Ok(Forecast::Refused {
            reason: RefusalReason::WaitlistFull
        })
    );
}

#[test]
fn given_a_deadline_set_aside_when_another_rule_is_broken_then_that_rule_still_refuses() {
    let late = utc("2026-03-03T09:00:00+01:00");
    let closed = ActivityOnDay {
        open: false,
        ..matin()
    };
    let refused = refusal(validate_booking(
        late,
        wednesday(),
        &lilou(),
        &closed,
        &[],
        &[],
        DeadlineRule::SetAside,
    ));
    assert_eq!(refused, LineRefusal::DayClosed);
    let window_closed = ActivityOnDay {
        booking_window: Some((
            utc("2026-02-01T08:00:00+01:00"),
            utc("2026-03-01T23:59:00+01:00"),
        )),
        ..matin()
    };
    let refused = refusal(validate_booking(
        late,
        wednesday(),
        &lilou(),
        &window_closed,
        &[],
        &[],
        DeadlineRule::SetAside,
    ));
    assert!(matches!(refused, LineRefusal::WindowClosed { .. }));
    let refused = refusal(validate_booking(
        late,
        wednesday(),
        &lilou(),
        &matin(),
        &[journee_engagement(EngagementState::Accepted)],
        &[],
        DeadlineRule::SetAside,
    ));
    assert!(matches!(refused, LineRefusal::Incompatible { .. }));
}

#[test]
fn given_a_place_past_its_cancellation_deadline_when_a_director_sets_it_aside_then_it_can_be_cancelled()
 {
    let late = utc("2026-03-03T09:00:00+01:00");
    let state = EngagementState::Accepted;
    assert!(matches!(
        validate_cancellation(late, wednesday(), &matin(), state, DeadlineRule::Applies),
        Err(LineRefusal::CancellationTooLate { .. })
    ));
    assert_eq!(
        validate_cancellation(late, wednesday(), &matin(), state, DeadlineRule::SetAside),
        Ok(())
    );
    assert_eq!(
        validate_cancellation(
            late,
            wednesday(),
            &matin(),
            EngagementState::Pending,
            DeadlineRule::SetAside
        ),
        Err(LineRefusal::NotYetTransmitted)
    );
}

#[test]
fn given_a_day_already_over_when_a_director_sets_the_deadline_aside_then_it_is_still_too_late() {
    let thursday = utc("2026-03-05T09:00:00+01:00");
    let refused = refusal(validate_booking(
        thursday,
        wednesday(),
        &lilou(),
        &matin(),
        &[],
        &[],
        DeadlineRule::SetAside,
    ));
    assert!(matches!(refused, LineRefusal::BookingTooLate { .. }));
    let state = EngagementState::Accepted;
    assert!(matches!(
        validate_cancellation(
            thursday,
            wednesday(),
            &matin(),
            state,
            DeadlineRule::SetAside
        ),
        Err(LineRefusal::CancellationTooLate { .. })
    ));
    // The day itself is not over yet.
    let wednesday_morning = utc("2026-03-04T08:00:00+01:00");
    assert!(DeadlineRule::SetAside.lets_in(wednesday_morning, wednesday()));
    assert!(!DeadlineRule::Applies.lets_in(wednesday_morning, wednesday()));
}
