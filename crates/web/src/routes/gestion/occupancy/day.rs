//! `GET /gestion/occupation/{activity}/{day}`: the day's figures and state, the children
//! accepted with their attendance mark, the waitlist in rank order, the requests not yet
//! transmitted in log order, the staff actions taken with their reasons; and, for the members
//! who may manage the day, its actions.

use app::boards::{
    BoardState, DayDetail, DayTiming, Period, WaitingChild, request_kind_label, state_label,
};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use domain::ids::FamilyId;
use domain::staff::Permission;
use maud::{Markup, html};

use super::{DayPath, board_url, day_url, state_class};
use crate::extract::Path;
use crate::layout::{long_date, paris_date_time};
use crate::staff::StaffUser;
use crate::staff_layout::gestion_page;
use crate::{Shared, WebError, blocking};

pub(crate) async fn day(
    State(services): State<Shared>,
    staff: StaffUser,
    Path(path): Path<DayPath>,
) -> Result<Response, WebError> {
    staff.require(Permission::ViewBoards)?;
    let (app, acting) = (services.app.clone(), staff.acting());
    let detail = blocking(move || app::boards::day_detail(&app, &acting, path.activity, path.day))
        .await?
        .ok_or(WebError::NotFound)?;
    let manages = staff
        .acting()
        .may_in(Permission::ManageDays, detail.structure_id);
    let families = staff.may(Permission::ViewFamilies);
    let title = format!("{} — {}", detail.activity_label, long_date(detail.day));
    let body = html! {
        div class="occupancy-day" {
        p {
            a href=(board_url(detail.structure_id, Period::week_of(detail.day))) {
                "← Occupation de la semaine, " (detail.structure_label)
            }
        }
        (figures(&detail))
        @if manages && detail.timing == DayTiming::Coming {
            (day_actions(&detail))
        }
        (accepted(&detail, families))
        (waitlist(&detail, families, manages && detail.timing != DayTiming::Over))
        (pending(&detail, families))
        (past_actions(&detail))
        }
    };
    Ok(gestion_page(&staff.chrome, &title, "occupation", body).into_response())
}

fn figures(detail: &DayDetail) -> Markup {
    let f = detail.figures;
    html! {
        dl class="summary" {
            div { dt { "Places acceptées" } dd { (f.accepted) " / " (f.capacity) } }
            div { dt { "Liste d'attente" } dd { (f.waitlisted) " / " (f.waitlist_size) } }
            div { dt { "Demandes non transmises" } dd { (f.pending) } }
        }
        p {
            "État de la journée : "
            strong class={ "state-badge " (state_class(detail.state)) } { (state_label(detail.state)) }
        }
    }
}

/// The day's actions (`ManageDays`).
fn day_actions(detail: &DayDetail) -> Markup {
    let url = day_url(detail.activity_id, detail.day);
    html! {
        nav class="day-actions" aria-label="Actions sur la journée" {
            ul {
                li { a class="button secondary" href={ (url) "/capacite" } { "Changer la capacité" } }
                @if detail.state != BoardState::ClosedExceptionally {
                    li { a class="button secondary" href={ (url) "/fermeture" } { "Fermer exceptionnellement" } }
                }
            }
        }
    }
}

/// The family's name, linked to its file when the member may open it.
fn family_cell(family: FamilyId, name: &str, linked: bool) -> Markup {
    html! {
        td {
            @if linked {
                a href={ "/gestion/familles/" (family) } { (name) }
            } @else {
                (name)
            }
        }
    }
}

