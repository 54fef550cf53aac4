//! `GET /gestion/transmission`: the dry run of the coming transmission at « now », the past
//! transmissions, and for administration the « Transmettre maintenant » form;
//! `POST /gestion/transmission`: that transmission, `app::booking::transmit_by` as the CLI.

use app::booking::TransmitReport;
use app::console::{PastTransmission, ran_by_text};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use domain::staff::Permission;
use maud::{Markup, html};
use serde::Deserialize;

use super::console_blocking;
use super::counts::{refused_table, run_counts, slot_table, structure_table};
use crate::extract::{Form, FromFields, Query};
use crate::layout::{csrf_field, flash, paris_date_time};
use crate::session::see_other;
use crate::staff::StaffUser;
use crate::staff_layout::gestion_page;
use crate::{Shared, WebError};

/// `?fait=` after a POST.
#[derive(Debug, Deserialize)]
pub(crate) struct Done {
    fait: Option<String>,
}

impl Done {
    /// Whether the POST before this page did `what`.
    pub(crate) fn is(&self, what: &str) -> bool {
        self.fait.as_deref() == Some(what)
    }
}

impl FromFields for Done {
    type Raw = Done;
    fn from_fields(raw: Done) -> Result<Done, WebError> {
        Ok(raw)
    }
}

pub(crate) async fn console(
    State(services): State<Shared>,
    staff: StaffUser,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    staff.require(Permission::ViewBoards)?;
    let (app, by) = (services.app.clone(), staff.acting());
    let (report, past) = console_blocking(move || {
        let report = app::booking::dry_run_transmission(&app, &by, app.now())?;
        let past = app::console::past_transmissions(&app, &by)?;
        Ok((report, past))
    })
    .await?;
    let body = html! {
        @if done.is("rien") {
            (flash("success", "Rien de nouveau à transmettre : rien n'a été enregistré."))
        }
        @if staff.may(Permission::ManageOutbox) {
            p { a href="/gestion/courriels" { "File des courriels (en attente, envoyés, en échec)" } }
        }
        (dry_run_section(&report))
        @if staff.may(Permission::RunTransmission) {
            (transmit_form(&staff))
        }
        (past_section(&past))
    };
    Ok(gestion_page(&staff.chrome, "Transmission", "transmission", body).into_response())
}

fn dry_run_section(report: &TransmitReport) -> Markup {
    html! {
        section aria-labelledby="simulation" {
            h2 id="simulation" { "Simulation de la prochaine transmission" }
            p {
                "Ce que la transmission déciderait maintenant ; rien n'est enregistré."
                @if let Some(previous) = report.previous_cut_off {
                    " Dernière transmission jusqu'au " (paris_date_time(previous)) "."
                }
            }
            @if report.restricted {
                p { "Les chiffres sont ceux de vos structures." }
            }
            @if report.nothing_new() {
                p { strong { "Rien de nouveau à transmettre." } }
            } @else {
                (run_counts("Chiffres de la simulation", &report.counts, Some(report.mails as usize)))
                (structure_table(&app::booking::by_structure(&report.lines)))
                (slot_table(&app::booking::by_slot(&report.lines)))
                h3 { "Familles qui seraient refusées" }
                (refused_table(&report.lines))
            }
        }
    }
}

fn transmit_form(staff: &StaffUser) -> Markup {
    html! {
        section aria-labelledby="transmettre" {
            h2 id="transmettre" { "Transmettre maintenant" }
            p { "La même transmission que celle de la nuit : les décisions sont enregistrées et les familles prévenues par courriel." }
            form class="stack" method="post" action="/gestion/transmission" {
                (csrf_field(staff.csrf()))
                div class="field checkbox" {
                    input type="checkbox" id="confirmer" name="confirmer" value="oui" required;
                    label for="confirmer" { "Je confirme : transmettre maintenant et prévenir les familles" }
                }
                button type="submit" { "Transmettre maintenant" }
            }
        }
    }
}

fn past_section(past: &[PastTransmission]) -> Markup {
    html! {
        section aria-labelledby="passees" {
            h2 id="passees" { "Transmissions passées" }
            @if past.is_empty() {
                p { "Aucune transmission n'a encore eu lieu." }
            } @else {
                div class="table-wrap" {
                    table class="data" {
                        caption { "Transmissions, la dernière en premier" }
                        thead { tr {
                            th scope="col" { "Date" }
                            th scope="col" { "Lancée par" }
                            th scope="col" { "Jusqu'au" }
                            th scope="col" { "Reçus" }
                            th scope="col" { "Acceptées" }
                            th scope="col" { "Liste d'attente" }
                            th scope="col" { "Refusées" }
                            th scope="col" { "Promotions" }
                            th scope="col" { "Annulations" }
                            th scope="col" { "Courriels" }
                        } }
                        tbody {
                            @for t in past {
                                tr {
                                    th scope="row" {
                                        a href={ "/gestion/transmission/" (t.transmission_id) } { (paris_date_time(t.ran_at)) }
                                    }
                                    td { (ran_by_text(&t.ran_by)) }
                                    td { (paris_date_time(t.cut_off)) }
                                    td class="num" { (t.counts.received) }
                                    td class="num" { (t.counts.accepted) }
                                    td class="num" { (t.counts.waitlisted) }
                                    td class="num" { (t.counts.refused) }
                                    td class="num" { (t.counts.promoted) }
                                    td class="num" { (t.counts.cancelled) }
                                    td class="num" { (t.mails) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The « Transmettre maintenant » form as sent: the confirmation box.
#[derive(Debug, Deserialize)]
pub(crate) struct TransmitFields {
    confirmer: Option<String>,
}

impl FromFields for TransmitFields {
    type Raw = TransmitFields;
    fn from_fields(raw: TransmitFields) -> Result<TransmitFields, WebError> {
        Ok(raw)
    }
}

pub(crate) async fn transmit(
    State(services): State<Shared>,
    staff: StaffUser,
    Form(fields): Form<TransmitFields>,
) -> Result<Response, WebError> {
    staff.require(Permission::RunTransmission)?;
    if fields.confirmer.as_deref() != Some("oui") {
        return Err(WebError::from(app::AppError::Console(
            app::console::ConsoleRefusal::NotConfirmed,
        )));
    }
    let (app, by) = (services.app.clone(), staff.acting());
    let report = console_blocking(move || app::booking::transmit_by(&app, &by, app.now())).await?;
    Ok(match report.transmission_id {
        Some(id) => see_other(&format!("/gestion/transmission/{id}?fait=transmise")),
        None => see_other("/gestion/transmission?fait=rien"),
    })
}
