//! `/gestion/familles/{family}/reservations`: the family's children, to book for one of them.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use maud::html;

use super::{FamilyPath, booker, serve, served_header};
use crate::extract::Path;
use crate::routes::booking::basket_aside;
use crate::staff::StaffUser;
use crate::staff_layout::gestion_page;
use crate::{Shared, WebError};

pub(crate) async fn children(
    State(services): State<Shared>,
    staff: StaffUser,
    Path(FamilyPath(family)): Path<FamilyPath>,
) -> Result<Response, WebError> {
    let (served, phone) = serve(&services, &staff, family).await?;
    let basket = phone.for_family(family);
    let body = html! {
        (served_header(&served, &phone))
        @if served.blocked.is_none() {
            p { "Sélectionnez l'enfant concerné par la réservation." }
            ul class="choices" {
                @for child in &served.children {
                    li { a class="choice" href={ "/gestion/familles/" (family) "/reservations/" (child.child_id) } { (child.first_name) " " (child.last_name) } }
                }
            }
            @if served.children.is_empty() { p { "Aucun enfant n'est rattaché à cette famille." } }
            (basket_aside(&booker(&staff, family, &basket)))
        }
    };
    Ok(gestion_page(&staff.chrome, "Réservation par téléphone", "familles", body).into_response())
}
