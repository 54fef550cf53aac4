use std::collections::BTreeSet;

use chrono::Days;
use proptest::prelude::*;
use uuid::Uuid;

use super::*;
use crate::values::{Forecast, RefusalReason};

// ------------------------------------------------------------ fixtures

fn activity(n: u128) -> ActivityId {
    ActivityId::from_uuid(Uuid::from_u128(0xA0 + n))
}

fn day(n: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 4)
        .expect("valid date")
        .checked_add_days(Days::new(7 * n))
        .expect("valid date")
}

fn child(n: u128) -> ChildId {
    ChildId::from_uuid(Uuid::from_u128(0xC0 + n))
}

fn family(n: u128) -> FamilyId {
    FamilyId::from_uuid(Uuid::from_u128(0xF0 + n))
}

fn request(n: u128) -> RequestId {
    RequestId::from_uuid(Uuid::from_u128(0x2000 + n))
}

fn reservation(n: u128) -> ReservationId {
    ReservationId::from_uuid(Uuid::from_u128(0x1000 + n))
}

const MATIN: u128 = 1;
const JOURNEE: u128 = 2;

fn slot(
    activity_n: u128,
    day_n: u64,
    capacity: u32,
    waitlist_size: u32,
    accepted: &[u128],
    waitlist: &[u128],
) -> SlotState {
    SlotState {
        activity_id: activity(activity_n),
        day: day(day_n),
        capacity,
        waitlist_size,
        accepted: accepted.iter().map(|n| reservation(*n)).collect(),
        waitlist: waitlist.iter().map(|n| reservation(*n)).collect(),
        incompatible_with: vec![],
        closed: false,
    }
}

/// Reservation `n` of child `n` (family `n`) on the slot.
fn holders(slot: &SlotState) -> Vec<HeldReservation> {
    slot.accepted
        .iter()
        .chain(&slot.waitlist)
        .map(|reservation_id| {
            let n = reservation_id.0.as_u128() - 0x1000;
            HeldReservation {
                reservation_id: *reservation_id,
                family_id: family(n),
                child_id: child(n),
                activity_id: slot.activity_id,
                day: slot.day,
            }
        })
        .collect()
}

fn input(slots: Vec<SlotState>, pending: Vec<PendingRequest>) -> TransmissionInput {
    let reservations = slots
        .iter()
        .flat_map(holders)
        .map(|held| (held.reservation_id, held))
        .collect();
    TransmissionInput {
        slots: slots.into_iter().map(|slot| (slot.key(), slot)).collect(),
        reservations,
        pending,
    }
}

/// Booking request `n` of child `child_n` (family `child_n`).
fn booking(n: u128, child_n: u128, activity_n: u128, day_n: u64) -> PendingRequest {
    PendingRequest::Booking {
        request_id: request(n),
        family_id: family(child_n),
        child_id: child(child_n),
        activity_id: activity(activity_n),
        day: day(day_n),
    }
}

/// Cancellation request `n` of reservation `reservation_n` by its family.
fn cancellation(n: u128, reservation_n: u128) -> PendingRequest {
    PendingRequest::Cancellation {
        request_id: request(n),
        family_id: family(reservation_n),
        reservation_id: reservation(reservation_n),
    }
}

fn accepted(n: u128, child_n: u128, activity_n: u128, day_n: u64) -> Decision {
    Decision::Accepted {
        request_id: request(n),
        reservation_id: reservation_id_for(request(n)),
        family_id: family(child_n),
        child_id: child(child_n),
        activity_id: activity(activity_n),
        day: day(day_n),
    }
}

fn waitlisted(n: u128, child_n: u128, activity_n: u128, day_n: u64, rank: u32) -> Decision {
    Decision::Waitlisted {
        request_id: request(n),
        reservation_id: reservation_id_for(request(n)),
        family_id: family(child_n),
        child_id: child(child_n),
        activity_id: activity(activity_n),
        day: day(day_n),
        rank,
    }
}

fn refused(
    n: u128,
    child_n: u128,
    activity_n: u128,
    day_n: u64,
    reason: RefusalReason,
) -> Decision {
    Decision::Refused {
        request_id: request(n),
        family_id: family(child_n),
        child_id: child(child_n),
        activity_id: activity(activity_n),
        day: day(day_n),
        reason,
    }
}

fn cancelled(n: u128, reservation_n: u128, activity_n: u128, day_n: u64) -> Decision {
    Decision::Cancelled {
        request_id: request(n),
        reservation_id: reservation(reservation_n),
        family_id: family(reservation_n),
        child_id: child(reservation_n),
        activity_id: activity(activity_n),
        day: day(day_n),
    }
}

fn promoted(reservation_n: u128, activity_n: u128, day_n: u64, previous_rank: u32) -> Decision {
    Decision::Promoted {
        reservation_id: reservation(reservation_n),
        family_id: family(reservation_n),
        child_id: child(reservation_n),
        activity_id: activity(activity_n),
        day: day(day_n),
        previous_rank,
    }
}

fn run(input: &TransmissionInput) -> TransmissionOutcome {
    transmit(input).expect("consistent input")
}

// ------------------------------------------------------------ examples

