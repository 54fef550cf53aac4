//! What staff clicks do to the phone basket, as a parent's do to theirs
//! (`crate::portal::click`): a day put in or taken out, a place to cancel, a pending request
//! withdrawn; then the final « Valider ».

use domain::ids::{ChildId, FamilyId, ReservationId};

use super::basket::{phone_basket, update_phone_basket};
use crate::booking::{self, BasketReceipt, DeadlineException};
use crate::portal::{Click, Clicked};
use crate::staff::{Acting, StaffSession};
use crate::{App, AppError, registry};

/// Applies a click on `child`'s calendar for `family`, by `by` on the phone. `NotTheirs` (and
/// nothing changed) when the child, or the place, is not the family's.
pub fn phone_click(
    app: &App,
    by: &Acting,
    session: &StaffSession,
    family: FamilyId,
    child: ChildId,
    click: Click,
) -> Result<Clicked, AppError> {
    let theirs = app
        .query(move |conn| registry::child(conn, child))?
        .is_some_and(|c| c.family_id == family);
    if !theirs {
        return Ok(Clicked::NotTheirs);
    }
    match click {
        Click::Book(choice) => {
            booking::basket_booking_allowed(app, choice.activity_id, choice.day)?;
            update_phone_basket(app, by, session, family, move |basket| {
                Ok(basket.add_booking(choice)?)
            })?;
        }
        Click::Cancel(reservation) => {
            return add_phone_cancellation(app, by, session, family, Some(child), reservation);
        }
        Click::TakeOut(choice, reservation) => {
            update_phone_basket(app, by, session, family, move |basket| {
                basket.take_out(choice, reservation);
                Ok(())
            })?;
        }
        Click::Withdraw(request) => {
            booking::staff_withdraw_request(app, by, family, request)?;
        }
    }
    Ok(Clicked::Done)
}

/// Puts the cancellation of `reservation` in the phone basket for `family` when the place is
/// the family's (and `child`'s, when given); `NotTheirs` otherwise (nothing changed).
pub fn add_phone_cancellation(
    app: &App,
    by: &Acting,
    session: &StaffSession,
    family: FamilyId,
    child: Option<ChildId>,
    reservation: ReservationId,
) -> Result<Clicked, AppError> {
    let theirs = app.query(move |conn| {
        Ok(projections::booking::reservation_by_id(conn, reservation)?
            .is_some_and(|r| r.family_id == family && child.is_none_or(|c| c == r.child_id)))
    })?;
    if !theirs {
        return Ok(Clicked::NotTheirs);
    }
    update_phone_basket(app, by, session, family, move |basket| {
        basket.add_cancellation(reservation);
        Ok(())
    })?;
    Ok(Clicked::Done)
}

/// The final « Valider » of form `form_id` for `family`: the phone basket is recorded (once,
/// whatever the resubmissions) under `by`, with the director's `exception` to the deadlines
/// when one is made, and the session gets a new basket for the family.
pub fn validate_phone_basket(
    app: &App,
    by: &Acting,
    session: &StaffSession,
    family: FamilyId,
    form_id: &str,
    exception: Option<DeadlineException>,
) -> Result<BasketReceipt, AppError> {
    let submitted = phone_basket(app, session)?.for_family(family).lines;
    let receipt =
        booking::submit_staff_basket(app, by, family, form_id, submitted.clone(), exception)?;
    let form_id = form_id.to_owned();
    update_phone_basket(app, by, session, family, move |basket| {
        basket.renew_after(&form_id, &submitted);
        Ok(())
    })?;
    Ok(receipt)
}
