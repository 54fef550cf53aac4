//! The family file's forms: « Enregistrer le dossier », the quotient, and the two access helps
//! that answer with a redirect (unlock, reset link). Each POST → 303 back to the file page.

use axum::extract::State;
use axum::response::Response;
use domain::ids::FamilyId;
use domain::staff::Permission;
use serde::Deserialize;

use super::desk_blocking;
use crate::extract::{Form, FromFields, Path};
use crate::session::see_other;
use crate::staff::StaffUser;
use crate::{Shared, WebError};

fn back(family: FamilyId, done: &str) -> Response {
    see_other(&format!("/gestion/familles/{family}?fait={done}"))
}

/// The ticked « reçu » boxes (`recu`, once per piece); the other fields are ignored.
pub(crate) struct Received(Vec<String>);

impl FromFields for Received {
    type Raw = Vec<(String, String)>;
    fn from_fields(raw: Vec<(String, String)>) -> Result<Received, WebError> {
        Ok(Received(
            raw.into_iter()
                .filter(|(name, _)| name == "recu")
                .map(|(_, value)| value)
                .collect(),
        ))
    }
}

pub(crate) async fn dossier(
    State(services): State<Shared>,
    staff: StaffUser,
    Path(family): Path<FamilyId>,
    Form(Received(received)): Form<Received>,
) -> Result<Response, WebError> {
    staff.require(Permission::UpdateFamilyFile)?;
    let app = services.app.clone();
    let by = staff.acting();
    desk_blocking(move || app::desk::update_dossier(&app, &by, family, received)).await?;
    Ok(back(family, "dossier"))
}

/// The quotient form as sent.
#[derive(Debug, Deserialize)]
pub(crate) struct QuotientForm {
    quotient: String,
    date: String,
}

impl FromFields for QuotientForm {
    type Raw = QuotientForm;
    fn from_fields(raw: QuotientForm) -> Result<QuotientForm, WebError> {
        Ok(raw)
    }
}

pub(crate) async fn quotient(
    State(services): State<Shared>,
    staff: StaffUser,
    Path(family): Path<FamilyId>,
    Form(form): Form<QuotientForm>,
) -> Result<Response, WebError> {
    staff.require(Permission::UpdateFamilyFile)?;
    let app = services.app.clone();
    let by = staff.acting();
    desk_blocking(move || {
        let quotient = app::desk::parse_quotient(&form.quotient)?;
        let from = app::desk::parse_effective_day(&form.date)?;
        app::desk::set_quotient(&app, &by, family, quotient, from)
    })
    .await?;
    Ok(back(family, "quotient"))
}

pub(crate) async fn unlock(
    State(services): State<Shared>,
    staff: StaffUser,
    Path(family): Path<FamilyId>,
) -> Result<Response, WebError> {
    staff.require(Permission::AssistFamilyAccess)?;
    let app = services.app.clone();
    let by = staff.acting();
    desk_blocking(move || app::desk::unlock_login(&app, &by, family)).await?;
    Ok(back(family, "deblocage"))
}

pub(crate) async fn reset_link(
    State(services): State<Shared>,
    staff: StaffUser,
    Path(family): Path<FamilyId>,
) -> Result<Response, WebError> {
    staff.require(Permission::AssistFamilyAccess)?;
    let app = services.app.clone();
    let by = staff.acting();
    let base_url = services.config.base_url.clone();
    desk_blocking(move || app::desk::send_family_reset_link(&app, &by, family, &base_url)).await?;
    Ok(back(family, "lien"))
}