#[test]
fn given_3_places_a_waitlist_of_1_and_5_requests_when_transmitting_then_3_are_accepted_1_waitlisted_and_1_refused()
 {
    let pending = (1..=5).map(|n| booking(n, 10 + n, MATIN, 0)).collect();
    let outcome = run(&input(vec![slot(MATIN, 0, 3, 1, &[], &[])], pending));
    assert_eq!(
        outcome.decisions,
        vec![
            accepted(1, 11, MATIN, 0),
            accepted(2, 12, MATIN, 0),
            accepted(3, 13, MATIN, 0),
            waitlisted(4, 14, MATIN, 0, 1),
            refused(5, 15, MATIN, 0, RefusalReason::WaitlistFull),
        ]
    );
    assert_eq!(
        outcome.counts,
        TransmissionCounts {
            received: 5,
            new_requests: 5,
            cancellation_requests: 0,
            accepted: 3,
            waitlisted: 1,
            cancelled: 0,
            refused: 1,
            promoted: 0,
        }
    );
    let after = &outcome.slots[&(activity(MATIN), day(0))];
    assert_eq!(after.accepted.len(), 3);
    assert_eq!(after.waitlist, vec![reservation_id_for(request(4))]);
}

#[test]
fn given_a_day_staff_closed_when_transmitting_then_its_requests_are_refused_day_closed() {
    let closed = SlotState {
        closed: true,
        ..slot(MATIN, 0, 5, 2, &[], &[])
    };
    let outcome = run(&input(vec![closed], vec![booking(1, 11, MATIN, 0)]));
    assert_eq!(
        outcome.decisions,
        vec![refused(1, 11, MATIN, 0, RefusalReason::DayClosed)]
    );
}

#[test]
fn given_no_waitlist_when_the_places_are_taken_then_the_next_request_is_refused_full() {
    let pending = vec![booking(1, 11, MATIN, 0), booking(2, 12, MATIN, 0)];
    let outcome = run(&input(vec![slot(MATIN, 0, 1, 0, &[], &[])], pending));
    assert_eq!(
        outcome.decisions[1],
        refused(2, 12, MATIN, 0, RefusalReason::Full)
    );
}

#[test]
fn given_a_cancelled_place_when_transmitting_then_rank_1_is_promoted_before_new_requests() {
    // Full slot with two waiting; a new request comes BEFORE the cancellation in the log
    let pending = vec![booking(1, 20, MATIN, 0), cancellation(2, 1)];
    let outcome = run(&input(
        vec![slot(MATIN, 0, 2, 3, &[1, 2], &[3, 4])],
        pending,
    ));
    assert_eq!(
        outcome.decisions,
        vec![
            cancelled(2, 1, MATIN, 0),
            promoted(3, MATIN, 0, 1),
            waitlisted(1, 20, MATIN, 0, 2),
        ]
    );
    let after = &outcome.slots[&(activity(MATIN), day(0))];
    assert_eq!(after.accepted, vec![reservation(2), reservation(3)]);
    assert_eq!(
        after.waitlist,
        vec![reservation(4), reservation_id_for(request(1))]
    );
    assert_eq!(outcome.counts.promoted, 1);
    assert_eq!(outcome.counts.cancelled, 1);
}

#[test]
fn given_a_cancelled_waitlist_entry_when_transmitting_then_those_behind_move_up() {
    let pending = vec![cancellation(1, 3), booking(2, 20, MATIN, 0)];
    let outcome = run(&input(
        vec![slot(MATIN, 0, 1, 3, &[1], &[3, 4, 5])],
        pending,
    ));
    assert_eq!(
        outcome.decisions,
        vec![cancelled(1, 3, MATIN, 0), waitlisted(2, 20, MATIN, 0, 3)]
    );
    let after = &outcome.slots[&(activity(MATIN), day(0))];
    // 4 is now rank 1, 5 rank 2, the new request rank 3
    assert_eq!(
        after.waitlist,
        vec![
            reservation(4),
            reservation(5),
            reservation_id_for(request(2))
        ]
    );
}

#[test]
fn given_free_places_and_a_waitlist_when_transmitting_then_the_waitlist_is_promoted_in_rank_order()
{
    // Staff raised the capacity from 1 to 3: two places are free
    let outcome = run(&input(
        vec![slot(MATIN, 0, 3, 3, &[1], &[2, 3, 4])],
        vec![booking(1, 20, MATIN, 0)],
    ));
    assert_eq!(
        outcome.decisions,
        vec![
            promoted(2, MATIN, 0, 1),
            promoted(3, MATIN, 0, 2),
            waitlisted(1, 20, MATIN, 0, 2),
        ]
    );
}

fn journee_and_matin() -> Vec<SlotState> {
    let mut journee = slot(JOURNEE, 0, 10, 2, &[], &[]);
    journee.incompatible_with = vec![activity(MATIN)];
    // Matin does not list Journée: one side is enough.
    vec![slot(MATIN, 0, 10, 2, &[], &[]), journee]
}

#[test]
fn given_journee_then_matin_for_one_child_in_two_baskets_when_transmitting_then_journee_wins() {
    // Journée first in the log, though Matin's slot comes first in key order
    let pending = vec![booking(1, 7, JOURNEE, 0), booking(2, 7, MATIN, 0)];
    let outcome = run(&input(journee_and_matin(), pending));
    assert_eq!(
        outcome.decisions,
        vec![
            refused(2, 7, MATIN, 0, RefusalReason::IncompatibleSameDay),
            accepted(1, 7, JOURNEE, 0),
        ]
    );
}

#[test]
fn given_matin_then_journee_for_one_child_in_two_baskets_when_transmitting_then_matin_wins() {
    let pending = vec![booking(1, 7, MATIN, 0), booking(2, 7, JOURNEE, 0)];
    let outcome = run(&input(journee_and_matin(), pending));
    assert_eq!(
        outcome.decisions,
        vec![
            accepted(1, 7, MATIN, 0),
            refused(2, 7, JOURNEE, 0, RefusalReason::IncompatibleSameDay),
        ]
    );
}

