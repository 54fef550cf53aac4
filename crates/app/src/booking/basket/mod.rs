//! Baskets: what a parent (or staff on the phone) asks in one « Valider », each line judged by
//! the rules ([`lines`]) and recorded as pending requests with their forecast, answered by one
//! receipt kept under the client request id (a resubmitted form is recorded once).

mod exception;
mod lines;
mod preview;
mod staff;

use chrono::NaiveDate;
use domain::Event;
use domain::booking::{self as rules, DeadlineRule};
use domain::event::payloads::BasketSubmitted;
use domain::ids::{ActivityId, BasketId, ChildId, FamilyId, RequestId, ReservationId};
use domain::values::Forecast;
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{BasketRefusal, BookingRefusal, derived};
use crate::{App, AppError, Command};
use lines::evaluate;

pub use exception::{DeadlineException, REASON_MAX_CHARS, RecordedException, deadline_exception};
#[cfg(test)]
pub(crate) use preview::preview_in;
pub use preview::{LineLabel, PreviewLine, describe_lines, estimated_total, preview_basket};
pub(crate) use staff::family_structures;
pub use staff::submit_staff_basket;

/// One line of a basket, as the parent (or staff on the phone) asked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "line", rename_all = "snake_case")]
pub enum LineRequest {
    Book {
        child_id: ChildId,
        activity_id: ActivityId,
        day: NaiveDate,
    },
    Cancel {
        reservation_id: ReservationId,
    },
}

/// What became of a line when the basket was validated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum LineOutcome {
    /// A pending request (Non transmis), with what the transmission is expected to decide.
    Requested {
        request_id: RequestId,
        forecast: Forecast,
    },
    /// A pending cancellation request.
    CancellationRequested { request_id: RequestId },
    /// Not recorded, with the reason shown to the parent (its words:
    /// `crate::wording::booking`). A receipt of an earlier version reads back as
    /// [`BasketRefusal::Worded`].
    Refused { reason: BasketRefusal },
}

/// The answer to a basket: one outcome per line, in the order given.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BasketReceipt {
    pub basket_id: Option<BasketId>,
    pub lines: Vec<(LineRequest, LineOutcome)>,
    /// True when this answer was recorded earlier for the same client request id.
    #[serde(default)]
    pub replayed: bool,
}

impl BasketReceipt {
    pub fn recorded(&self) -> usize {
        self.lines
            .iter()
            .filter(|(_, o)| !matches!(o, LineOutcome::Refused { .. }))
            .count()
    }
}

/// Validates and records a basket for `family`. Lines that break a rule are refused with their
/// reason and not recorded; the others become pending requests with a forecast. The same
/// `client_request_id` answers the same receipt (a resubmitted form is recorded once).
pub fn submit_basket(
    app: &App,
    actor: &str,
    family: FamilyId,
    client_request_id: &str,
    lines: Vec<LineRequest>,
) -> Result<BasketReceipt, AppError> {
    let client_request_id = checked_form(client_request_id, &lines)?;
    let by = actor.to_owned();
    app.execute(actor, move |command| {
        let basket = Submission {
            actor: &by,
            family,
            client_request_id: &client_request_id,
            exception: None,
        };
        submit_in(command, &basket, lines)
    })
}

/// The form's id, trimmed, once the basket's own rules (an id, a line at least) are met.
fn checked_form(client_request_id: &str, lines: &[LineRequest]) -> Result<String, AppError> {
    let client_request_id = client_request_id.trim().to_owned();
    if client_request_id.is_empty() || client_request_id.len() > 100 {
        return Err(AppError::Booking(BookingRefusal::InvalidFormId));
    }
    let bookings = lines
        .iter()
        .filter(|l| matches!(l, LineRequest::Book { .. }))
        .count();
    if let Err(refusal) = rules::validate_basket_size(bookings, lines.len() - bookings) {
        return Err(AppError::Booking(BookingRefusal::Basket(refusal)));
    }
    Ok(client_request_id)
}

