//! `GET /gestion/pointage?structure=&jour=`: one table per activity, one row per child, the
//! three marks as three buttons of a small form per row.

use app::desk::{Sheet, SheetRow, WalkInCandidate, mark_button, mark_label};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::{Days, NaiveDate};
use domain::attendance::Mark;
use domain::staff::Permission;
use maud::{Markup, html};

use super::walk_in::walk_in_section;
use super::{SheetChoice, Shown, sheet_url, shown};
use crate::extract::Query;
use crate::layout::{csrf_field, flash, long_date};
use crate::staff::StaffUser;
use crate::staff_layout::gestion_page;
use crate::{Shared, WebError, blocking};

pub(crate) async fn sheet(
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
    let search = choice.search.clone();
    let (sheet, candidates) = blocking(move || {
        let sheet = app::desk::attendance_sheet(&app, &acting, structure, day)?;
        let candidates = app::desk::walk_in_candidates(&app, &acting, structure, day, &search)?;
        Ok((sheet, candidates))
    })
    .await?;
    let title = format!("Pointage — {} — {}", sheet.structure_label, long_date(day));
    let body = html! {
        @if choice.done.as_deref() == Some("ajout") {
            (flash("success", "Enfant ajouté : la consommation est enregistrée et l'enfant pointé présent."))
        }
        (choice_form(&shown))
        (day_nav(&sheet))
        @if sheet.activities.is_empty() {
            p { "Aucune activité de cette structure n'est ouverte ce jour-là." }
        }
        @for activity in &sheet.activities {
            section class="pointage" aria-labelledby={ "activite-" (activity.activity_id) } {
                h2 id={ "activite-" (activity.activity_id) } { (activity.label) }
                @if activity.rows.is_empty() {
                    p { "Aucun enfant attendu." }
                } @else {
                    (activity_table(&staff, &sheet, &activity.label, &activity.rows))
                }
            }
        }
        (walk_in_section(&staff, &sheet, &choice.search, &candidates as &[WalkInCandidate]))
    };
    Ok(gestion_page(&staff.chrome, &title, "pointage", body).into_response())
}

/// The structure and day to show.
fn choice_form(shown: &Shown) -> Markup {
    html! {
        form class="sheet-choice" method="get" action="/gestion/pointage" {
            p {
                label for="structure" { "Structure" }
                " "
                select id="structure" name="structure" {
                    @for s in &shown.structures {
                        option value=(s.structure_id) selected[s.structure_id == shown.structure] { (s.label) }
                    }
                }
            }
            p {
                label for="jour" { "Jour" }
                " "
                input id="jour" type="date" name="jour" value=(shown.day) required;
            }
            p { button type="submit" { "Afficher la feuille" } }
        }
    }
}

/// Previous and next day, and the émargement to print.
fn day_nav(sheet: &Sheet) -> Markup {
    let near = |day: Option<NaiveDate>| day.map(|d| sheet_url(sheet.structure_id, d));
    html! {
        nav class="day-nav" aria-label="Jours" {
            ul {
                @if let Some(url) = near(sheet.day.checked_sub_days(Days::new(1))) {
                    li { a href=(url) rel="prev" { "← Jour précédent" } }
                }
                @if let Some(url) = near(sheet.day.checked_add_days(Days::new(1))) {
                    li { a href=(url) rel="next" { "Jour suivant →" } }
                }
                li {
                    a href={ "/gestion/pointage/emargement?structure=" (sheet.structure_id) "&jour=" (sheet.day) } {
                        "Émargement à imprimer"
                    }
                }
            }
        }
    }
}

fn activity_table(staff: &StaffUser, sheet: &Sheet, label: &str, rows: &[SheetRow]) -> Markup {
    html! {
        div class="table-wrap" {
            table class="data" {
                caption { (label) " — " (rows.len()) " enfant(s)" }
                thead {
                    tr {
                        th scope="col" { "Enfant" }
                        th scope="col" { "Âge" }
                        th scope="col" { "Famille" }
                        th scope="col" { "Pointage" }
                        th scope="col" { "Marquer" }
                    }
                }
                tbody {
                    @for row in rows {
                        (child_row(staff, sheet, row))
                    }
                }
            }
        }
    }
}

fn child_row(staff: &StaffUser, sheet: &Sheet, row: &SheetRow) -> Markup {
    let name = format!("{} {}", row.last_name, row.first_name);
    html! {
        @match row.place {
            Some(place) => {
                tr id={ "enfant-" (place) } tabindex="-1" {
                    th scope="row" { (name) }
                    td { (domain::wording::age_phrase(row.age)) }
                    td { (row.family_name) }
                    td class={ "mark " (row.mark.map_or("none", Mark::code)) } { (mark_label(row.mark)) }
                    td {
                        form class="marks" method="post" action="/gestion/pointage" {
                            (csrf_field(staff.csrf()))
                            input type="hidden" name="place" value=(place);
                            input type="hidden" name="structure" value=(sheet.structure_id);
                            input type="hidden" name="jour" value=(sheet.day);
                            @for mark in Mark::ALL {
                                button type="submit" name="marque" value=(mark.code())
                                    class={ "small mark-" (mark.code()) }
                                    aria-pressed=(if row.mark == Some(mark) { "true" } else { "false" })
                                    aria-label={ (mark_button(mark)) " : " (name) } {
                                    (mark_button(mark))
                                }
                            }
                        }
                    }
                }
            }
            None => {
                tr {
                    th scope="row" { (name) }
                    td { (domain::wording::age_phrase(row.age)) }
                    td { (row.family_name) }
                    td class={ "mark " (row.mark.map_or("none", Mark::code)) } { (mark_label(row.mark)) }
                    td {
                        @if row.mark == Some(Mark::Present) {
                            "Venu sans place (consommation enregistrée)"
                        } @else {
                            "Sans place ce jour-là"
                        }
                    }
                }
            }
        }
    }
}
