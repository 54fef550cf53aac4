//! A child who came without a place: the search among the structure's families (on the sheet)
//! and `POST /gestion/pointage/ajout` (a consumption with the CLI's rules, and the presence).

use app::desk::{Sheet, WalkInCandidate};
use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use domain::ids::{ActivityId, ChildId, StructureId};
use domain::staff::Permission;
use maud::{Markup, html};
use serde::Deserialize;

use super::sheet_url;
use crate::extract::{Form, FromFields, named};
use crate::layout::csrf_field;
use crate::session::see_other;
use crate::staff::StaffUser;
use crate::{Shared, WebError, blocking};

/// The « add a child » form as sent.
#[derive(Debug, Deserialize)]
pub(crate) struct WalkInForm {
    enfant: String,
    activite: String,
    structure: String,
    jour: String,
}

/// The child, the activity and day, and the sheet to return to.
pub(crate) struct WalkIn {
    child: ChildId,
    activity: ActivityId,
    structure: StructureId,
    day: NaiveDate,
}

impl FromFields for WalkIn {
    type Raw = WalkInForm;
    fn from_fields(raw: WalkInForm) -> Result<WalkIn, WebError> {
        Ok(WalkIn {
            child: named(&raw.enfant)?,
            activity: named(&raw.activite)?,
            structure: named(&raw.structure)?,
            day: domain::calendar::parse_day(raw.jour.trim()).ok_or(WebError::NotFound)?,
        })
    }
}

pub(crate) async fn add_walk_in(
    State(services): State<Shared>,
    staff: StaffUser,
    Form(walk_in): Form<WalkIn>,
) -> Result<Response, WebError> {
    staff.require(Permission::TakeAttendance)?;
    let app = services.app.clone();
    let acting = staff.acting();
    let (child, activity, day) = (walk_in.child, walk_in.activity, walk_in.day);
    blocking(move || app::desk::add_walk_in(&app, &acting, child, activity, day)).await?;
    Ok(see_other(&format!(
        "{}&fait=ajout",
        sheet_url(walk_in.structure, walk_in.day)
    )))
}

/// The sheet's « add a child » section: the search, then one form per child found.
pub(super) fn walk_in_section(
    staff: &StaffUser,
    sheet: &Sheet,
    search: &str,
    candidates: &[WalkInCandidate],
) -> Markup {
    html! {
        section class="walk-in no-print" aria-labelledby="ajout" {
            h2 id="ajout" { "Ajouter un enfant venu sans place" }
            @if sheet.activities.is_empty() {
                p { "Aucune activité ouverte : aucun enfant ne peut être ajouté ce jour-là." }
            } @else {
                form method="get" action="/gestion/pointage" {
                    input type="hidden" name="structure" value=(sheet.structure_id);
                    input type="hidden" name="jour" value=(sheet.day);
                    p {
                        label for="q" { "Nom ou prénom de l'enfant" }
                        " "
                        input id="q" type="search" name="q" value=(search) autocomplete="off";
                        " "
                        button type="submit" { "Rechercher" }
                    }
                }
                @if !search.is_empty() && candidates.is_empty() {
                    p role="status" { "Aucun enfant des familles de cette structure ne correspond à « " (search) " »." }
                }
                @if !candidates.is_empty() {
                    ul class="candidates" {
                        @for child in candidates {
                            (candidate(staff, sheet, child))
                        }
                    }
                }
            }
        }
    }
}

fn candidate(staff: &StaffUser, sheet: &Sheet, child: &WalkInCandidate) -> Markup {
    let name = format!("{} {}", child.last_name, child.first_name);
    let select_id = format!("activite-{}", child.child_id);
    html! {
        li {
            form method="post" action="/gestion/pointage/ajout" {
                (csrf_field(staff.csrf()))
                input type="hidden" name="enfant" value=(child.child_id);
                input type="hidden" name="structure" value=(sheet.structure_id);
                input type="hidden" name="jour" value=(sheet.day);
                strong { (name) } " (" (domain::wording::age_phrase(child.age)) ") "
                label for=(select_id) { "Activité" }
                " "
                select id=(select_id) name="activite" {
                    @for activity in &sheet.activities {
                        option value=(activity.activity_id) { (activity.label) }
                    }
                }
                " "
                button type="submit" aria-label={ "Ajouter " (name) } { "Ajouter" }
            }
        }
    }
}