#[test]
fn given_journee_and_matin_for_different_children_or_days_when_transmitting_then_both_are_accepted()
{
    let mut slots = journee_and_matin();
    slots.push(slot(MATIN, 1, 10, 2, &[], &[]));
    let pending = vec![
        booking(1, 7, JOURNEE, 0),
        booking(2, 8, MATIN, 0),
        booking(3, 7, MATIN, 1),
    ];
    let outcome = run(&input(slots, pending));
    assert_eq!(outcome.counts.accepted, 3);
}

#[test]
fn given_a_refused_journee_when_matin_follows_then_matin_is_not_blocked_by_it() {
    // Journée is full without waitlist: refused, so it holds nothing
    let mut slots = journee_and_matin();
    slots[1].capacity = 0;
    slots[1].waitlist_size = 0;
    let pending = vec![booking(1, 7, JOURNEE, 0), booking(2, 7, MATIN, 0)];
    let outcome = run(&input(slots, pending));
    assert_eq!(
        outcome.decisions,
        vec![
            accepted(2, 7, MATIN, 0),
            refused(1, 7, JOURNEE, 0, RefusalReason::Full),
        ]
    );
}

#[test]
fn given_a_waitlisted_journee_held_when_matin_is_requested_then_it_is_refused_incompatible() {
    let mut slots = journee_and_matin();
    slots[1].capacity = 0;
    slots[1].waitlist = vec![reservation(7)];
    let outcome = run(&input(slots, vec![booking(1, 7, MATIN, 0)]));
    assert_eq!(
        outcome.decisions,
        vec![refused(1, 7, MATIN, 0, RefusalReason::IncompatibleSameDay)]
    );
}

#[test]
fn given_a_journee_held_on_a_slot_not_loaded_when_matin_is_requested_then_it_is_refused_incompatible()
 {
    let mut matin = slot(MATIN, 0, 10, 2, &[], &[]);
    matin.incompatible_with = vec![activity(JOURNEE)];
    let mut transmission_input = input(vec![matin], vec![booking(1, 7, MATIN, 0)]);
    transmission_input.reservations.insert(
        reservation(7),
        HeldReservation {
            reservation_id: reservation(7),
            family_id: family(7),
            child_id: child(7),
            activity_id: activity(JOURNEE),
            day: day(0),
        },
    );
    let outcome = run(&transmission_input);
    assert_eq!(
        outcome.decisions,
        vec![refused(1, 7, MATIN, 0, RefusalReason::IncompatibleSameDay)]
    );
}

#[test]
fn given_a_journee_cancelled_and_matin_requested_in_one_basket_when_transmitting_then_the_switch_works()
 {
    let mut slots = journee_and_matin();
    slots[1].accepted = vec![reservation(7)];
    // The booking comes first in the log; cancellations are applied first anyway
    let pending = vec![booking(1, 7, MATIN, 0), cancellation(2, 7)];
    let outcome = run(&input(slots, pending));
    assert_eq!(
        outcome.decisions,
        vec![accepted(1, 7, MATIN, 0), cancelled(2, 7, JOURNEE, 0)]
    );
}

#[test]
fn given_the_same_activity_twice_for_one_child_when_transmitting_then_the_second_is_refused() {
    let pending = vec![booking(1, 7, MATIN, 0), booking(2, 7, MATIN, 0)];
    let outcome = run(&input(vec![slot(MATIN, 0, 10, 2, &[], &[])], pending));
    assert_eq!(
        outcome.decisions,
        vec![
            accepted(1, 7, MATIN, 0),
            refused(2, 7, MATIN, 0, RefusalReason::IncompatibleSameDay),
        ]
    );
}

#[test]
fn given_cancellations_that_change_nothing_when_transmitting_then_they_are_ignored_not_refused() {
    let pending = vec![
        // Unknown reservation
        cancellation(1, 99),
        // Another family's reservation
        PendingRequest::Cancellation {
            request_id: request(2),
            family_id: family(50),
            reservation_id: reservation(1),
        },
        // Twice the same reservation: the second changes nothing
        cancellation(3, 1),
        cancellation(4, 1),
    ];
    let outcome = run(&input(vec![slot(MATIN, 0, 1, 1, &[1], &[])], pending));
    assert_eq!(outcome.decisions, vec![cancelled(3, 1, MATIN, 0)]);
    let ignored: Vec<_> = outcome
        .ignored
        .iter()
        .map(|ignored| (ignored.request_id, ignored.reason))
        .collect();
    assert_eq!(
        ignored,
        vec![
            (request(1), IgnoredReason::NotLive),
            (request(2), IgnoredReason::OtherFamily),
            (request(4), IgnoredReason::NotLive),
        ]
    );
    assert_eq!(outcome.counts.received, 4);
    assert_eq!(outcome.counts.cancellation_requests, 4);
    assert_eq!(outcome.counts.cancelled, 1);
    assert_eq!(outcome.counts.refused, 0);
}

#[test]
fn given_decisions_on_several_slots_when_transmitting_then_they_are_grouped_in_key_order() {
    let slots = vec![
        slot(MATIN, 1, 1, 0, &[], &[]),
        slot(MATIN, 0, 1, 1, &[1], &[2]),
        slot(JOURNEE, 0, 1, 0, &[], &[]),
    ];
    let pending = vec![
        booking(1, 10, JOURNEE, 0),
        booking(2, 11, MATIN, 1),
        booking(3, 12, MATIN, 0),
        cancellation(4, 1),
    ];
    let outcome = run(&input(slots, pending));
    assert_eq!(
        outcome.decisions,
        vec![
            cancelled(4, 1, MATIN, 0),
            promoted(2, MATIN, 0, 1),
            waitlisted(3, 12, MATIN, 0, 1),
            accepted(2, 11, MATIN, 1),
            accepted(1, 10, JOURNEE, 0),
        ]
    );
}

