//! A basket staff submit for a family (on the phone at the desk, or on the CLI): the parent's
//! rules and receipt, recorded under the member's actor, with the director's exception to the
//! deadlines when one is made.

use domain::ids::{FamilyId, StructureId};
use domain::staff::Permission;
use rusqlite::Connection;

use super::{BasketReceipt, DeadlineException, LineRequest, Submission, checked_form, submit_in};
use crate::booking::BookingRefusal;
use crate::staff::Acting;
use crate::{App, AppError};

/// The structures of `family` (where its children may book), which scope a member's rights
/// on it.
pub(crate) fn family_structures(
    conn: &Connection,
    family: FamilyId,
    today: chrono::NaiveDate,
) -> Result<Vec<StructureId>, AppError> {
    match projections::family(conn, family, today)? {
        Some(row) => Ok(row.structures),
        None => Err(AppError::Booking(BookingRefusal::UnknownFamily)),
    }
}

/// Validates and records a basket for `family` on behalf of staff: the same rules and receipt
/// as the parent's « Valider » ([`super::submit_basket`]), every event naming `by`.
///
/// Refused with nothing written unless `by` may book by phone on one of the family's
/// structures, and, when `exception` is given, may override a deadline there. With the
/// exception, lines refused ONLY because their booking or cancellation deadline passed are
/// recorded: the event's metadata names the rule set aside (`overrides`), the reason is kept
/// in the registry by the request; every other rule, and the forecast, still apply.
pub fn submit_staff_basket(
    app: &App,
    by: &Acting,
    family: FamilyId,
    client_request_id: &str,
    lines: Vec<LineRequest>,
    exception: Option<DeadlineException>,
) -> Result<BasketReceipt, AppError> {
    let client_request_id = checked_form(client_request_id, &lines)?;
    let by = by.clone();
    app.execute(&by.actor_text(), move |command| {
        let actor = by.actor_text();
        let structures = family_structures(
            command.conn(),
            family,
            domain::deadline::paris_day(command.now()),
        )?;
        by.require_any(Permission::BookByPhone, &structures)?;
        if exception.is_some() {
            by.require_any(Permission::OverrideDeadline, &structures)?;
        }
        let basket = Submission {
            actor: &actor,
            family,
            client_request_id: &client_request_id,
            exception: exception.as_ref(),
        };
        submit_in(command, &basket, lines)
    })
}
