//! `/gestion/occupation/{activity}/{day}/fermeture`: close the day exceptionally, with a
//! reason, after a confirmation saying how many places are cancelled and families mailed.

use app::AppError;
use app::days::{DayFigures, Reason};
use axum::extract::State;
use axum::response::Response;
use domain::staff::Permission;
use maud::html;
use serde::Deserialize;

use super::{DayPath, Outcome, day_blocking, figures, form_page, reason_field, refused};
use crate::extract::{Form, FromFields, Path};
use crate::layout::{csrf_field, flash};
use crate::session::see_other;
use crate::staff::StaffUser;
use crate::staff_layout::gestion_page;
use crate::{Shared, WebError};

const TITLE: &str = "Fermer la journée exceptionnellement";

/// The form as sent: the reason alone.
#[derive(Clone, Debug, Deserialize)]
pub(crate) struct ClosingFields {
    #[serde(default)]
    motif: String,
}

impl FromFields for ClosingFields {
    type Raw = ClosingFields;
    fn from_fields(raw: ClosingFields) -> Result<ClosingFields, WebError> {
        Ok(raw)
    }
}

pub(crate) async fn closing_form(
    State(services): State<Shared>,
    staff: StaffUser,
    Path(path): Path<DayPath>,
) -> Result<Response, WebError> {
    form_page(services, staff, path, TITLE, page).await
}

pub(crate) async fn close(
    State(services): State<Shared>,
    staff: StaffUser,
    Path(path): Path<DayPath>,
    Form(fields): Form<ClosingFields>,
) -> Result<Response, WebError> {
    staff.require(Permission::ManageDays)?;
    let app = services.app.clone();
    let by = staff.acting();
    let done = day_blocking(move || {
        let reason = Reason::parse(&fields.motif).map_err(AppError::from)?;
        app::days::close_day(&app, &by, path.activity, path.day, reason)
    })
    .await?;
    Ok(match done {
        Outcome::Done(_) => see_other(&path.detail()),
        Outcome::Refused(message) => refused(&staff, &path, TITLE, &message),
    })
}

fn page(staff: &StaffUser, path: &DayPath, day: &DayFigures) -> maud::Markup {
    let places = day.accepted as usize + day.waitlist.len();
    let body = html! {
        (figures(path, day))
        @if day.closed {
            (flash("info", "Cette journée est déjà fermée."))
        } @else {
            p {
                "Fermer cette journée annule " strong { (places) " place(s)" }
                " (" (day.accepted) " acceptée(s), " (day.waitlist.len()) " en liste d'attente) ; "
                strong { (day.families) " famille(s)" } " recevront un courriel. "
                "Les demandes pas encore transmises seront refusées à la prochaine transmission "
                "(« Journée fermée exceptionnellement ») et la journée ne pourra plus être réservée."
            }
            form class="stack" method="post" action=(path.action("fermeture")) {
                (csrf_field(staff.csrf()))
                (reason_field(""))
                button type="submit" { "Fermer la journée et prévenir les familles" }
            }
        }
    };
    gestion_page(&staff.chrome, TITLE, "occupation", body)
}
