//! `GET /gestion/transmission/{transmission}`: one past transmission, its counts and the
//! report mails it produced (recipient, subject, state). Also the result page of
//! « Transmettre maintenant » (`?fait=transmise`).

use app::console::{mail_status_text, ran_by_text};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use domain::ids::TransmissionId;
use domain::staff::Permission;
use maud::html;

use super::console_blocking;
use super::counts::run_counts;
use super::transmission::Done;
use crate::extract::{Path, Query};
use crate::layout::{flash, paris_date_time};
use crate::staff::StaffUser;
use crate::staff_layout::gestion_page;
use crate::{Shared, WebError};

pub(crate) async fn detail(
    State(services): State<Shared>,
    staff: StaffUser,
    Path(id): Path<TransmissionId>,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    staff.require(Permission::ViewBoards)?;
    let (app, by) = (services.app.clone(), staff.acting());
    let detail = console_blocking(move || app::console::transmission(&app, &by, id)).await?;
    let t = &detail.summary;
    let title = format!("Transmission du {}", paris_date_time(t.ran_at));
    let body = html! {
        @if done.is("transmise") {
            (flash("success", "Transmission enregistrée : les familles sont prévenues par courriel."))
        }
        p { a href="/gestion/transmission" { "Retour à la console de transmission" } }
        dl class="facts" {
            div { dt { "Lancée par" } dd { (ran_by_text(&t.ran_by)) } }
            div { dt { "Le" } dd { (paris_date_time(t.ran_at)) } }
            div { dt { "Demandes reçues jusqu'au" } dd { (paris_date_time(t.cut_off)) } }
        }
        (run_counts("Chiffres de la transmission", &t.counts, Some(t.mails)))
        section aria-labelledby="courriels" {
            h2 id="courriels" { "Courriels de compte rendu" }
            @if detail.mails.is_empty() {
                p { "Aucun courriel." }
            } @else {
                div class="table-wrap" {
                    table class="data" {
                        caption { "Courriels produits par cette transmission" }
                        thead { tr {
                            th scope="col" { "Destinataire" }
                            th scope="col" { "Objet" }
                            th scope="col" { "État" }
                        } }
                        tbody {
                            @for mail in &detail.mails {
                                tr {
                                    th scope="row" { (mail.recipient) }
                                    td { (mail.subject) }
                                    td { (mail_status_text(mail.status)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(gestion_page(&staff.chrome, &title, "transmission", body).into_response())
}
