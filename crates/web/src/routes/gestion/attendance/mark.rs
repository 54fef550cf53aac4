//! `POST /gestion/pointage`: one mark of one row; back to the sheet on that row.

use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use domain::attendance::Mark;
use domain::ids::{ReservationId, StructureId};
use domain::staff::Permission;
use serde::Deserialize;

use super::sheet_url;
use crate::extract::{Form, FromFields, named};
use crate::session::see_other;
use crate::staff::StaffUser;
use crate::{Shared, WebError, blocking};

/// A row's form as sent.
#[derive(Debug, Deserialize)]
pub(crate) struct MarkForm {
    place: String,
    marque: String,
    structure: String,
    jour: String,
}

/// The place marked, the mark, and the sheet to return to.
pub(crate) struct Marking {
    place: ReservationId,
    mark: Mark,
    structure: StructureId,
    day: NaiveDate,
}

impl FromFields for Marking {
    type Raw = MarkForm;
    fn from_fields(raw: MarkForm) -> Result<Marking, WebError> {
        Ok(Marking {
            place: named(&raw.place)?,
            mark: Mark::parse(raw.marque.trim()).ok_or(WebError::NotFound)?,
            structure: named(&raw.structure)?,
            day: domain::calendar::parse_day(raw.jour.trim()).ok_or(WebError::NotFound)?,
        })
    }
}

pub(crate) async fn mark(
    State(services): State<Shared>,
    staff: StaffUser,
    Form(marking): Form<Marking>,
) -> Result<Response, WebError> {
    staff.require(Permission::TakeAttendance)?;
    let app = services.app.clone();
    let acting = staff.acting();
    let (place, mark) = (marking.place, marking.mark);
    blocking(move || app::desk::mark_attendance(&app, &acting, place, mark)).await?;
    Ok(see_other(&format!(
        "{}#enfant-{}",
        sheet_url(marking.structure, marking.day),
        marking.place
    )))
}
