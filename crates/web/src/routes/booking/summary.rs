//! The récapitulatif (every line with its forecast and estimated cost; Valider / Retour /
//! Abandonner), the final « Valider », « Abandonner », and the answer after « Valider ».

use app::booking::{self, LineLabel, LineOutcome, LineRequest, PreviewLine};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use domain::Money;
use domain::values::Forecast;
use maud::{Markup, html};
use serde::Deserialize;

use super::view::Booker;
use crate::extract::{Form, FromFields, Query};
use crate::layout::{self, amount, csrf_field, flash, page};
use crate::session::{Parent, see_other};
use crate::{Shared, WebError, blocking};

/// The récapitulatif: every line with its forecast and estimated cost; nothing recorded yet.
pub(crate) async fn summary(
    State(services): State<Shared>,
    parent: Parent,
) -> Result<Response, WebError> {
    let app = services.app.clone();
    let family = parent.family();
    let lines = parent.session.basket.lines.clone();
    let (preview, labels) = blocking(move || {
        let preview = booking::preview_basket(
            &app,
            family,
            lines.clone(),
            domain::booking::DeadlineRule::Applies,
        )?;
        let labels = booking::describe_lines(&app, family, lines)?;
        Ok((preview, labels))
    })
    .await?;
    Ok(page(
        &parent.chrome,
        "Récapitulatif de vos demandes",
        "reservations",
        html! {
            @if preview.is_empty() {
                p { "Votre panier est vide." }
                p { a class="button" href="/reservations" { "Réserver" } }
            } @else {
                (summary_body(&Booker::parent(&parent), &preview, &labels, None))
            }
        },
    )
    .into_response())
}

/// The lines of a basket not empty, and its three buttons; `exception`: fields the final
/// « Valider » carries besides the form id (a director's exception to the deadlines).
pub(crate) fn summary_body(
    booker: &Booker<'_>,
    preview: &[PreviewLine],
    labels: &[Option<LineLabel>],
    exception: Option<Markup>,
) -> Markup {
    let back = labels
        .iter()
        .flatten()
        .next()
        .map(|l| booker.calendar_url(l.child_id, l.day.with_day(1).unwrap_or(l.day), None))
        .unwrap_or_else(|| booker.base.clone());
    let refused = preview
        .iter()
        .filter(|p| matches!(p.outcome, LineOutcome::Refused { .. }))
        .count();
    html! {
        p { strong { "Vos demandes ne sont pas encore enregistrées." } " Vérifiez-les puis cliquez sur « Valider » : une vérification est faite à ce moment-là pour contrôler que les journées demandées sont toujours disponibles." }
        @if refused > 0 {
            (flash("error", &format!("{refused} demande{} ne pourra pas être enregistrée (motif ci-dessous) ; les autres le seront.", if refused > 1 { "s" } else { "" })))
        }
        (summary_table(preview, labels))
        div class="actions" {
            form method="post" action=(booker.summary) {
                (csrf_field(booker.csrf))
                input type="hidden" name="formulaire" value=(booker.basket.form_id);
                @if let Some(fields) = exception { (fields) }
                button type="submit" { "Valider" }
            }
            a class="button secondary" href=(back) { "Retour" }
            form method="post" action=(booker.abandon) {
                (csrf_field(booker.csrf))
                button class="danger" type="submit" { "Abandonner" }
            }
        }
        p class="hint" { "« Retour » conserve vos demandes pour les modifier ; « Abandonner » efface toutes les demandes que vous venez de saisir." }
    }
}

