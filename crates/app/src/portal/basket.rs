//! The basket a parent fills before « Valider »: session state, not events (DESIGN §5), and
//! the rules of what a click may put in it or take out of it.

use chrono::NaiveDate;
use domain::ids::{ActivityId, ChildId, ReservationId};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::booking::LineRequest;
use crate::portal::PortalRefusal;

/// Most lines a basket may hold before « Valider » (the rules cap a validated basket too).
pub const BASKET_MAX_LINES: usize = 200;

/// The basket of a session.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Basket {
    /// The one-time id of the validation form (idempotency key of `submit_basket`).
    pub form_id: String,
    pub lines: Vec<LineRequest>,
}

/// The booking of one activity on one day for one child: what a click on a free day asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DayChoice {
    pub child_id: ChildId,
    pub activity_id: ActivityId,
    pub day: NaiveDate,
}

impl DayChoice {
    fn line(self) -> LineRequest {
        LineRequest::Book {
            child_id: self.child_id,
            activity_id: self.activity_id,
            day: self.day,
        }
    }

    fn is(self, line: &LineRequest) -> bool {
        matches!(line, LineRequest::Book { child_id, activity_id, day }
            if *child_id == self.child_id && *activity_id == self.activity_id && *day == self.day)
    }
}

impl Basket {
    /// An empty basket with a fresh validation form id.
    pub fn new() -> Basket {
        Basket {
            form_id: Uuid::new_v4().simple().to_string(),
            lines: Vec::new(),
        }
    }

    /// Puts the booking of `choice` in the basket (once); refused when the basket already
    /// holds [`BASKET_MAX_LINES`] lines.
    pub fn add_booking(&mut self, choice: DayChoice) -> Result<(), PortalRefusal> {
        let line = choice.line();
        if !self.lines.contains(&line) {
            if self.lines.len() >= BASKET_MAX_LINES {
                return Err(PortalRefusal::BasketFull {
                    max: BASKET_MAX_LINES,
                });
            }
            self.lines.push(line);
        }
        self.sort();
        Ok(())
    }

    /// Puts the cancellation of `reservation` in the basket (once).
    pub fn add_cancellation(&mut self, reservation: ReservationId) {
        let line = LineRequest::Cancel {
            reservation_id: reservation,
        };
        if !self.lines.contains(&line) {
            self.lines.push(line);
        }
        self.sort();
    }

    /// Takes the booking of `choice` out of the basket, and the cancellation of `reservation`
    /// when one is named.
    pub fn take_out(&mut self, choice: DayChoice, reservation: Option<ReservationId>) {
        self.lines.retain(|line| match line {
            LineRequest::Book { .. } => !choice.is(line),
            LineRequest::Cancel { reservation_id } => reservation != Some(*reservation_id),
        });
    }

    /// Whether the booking of `choice` is in the basket.
    pub fn holds_booking(&self, choice: DayChoice) -> bool {
        self.lines.iter().any(|line| choice.is(line))
    }

    /// Whether the cancellation of `reservation` is in the basket.
    pub fn holds_cancellation(&self, reservation: ReservationId) -> bool {
        self.lines.iter().any(
            |line| matches!(line, LineRequest::Cancel { reservation_id } if *reservation_id == reservation),
        )
    }

    /// How many bookings the basket holds.
    pub fn bookings(&self) -> usize {
        self.lines
            .iter()
            .filter(|line| matches!(line, LineRequest::Book { .. }))
            .count()
    }

    /// How many cancellations the basket holds.
    pub fn cancellations(&self) -> usize {
        self.lines.len() - self.bookings()
    }

    /// After the validation of form `form_id` recorded `submitted`: a new basket for the next
    /// form, keeping a click acknowledged while this one was being recorded. A basket whose
    /// form is another one (already renewed) is left as it is.
    pub fn renew_after(&mut self, form_id: &str, submitted: &[LineRequest]) {
        if self.form_id != form_id {
            return;
        }
        let mut next = Basket::new();
        next.lines = self
            .lines
            .drain(..)
            .filter(|line| !submitted.contains(line))
            .collect();
        *self = next;
    }

    /// Cancellations first (they free places before the bookings of the same basket are
    /// judged), then bookings by day: the récapitulatif and the final « Valider » read in
    /// calendar order.
    fn sort(&mut self) {
        self.lines.sort_by_key(|line| match line {
            LineRequest::Cancel { .. } => (0, NaiveDate::MIN, Uuid::nil(), Uuid::nil()),
            LineRequest::Book {
                child_id,
                activity_id,
                day,
            } => (1, *day, child_id.0, activity_id.0),
        });
    }
}

#[cfg(test)]
mod tests;
