//! The daily attendance sheet (`/gestion/pointage`): the sheet and its marks, a child who came
//! without a place, the printable émargement. Every page needs `TakeAttendance` on the
//! structure shown.

mod emargement;
mod mark;
mod sheet;
mod walk_in;

pub(super) use emargement::emargement;
pub(super) use mark::mark;
pub(super) use sheet::sheet;
pub(super) use walk_in::add_walk_in;

use app::desk::AttendanceStructure;
use chrono::NaiveDate;
use domain::ids::StructureId;
use domain::staff::Permission;
use serde::Deserialize;

use crate::extract::FromFields;
use crate::staff::StaffUser;
use crate::{Shared, WebError, blocking};

/// `?structure=&jour=&q=&fait=` as sent.
#[derive(Debug, Deserialize)]
pub(crate) struct SheetQuery {
    structure: Option<String>,
    jour: Option<String>,
    q: Option<String>,
    fait: Option<String>,
}

/// The sheet asked: a structure and a day (empty: the defaults), a child's name searched, and
/// what was just done.
pub(crate) struct SheetChoice {
    structure: Option<StructureId>,
    day: Option<NaiveDate>,
    search: String,
    done: Option<String>,
}

impl FromFields for SheetChoice {
    type Raw = SheetQuery;
    fn from_fields(raw: SheetQuery) -> Result<SheetChoice, WebError> {
        Ok(SheetChoice {
            structure: optional(raw.structure.as_deref(), |s| s.parse().ok())?,
            day: optional(raw.jour.as_deref(), domain::calendar::parse_day)?,
            search: raw.q.unwrap_or_default().trim().to_owned(),
            done: raw.fait,
        })
    }
}

/// An optional field: absent or empty is `None`, a value that names nothing the French 404.
fn optional<T>(
    text: Option<&str>,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Option<T>, WebError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(text) => parse(text).map(Some).ok_or(WebError::NotFound),
    }
}

/// The structure and day a page shows: the chosen ones, else today in Europe/Paris and the
/// member's first structure with `TakeAttendance` open that day (else its first); the 403 page when the structure is not the
/// member's. With the structures the member may choose from.
struct Shown {
    structures: Vec<AttendanceStructure>,
    structure: StructureId,
    day: NaiveDate,
}

async fn shown(
    services: &Shared,
    staff: &StaffUser,
    structure: Option<StructureId>,
    day: Option<NaiveDate>,
) -> Result<Shown, WebError> {
    let day = day.unwrap_or_else(|| services.app.today());
    let app = services.app.clone();
    let acting = staff.acting();
    let structures = blocking(move || app::desk::attendance_structures(&app, &acting, day)).await?;
    let structure = structure
        .or_else(|| structures.iter().find(|s| s.open).map(|s| s.structure_id))
        .or_else(|| structures.first().map(|s| s.structure_id))
        .ok_or(WebError::Forbidden(Permission::TakeAttendance))?;
    staff.require_in(Permission::TakeAttendance, structure)?;
    Ok(Shown {
        structures,
        structure,
        day,
    })
}

/// The sheet's address for a structure and day.
fn sheet_url(structure: StructureId, day: NaiveDate) -> String {
    format!("/gestion/pointage?structure={structure}&jour={day}")
}
