//! `/gestion/familles/{family}/reservations/{child}?mois=&activite=`: the child's calendar on the
//! staff side (one activity at a time), and a click on a day (`POST …/panier`).

use app::portal::{Clicked, parse_month};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::Days;
use domain::ids::ActivityId;
use serde::Deserialize;

use super::{FamilyChildPath, booker, serve, served_header};
use crate::extract::{Form, FromFields, Path, Query};
use crate::layout;
use crate::routes::booking::{Toggle, month_page};
use crate::session::see_other;
use crate::staff::StaffUser;
use crate::staff_layout::gestion_page;
use crate::{Shared, WebError, blocking};

/// `?mois=&activite=` as sent.
#[derive(Debug, Deserialize)]
pub(crate) struct MonthQuery {
    mois: Option<String>,
    activite: Option<String>,
}

/// The month's text and the activity asked (none when it is no id).
pub(crate) struct MonthChoice {
    month: Option<String>,
    activity: Option<ActivityId>,
}

impl FromFields for MonthChoice {
    type Raw = MonthQuery;
    fn from_fields(raw: MonthQuery) -> Result<MonthChoice, WebError> {
        Ok(MonthChoice {
            month: raw.mois,
            activity: raw.activite.as_deref().and_then(|a| a.parse().ok()),
        })
    }
}

pub(crate) async fn calendar(
    State(services): State<Shared>,
    staff: StaffUser,
    Path(FamilyChildPath(family, child)): Path<FamilyChildPath>,
    Query(choice): Query<MonthChoice>,
) -> Result<Response, WebError> {
    let (served, phone) = serve(&services, &staff, family).await?;
    let month = parse_month(choice.month.as_deref(), services.app.today());
    let last = layout::next_month(month) - Days::new(1);
    let deadline = served.deadline();
    let app = services.app.clone();
    let data = blocking(move || {
        app::portal::child_calendar(&app, family, child, (month, last), (None, deadline))
    })
    .await?
    .ok_or(WebError::NotFound)?;
    let basket = phone.for_family(family);
    let body = maud::html! {
        (served_header(&served, &phone))
        @if data.blocked.is_none() {
            (month_page(&booker(&staff, family, &basket), child, month, &data.days, choice.activity))
        }
    };
    let title = format!("Réservations de {} (téléphone)", data.child_name);
    Ok(gestion_page(&staff.chrome, &title, "familles", body).into_response())
}

/// A click on a day: into or out of the phone basket, or the withdrawal of a pending request;
/// then back to the day clicked.
pub(crate) async fn toggle(
    State(services): State<Shared>,
    staff: StaffUser,
    Path(FamilyChildPath(family, child)): Path<FamilyChildPath>,
    Form(toggle): Form<Toggle>,
) -> Result<Response, WebError> {
    staff.require(domain::staff::Permission::BookByPhone)?;
    let app = services.app.clone();
    let by = staff.acting();
    let session = staff.session.clone();
    let click = toggle.click(child);
    let clicked =
        blocking(move || app::desk::phone::phone_click(&app, &by, &session, family, child, click))
            .await?;
    match clicked {
        Clicked::Done => Ok(see_other(
            &toggle.back_url(&format!("/gestion/familles/{family}/reservations"), child),
        )),
        Clicked::NotTheirs => Err(WebError::NotFound),
    }
}
