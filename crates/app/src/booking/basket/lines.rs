//! The judgement of a basket's lines: the same code answers the récapitulatif (on a read
//! connection) and the final « Valider » (in the writer).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use domain::Event;
use domain::booking::{
    self as rules, BasketLine, Blocked, ChildFacts, DeadlineRule, Engagement, LineRefusal,
};
use domain::event::payloads::{BookingRequested, CancellationRequested};
use domain::ids::{ActivityId, BasketId, ChildId, FamilyId, RequestId, ReservationId};
use domain::values::Forecast;
use projections::booking as bq;
use rusqlite::Connection;

use super::{LineOutcome, LineRequest};
use crate::booking::standing::account_standing;
use crate::booking::{BasketRefusal, BookingRefusal, derived};
use crate::lookup::Lookup;
use crate::{AppError, registry};

/// Each line with its outcome, and the events the recorded lines would append.
type Evaluated = (Vec<(LineRequest, LineOutcome)>, Vec<Planned>);

/// The event a recorded line appends, and the deadline a director set aside to let it in.
pub(super) struct Planned {
    pub(super) event: Event,
    pub(super) set_aside: Option<LineRefusal>,
}

/// Lines of a basket and the events they would record, judged on `conn` at `now`: the same code
/// answers the récapitulatif (on a read connection) and the final « Valider » (in the writer).
/// `deadline` says whether a director set the deadlines aside for this basket.
pub(super) fn evaluate(
    conn: &Connection,
    now: DateTime<Utc>,
    (family, basket_id): (FamilyId, BasketId),
    lines: &[LineRequest],
    deadline: DeadlineRule,
) -> Result<Evaluated, AppError> {
    let today = domain::deadline::paris_day(now);
    let Some(family_row) = projections::family(conn, family, today)? else {
        return Err(AppError::Booking(BookingRefusal::UnknownFamily));
    };
    let standing = account_standing(conn, family, &family_row)?;
    let mut judge = Judge {
        conn,
        now,
        family,
        basket_id,
        deadline,
        blocked: rules::account_block(&standing),
        earlier: Vec::new(),
        added: BTreeMap::new(),
        cancelling: BTreeSet::new(),
        planned: Vec::new(),
        lookup: Lookup::default(),
    };
    let mut outcomes: Vec<(LineRequest, LineOutcome)> = Vec::with_capacity(lines.len());
    for (index, line) in lines.iter().enumerate() {
        let request_id = RequestId::from_uuid(derived(
            "request",
            &[&basket_id.to_string(), &index.to_string()],
        ));
        let outcome = match line {
            LineRequest::Book {
                child_id,
                activity_id,
                day,
            } => judge.book(request_id, *child_id, *activity_id, *day)?,
            LineRequest::Cancel { reservation_id } => judge.cancel(request_id, *reservation_id)?,
        };
        outcomes.push((line.clone(), outcome));
    }
    Ok((outcomes, judge.planned))
}

/// What the judgement of a basket carries from one line to the next.
struct Judge<'c> {
    conn: &'c Connection,
    now: DateTime<Utc>,
    family: FamilyId,
    basket_id: BasketId,
    /// Whether the deadlines are set aside (a director's exception).
    deadline: DeadlineRule,
    /// Why the family may not book now, if it may not: every booking line is refused so.
    blocked: Option<Blocked>,
    /// The booking lines recorded so far.
    earlier: Vec<BasketLine>,
    /// Pending requests added by this basket, per slot, for the forecasts of later lines.
    added: BTreeMap<(ActivityId, NaiveDate), u32>,
    /// The places this basket cancels.
    cancelling: BTreeSet<ReservationId>,
    /// The events of the recorded lines.
    planned: Vec<Planned>,
    /// The activities of each day, the periods and their windows, read once for the basket
    /// (what the lines record is appended after the judgement: these do not change meanwhile).
    lookup: Lookup,
}

type LineResult<T> = Result<Result<T, BasketRefusal>, AppError>;

