//! `GET /gestion/pointage/emargement?structure=&jour=`: the printable émargement, one table per
//! activity with children expected (name, activity, arrival, signature).

use app::desk::SheetActivity;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use domain::staff::Permission;
use maud::{Markup, html};

use super::{SheetChoice, sheet_url, shown};
use crate::extract::Query;
use crate::layout::long_date;
use crate::staff::StaffUser;
use crate::staff_layout::gestion_page;
use crate::{Shared, WebError, blocking};

pub(crate) async fn emargement(
    State(services): State<Shared>,
    staff: StaffUser,
    Query(choice): Query<SheetChoice>,
) -> Result<Response, WebError> {
    staff.require(Permission::TakeAttendance)?;
    let shown = shown(&services, &staff, choice.structure, choice.day).await?;
    let (app, acting, structure, day) = (
        services.app.clone(),
        staff.acting(),
        shown.structure,
        shown.day,
    );
    let sheet =
        blocking(move || app::desk::attendance_sheet(&app, &acting, structure, day)).await?;
    let title = format!(
        "Émargement — {} — {}",
        sheet.structure_label,
        long_date(day)
    );
    let body = html! {
        p class="no-print" {
            "Imprimez cette page avec la commande Imprimer du navigateur (Ctrl+P). "
            a href=(sheet_url(structure, day)) { "Retour à la feuille de pointage" }
        }
        @if sheet.activities.iter().all(|a| a.rows.is_empty()) {
            p { "Aucun enfant attendu ce jour-là dans cette structure." }
        }
        @for activity in sheet.activities.iter().filter(|a| !a.rows.is_empty()) {
            (activity_table(activity))
        }
    };
    Ok(gestion_page(&staff.chrome, &title, "pointage", body).into_response())
}

fn activity_table(activity: &SheetActivity) -> Markup {
    html! {
        section class="emargement" {
            h2 { (activity.label) }
            div class="table-wrap" {
                table class="data emargement" {
                    caption { (activity.label) " — " (activity.rows.len()) " enfant(s)" }
                    thead {
                        tr {
                            th scope="col" { "Nom et prénom" }
                            th scope="col" { "Activité" }
                            th scope="col" class="arrival" { "Heure d'arrivée" }
                            th scope="col" class="signature" { "Signature" }
                        }
                    }
                    tbody {
                        @for row in &activity.rows {
                            tr {
                                th scope="row" { (row.last_name) " " (row.first_name) }
                                td { (activity.label) }
                                td class="arrival" {}
                                td class="signature" {}
                            }
                        }
                    }
                }
            }
        }
    }
}