/// Who submits a basket for which family, under which form id, with which exception.
struct Submission<'a> {
    actor: &'a str,
    family: FamilyId,
    client_request_id: &'a str,
    exception: Option<&'a DeadlineException>,
}

fn content_hash(lines: &[LineRequest]) -> Result<String, AppError> {
    let text = serde_json::to_string(lines).map_err(|e| AppError::corrupt("basket", e))?;
    Ok(hex::encode(Sha256::digest(text.as_bytes())))
}

fn submit_in(
    command: &mut Command<'_, '_>,
    basket: &Submission<'_>,
    lines: Vec<LineRequest>,
) -> Result<BasketReceipt, AppError> {
    let (family, client_request_id) = (basket.family, basket.client_request_id);
    command.set_client_request_id(client_request_id);
    let hash = content_hash(&lines)?;
    let earlier: Option<(String, String)> = command
        .conn()
        .prepare_cached("SELECT content_hash, receipt FROM basket_receipts WHERE family_id = ?1 AND client_request_id = ?2")?
        .query_row(params![family.to_string(), client_request_id], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    if let Some((earlier_hash, receipt)) = earlier {
        if earlier_hash != hash {
            return Err(AppError::Booking(BookingRefusal::FormReused));
        }
        let mut receipt: BasketReceipt =
            serde_json::from_str(&receipt).map_err(|e| AppError::corrupt("basket_receipts", e))?;
        receipt.replayed = true;
        return Ok(receipt);
    }
    let now = command.now();
    let basket_id =
        BasketId::from_uuid(derived("basket", &[&family.to_string(), client_request_id]));
    let deadline = match basket.exception {
        Some(_) => DeadlineRule::SetAside,
        None => DeadlineRule::Applies,
    };
    let (outcomes, planned) = evaluate(command.conn(), now, (family, basket_id), &lines, deadline)?;
    let recorded_bookings = planned
        .iter()
        .filter(|p| matches!(p.event, Event::BookingRequested(_)))
        .count() as u32;
    let recorded_cancellations = planned.len() as u32 - recorded_bookings;
    let receipt = BasketReceipt {
        basket_id: (!planned.is_empty()).then_some(basket_id),
        lines: outcomes,
        replayed: false,
    };
    if !planned.is_empty() {
        command.emit(BasketSubmitted {
            basket_id,
            family_id: family,
            client_request_id: client_request_id.to_owned(),
            booking_lines: recorded_bookings,
            cancellation_lines: recorded_cancellations,
        })?;
        let at = crate::accounts::stamp(now);
        for line in planned {
            if let (Some(rule), Some(exception)) = (&line.set_aside, basket.exception) {
                let key = (basket_id, basket.actor, at.as_str());
                exception::keep_reason(command.conn(), key, &line.event, rule, exception)?;
            }
            command.set_overrides(line.set_aside.as_slice());
            command.emit(line.event)?;
        }
        command.set_overrides(&[]);
    }
    let text =
        serde_json::to_string(&receipt).map_err(|e| AppError::corrupt("basket_receipts", e))?;
    command
        .conn()
        .prepare_cached(
            "INSERT INTO basket_receipts (family_id, client_request_id, content_hash, receipt) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![family.to_string(), client_request_id, hash, text])?;
    Ok(receipt)
}

/// The answer recorded for a validated basket of the family.
pub fn receipt(
    app: &App,
    family: FamilyId,
    client_request_id: &str,
) -> Result<Option<BasketReceipt>, AppError> {
    let id = client_request_id.to_owned();
    app.query(move |conn| {
        let text: Option<String> = conn
            .prepare_cached(
                "SELECT receipt FROM basket_receipts WHERE family_id = ?1 AND client_request_id = ?2",
            )?
            .query_row(params![family.to_string(), id], |row| row.get(0))
            .optional()?;
        text.map(|t| serde_json::from_str(&t).map_err(|e| AppError::corrupt("basket_receipts", e)))
            .transpose()
    })
}