#[test]
fn given_a_request_id_when_deciding_then_the_reservation_takes_its_uuid() {
    let outcome = run(&input(
        vec![slot(MATIN, 0, 1, 0, &[], &[])],
        vec![booking(1, 7, MATIN, 0)],
    ));
    let Some(Decision::Accepted { reservation_id, .. }) = outcome.decisions.first() else {
        panic!("accepted expected");
    };
    assert_eq!(reservation_id.0, request(1).0);
}

#[test]
fn given_inconsistent_inputs_when_transmitting_then_nothing_is_decided() {
    // A request on a slot that was not loaded
    let missing = input(vec![], vec![booking(1, 7, MATIN, 0)]);
    assert!(matches!(
        transmit(&missing),
        Err(TransmissionError::MissingSlot { .. })
    ));
    // A listed reservation without holder
    let mut unknown = input(vec![slot(MATIN, 0, 1, 1, &[1], &[])], vec![]);
    unknown.reservations.clear();
    assert_eq!(
        transmit(&unknown),
        Err(TransmissionError::UnknownHolder {
            reservation_id: reservation(1)
        })
    );
    // A live reservation of a loaded slot missing from its lists
    let mut not_listed = input(vec![slot(MATIN, 0, 1, 1, &[1], &[])], vec![]);
    if let Some(slot) = not_listed.slots.values_mut().next() {
        slot.accepted.clear();
    }
    assert_eq!(
        transmit(&not_listed),
        Err(TransmissionError::NotListed {
            reservation_id: reservation(1)
        })
    );
    // Listed twice
    let twice = input(vec![slot(MATIN, 0, 1, 1, &[1], &[1])], vec![]);
    assert!(matches!(
        transmit(&twice),
        Err(TransmissionError::Misplaced { .. })
    ));
    // The same request twice
    let duplicate = input(
        vec![slot(MATIN, 0, 1, 1, &[], &[])],
        vec![booking(1, 7, MATIN, 0), booking(1, 7, MATIN, 0)],
    );
    assert_eq!(
        transmit(&duplicate),
        Err(TransmissionError::DuplicateRequest {
            request_id: request(1)
        })
    );
    // A request already decided (its reservation exists)
    let decided_reservation = reservation_id_for(request(1));
    let mut already = input(vec![slot(MATIN, 0, 1, 1, &[], &[])], vec![]);
    if let Some(slot) = already.slots.values_mut().next() {
        slot.accepted.push(decided_reservation);
    }
    already.reservations.insert(
        decided_reservation,
        HeldReservation {
            reservation_id: decided_reservation,
            family_id: family(7),
            child_id: child(7),
            activity_id: activity(MATIN),
            day: day(0),
        },
    );
    already.pending.push(booking(1, 7, MATIN, 0));
    assert!(matches!(
        transmit(&already),
        Err(TransmissionError::AlreadyDecided { .. })
    ));
}

#[test]
fn given_a_raised_capacity_when_computing_promotions_then_the_first_ranks_get_the_free_places() {
    let waitlist = [reservation(1), reservation(2), reservation(3)];
    assert_eq!(
        promotions(5, 3, &waitlist),
        vec![(reservation(1), 1), (reservation(2), 2)]
    );
    assert_eq!(promotions(10, 0, &waitlist).len(), 3);
    assert_eq!(promotions(3, 3, &waitlist), vec![]);
    // A capacity lowered below the accepted count promotes nobody
    assert_eq!(promotions(2, 3, &waitlist), vec![]);
    assert_eq!(promotions(5, 0, &[]), vec![]);
}

#[test]
fn given_an_empty_run_when_transmitting_then_nothing_is_decided() {
    let outcome = run(&TransmissionInput::default());
    assert!(outcome.decisions.is_empty());
    assert_eq!(outcome.counts, TransmissionCounts::default());
}

// ------------------------------------------------------------ reference model

/// One reservation in the model's flat table.
#[derive(Clone, Debug)]
struct Row {
    id: ReservationId,
    family: FamilyId,
    child: ChildId,
    activity: ActivityId,
    day: NaiveDate,
    accepted: bool,
    live: bool,
}

