//! « Retirer »: withdrawing a request not transmitted yet (a booking, or the cancellation of a
//! place), and whose a request or a reservation is.

use domain::booking::ReservationState;
use domain::event::payloads::RequestWithdrawn;
use domain::ids::{FamilyId, RequestId, ReservationId};
use projections::booking as bq;
use serde::Serialize;

use domain::staff::Permission;

use super::{BookingRefusal, family_structures};
use crate::staff::Acting;
use crate::{App, AppError, Command};

/// A request not transmitted yet, which « Retirer » withdraws: the booking of a day, or the
/// cancellation of a place. Both are only intentions until the nightly transmission, so both
/// are withdrawn the same way (`withdraw_request`), from the calendar as from « Suivi ».
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "request_id", rename_all = "snake_case")]
pub enum Withdrawable {
    Booking(RequestId),
    Cancellation(RequestId),
}

impl Withdrawable {
    /// What a place has pending: its booking request while not transmitted, else the pending
    /// cancellation of the place it got. A place with either offers « Retirer », nothing else.
    pub fn of_place(
        pending_booking: Option<RequestId>,
        pending_cancellation: Option<RequestId>,
    ) -> Option<Withdrawable> {
        pending_booking
            .map(Withdrawable::Booking)
            .or(pending_cancellation.map(Withdrawable::Cancellation))
    }

    /// The request `withdraw_request` takes.
    pub fn request_id(self) -> RequestId {
        match self {
            Withdrawable::Booking(id) | Withdrawable::Cancellation(id) => id,
        }
    }
}

/// The family a reservation belongs to, if it exists.
pub fn reservation_owner(
    app: &App,
    reservation: ReservationId,
) -> Result<Option<FamilyId>, AppError> {
    app.query(move |conn| Ok(bq::reservation_by_id(conn, reservation)?.map(|r| r.family_id)))
}

/// The family a request belongs to, if it exists.
pub fn request_owner(app: &App, request: RequestId) -> Result<Option<FamilyId>, AppError> {
    app.query(move |conn| Ok(bq::request_by_id(conn, request)?.map(|r| r.family_id)))
}

/// Withdraws a request not yet transmitted: a booking request or a cancellation request (see
/// [`Withdrawable`]).
pub fn withdraw_request(
    app: &App,
    actor: &str,
    family: FamilyId,
    request: RequestId,
) -> Result<(), AppError> {
    app.execute(actor, move |command| withdraw_in(command, family, request))
}

/// The same, by staff for a family (on the phone, or the CLI): refused with nothing written
/// unless `by` may book by phone on one of the family's structures; the event names `by`.
pub fn staff_withdraw_request(
    app: &App,
    by: &Acting,
    family: FamilyId,
    request: RequestId,
) -> Result<(), AppError> {
    let by = by.clone();
    app.execute(&by.actor_text(), move |command| {
        let today = domain::deadline::paris_day(command.now());
        let structures = family_structures(command.conn(), family, today)?;
        by.require_any(Permission::BookByPhone, &structures)?;
        withdraw_in(command, family, request)
    })
}

fn withdraw_in(
    command: &mut Command<'_, '_>,
    family: FamilyId,
    request: RequestId,
) -> Result<(), AppError> {
    let Some(row) = bq::request_by_id(command.conn(), request)?.filter(|r| r.family_id == family)
    else {
        return Err(AppError::Booking(BookingRefusal::UnknownRequest));
    };
    if row.state != ReservationState::Pending {
        return Err(AppError::Booking(BookingRefusal::AlreadyTransmitted));
    }
    command.emit(RequestWithdrawn {
        request_id: request,
        family_id: family,
    })?;
    Ok(())
}
