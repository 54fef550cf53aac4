//! `/gestion/familles/{family}/documents`: the years to attest, the statement form, the
//! receipts of the family's payments.

use app::documents::Requester;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use domain::ids::FamilyId;
use domain::staff::Permission;
use maud::html;

use crate::documents::{choices_html, document_blocking};
use crate::extract::Path;
use crate::staff::StaffUser;
use crate::staff_layout::gestion_page;
use crate::{Shared, WebError};

pub(crate) async fn documents(
    State(services): State<Shared>,
    staff: StaffUser,
    Path(family): Path<FamilyId>,
) -> Result<Response, WebError> {
    staff.require(Permission::IssueAttestations)?;
    let app = services.app.clone();
    let who = Requester::Staff(staff.acting());
    let choices =
        document_blocking(move || app::documents::document_choices(&app, &who, family)).await?;
    let base = format!("/gestion/familles/{family}/documents");
    let body = html! {
        p class="no-print" {
            a href={ "/gestion/familles/" (family) } { "Retour au dossier de la famille" }
        }
        p { (choices.addressee.name) " (" (choices.addressee.login) ")" }
        (choices_html(&base, &choices))
    };
    Ok(gestion_page(&staff.chrome, "Documents de la famille", "familles", body).into_response())
}