/// The rules written as plainly as possible: one flat table of reservations, scanned.
fn model(input: &TransmissionInput) -> (Vec<Decision>, Vec<IgnoredCancellation>) {
    let mut rows: Vec<Row> = Vec::new();
    for slot in input.slots.values() {
        for (id, is_accepted) in slot
            .accepted
            .iter()
            .map(|id| (id, true))
            .chain(slot.waitlist.iter().map(|id| (id, false)))
        {
            let holder = &input.reservations[id];
            rows.push(Row {
                id: *id,
                family: holder.family_id,
                child: holder.child_id,
                activity: slot.activity_id,
                day: slot.day,
                accepted: is_accepted,
                live: true,
            });
        }
    }
    for holder in input.reservations.values() {
        if !rows.iter().any(|row| row.id == holder.reservation_id) {
            rows.push(Row {
                id: holder.reservation_id,
                family: holder.family_id,
                child: holder.child_id,
                activity: holder.activity_id,
                day: holder.day,
                accepted: true,
                live: true,
            });
        }
    }
    let incompatible = |a: ActivityId, b: ActivityId| {
        a == b
            || input.slots.values().any(|slot| {
                (slot.activity_id == a && slot.incompatible_with.contains(&b))
                    || (slot.activity_id == b && slot.incompatible_with.contains(&a))
            })
    };
    let mut tagged: Vec<(SlotKey, u8, Decision)> = Vec::new();
    let mut ignored = Vec::new();

    for request in &input.pending {
        if let PendingRequest::Cancellation {
            request_id,
            family_id,
            reservation_id,
        } = request
        {
            let found = rows
                .iter_mut()
                .find(|row| row.id == *reservation_id && row.live);
            let reason = match found {
                None => Some(IgnoredReason::NotLive),
                Some(row) if row.family != *family_id => Some(IgnoredReason::OtherFamily),
                Some(row) => {
                    row.live = false;
                    tagged.push((
                        (row.activity, row.day),
                        0,
                        Decision::Cancelled {
                            request_id: *request_id,
                            reservation_id: row.id,
                            family_id: row.family,
                            child_id: row.child,
                            activity_id: row.activity,
                            day: row.day,
                        },
                    ));
                    None
                }
            };
            if let Some(reason) = reason {
                ignored.push(IgnoredCancellation {
                    request_id: *request_id,
                    family_id: *family_id,
                    reservation_id: *reservation_id,
                    reason,
                });
            }
        }
    }

    for slot in input.slots.values() {
        let in_slot =
            |row: &Row| row.live && row.activity == slot.activity_id && row.day == slot.day;
        let taken = rows
            .iter()
            .filter(|row| in_slot(row) && row.accepted)
            .count();
        let mut free = (slot.capacity as usize).saturating_sub(taken);
        let mut rank = 0;
        for row in rows.iter_mut() {
            if in_slot(row) && !row.accepted {
                rank += 1;
                if free > 0 {
                    free -= 1;
                    row.accepted = true;
                    tagged.push((
                        slot.key(),
                        1,
                        Decision::Promoted {
                            reservation_id: row.id,
                            family_id: row.family,
                            child_id: row.child,
                            activity_id: row.activity,
                            day: row.day,
                            previous_rank: rank,
                        },
                    ));
                }
            }
        }
    }

    for request in &input.pending {
        if let PendingRequest::Booking {
            request_id,
            family_id,
            child_id,
            activity_id,
            day,
        } = request
        {
            let slot = &input.slots[&(*activity_id, *day)];
            let clash = rows.iter().any(|row| {
                row.live
                    && row.child == *child_id
                    && row.day == *day
                    && incompatible(*activity_id, row.activity)
            });
            let in_slot = |row: &&Row| row.live && row.activity == *activity_id && row.day == *day;
            let taken = rows.iter().filter(in_slot).filter(|r| r.accepted).count();
            let waiting = rows.iter().filter(in_slot).filter(|r| !r.accepted).count();
            let reservation_id = reservation_id_for(*request_id);
            let new_row = |is_accepted: bool| Row {
                id: reservation_id,
                family: *family_id,
                child: *child_id,
                activity: *activity_id,
                day: *day,
                accepted: is_accepted,
                live: true,
            };
            let decision = if clash {
                Decision::Refused {
                    request_id: *request_id,
                    family_id: *family_id,
                    child_id: *child_id,
                    activity_id: *activity_id,
                    day: *day,
                    reason: RefusalReason::IncompatibleSameDay,
                }
            } else if taken < slot.capacity as usize {
                rows.push(new_row(true));
                Decision::Accepted {
                    request_id: *request_id,
                    reservation_id,
                    family_id: *family_id,
                    child_id: *child_id,
                    activity_id: *activity_id,
                    day: *day,
                }
            } else if waiting < slot.waitlist_size as usize {
                rows.push(new_row(false));
                Decision::Waitlisted {
                    request_id: *request_id,
                    reservation_id,
                    family_id: *family_id,
                    child_id: *child_id,
                    activity_id: *activity_id,
                    day: *day,
                    rank: waiting as u32 + 1,
                }
            } else {
                Decision::Refused {
                    request_id: *request_id,
                    family_id: *family_id,
                    child_id: *child_id,
                    activity_id: *activity_id,
                    day: *day,
                    reason: if slot.waitlist_size == 0 {
                        RefusalReason::Full
                    } else {
                        RefusalReason::WaitlistFull
                    },
                }
            };
            tagged.push(((*activity_id, *day), 2, decision));
        }
    }
    // Stable: within a slot and phase, log order (or rank order) is kept.
    tagged.sort_by_key(|(key, phase, _)| (*key, *phase));
    (tagged.into_iter().map(|(_, _, d)| d).collect(), ignored)
}

/// Applies the decisions to the input slots the way a projection would, checking each step
/// (ranks, places, reasons); returns the slots after the run.
fn replay(
    input: &TransmissionInput,
    decisions: &[Decision],
) -> Result<BTreeMap<SlotKey, SlotState>, TestCaseError> {
    let mut slots = input.slots.clone();
    let mut promoted_in_slot: BTreeMap<SlotKey, u32> = BTreeMap::new();
    for decision in decisions {
        let key = decision.slot();
        let slot = slots
            .get_mut(&key)
            .ok_or_else(|| TestCaseError::fail("decision on an unknown slot"))?;
        let no_free_place = slot.accepted.len() >= slot.capacity as usize;
        match decision {
            Decision::Cancelled { reservation_id, .. } => {
                let before = slot.accepted.len() + slot.waitlist.len();
                slot.accepted.retain(|r| r != reservation_id);
                slot.waitlist.retain(|r| r != reservation_id);
                prop_assert_eq!(slot.accepted.len() + slot.waitlist.len() + 1, before);
            }
            Decision::Promoted {
                reservation_id,
                previous_rank,
                ..
            } => {
                let so_far = promoted_in_slot.entry(key).or_default();
                *so_far += 1;
                prop_assert_eq!(*previous_rank, *so_far);
                prop_assert!(!no_free_place);
                prop_assert_eq!(slot.waitlist.first(), Some(reservation_id));
                slot.waitlist.remove(0);
                slot.accepted.push(*reservation_id);
            }
            Decision::Accepted { reservation_id, .. } => {
                prop_assert!(!no_free_place);
                slot.accepted.push(*reservation_id);
            }
            Decision::Waitlisted {
                reservation_id,
                rank,
                ..
            } => {
                prop_assert!(no_free_place);
                prop_assert!(slot.waitlist.len() < slot.waitlist_size as usize);
                slot.waitlist.push(*reservation_id);
                prop_assert_eq!(*rank as usize, slot.waitlist.len());
            }
            Decision::Refused { reason, .. } => match reason {
                RefusalReason::Full => {
                    prop_assert!(no_free_place);
                    prop_assert_eq!(slot.waitlist_size, 0);
                }
                RefusalReason::WaitlistFull => {
                    prop_assert!(no_free_place);
                    prop_assert!(slot.waitlist_size > 0);
                    prop_assert!(slot.waitlist.len() >= slot.waitlist_size as usize);
                }
                RefusalReason::IncompatibleSameDay => {}
                RefusalReason::DayClosed => prop_assert!(slot.closed),
            },
        }
    }
    Ok(slots)
}

