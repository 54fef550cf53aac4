//! What a parent's clicks do to the session's basket: a day put in or taken out, a place to
//! cancel, a pending request withdrawn, the final « Valider » and « Abandonner ». Each change
//! of the basket is one writer command (`accounts::update_basket`), so clicks at once are
//! applied one after the other.

use domain::ids::{ChildId, FamilyId, RequestId, ReservationId};

use crate::accounts::{self, Session};
use crate::booking::{self, BasketReceipt};
use crate::portal::basket::{Basket, DayChoice};
use crate::{App, AppError, registry};

/// A click on a day of the calendar (or of the day page) of one child.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Click {
    /// « réserver »: the booking of the day goes into the basket.
    Book(DayChoice),
    /// « annuler »: the cancellation of the child's place goes into the basket.
    Cancel(ReservationId),
    /// « retirer du panier »: the day (and the cancellation named, if any) leaves the basket.
    TakeOut(DayChoice, Option<ReservationId>),
    /// « retirer la demande »: a request not transmitted is withdrawn.
    Withdraw(RequestId),
}

/// Whether a click found what it names among the family's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clicked {
    Done,
    /// The child or the place is not the family's: nothing changed.
    NotTheirs,
}

/// Applies a click on `child`'s calendar for `family`.
pub fn click(
    app: &App,
    session: &Session,
    family: FamilyId,
    child: ChildId,
    click: Click,
) -> Result<Clicked, AppError> {
    let mine = app
        .query(move |conn| registry::child(conn, child))?
        .is_some_and(|c| c.family_id == family);
    if !mine {
        return Ok(Clicked::NotTheirs);
    }
    match click {
        Click::Book(choice) => {
            booking::basket_booking_allowed(app, choice.activity_id, choice.day)?;
            accounts::update_basket(app, session, move |basket| Ok(basket.add_booking(choice)?))?;
        }
        Click::Cancel(reservation) => {
            return add_cancellation(app, session, family, Some(child), reservation);
        }
        Click::TakeOut(choice, reservation) => {
            accounts::update_basket(app, session, move |basket| {
                basket.take_out(choice, reservation);
                Ok(())
            })?;
        }
        Click::Withdraw(request) => {
            booking::withdraw_request(app, &format!("family:{family}"), family, request)?;
        }
    }
    Ok(Clicked::Done)
}

/// Puts the cancellation of `reservation` in the session's basket when the place is the
/// family's (and `child`'s, when given); `NotTheirs` otherwise (nothing changed).
pub fn add_cancellation(
    app: &App,
    session: &Session,
    family: FamilyId,
    child: Option<ChildId>,
    reservation: ReservationId,
) -> Result<Clicked, AppError> {
    let owned = app.query(move |conn| {
        Ok(projections::booking::reservation_by_id(conn, reservation)?
            .is_some_and(|r| r.family_id == family && child.is_none_or(|c| c == r.child_id)))
    })?;
    if !owned {
        return Ok(Clicked::NotTheirs);
    }
    accounts::update_basket(app, session, move |basket| {
        basket.add_cancellation(reservation);
        Ok(())
    })?;
    Ok(Clicked::Done)
}

/// The final « Valider » of form `form_id`: the basket is recorded (once, whatever the
/// resubmissions) and the session gets a new basket, which keeps a click acknowledged while
/// this one was being recorded.
pub fn validate_basket(
    app: &App,
    session: &Session,
    family: FamilyId,
    form_id: &str,
) -> Result<BasketReceipt, AppError> {
    let submitted = session.basket.lines.clone();
    let receipt = booking::submit_basket(
        app,
        &format!("family:{family}"),
        family,
        form_id,
        submitted.clone(),
    )?;
    let form_id = form_id.to_owned();
    accounts::update_basket(app, session, move |basket| {
        basket.renew_after(&form_id, &submitted);
        Ok(())
    })?;
    Ok(receipt)
}

/// « Abandonner »: the basket is emptied; nothing was recorded.
pub fn abandon_basket(app: &App, session: &Session) -> Result<(), AppError> {
    accounts::save_basket(app, session, &Basket::new())
}