/// The table of the récapitulatif, with its estimated total.
fn summary_table(preview: &[PreviewLine], labels: &[Option<LineLabel>]) -> Markup {
    let total: Money = preview.iter().filter_map(|p| p.cost).sum();
    html! {
        div class="table-wrap" {
            table class="data" {
                caption { "Nouvelles réservations et annulations" }
                thead { tr {
                    th scope="col" { "Jour" } th scope="col" { "Enfant" } th scope="col" { "Activité" }
                    th scope="col" { "Demande" } th scope="col" { "Prévision" } th scope="col" class="num" { "Coût estimé (€)" }
                } }
                tbody {
                    @for (line, label) in preview.iter().zip(labels) {
                        tr {
                            (line_cells(label))
                            td { (outcome_text(&line.outcome)) }
                            td class="num" { @if let Some(cost) = line.cost { (amount(cost)) } }
                        }
                    }
                }
                tfoot { tr class="total" { th scope="row" colspan="5" { "Coût estimé total (€)" } td class="num" { (amount(total)) } } }
            }
        }
    }
}

/// Day, child, activity and kind of a line; one cell when it names nothing of the family's.
fn line_cells(label: &Option<LineLabel>) -> Markup {
    html! {
        @match label {
            Some(label) => {
                td { (layout::long_date(label.day)) }
                td { (label.child) }
                td { (label.activity) }
                td { @if label.cancellation { "Annulation" } @else { "Réservation" } }
            }
            None => { td colspan="4" { "Demande inconnue" } }
        }
    }
}

fn recorded_message(count: usize) -> String {
    if count == 1 {
        "1 demande enregistrée. Elle apparaît dans « Suivi » à l'état « Non transmis » et sera transmise cette nuit.".to_owned()
    } else {
        format!(
            "{count} demandes enregistrées. Elles apparaissent dans « Suivi » à l'état « Non transmis » et seront transmises cette nuit."
        )
    }
}

fn outcome_text(outcome: &LineOutcome) -> Markup {
    match outcome {
        LineOutcome::Requested { forecast, .. } => {
            let class = match forecast {
                Forecast::PlaceAvailable => "forecast forecast-ok",
                Forecast::Waitlisted { .. } => "forecast forecast-waitlist",
                Forecast::Refused { .. } => "forecast forecast-refused",
            };
            html! { span class=(class) { (booking::forecast_text(forecast)) } }
        }
        LineOutcome::CancellationRequested { .. } => {
            html! { span class="forecast forecast-ok" { "annulation possible" } }
        }
        LineOutcome::Refused { reason } => {
            html! { span class="forecast forecast-refused" { "impossible : " (reason) } }
        }
    }
}

/// The final « Valider »'s form as sent.
#[derive(Debug, Deserialize)]
pub(crate) struct ValidateForm {
    formulaire: String,
}

/// The one-time id of a validation form: 32 hexadecimal characters, else it names nothing.
pub(crate) struct FormId(pub(crate) String);

impl FormId {
    /// The form id as typed: 32 hexadecimal characters, else it names nothing (404).
    pub(crate) fn parse(text: &str) -> Result<FormId, WebError> {
        let id = text.trim();
        if crate::session::is_hex(id, 32) {
            Ok(FormId(id.to_owned()))
        } else {
            Err(WebError::NotFound)
        }
    }
}

impl FromFields for FormId {
    type Raw = ValidateForm;
    fn from_fields(raw: ValidateForm) -> Result<FormId, WebError> {
        FormId::parse(&raw.formulaire)
    }
}

/// The final « Valider »: the basket is recorded (once, whatever the resubmissions). An older
/// tab's form (the basket was validated or abandoned since) shows its answer.
pub(crate) async fn validate(
    State(services): State<Shared>,
    parent: Parent,
    Form(FormId(form_id)): Form<FormId>,
) -> Result<Response, WebError> {
    let answer = format!("/reservations/resultat?demande={form_id}");
    let basket = &parent.session.basket;
    if form_id != basket.form_id {
        return Ok(see_other(&answer));
    }
    if basket.lines.is_empty() {
        return Ok(see_other("/reservations/recapitulatif"));
    }
    let app = services.app.clone();
    let family = parent.family();
    let session = parent.session.clone();
    blocking(move || app::portal::validate_basket(&app, &session, family, &form_id)).await?;
    Ok(see_other(&answer))
}