// ------------------------------------------------------------ generated scenarios

#[derive(Clone, Debug)]
enum RequestSpec {
    Book {
        child: usize,
        activity: usize,
        day: usize,
    },
    Cancel {
        target: usize,
        other_family: bool,
    },
}

#[derive(Clone, Debug)]
struct SlotSpec {
    capacity: u32,
    waitlist_size: u32,
    accepted: usize,
    waitlisted: usize,
    owners: Vec<usize>,
}

#[derive(Clone, Debug)]
struct Scenario {
    activities: usize,
    days: usize,
    children: usize,
    /// Slot (a, d) at index a * days + d.
    slots: Vec<SlotSpec>,
    /// For the pairs (0,1), (0,2), (1,2): 0 none, 1 first lists second, 2 the reverse, 3 both.
    incompatibility: Vec<u8>,
    requests: Vec<RequestSpec>,
}

fn request_spec() -> impl Strategy<Value = RequestSpec> {
    prop_oneof![
        3 => (0usize..6, 0usize..3, 0usize..3)
            .prop_map(|(child, activity, day)| RequestSpec::Book { child, activity, day }),
        1 => (0usize..16, prop::bool::weighted(0.15))
            .prop_map(|(target, other_family)| RequestSpec::Cancel { target, other_family }),
    ]
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (1usize..=3, 1usize..=3, 1usize..=6).prop_flat_map(|(activities, days, children)| {
        let slot = (
            0u32..5,
            0u32..4,
            0usize..5,
            0usize..4,
            prop::collection::vec(0usize..6, 9),
        )
            .prop_map(
                |(capacity, waitlist_size, accepted, waitlisted, owners)| SlotSpec {
                    capacity,
                    waitlist_size,
                    accepted: accepted.min(capacity as usize),
                    waitlisted: waitlisted.min(waitlist_size as usize),
                    owners,
                },
            );
        (
            prop::collection::vec(slot, activities * days),
            prop::collection::vec(0u8..4, 3),
            prop::collection::vec(request_spec(), 0..16),
        )
            .prop_map(move |(slots, incompatibility, requests)| Scenario {
                activities,
                days,
                children,
                slots,
                incompatibility,
                requests,
            })
    })
}

fn scenario_child(n: usize) -> ChildId {
    ChildId::from_uuid(Uuid::from_u128(0xC0 + n as u128))
}

fn scenario_family(child_n: usize) -> FamilyId {
    FamilyId::from_uuid(Uuid::from_u128(0xF0 + (child_n / 2) as u128))
}

/// Builds the input; `activity_of` names activity index `a` (relabelling it changes the
/// key order of the slots, nothing else).
fn build(scenario: &Scenario, activity_of: &dyn Fn(usize) -> ActivityId) -> TransmissionInput {
    let pairs = [(0, 1), (0, 2), (1, 2)];
    let mut incompatible_with: Vec<Vec<ActivityId>> = vec![vec![]; scenario.activities];
    for ((first, second), kind) in pairs.iter().zip(&scenario.incompatibility) {
        if *second >= scenario.activities {
            continue;
        }
        if kind & 1 == 1 {
            incompatible_with[*first].push(activity_of(*second));
        }
        if kind & 2 == 2 {
            incompatible_with[*second].push(activity_of(*first));
        }
    }
    let mut transmission_input = TransmissionInput::default();
    let mut existing: Vec<ReservationId> = Vec::new();
    for (a, incompatible) in incompatible_with.iter().enumerate() {
        for d in 0..scenario.days {
            let spec = &scenario.slots[a * scenario.days + d];
            let mut state = SlotState {
                activity_id: activity_of(a),
                day: day(d as u64),
                capacity: spec.capacity,
                waitlist_size: spec.waitlist_size,
                accepted: vec![],
                waitlist: vec![],
                incompatible_with: incompatible.clone(),
                closed: false,
            };
            for index in 0..spec.accepted + spec.waitlisted {
                let reservation_id =
                    ReservationId::from_uuid(Uuid::from_u128(0x1000 + existing.len() as u128));
                existing.push(reservation_id);
                let owner = spec.owners[index] % scenario.children;
                transmission_input.reservations.insert(
                    reservation_id,
                    HeldReservation {
                        reservation_id,
                        family_id: scenario_family(owner),
                        child_id: scenario_child(owner),
                        activity_id: state.activity_id,
                        day: state.day,
                    },
                );
                if index < spec.accepted {
                    state.accepted.push(reservation_id);
                } else {
                    state.waitlist.push(reservation_id);
                }
            }
            transmission_input.slots.insert(state.key(), state);
        }
    }
    for (n, spec) in scenario.requests.iter().enumerate() {
        let request_id = RequestId::from_uuid(Uuid::from_u128(0x2000 + n as u128));
        let pending = match spec {
            RequestSpec::Book {
                child,
                activity,
                day: d,
            } => {
                let child = child % scenario.children;
                PendingRequest::Booking {
                    request_id,
                    family_id: scenario_family(child),
                    child_id: scenario_child(child),
                    activity_id: activity_of(activity % scenario.activities),
                    day: day((d % scenario.days) as u64),
                }
            }
            RequestSpec::Cancel {
                target,
                other_family,
            } => {
                let target = target % (existing.len() + 2);
                let reservation_id =
                    existing
                        .get(target)
                        .copied()
                        .unwrap_or(ReservationId::from_uuid(Uuid::from_u128(
                            0x3000 + target as u128,
                        )));
                let owner = transmission_input
                    .reservations
                    .get(&reservation_id)
                    .map(|held| held.family_id);
                let family_id = match owner {
                    Some(owner) if !other_family => owner,
                    _ => FamilyId::from_uuid(Uuid::from_u128(0xFF)),
                };
                PendingRequest::Cancellation {
                    request_id,
                    family_id,
                    reservation_id,
                }
            }
        };
        transmission_input.pending.push(pending);
    }
    transmission_input
}

