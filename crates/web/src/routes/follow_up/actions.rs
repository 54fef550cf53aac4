//! The buttons of « Suivi »: « Retirer » (a request not transmitted) and « Annuler » (a place,
//! through the basket and its récapitulatif).

use app::portal::Clicked;
use axum::extract::State;
use axum::response::Response;
use domain::ids::{RequestId, ReservationId};
use serde::Deserialize;

use crate::extract::{Form, FromFields, named};
use crate::session::{Parent, see_other};
use crate::{Shared, WebError, blocking};

/// « Retirer »'s form as sent.
#[derive(Debug, Deserialize)]
pub(crate) struct WithdrawForm {
    demande: String,
}

impl FromFields for RequestId {
    type Raw = WithdrawForm;
    fn from_fields(raw: WithdrawForm) -> Result<RequestId, WebError> {
        named(&raw.demande)
    }
}

/// Withdraws a request not transmitted yet (a booking or a cancellation).
pub(crate) async fn withdraw(
    State(services): State<Shared>,
    parent: Parent,
    Form(request): Form<RequestId>,
) -> Result<Response, WebError> {
    let app = services.app.clone();
    let family = parent.family();
    blocking(move || {
        app::booking::withdraw_request(&app, &format!("family:{family}"), family, request)
    })
    .await?;
    Ok(see_other("/suivi?fait=retiree"))
}

/// « Annuler »'s form as sent.
#[derive(Debug, Deserialize)]
pub(crate) struct CancelForm {
    reservation: String,
}

impl FromFields for ReservationId {
    type Raw = CancelForm;
    fn from_fields(raw: CancelForm) -> Result<ReservationId, WebError> {
        named(&raw.reservation)
    }
}

/// « Annuler »: the cancellation goes into the basket and the récapitulatif shows it.
pub(crate) async fn cancel(
    State(services): State<Shared>,
    parent: Parent,
    Form(reservation): Form<ReservationId>,
) -> Result<Response, WebError> {
    let app = services.app.clone();
    let family = parent.family();
    let session = parent.session.clone();
    let added =
        blocking(move || app::portal::add_cancellation(&app, &session, family, None, reservation))
            .await?;
    match added {
        Clicked::Done => Ok(see_other("/reservations/recapitulatif")),
        Clicked::NotTheirs => Err(WebError::NotFound),
    }
}