fn accepted(detail: &DayDetail, families: bool) -> Markup {
    html! {
        section aria-labelledby="acceptes" {
            h2 id="acceptes" { "Enfants acceptés" }
            @if detail.accepted.is_empty() {
                p { "Aucun enfant accepté." }
            } @else {
                div class="table-wrap" {
                    table class="data" {
                        caption { (detail.accepted.len()) " enfant(s) accepté(s)" }
                        thead { tr { th scope="col" { "Enfant" } th scope="col" { "Famille" } th scope="col" { "Pointage" } } }
                        tbody {
                            @for child in &detail.accepted {
                                tr {
                                    th scope="row" { (child.child) }
                                    (family_cell(child.family_id, &child.family, families))
                                    td { (app::desk::mark_label(child.mark)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn waitlist(detail: &DayDetail, families: bool, manages: bool) -> Markup {
    html! {
        section aria-labelledby="attente" {
            h2 id="attente" { "Liste d'attente" }
            @if detail.waitlist.is_empty() {
                p { "Personne en liste d'attente." }
            } @else {
                div class="table-wrap" {
                    table class="data" {
                        caption { (detail.waitlist.len()) " enfant(s) en liste d'attente, par rang" }
                        thead {
                            tr {
                                th scope="col" class="num" { "Rang" }
                                th scope="col" { "Enfant" }
                                th scope="col" { "Famille" }
                                th scope="col" { "En attente depuis" }
                                @if manages { th scope="col" { "Actions" } }
                            }
                        }
                        tbody {
                            @for entry in &detail.waitlist {
                                tr {
                                    td class="num" { (entry.rank) }
                                    th scope="row" { (entry.child) }
                                    (family_cell(entry.family_id, &entry.family, families))
                                    td class="when" { (entry.since.map(paris_date_time).unwrap_or_default()) }
                                    @if manages { td { (waitlist_actions(detail, entry)) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Promote by hand, move up or down one rank (`ManageDays`).
fn waitlist_actions(detail: &DayDetail, entry: &WaitingChild) -> Markup {
    let url = day_url(detail.activity_id, detail.day);
    let place = entry.reservation_id;
    let last = detail.waitlist.len() as u32;
    html! {
        ul class="row-actions" {
            li { a href={ (url) "/promotion?place=" (place) } aria-label={ "Promouvoir " (entry.child) } { "Promouvoir" } }
            @if entry.rank > 1 {
                li { a href={ (url) "/rang?place=" (place) "&sens=monter" } aria-label={ "Monter " (entry.child) " d'un rang" } { "Monter" } }
            }
            @if entry.rank < last {
                li { a href={ (url) "/rang?place=" (place) "&sens=descendre" } aria-label={ "Descendre " (entry.child) " d'un rang" } { "Descendre" } }
            }
        }
    }
}

fn pending(detail: &DayDetail, families: bool) -> Markup {
    html! {
        section aria-labelledby="demandes" {
            h2 id="demandes" { "Demandes non transmises" }
            @if detail.pending.is_empty() {
                p { "Aucune demande en attente de la transmission." }
            } @else {
                div class="table-wrap" {
                    table class="data" {
                        caption { (detail.pending.len()) " demande(s), dans l'ordre de réception" }
                        thead {
                            tr {
                                th scope="col" { "Reçue le" }
                                th scope="col" { "Enfant" }
                                th scope="col" { "Famille" }
                                th scope="col" { "Nature" }
                            }
                        }
                        tbody {
                            @for request in &detail.pending {
                                tr {
                                    td class="when" { (request.received_at.map(paris_date_time).unwrap_or_default()) }
                                    th scope="row" { (request.child) }
                                    (family_cell(request.family_id, &request.family, families))
                                    td { (request_kind_label(request.kind)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// What staff did on the day, who and why.
fn past_actions(detail: &DayDetail) -> Markup {
    html! {
        section aria-labelledby="actions-passees" {
            h2 id="actions-passees" { "Actions du personnel sur cette journée" }
            @if detail.actions.is_empty() {
                p { "Aucune action du personnel sur cette journée." }
            } @else {
                div class="table-wrap" {
                    table class="data" {
                        caption { (detail.actions.len()) " action(s), de la plus ancienne à la plus récente" }
                        thead {
                            tr {
                                th scope="col" { "Le" }
                                th scope="col" { "Par" }
                                th scope="col" { "Action" }
                                th scope="col" { "Motif" }
                            }
                        }
                        tbody {
                            @for action in &detail.actions {
                                tr {
                                    td class="when" { (paris_date_time(action.at)) }
                                    td { (action.by) }
                                    th scope="row" { (app::days::action_text(&action.what)) }
                                    td { (action.reason) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