fn straight(a: usize) -> ActivityId {
    ActivityId::from_uuid(Uuid::from_u128(0xA0 + a as u128))
}

fn reversed(a: usize) -> ActivityId {
    ActivityId::from_uuid(Uuid::from_u128(0xAF - a as u128))
}

fn unreverse(activity_id: ActivityId) -> ActivityId {
    straight((0xAF - activity_id.0.as_u128()) as usize)
}

fn relabelled(decision: &Decision) -> Decision {
    let mut decision = decision.clone();
    match &mut decision {
        Decision::Accepted { activity_id, .. }
        | Decision::Waitlisted { activity_id, .. }
        | Decision::Refused { activity_id, .. }
        | Decision::Cancelled { activity_id, .. }
        | Decision::Promoted { activity_id, .. } => *activity_id = unreverse(*activity_id),
    }
    decision
}

/// Decisions indexed by the request (or, for a promotion, the reservation) they answer.
fn by_subject(decisions: &[Decision]) -> BTreeMap<Uuid, Decision> {
    decisions
        .iter()
        .map(|decision| {
            let subject = match decision {
                Decision::Promoted { reservation_id, .. } => reservation_id.0,
                other => other.request_id().map(|r| r.0).unwrap_or_default(),
            };
            (subject, decision.clone())
        })
        .collect()
}

