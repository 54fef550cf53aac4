//! A past transmission of the demo: its requests submitted in baskets, then decided as the
//! booking engine decides them.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use domain::event::payloads::{
    BasketSubmitted, BookingAccepted, BookingRequested, BookingWaitlisted, TransmissionCompleted,
    TransmissionCounts, TransmissionStarted,
};
use domain::ids::{BasketId, ChildId, FamilyId, RequestId, ReservationId, TransmissionId};
use domain::values::Forecast;

use crate::demo::catalogue::DemoActivity;
use crate::demo::world::demo_id;
use crate::{AppError, Command};

/// A child asked for on an activity and a day.
#[derive(Clone, Copy, Debug)]
pub(super) struct Line {
    pub(super) family: FamilyId,
    pub(super) child: ChildId,
    pub(super) activity: DemoActivity,
    pub(super) day: NaiveDate,
}

/// A line the demo's past transmission accepted.
pub(super) struct Booking {
    pub(super) line: Line,
    pub(super) reservation: ReservationId,
}

/// A line submitted in a basket.
struct Request {
    id: RequestId,
    line: Line,
}

/// Requests decided by one transmission, as the booking engine decides them: in order, accepted
/// while places remain, then waitlisted while the waitlist has room.
pub(super) struct Transmission {
    id: TransmissionId,
    cut_off: DateTime<Utc>,
    lines: Vec<Line>,
}

impl Transmission {
    pub(super) fn new(key: &str, cut_off: DateTime<Utc>) -> Self {
        Transmission {
            id: TransmissionId::from_uuid(demo_id("transmission", key)),
            cut_off,
            lines: Vec::new(),
        }
    }

    pub(super) fn book(
        &mut self,
        family: FamilyId,
        child: ChildId,
        activity: DemoActivity,
        day: NaiveDate,
    ) {
        self.lines.push(Line {
            family,
            child,
            activity,
            day,
        });
    }

    /// Records the baskets, then the transmission that decides them; returns what it accepted.
    pub(super) fn record(self, command: &mut Command<'_, '_>) -> Result<Vec<Booking>, AppError> {
        let requests = self.submit_baskets(command)?;
        self.start(command)?;
        let (counts, accepted) = self.decide(command, requests)?;
        command.emit(TransmissionCompleted {
            transmission_id: self.id,
            counts,
        })?;
        Ok(accepted)
    }

    /// Baskets, one per family, before the transmission, in the order their first request was
    /// booked: the log order decides who gets a place.
    fn submit_baskets(&self, command: &mut Command<'_, '_>) -> Result<Vec<Request>, AppError> {
        let mut families: Vec<FamilyId> = Vec::new();
        for line in &self.lines {
            if !families.contains(&line.family) {
                families.push(line.family);
            }
        }
        let mut requests = Vec::new();
        for family in families {
            requests.extend(self.submit_basket(command, family)?);
        }
        Ok(requests)
    }

    fn submit_basket(
        &self,
        command: &mut Command<'_, '_>,
        family: FamilyId,
    ) -> Result<Vec<Request>, AppError> {
        let lines: Vec<Line> = self
            .lines
            .iter()
            .copied()
            .filter(|l| l.family == family)
            .collect();
        let basket = BasketId::from_uuid(demo_id("basket", &format!("{}-{family}", self.id)));
        command.emit(BasketSubmitted {
            basket_id: basket,
            family_id: family,
            client_request_id: format!("demo-{}-{family}", self.id),
            booking_lines: lines.len() as u32,
            cancellation_lines: 0,
        })?;
        let mut requests = Vec::new();
        for line in lines {
            let id = RequestId::from_uuid(demo_id(
                "request",
                &format!("{}-{}-{}", line.child, line.activity, line.day),
            ));
            command.emit(BookingRequested {
                request_id: id,
                basket_id: basket,
                family_id: line.family,
                child_id: line.child,
                activity_id: line.activity.id(),
                day: line.day,
                forecast: Forecast::PlaceAvailable,
            })?;
            requests.push(Request { id, line });
        }
        Ok(requests)
    }

    /// The transmission starts after every request of the log so far.
    fn start(&self, command: &mut Command<'_, '_>) -> Result<(), AppError> {
        let position = command
            .conn()
            .query_row("SELECT position FROM chain_head", [], |row| {
                row.get::<_, i64>(0)
            })?;
        command.emit(TransmissionStarted {
            transmission_id: self.id,
            cut_off: self.cut_off,
            up_to_position: position as u64,
        })?;
        Ok(())
    }

    /// Each request in log order: accepted while the day has places, waitlisted after.
    fn decide(
        &self,
        command: &mut Command<'_, '_>,
        requests: Vec<Request>,
    ) -> Result<(TransmissionCounts, Vec<Booking>), AppError> {
        let mut counts = TransmissionCounts::default();
        let mut accepted = Vec::new();
        let mut taken: HashMap<(DemoActivity, NaiveDate), u32> = HashMap::new();
        for Request { id, line } in requests {
            counts.received += 1;
            counts.new_requests += 1;
            let reservation = ReservationId::from_uuid(demo_id("reservation", &id.to_string()));
            let seats = taken.entry((line.activity, line.day)).or_insert(0);
            *seats += 1;
            let capacity = line.activity.capacity();
            if *seats <= capacity {
                counts.accepted += 1;
                command.emit(self.accepted(id, reservation, line))?;
                accepted.push(Booking { line, reservation });
            } else {
                counts.waitlisted += 1;
                command.emit(self.waitlisted(id, reservation, line, *seats - capacity))?;
            }
        }
        Ok((counts, accepted))
    }

    fn accepted(&self, id: RequestId, reservation: ReservationId, line: Line) -> BookingAccepted {
        BookingAccepted {
            request_id: id,
            reservation_id: reservation,
            family_id: line.family,
            child_id: line.child,
            activity_id: line.activity.id(),
            day: line.day,
            transmission_id: self.id,
        }
    }

    fn waitlisted(
        &self,
        id: RequestId,
        reservation: ReservationId,
        line: Line,
        rank: u32,
    ) -> BookingWaitlisted {
        BookingWaitlisted {
            request_id: id,
            reservation_id: reservation,
            family_id: line.family,
            child_id: line.child,
            activity_id: line.activity.id(),
            day: line.day,
            rank,
            transmission_id: self.id,
        }
    }
}
