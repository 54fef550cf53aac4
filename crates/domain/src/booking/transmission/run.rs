//! One run of the transmission: its three phases (cancellations, promotions, new requests) as
//! steps over a private context, [`Run`], that holds the slots as they change.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::check::check_input;
use super::{
    Decision, IgnoredCancellation, IgnoredReason, PendingRequest, SlotKey, SlotState,
    TransmissionError, TransmissionInput, TransmissionOutcome, count, promotions,
    reservation_id_for,
};
use crate::event::TransmissionCounts;
use crate::ids::{ActivityId, ChildId, FamilyId, RequestId, ReservationId};
use crate::values::RefusalReason;

/// Decides every pending request of `input` (see the [module documentation](super) for the
/// rules, the order of the decisions and the reservation ids).
///
/// Errors only when the input is inconsistent ([`TransmissionError`]); then nothing is decided.
pub fn transmit(input: &TransmissionInput) -> Result<TransmissionOutcome, TransmissionError> {
    check_input(input)?;
    let mut run = Run::new(input);
    run.cancellations()?;
    run.promotions()?;
    run.new_requests()?;
    Ok(run.outcome())
}

/// One slot during the run, with its decisions per phase.
struct Work {
    slot: SlotState,
    cancelled: Vec<Decision>,
    promoted: Vec<Decision>,
    decided: Vec<Decision>,
}

/// What the phases share: the input, the slots as they change, and what each child holds.
struct Run<'a> {
    input: &'a TransmissionInput,
    /// Symmetric incompatibility pairs, from every slot's activity list.
    incompatible: BTreeSet<(ActivityId, ActivityId)>,
    /// What each child holds each day: (activity, reservation).
    holdings: BTreeMap<(ChildId, NaiveDate), BTreeSet<(ActivityId, ReservationId)>>,
    works: BTreeMap<SlotKey, Work>,
    counts: TransmissionCounts,
    ignored: Vec<IgnoredCancellation>,
}

/// A booking request of the input, by its fields.
struct Booking {
    request_id: RequestId,
    family_id: FamilyId,
    child_id: ChildId,
    activity_id: ActivityId,
    day: NaiveDate,
}

impl Booking {
    fn refused(&self, reason: RefusalReason) -> Decision {
        Decision::Refused {
            request_id: self.request_id,
            family_id: self.family_id,
            child_id: self.child_id,
            activity_id: self.activity_id,
            day: self.day,
            reason,
        }
    }
}

impl<'a> Run<'a> {
    fn new(input: &'a TransmissionInput) -> Self {
        let mut incompatible = BTreeSet::new();
        for slot in input.slots.values() {
            for other in &slot.incompatible_with {
                incompatible.insert((slot.activity_id, *other));
                incompatible.insert((*other, slot.activity_id));
            }
        }
        let mut holdings: BTreeMap<_, BTreeSet<_>> = BTreeMap::new();
        for holder in input.reservations.values() {
            holdings
                .entry((holder.child_id, holder.day))
                .or_default()
                .insert((holder.activity_id, holder.reservation_id));
        }
        let works = input
            .slots
            .iter()
            .map(|(key, slot)| {
                let work = Work {
                    slot: slot.clone(),
                    cancelled: Vec::new(),
                    promoted: Vec::new(),
                    decided: Vec::new(),
                };
                (*key, work)
            })
            .collect();
        Run {
            input,
            incompatible,
            holdings,
            works,
            counts: TransmissionCounts {
                received: count(input.pending.len()),
                ..TransmissionCounts::default()
            },
            ignored: Vec::new(),
        }
    }

    /// 1. Cancellations, in log order.
    fn cancellations(&mut self) -> Result<(), TransmissionError> {
        let input = self.input;
        let mut ended: BTreeSet<ReservationId> = BTreeSet::new();
        for request in &input.pending {
            let PendingRequest::Cancellation {
                request_id,
                family_id,
                reservation_id,
            } = request
            else {
                continue;
            };
            self.counts.cancellation_requests += 1;
            let ignore = |reason| IgnoredCancellation {
                request_id: *request_id,
                family_id: *family_id,
                reservation_id: *reservation_id,
                reason,
            };
            let holder = match input.reservations.get(reservation_id) {
                Some(holder) if !ended.contains(reservation_id) => holder,
                _ => {
                    self.ignored.push(ignore(IgnoredReason::NotLive));
                    continue;
                }
            };
            if holder.family_id != *family_id {
                self.ignored.push(ignore(IgnoredReason::OtherFamily));
                continue;
            }
            let Some(work) = self.works.get_mut(&holder.slot()) else {
                // check_input proved the slot present; kept as an error rather than a panic.
                return Err(TransmissionError::MissingSlot {
                    request_id: *request_id,
                    activity_id: holder.activity_id,
                    day: holder.day,
                });
            };
            // check_input proved a live reservation of a loaded slot listed in it, once.
            work.slot.accepted.retain(|r| r != reservation_id);
            work.slot.waitlist.retain(|r| r != reservation_id);
            ended.insert(*reservation_id);
            if let Some(held) = self.holdings.get_mut(&(holder.child_id, holder.day)) {
                held.remove(&(holder.activity_id, *reservation_id));
            }
            self.counts.cancelled += 1;
            work.cancelled.push(Decision::Cancelled {
                request_id: *request_id,
                reservation_id: *reservation_id,
                family_id: holder.family_id,
                child_id: holder.child_id,
                activity_id: holder.activity_id,
                day: holder.day,
            });
        }
        Ok(())
    }

