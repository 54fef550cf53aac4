//! `/gestion/familles/{family}/recapitulatif`: the phone basket's récapitulatif (Valider /
//! Retour / Abandonner; a director may set the deadlines aside with a reason), the final
//! « Valider », its answer (`?demande=`), and « Abandonner » (`POST …/abandonner`).

use app::booking::{self, DeadlineException, LineRequest};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use domain::booking::DeadlineRule;
use domain::ids::FamilyId;
use maud::{Markup, html};
use serde::Deserialize;

use super::{FamilyPath, booker, serve, served_header};
use crate::extract::{Form, FromFields, Path, Query};
use crate::routes::booking::{FormId, result_body, summary_body};
use crate::session::see_other;
use crate::staff::StaffUser;
use crate::staff_layout::gestion_page;
use crate::{Shared, WebError, blocking};

/// `?demande=` as sent: the answer of a validated form is asked.
#[derive(Debug, Deserialize)]
pub(crate) struct SummaryQuery {
    demande: Option<String>,
}

/// The récapitulatif, or the answer to form `.0`.
pub(crate) struct Asked(Option<String>);

impl FromFields for Asked {
    type Raw = SummaryQuery;
    fn from_fields(raw: SummaryQuery) -> Result<Asked, WebError> {
        Ok(Asked(raw.demande))
    }
}

pub(crate) async fn summary(
    State(services): State<Shared>,
    staff: StaffUser,
    Path(FamilyPath(family)): Path<FamilyPath>,
    Query(Asked(answered)): Query<Asked>,
) -> Result<Response, WebError> {
    let (served, phone) = serve(&services, &staff, family).await?;
    if let Some(form_id) = answered {
        return answer(&services, &staff, family, form_id).await;
    }
    let basket = phone.for_family(family);
    let lines = basket.lines.clone();
    let app = services.app.clone();
    let (preview, labels) = blocking(move || {
        let preview = booking::preview_basket(&app, family, lines.clone(), DeadlineRule::Applies)?;
        let labels = booking::describe_lines(&app, family, lines)?;
        Ok((preview, labels))
    })
    .await?;
    let fields = served.may_override.then(exception_fields);
    let booker = booker(&staff, family, &basket);
    let body = html! {
        (served_header(&served, &phone))
        @if preview.is_empty() {
            p { "Le panier de cette famille est vide." }
            p { a class="button" href=(booker.base) { "Réserver" } }
        } @else {
            (summary_body(&booker, &preview, &labels, fields))
        }
    };
    Ok(gestion_page(
        &staff.chrome,
        "Récapitulatif des demandes",
        "familles",
        body,
    )
    .into_response())
}

/// The director's exception to the deadlines, in the final « Valider »'s form.
fn exception_fields() -> Markup {
    html! {
        fieldset class="exception" {
            legend { "Dérogation au délai (direction)" }
            div class="field checkbox" {
                input type="checkbox" id="derogation" name="derogation" value="1";
                label for="derogation" { "Accepter les demandes arrivées après la date limite de réservation ou d'annulation" }
            }
            div class="field" {
                label for="motif" { "Motif de la dérogation (obligatoire si elle est cochée)" }
                textarea id="motif" name="motif" rows="2" maxlength=(booking::REASON_MAX_CHARS) {}
            }
            p class="hint" { "La dérogation ne lève que le délai : les places restent attribuées à la transmission, comme pour toute demande." }
        }
    }
}

/// The final « Valider »'s form as sent.
#[derive(Debug, Deserialize)]
pub(crate) struct ValidateForm {
    formulaire: String,
    derogation: Option<String>,
    motif: Option<String>,
}

/// The form id, and the reason typed when the exception is ticked.
pub(crate) struct Validation {
    form: FormId,
    exception: Option<String>,
}

impl FromFields for Validation {
    type Raw = ValidateForm;
    fn from_fields(raw: ValidateForm) -> Result<Validation, WebError> {
        Ok(Validation {
            form: FormId::parse(&raw.formulaire)?,
            exception: raw
                .derogation
                .is_some()
                .then(|| raw.motif.unwrap_or_default()),
        })
    }
}

/// The final « Valider »: the phone basket is recorded under the member (once, whatever the
/// resubmissions), with the director's exception when ticked (its reason required). An older
/// tab's form shows its answer.
pub(crate) async fn validate(
    State(services): State<Shared>,
    staff: StaffUser,
    Path(FamilyPath(family)): Path<FamilyPath>,
    Form(validation): Form<Validation>,
) -> Result<Response, WebError> {
    let (_, phone) = serve(&services, &staff, family).await?;
    let FormId(form_id) = validation.form;
    let answer = format!("/gestion/familles/{family}/recapitulatif?demande={form_id}");
    let basket = phone.for_family(family);
    if form_id != basket.form_id {
        return Ok(see_other(&answer));
    }
    if basket.lines.is_empty() {
        return Ok(see_other(&format!(
            "/gestion/familles/{family}/recapitulatif"
        )));
    }
    let app = services.app.clone();
    let by = staff.acting();
    let session = staff.session.clone();
    blocking(move || {
        let exception = validation
            .exception
            .map(|reason| DeadlineException::parse(&reason))
            .transpose()
            .map_err(app::AppError::Booking)?;
        app::desk::phone::validate_phone_basket(&app, &by, &session, family, &form_id, exception)
    })
    .await?;
    Ok(see_other(&answer))
}

/// After the final « Valider »: what became of each line.
async fn answer(
    services: &Shared,
    staff: &StaffUser,
    family: FamilyId,
    form_id: String,
) -> Result<Response, WebError> {
    let app = services.app.clone();
    let (receipt, labels) = blocking(move || {
        let Some(receipt) = booking::receipt(&app, family, &form_id)? else {
            return Ok(None);
        };
        let lines: Vec<LineRequest> = receipt.lines.iter().map(|(l, _)| l.clone()).collect();
        let labels = booking::describe_lines(&app, family, lines)?;
        Ok(Some((receipt, labels)))
    })
    .await?
    .ok_or(WebError::NotFound)?;
    let body = html! {
        (result_body(receipt.recorded(), &receipt.lines, &labels))
        div class="actions" {
            a class="button" href={ "/gestion/familles/" (family) "/suivi" } { "Suivi de la famille" }
            a class="button secondary" href={ "/gestion/familles/" (family) "/reservations" } { "Nouvelle réservation" }
        }
    };
    Ok(gestion_page(&staff.chrome, "Demandes enregistrées", "familles", body).into_response())
}

/// « Abandonner »: the phone basket is emptied; nothing was recorded.
pub(crate) async fn abandon(
    State(services): State<Shared>,
    staff: StaffUser,
    Path(FamilyPath(family)): Path<FamilyPath>,
) -> Result<Response, WebError> {
    serve(&services, &staff, family).await?;
    let app = services.app.clone();
    let session = staff.session.clone();
    blocking(move || app::desk::phone::abandon_phone_basket(&app, &session)).await?;
    Ok(see_other(&format!(
        "/gestion/familles/{family}/reservations"
    )))
}
