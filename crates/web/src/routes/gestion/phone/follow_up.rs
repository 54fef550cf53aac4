//! `/gestion/familles/{family}/suivi`: the family's requests and places, staff side. « Retirer »
//! withdraws a request not transmitted; « Annuler » puts the place's cancellation in the phone
//! basket and shows the récapitulatif (a director may set the cancellation deadline aside
//! there).

use app::booking::FollowUpLine;
use app::portal::Clicked;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use domain::ids::{RequestId, ReservationId};
use domain::staff::Permission;
use maud::html;
use serde::Deserialize;

use super::{FamilyPath, serve, served_header};
use crate::extract::{Form, FromFields, Path, Query, named};
use crate::layout::flash;
use crate::routes::follow_up::{SuiviForms, table};
use crate::session::see_other;
use crate::staff::StaffUser;
use crate::staff_layout::gestion_page;
use crate::{Shared, WebError, blocking};

/// `?fait=` as sent.
#[derive(Debug, Deserialize)]
pub(crate) struct DoneQuery {
    fait: Option<String>,
}

/// Whether a request was just withdrawn.
pub(crate) struct Done(bool);

impl FromFields for Done {
    type Raw = DoneQuery;
    fn from_fields(raw: DoneQuery) -> Result<Done, WebError> {
        Ok(Done(raw.fait.as_deref() == Some("retiree")))
    }
}

pub(crate) async fn follow_up(
    State(services): State<Shared>,
    staff: StaffUser,
    Path(FamilyPath(family)): Path<FamilyPath>,
    Query(Done(withdrawn)): Query<Done>,
) -> Result<Response, WebError> {
    let (served, phone) = serve(&services, &staff, family).await?;
    let deadline = served.deadline();
    let app = services.app.clone();
    let lines = blocking(move || app::booking::follow_up(&app, family, deadline)).await?;
    let today = services.app.today();
    let this_month = today.with_day(1).unwrap_or(today);
    let shown: Vec<&FollowUpLine> = lines.iter().filter(|l| l.day >= this_month).collect();
    let action = format!("/gestion/familles/{family}/suivi");
    let forms = SuiviForms {
        csrf: staff.csrf(),
        withdraw: action.clone(),
        cancel: action,
        caption: "Réservations de la famille",
    };
    let body = html! {
        (served_header(&served, &phone))
        @if withdrawn { (flash("success", "La demande est retirée : elle ne sera pas transmise.")) }
        @if served.may_override {
            p class="hint" { "Une place peut être annulée après la date limite : la dérogation et son motif sont demandés au récapitulatif." }
        }
        (table(&forms, &shown))
    };
    Ok(gestion_page(
        &staff.chrome,
        "Suivi des réservations de la famille",
        "familles",
        body,
    )
    .into_response())
}

/// A button of the staff « Suivi » as sent: « Retirer » names the request, « Annuler » the place.
#[derive(Debug, Deserialize)]
pub(crate) struct ActionForm {
    demande: Option<String>,
    reservation: Option<String>,
}

/// What the button asks; a field that is no id names nothing (404).
pub(crate) enum SuiviAction {
    Withdraw(RequestId),
    Cancel(ReservationId),
}

impl FromFields for SuiviAction {
    type Raw = ActionForm;
    fn from_fields(raw: ActionForm) -> Result<SuiviAction, WebError> {
        match (raw.demande, raw.reservation) {
            (Some(request), None) => named(&request).map(SuiviAction::Withdraw),
            (None, Some(reservation)) => named(&reservation).map(SuiviAction::Cancel),
            _ => Err(WebError::NotFound),
        }
    }
}

pub(crate) async fn follow_up_action(
    State(services): State<Shared>,
    staff: StaffUser,
    Path(FamilyPath(family)): Path<FamilyPath>,
    Form(action): Form<SuiviAction>,
) -> Result<Response, WebError> {
    staff.require(Permission::BookByPhone)?;
    let app = services.app.clone();
    let by = staff.acting();
    let session = staff.session.clone();
    match action {
        SuiviAction::Withdraw(request) => {
            blocking(move || app::booking::staff_withdraw_request(&app, &by, family, request))
                .await?;
            Ok(see_other(&format!(
                "/gestion/familles/{family}/suivi?fait=retiree"
            )))
        }
        SuiviAction::Cancel(reservation) => {
            let added = blocking(move || {
                app::desk::phone::add_phone_cancellation(
                    &app,
                    &by,
                    &session,
                    family,
                    None,
                    reservation,
                )
            })
            .await?;
            match added {
                Clicked::Done => Ok(see_other(&format!(
                    "/gestion/familles/{family}/recapitulatif"
                ))),
                Clicked::NotTheirs => Err(WebError::NotFound),
            }
        }
    }
}
