//! `/gestion/familles/{family}`: the family's file page, each part a section with its heading;
//! the forms a member may not use are not shown (the server refuses them anyway).

use app::desk::FamilyFile;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use domain::ids::FamilyId;
use domain::staff::Permission;
use maud::html;
use serde::Deserialize;

use super::sections;
use crate::extract::{FromFields, Path, Query};
use crate::layout::flash;
use crate::staff::StaffUser;
use crate::staff_layout::gestion_page;
use crate::{Shared, WebError};

/// `?fait=`: what the previous POST did, for the message on top.
#[derive(Debug, Deserialize)]
pub(crate) struct DoneQuery {
    fait: Option<String>,
}

/// The message of a `?fait=` code (an unknown code shows nothing).
pub(crate) struct Done(Option<&'static str>);

impl FromFields for Done {
    type Raw = DoneQuery;
    fn from_fields(raw: DoneQuery) -> Result<Done, WebError> {
        Ok(Done(match raw.fait.as_deref() {
            Some("dossier") => Some("Le dossier est enregistré."),
            Some("quotient") => Some("Le quotient familial est enregistré."),
            Some("deblocage") => Some(
                "La connexion de la famille est débloquée : elle peut réessayer tout de suite.",
            ),
            Some("lien") => Some(
                "Un lien pour choisir un nouveau mot de passe a été envoyé à l'adresse de la famille.",
            ),
            _ => None,
        }))
    }
}

pub(crate) async fn file_page(
    State(services): State<Shared>,
    staff: StaffUser,
    Path(family): Path<FamilyId>,
    Query(Done(done)): Query<Done>,
) -> Result<Response, WebError> {
    staff.require(Permission::ViewFamilies)?;
    let app = services.app.clone();
    let by = staff.acting();
    let file = super::desk_blocking(move || app::desk::family_file(&app, &by, family)).await?;
    let body = html! {
        @if let Some(done) = done { (flash("success", done)) }
        (sections::links(&staff, &file))
        (sections::identity(&file))
        (sections::children(&file))
        (sections::quotient(&staff, &file))
        (sections::dossier(&staff, &file))
        @if staff.may(Permission::AssistFamilyAccess) { (sections::access(&staff, &file)) }
        (sections::money(&staff, &file))
        (sections::follow_up(&file))
    };
    let title = format!("Famille {}", file_title(&file));
    Ok(gestion_page(&staff.chrome, &title, "familles", body).into_response())
}

fn file_title(file: &FamilyFile) -> String {
    format!("{} ({})", file.addressee, file.login)
}
