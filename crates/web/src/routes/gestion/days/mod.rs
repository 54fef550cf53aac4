//! `/gestion/occupation/{activity}/{day}/…`: the staff actions on a day (`app::days`), each a
//! form page with a required « Motif » and a POST that goes back to the day's detail (303). A
//! refusal is a French 422 page linking back to the day, nothing written.

mod capacity;
mod closing;
mod promotion;
mod rank;

use app::AppError;
use app::days::{DayFigures, DayRefusal};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

use crate::layout::{flash, long_date};
use crate::staff::StaffUser;
use crate::staff_layout::gestion_page;
use crate::{WebError, blocking};

use super::day_path::DayPath;

pub(super) use capacity::{capacity_form, change_capacity};
pub(super) use closing::{close, closing_form};
pub(super) use promotion::{promote, promotion_form};
pub(super) use rank::{move_rank, rank_form};

/// What a day action answers: done, or refused with its French reason.
enum Outcome<T> {
    Done(T),
    Refused(String),
}

/// Runs day work off the async runtime: an activity that does not run that day is the French
/// 404; a refusal of the day's rules (or of the reason) comes back as words for the 422 page.
async fn day_blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<Outcome<T>, WebError> {
    match blocking(move || Ok(work())).await? {
        Ok(value) => Ok(Outcome::Done(value)),
        Err(AppError::Days(DayRefusal::UnknownActivity)) => Err(WebError::NotFound),
        Err(AppError::Days(refusal)) => Ok(Outcome::Refused(refusal.to_string())),
        Err(other) => Err(WebError::from(other)),
    }
}

/// The form page of an action that needs only the day's figures (capacity, closing): the
/// figures read with the member's rights, then `page`, or the refusal's 422 page.
async fn form_page(
    services: crate::Shared,
    staff: StaffUser,
    path: DayPath,
    title: &'static str,
    page: fn(&StaffUser, &DayPath, &DayFigures) -> Markup,
) -> Result<Response, WebError> {
    staff.require(domain::staff::Permission::ManageDays)?;
    let app = services.app.clone();
    let by = staff.acting();
    let shown =
        day_blocking(move || app::days::day_figures(&app, &by, path.activity, path.day)).await?;
    Ok(match shown {
        Outcome::Done(figures) => page(&staff, &path, &figures).into_response(),
        Outcome::Refused(message) => refused(&staff, &path, title, &message),
    })
}

/// The French 422 page of a refused action, with the way back to the day.
fn refused(staff: &StaffUser, path: &DayPath, title: &str, message: &str) -> Response {
    let body = html! {
        (flash("error", message))
        p { "Rien n'a été enregistré. " a href=(path.detail()) { "Retour à la journée" } }
    };
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        gestion_page(&staff.chrome, title, "occupation", body),
    )
        .into_response()
}

/// The activity, the day and its current figures, above every form.
fn figures(path: &DayPath, figures: &DayFigures) -> Markup {
    html! {
        p { a href=(path.detail()) { "Retour à la journée" } }
        dl class="facts" {
            dt { "Activité" } dd { (figures.activity_label) " — " (figures.structure_label) }
            dt { "Jour" } dd { (long_date(figures.day)) }
            dt { "Places acceptées" } dd { (figures.accepted) " / " (figures.capacity) }
            dt { "Liste d'attente" } dd { (figures.waitlist.len()) " / " (figures.waitlist_size) }
        }
    }
}

/// The required « Motif » field of every day action.
fn reason_field(typed: &str) -> Markup {
    html! {
        div class="field" {
            label for="motif" { "Motif (obligatoire)" }
            textarea id="motif" name="motif" required maxlength=(app::days::REASON_MAX_CHARS)
                aria-describedby="motif-aide" { (typed) }
            p class="hint" id="motif-aide" {
                "Gardé au journal de la journée avec votre nom ; il n'est pas envoyé aux familles."
            }
        }
    }
}