impl Judge<'_> {
    /// A booking line: refused with its reason, or requested with its forecast.
    fn book(
        &mut self,
        request_id: RequestId,
        child: ChildId,
        activity: ActivityId,
        day: NaiveDate,
    ) -> Result<LineOutcome, AppError> {
        if let Some(blocked) = &self.blocked {
            return Ok(LineOutcome::Refused {
                reason: BasketRefusal::Blocked {
                    blocked: blocked.clone(),
                },
            });
        }
        let (forecast, basket_line, set_aside) = match self.booking_line(child, activity, day)? {
            Err(reason) => return Ok(LineOutcome::Refused { reason }),
            Ok(judged) => judged,
        };
        *self.added.entry((activity, day)).or_default() += 1;
        self.earlier.push(basket_line);
        self.planned.push(Planned {
            event: BookingRequested {
                request_id,
                basket_id: self.basket_id,
                family_id: self.family,
                child_id: child,
                activity_id: activity,
                day,
                forecast,
            }
            .into(),
            set_aside,
        });
        Ok(LineOutcome::Requested {
            request_id,
            forecast,
        })
    }

    /// A cancellation line: refused with its reason, or requested.
    fn cancel(
        &mut self,
        request_id: RequestId,
        reservation: ReservationId,
    ) -> Result<LineOutcome, AppError> {
        let set_aside = match self.cancellation_line(reservation)? {
            Err(reason) => return Ok(LineOutcome::Refused { reason }),
            Ok(set_aside) => set_aside,
        };
        self.cancelling.insert(reservation);
        self.planned.push(Planned {
            event: CancellationRequested {
                request_id,
                basket_id: self.basket_id,
                family_id: self.family,
                reservation_id: reservation,
            }
            .into(),
            set_aside,
        });
        Ok(LineOutcome::CancellationRequested { request_id })
    }

    fn booking_line(
        &mut self,
        child: ChildId,
        activity: ActivityId,
        day: NaiveDate,
    ) -> LineResult<(Forecast, BasketLine, Option<LineRefusal>)> {
        let conn = self.conn;
        let Some(profile) = registry::child(conn, child)?.filter(|c| c.family_id == self.family)
        else {
            return Ok(Err(BasketRefusal::ChildNotInFamily));
        };
        let Some(mut on_day) = self.lookup.on_day(conn, activity, day)? else {
            return Ok(Err(BasketRefusal::UnknownActivity));
        };
        if !family_structures_offer(conn, &mut self.lookup, self.family, activity, day)? {
            return Ok(Err(BasketRefusal::ActivityNotOffered));
        }
        on_day.pending_before += self.added.get(&(activity, day)).copied().unwrap_or(0);
        let facts = ChildFacts {
            child_id: child,
            first_name: profile.first_name.clone(),
            birth_date: profile.birth_date,
        };
        let engaged = engagements(conn, &mut self.lookup, child, day, &self.cancelling)?;
        let judged = rules::validate_booking(
            self.now,
            day,
            &facts,
            &on_day,
            &engaged,
            &self.earlier,
            self.deadline,
        );
        match judged {
            Err(refusal) => Ok(Err(BasketRefusal::Rule { refusal })),
            Ok(forecast) => {
                let set_aside = rules::booking_too_late(self.now, day, &on_day);
                Ok(Ok((
                    forecast,
                    BasketLine::new(child, day, &on_day),
                    set_aside,
                )))
            }
        }
    }

    /// A cancellation line: its refusal, or the deadline set aside to accept it (if one was).
    fn cancellation_line(&mut self, reservation: ReservationId) -> LineResult<Option<LineRefusal>> {
        let conn = self.conn;
        let Some(row) =
            bq::reservation_by_id(conn, reservation)?.filter(|r| r.family_id == self.family)
        else {
            return Ok(Err(BasketRefusal::UnknownReservation));
        };
        let Some(state) = row.state.held() else {
            return Ok(Err(BasketRefusal::AlreadyCancelled));
        };
        if cancellation_pending(conn, reservation)? || self.cancelling.contains(&reservation) {
            return Ok(Err(BasketRefusal::CancellationPending));
        }
        let Some(on_day) = self.lookup.on_day(conn, row.activity_id, row.day)? else {
            return Ok(Err(BasketRefusal::UnknownActivity));
        };
        Ok(
            rules::validate_cancellation(self.now, row.day, &on_day, state, self.deadline)
                .map(|()| rules::cancellation_too_late(self.now, row.day, &on_day, state))
                .map_err(|refusal| BasketRefusal::Rule { refusal }),
        )
    }
}

/// A child's engagements on a day, with the labels and incompatibilities the rules need. Places
/// that a pending cancellation (recorded earlier, or earlier in this basket) will end are left
/// out, so "cancel the Journée, book the Matin" works in one basket.
fn engagements(
    conn: &Connection,
    lookup: &mut Lookup,
    child: ChildId,
    day: NaiveDate,
    cancelling: &BTreeSet<ReservationId>,
) -> Result<Vec<Engagement>, AppError> {
    let mut out = Vec::new();
    for row in bq::child_engagements(conn, child, day)? {
        if let Some(reservation) = row.reservation_id
            && (cancelling.contains(&reservation) || cancellation_pending(conn, reservation)?)
        {
            continue;
        }
        let Some(activity) = lookup.activity(conn, row.activity_id, day)? else {
            continue;
        };
        let state = row.state.engagement();
        out.push(Engagement {
            activity_id: row.activity_id,
            label: activity.label.clone(),
            incompatible_with: activity.incompatible_with.clone(),
            reservation_id: row.reservation_id,
            state,
        });
    }
    Ok(out)
}

fn family_structures_offer(
    conn: &Connection,
    lookup: &mut Lookup,
    family: FamilyId,
    activity: ActivityId,
    day: NaiveDate,
) -> Result<bool, AppError> {
    let Some(structure) = lookup
        .activity(conn, activity, day)?
        .map(|a| a.structure_id)
    else {
        return Ok(false);
    };
    let Some(family) = projections::family(conn, family, day)? else {
        return Ok(false);
    };
    Ok(family.structures.contains(&structure))
}

fn cancellation_pending(conn: &Connection, reservation: ReservationId) -> Result<bool, AppError> {
    Ok(bq::pending_cancellation(conn, reservation)?.is_some())
}