proptest! {
    #[test]
    fn transmission_keeps_capacity_and_waitlist_bounds_and_leaves_no_free_place_with_people_waiting(
        scenario in scenario()
    ) {
        let transmission_input = build(&scenario, &straight);
        let outcome = run(&transmission_input);
        let replayed = replay(&transmission_input, &outcome.decisions)?;
        prop_assert_eq!(&replayed, &outcome.slots);
        for slot in outcome.slots.values() {
            // (a) bounds (the generated slots start within them)
            prop_assert!(slot.accepted.len() <= slot.capacity as usize);
            prop_assert!(slot.waitlist.len() <= slot.waitlist_size as usize);
            // (b) no free place while someone waits
            prop_assert!(slot.free_places() == 0 || slot.waitlist.is_empty());
        }
    }

    #[test]
    fn transmission_is_deterministic(scenario in scenario()) {
        // (c)
        let transmission_input = build(&scenario, &straight);
        prop_assert_eq!(run(&transmission_input), run(&transmission_input.clone()));
    }

    #[test]
    fn transmission_decides_every_request_exactly_once_and_promotes_a_reservation_at_most_once(
        scenario in scenario()
    ) {
        // (d)
        let transmission_input = build(&scenario, &straight);
        let outcome = run(&transmission_input);
        let mut answered: BTreeMap<RequestId, usize> = BTreeMap::new();
        for request_id in outcome
            .decisions
            .iter()
            .filter_map(Decision::request_id)
            .chain(outcome.ignored.iter().map(|ignored| ignored.request_id))
        {
            *answered.entry(request_id).or_default() += 1;
        }
        let pending: BTreeSet<RequestId> =
            transmission_input.pending.iter().map(PendingRequest::request_id).collect();
        prop_assert_eq!(answered.keys().copied().collect::<BTreeSet<_>>(), pending);
        prop_assert!(answered.values().all(|times| *times == 1));
        for ignored in &outcome.ignored {
            let is_cancellation = transmission_input.pending.iter().any(|request| {
                matches!(request, PendingRequest::Cancellation { request_id, .. }
                    if *request_id == ignored.request_id)
            });
            prop_assert!(is_cancellation);
        }
        let mut promoted = BTreeSet::new();
        for decision in &outcome.decisions {
            if let Decision::Promoted { reservation_id, .. } = decision {
                prop_assert!(promoted.insert(*reservation_id));
            }
        }
        let counts = outcome.counts;
        prop_assert_eq!(counts.received as usize, transmission_input.pending.len());
        prop_assert_eq!(counts.received, counts.new_requests + counts.cancellation_requests);
        prop_assert_eq!(
            counts.new_requests,
            counts.accepted + counts.waitlisted + counts.refused
        );
        prop_assert_eq!(
            counts.cancellation_requests as usize,
            counts.cancelled as usize + outcome.ignored.len()
        );
        prop_assert_eq!(counts.promoted as usize, promoted.len());
    }

    #[test]
    fn transmission_ranks_the_waitlists_1_to_n_without_gaps(scenario in scenario()) {
        // (e) replay checks every rank given against the waitlist it lands in; the final
        // waitlists are then exactly the replayed lists, ranked by position.
        let transmission_input = build(&scenario, &straight);
        let outcome = run(&transmission_input);
        let replayed = replay(&transmission_input, &outcome.decisions)?;
        for (key, slot) in &outcome.slots {
            prop_assert_eq!(&slot.waitlist, &replayed[key].waitlist);
        }
        // And the ranks given this run within a slot are increasing from where the
        // waitlist stood
        let mut last_rank: BTreeMap<SlotKey, u32> = BTreeMap::new();
        for decision in &outcome.decisions {
            if let Decision::Waitlisted { rank, .. } = decision {
                let previous = last_rank.insert(decision.slot(), *rank);
                if let Some(previous) = previous {
                    prop_assert_eq!(*rank, previous + 1);
                }
            }
        }
    }

    #[test]
    fn transmission_equals_the_reference_model(scenario in scenario()) {
        // (f)
        let transmission_input = build(&scenario, &straight);
        let outcome = run(&transmission_input);
        let (decisions, ignored) = model(&transmission_input);
        prop_assert_eq!(&outcome.decisions, &decisions);
        prop_assert_eq!(&outcome.ignored, &ignored);
    }

    #[test]
    fn transmission_does_not_depend_on_the_key_order_of_the_slots(scenario in scenario()) {
        // The same scenario with activities named in reverse order: the slots are visited
        // in another order, every request gets the same decision
        let straight_outcome = run(&build(&scenario, &straight));
        let reversed_outcome = run(&build(&scenario, &reversed));
        let back: Vec<Decision> =
            reversed_outcome.decisions.iter().map(relabelled).collect();
        prop_assert_eq!(by_subject(&straight_outcome.decisions), by_subject(&back));
        prop_assert_eq!(straight_outcome.counts, reversed_outcome.counts);
        prop_assert_eq!(straight_outcome.ignored, reversed_outcome.ignored);
    }

    #[test]
    fn forecast_at_submission_matches_the_transmission_when_nothing_else_changes(
        capacity in 0u32..6,
        waitlist_size in 0u32..5,
        accepted in 0u32..8,
        waitlisted in 0u32..6,
        pending_before in 0u32..8,
    ) {
        let held: Vec<u128> = (0..u128::from(accepted + waitlisted)).collect();
        let (accepted_ids, waitlist_ids) = held.split_at(accepted as usize);
        let slot = slot(MATIN, 0, capacity, waitlist_size, accepted_ids, waitlist_ids);
        // Distinct children, none holding anything on the day
        let pending = (0..=u128::from(pending_before))
            .map(|n| booking(n, 100 + n, MATIN, 0))
            .collect();
        let outcome = run(&input(vec![slot], pending));
        let last = outcome.decisions.last().cloned();
        let expected = crate::booking::forecast(
            capacity,
            waitlist_size,
            accepted,
            waitlisted,
            pending_before,
        );
        let decided = match last {
            Some(Decision::Accepted { .. }) => Forecast::PlaceAvailable,
            Some(Decision::Waitlisted { rank, .. }) => Forecast::Waitlisted { expected_rank: rank },
            Some(Decision::Refused { reason, .. }) => Forecast::Refused { reason },
            other => return Err(TestCaseError::fail(format!("unexpected {other:?}"))),
        };
        prop_assert_eq!(decided, expected);
    }
}

#[test]
fn each_decision_emits_the_event_of_its_kind_naming_the_transmission() {
    use crate::Event;
    use crate::ids::TransmissionId;
    use crate::values::CancellationCause;
    let transmission = TransmissionId(Uuid::from_u128(99));
    let decisions = [
        accepted(1, 1, 1, 0),
        waitlisted(2, 2, 1, 0, 1),
        refused(3, 3, 1, 0, RefusalReason::Full),
        cancelled(4, 4, 1, 0),
        promoted(5, 1, 0, 1),
    ];
    for decision in &decisions {
        let event = decision.event(transmission);
        let same_slot = |activity_id, day| decision.slot() == (activity_id, day);
        match (decision, event) {
            (Decision::Accepted { request_id, .. }, Event::BookingAccepted(e)) => {
                assert_eq!(
                    (e.request_id, e.transmission_id),
                    (*request_id, transmission)
                );
                assert!(same_slot(e.activity_id, e.day));
            }
            (Decision::Waitlisted { rank, .. }, Event::BookingWaitlisted(e)) => {
                assert_eq!((e.rank, e.transmission_id), (*rank, transmission));
                assert!(same_slot(e.activity_id, e.day));
            }
            (Decision::Refused { reason, .. }, Event::BookingRefused(e)) => {
                assert_eq!((e.reason, e.transmission_id), (*reason, transmission));
                assert!(same_slot(e.activity_id, e.day));
            }
            (Decision::Cancelled { request_id, .. }, Event::ReservationCancelled(e)) => {
                assert_eq!(e.cause, CancellationCause::FamilyRequest);
                assert_eq!(
                    (e.request_id, e.transmission_id),
                    (Some(*request_id), Some(transmission))
                );
                assert!(same_slot(e.activity_id, e.day));
            }
            (Decision::Promoted { previous_rank, .. }, Event::WaitlistPromoted(e)) => {
                assert_eq!(
                    (e.previous_rank, e.transmission_id),
                    (*previous_rank, Some(transmission))
                );
                assert!(same_slot(e.activity_id, e.day));
            }
            (decision, event) => panic!("{decision:?} emitted {event:?}"),
        }
    }
}
