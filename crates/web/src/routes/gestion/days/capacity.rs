//! `/gestion/occupation/{activity}/{day}/capacite`: the capacity and waitlist size from a day
//! on, with a reason; freed places go to the waitlist at once, mails included.

use app::AppError;
use app::days::{DayFigures, Reason};
use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use domain::staff::Permission;
use maud::html;
use serde::Deserialize;

use super::{DayPath, Outcome, day_blocking, figures, form_page, reason_field, refused};
use crate::extract::{Form, FromFields, Path};
use crate::layout::csrf_field;
use crate::session::see_other;
use crate::staff::StaffUser;
use crate::staff_layout::gestion_page;
use crate::{Shared, WebError};

const TITLE: &str = "Changer la capacité";

/// The form as sent.
#[derive(Clone, Debug, Deserialize)]
pub(crate) struct CapacityFields {
    #[serde(default)]
    capacite: String,
    #[serde(default)]
    attente: String,
    #[serde(default)]
    a_partir_du: String,
    #[serde(default)]
    motif: String,
}

/// The change the form asks for, typed.
pub(crate) struct CapacityChange {
    capacity: u32,
    waitlist_size: u32,
    from: NaiveDate,
    reason: String,
}

impl FromFields for CapacityChange {
    type Raw = CapacityFields;
    fn from_fields(raw: CapacityFields) -> Result<CapacityChange, WebError> {
        let count = |text: &str| {
            text.trim().parse::<u32>().map_err(|_| {
                WebError::Refused("Indiquez un nombre entier de places (0 ou plus).".to_owned())
            })
        };
        Ok(CapacityChange {
            capacity: count(&raw.capacite)?,
            waitlist_size: count(&raw.attente)?,
            from: domain::calendar::parse_day(raw.a_partir_du.trim()).ok_or_else(|| {
                WebError::Refused("Indiquez le jour à partir duquel la capacité change.".to_owned())
            })?,
            reason: raw.motif,
        })
    }
}

pub(crate) async fn capacity_form(
    State(services): State<Shared>,
    staff: StaffUser,
    Path(path): Path<DayPath>,
) -> Result<Response, WebError> {
    form_page(services, staff, path, TITLE, page).await
}

pub(crate) async fn change_capacity(
    State(services): State<Shared>,
    staff: StaffUser,
    Path(path): Path<DayPath>,
    Form(change): Form<CapacityChange>,
) -> Result<Response, WebError> {
    staff.require(Permission::ManageDays)?;
    let app = services.app.clone();
    let by = staff.acting();
    let done = day_blocking(move || {
        let reason = Reason::parse(&change.reason).map_err(AppError::from)?;
        app::days::change_capacity(
            &app,
            &by,
            path.activity,
            change.from,
            change.capacity,
            change.waitlist_size,
            reason,
        )
    })
    .await?;
    Ok(match done {
        Outcome::Done(_) => see_other(&path.detail()),
        Outcome::Refused(message) => refused(&staff, &path, TITLE, &message),
    })
}

fn page(staff: &StaffUser, path: &DayPath, day: &DayFigures) -> maud::Markup {
    let body = html! {
        (figures(path, day))
        form class="stack" method="post" action=(path.action("capacite")) {
            (csrf_field(staff.csrf()))
            div class="field" {
                label for="capacite" { "Nombre de places" }
                input id="capacite" name="capacite" type="number" min="0" required
                    value=(day.capacity) aria-describedby="capacite-aide";
                p class="hint" id="capacite-aide" {
                    "Une capacité augmentée donne aussitôt les places libres à la liste d'attente, "
                    "dans l'ordre des rangs, et chaque famille reçoit un courriel. "
                    "Une capacité baissée n'annule aucune place déjà acceptée."
                }
            }
            div class="field" {
                label for="attente" { "Taille de la liste d'attente" }
                input id="attente" name="attente" type="number" min="0" required
                    value=(day.waitlist_size);
            }
            div class="field" {
                label for="a-partir-du" { "À partir du" }
                input id="a-partir-du" name="a_partir_du" type="date" required
                    value=(day.day) aria-describedby="a-partir-du-aide";
                p class="hint" id="a-partir-du-aide" {
                    "Ce jour et tous les suivants de l'activité."
                }
            }
            (reason_field(""))
            button type="submit" { "Changer la capacité" }
        }
    };
    gestion_page(&staff.chrome, TITLE, "occupation", body)
}