    /// 2. Promotions, per slot.
    fn promotions(&mut self) -> Result<(), TransmissionError> {
        for work in self.works.values_mut() {
            let promoted = promotions(
                work.slot.capacity,
                work.slot.accepted.len(),
                &work.slot.waitlist,
            );
            for (reservation_id, previous_rank) in &promoted {
                let Some(holder) = self.input.reservations.get(reservation_id) else {
                    // check_input proved every listed reservation known.
                    return Err(TransmissionError::UnknownHolder {
                        reservation_id: *reservation_id,
                    });
                };
                work.slot.accepted.push(*reservation_id);
                self.counts.promoted += 1;
                work.promoted.push(Decision::Promoted {
                    reservation_id: *reservation_id,
                    family_id: holder.family_id,
                    child_id: holder.child_id,
                    activity_id: holder.activity_id,
                    day: holder.day,
                    previous_rank: *previous_rank,
                });
            }
            work.slot.waitlist.drain(..promoted.len());
        }
        Ok(())
    }

    /// 3. New requests, globally in log order.
    fn new_requests(&mut self) -> Result<(), TransmissionError> {
        let input = self.input;
        for request in &input.pending {
            let PendingRequest::Booking {
                request_id,
                family_id,
                child_id,
                activity_id,
                day,
            } = request
            else {
                continue;
            };
            self.counts.new_requests += 1;
            let booking = Booking {
                request_id: *request_id,
                family_id: *family_id,
                child_id: *child_id,
                activity_id: *activity_id,
                day: *day,
            };
            let decision = self.decide(&booking)?;
            if let Some(work) = self.works.get_mut(&(booking.activity_id, booking.day)) {
                work.decided.push(decision);
            }
        }
        Ok(())
    }

    /// One new request: refused on a day staff closed or when the child holds a clashing place
    /// that day, else accepted, waitlisted or refused as the slot allows.
    fn decide(&mut self, booking: &Booking) -> Result<Decision, TransmissionError> {
        let Some(work) = self.works.get_mut(&(booking.activity_id, booking.day)) else {
            // check_input proved the slot present.
            return Err(TransmissionError::MissingSlot {
                request_id: booking.request_id,
                activity_id: booking.activity_id,
                day: booking.day,
            });
        };
        let incompatible = &self.incompatible;
        let clash = |a: ActivityId, b: ActivityId| a == b || incompatible.contains(&(a, b));
        let held = self
            .holdings
            .entry((booking.child_id, booking.day))
            .or_default();
        let reservation_id = reservation_id_for(booking.request_id);
        let slot = &mut work.slot;
        let counts = &mut self.counts;
        Ok(if slot.closed {
            counts.refused += 1;
            booking.refused(RefusalReason::DayClosed)
        } else if held
            .iter()
            .any(|(other, _)| clash(booking.activity_id, *other))
        {
            counts.refused += 1;
            booking.refused(RefusalReason::IncompatibleSameDay)
        } else if slot.free_places() > 0 {
            slot.accepted.push(reservation_id);
            held.insert((booking.activity_id, reservation_id));
            counts.accepted += 1;
            Decision::Accepted {
                request_id: booking.request_id,
                reservation_id,
                family_id: booking.family_id,
                child_id: booking.child_id,
                activity_id: booking.activity_id,
                day: booking.day,
            }
        } else if count(slot.waitlist.len()) < slot.waitlist_size {
            slot.waitlist.push(reservation_id);
            held.insert((booking.activity_id, reservation_id));
            counts.waitlisted += 1;
            Decision::Waitlisted {
                request_id: booking.request_id,
                reservation_id,
                family_id: booking.family_id,
                child_id: booking.child_id,
                activity_id: booking.activity_id,
                day: booking.day,
                rank: count(slot.waitlist.len()),
            }
        } else {
            counts.refused += 1;
            booking.refused(if slot.waitlist_size == 0 {
                RefusalReason::Full
            } else {
                RefusalReason::WaitlistFull
            })
        })
    }

    /// The decisions grouped per slot in key order: cancellations, promotions, new requests.
    fn outcome(self) -> TransmissionOutcome {
        let mut decisions = Vec::new();
        let mut slots = BTreeMap::new();
        for (key, work) in self.works {
            decisions.extend(work.cancelled);
            decisions.extend(work.promoted);
            decisions.extend(work.decided);
            slots.insert(key, work.slot);
        }
        TransmissionOutcome {
            decisions,
            ignored: self.ignored,
            counts: self.counts,
            slots,
        }
    }
}