/// « Abandonner »: the basket is emptied; nothing was recorded.
pub(crate) async fn abandon(
    State(services): State<Shared>,
    parent: Parent,
) -> Result<Response, WebError> {
    let app = services.app.clone();
    let session = parent.session.clone();
    blocking(move || app::portal::abandon_basket(&app, &session)).await?;
    Ok(see_other("/reservations"))
}

/// `?demande=` as sent.
#[derive(Debug, Deserialize)]
pub(crate) struct ResultQuery {
    demande: String,
}

/// The validated form whose answer is asked.
pub(crate) struct Answered(String);

impl FromFields for Answered {
    type Raw = ResultQuery;
    fn from_fields(raw: ResultQuery) -> Result<Answered, WebError> {
        Ok(Answered(raw.demande))
    }
}

/// Whether a line was not placed: refused, or its forecast a waitlist or a refusal.
fn not_placed(outcome: &LineOutcome) -> bool {
    matches!(
        outcome,
        LineOutcome::Refused { .. }
            | LineOutcome::Requested {
                forecast: Forecast::Waitlisted { .. } | Forecast::Refused { .. },
                ..
            }
    )
}

/// After the final « Valider »: the lines waitlisted or refused first, then the rest.
pub(crate) async fn result(
    State(services): State<Shared>,
    parent: Parent,
    Query(Answered(id)): Query<Answered>,
) -> Result<Response, WebError> {
    let app = services.app.clone();
    let family = parent.family();
    let (receipt, labels) = blocking(move || {
        let Some(receipt) = booking::receipt(&app, family, &id)? else {
            return Ok(None);
        };
        let lines: Vec<LineRequest> = receipt.lines.iter().map(|(l, _)| l.clone()).collect();
        let labels = booking::describe_lines(&app, family, lines)?;
        Ok(Some((receipt, labels)))
    })
    .await?
    .ok_or(WebError::NotFound)?;
    let recorded = receipt.recorded();
    Ok(page(
        &parent.chrome,
        "Demandes enregistrées",
        "reservations",
        html! {
            (result_body(recorded, &receipt.lines, &labels))
            p { "Si vous avez renseigné votre adresse mail, un compte rendu du traitement de vos réservations vous sera envoyé par mail le lendemain." }
            div class="actions" {
                a class="button" href="/suivi" { "Suivi" }
                a class="button secondary" href="/reservations" { "Nouvelle réservation" }
            }
        },
    )
    .into_response())
}

/// The answer's tables: the lines not placed first (when there are), then the others (the
/// caller adds where to go next).
pub(crate) fn result_body(
    recorded: usize,
    lines: &[(LineRequest, LineOutcome)],
    labels: &[Option<LineLabel>],
) -> Markup {
    let rows = |waitlisted_or_refused: bool| {
        html! {
            @for ((_, outcome), label) in lines.iter().zip(labels) {
                @if not_placed(outcome) == waitlisted_or_refused {
                    tr {
                        (line_cells(label))
                        td { (outcome_text(outcome)) }
                    }
                }
            }
        }
    };
    let has_problems = lines.iter().any(|(_, o)| not_placed(o));
    let head = html! { thead { tr { th scope="col" { "Jour" } th scope="col" { "Enfant" } th scope="col" { "Activité" } th scope="col" { "Demande" } th scope="col" { "Résultat" } } } };
    html! {
        @if recorded == 0 {
            (flash("error", "Aucune demande n'a pu être enregistrée : les motifs sont indiqués ci-dessous."))
        } @else {
            (flash("success", &recorded_message(recorded)))
        }
        @if has_problems {
            section class="card" {
                h2 { "Réservations mises en liste d'attente ou refusées" }
                div class="table-wrap" { table class="data" { (head) tbody { (rows(true)) } } }
            }
        }
        section class="card" {
            h2 { @if has_problems { "Autres demandes" } @else { "Vos demandes" } }
            div class="table-wrap" { table class="data" { (head) tbody { (rows(false)) } } }
        }
    }
}
