//! `/gestion/reglements/{payment}`: the printable receipt (« reçu »), and its cancellation by
//! the régie (`POST …/annulation`, with a reason).

use app::desk::Receipt;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use domain::ids::PaymentId;
use domain::staff::Permission;
use maud::{Markup, html};
use serde::Deserialize;

use super::super::families::desk_blocking;
use crate::extract::{Form, FromFields, Path};
use crate::layout::{NBSP, amount, contact_block, csrf_field, flash, long_date, paris_date_time};
use crate::session::see_other;
use crate::staff::StaffUser;
use crate::staff_layout::gestion_page;
use crate::{Shared, WebError};

pub(crate) async fn receipt(
    State(services): State<Shared>,
    staff: StaffUser,
    Path(payment): Path<PaymentId>,
) -> Result<Response, WebError> {
    if !staff.may(Permission::CancelPayment) {
        staff.require(Permission::RecordPayment)?;
    }
    let app = services.app.clone();
    let by = staff.acting();
    let receipt = desk_blocking(move || app::desk::receipt(&app, &by, payment)).await?;
    let body = html! {
        @if receipt.cancelled.is_some() {
            (flash("error", "Ce règlement est annulé : le reçu n'a plus de valeur."))
        }
        p class="no-print" {
            a href={ "/gestion/familles/" (receipt.family_id) } { "Retour au dossier de la famille" }
            " — imprimez le reçu avec Ctrl+P."
        }
        (receipt_body(&receipt))
        @if staff.may(Permission::CancelPayment) && receipt.cancelled.is_none() {
            (cancel_form(&staff, receipt.payment_id))
        }
    };
    let title = match &receipt.number {
        Some(number) => format!("Reçu n° {number}"),
        None => "Reçu".to_owned(),
    };
    Ok(gestion_page(&staff.chrome, &title, "familles", body).into_response())
}

fn receipt_body(receipt: &Receipt) -> Markup {
    html! {
        article class="receipt" aria-labelledby="recu" {
            div class="letter-from" { (contact_block(&receipt.contact)) }
            h2 id="recu" {
                "Reçu" @if let Some(number) = &receipt.number { " n° " (number) }
                @if receipt.cancelled.is_some() { " " span class="cancelled-mark" { "ANNULÉ" } }
            }
            dl class="facts" {
                div { dt { "Régie" } dd { (receipt.regie) } }
                div { dt { "Famille" } dd { (receipt.addressee) " (" (receipt.login) ")" } }
                div { dt { "Payeur" } dd { (receipt.payer.as_deref().unwrap_or("—")) } }
                div { dt { "Mode" } dd { (app::desk::payment_mode_label(receipt.mode)) } }
                @if let Some(number) = &receipt.piece_number { div { dt { "Numéro" } dd { (number) } } }
                @if let Some(bank) = &receipt.bank { div { dt { "Banque" } dd { (bank) } } }
                div { dt { "Date" } dd { (long_date(receipt.paid_on)) } }
                div { dt { "Montant" } dd { strong { (amount(receipt.amount)) (NBSP) "€" } } }
                div { dt { "Montant en lettres" } dd { (receipt.amount_in_words) } }
                @if let Some(cancelled) = &receipt.cancelled {
                    div { dt { "Annulé" } dd {
                        @if let Some(at) = cancelled.at { "le " (paris_date_time(at)) }
                        @if let Some(reason) = &cancelled.reason { " — motif : " (reason) }
                    } }
                }
            }
        }
    }
}

fn cancel_form(staff: &StaffUser, payment: PaymentId) -> Markup {
    html! {
        section class="no-print" aria-labelledby="annuler" {
            h2 id="annuler" { "Annuler ce règlement" }
            form class="stack" method="post" action={ "/gestion/reglements/" (payment) "/annulation" } {
                (csrf_field(staff.csrf()))
                div class="field" {
                    label for="motif" { "Motif de l'annulation" }
                    textarea id="motif" name="motif" required maxlength="500" rows="3" {}
                }
                button type="submit" { "Annuler le règlement" }
            }
        }
    }
}

/// The cancellation form as sent.
#[derive(Debug, Deserialize)]
pub(crate) struct CancelForm {
    #[serde(default)]
    motif: String,
}

impl FromFields for CancelForm {
    type Raw = CancelForm;
    fn from_fields(raw: CancelForm) -> Result<CancelForm, WebError> {
        Ok(raw)
    }
}

pub(crate) async fn cancel(
    State(services): State<Shared>,
    staff: StaffUser,
    Path(payment): Path<PaymentId>,
    Form(form): Form<CancelForm>,
) -> Result<Response, WebError> {
    staff.require(Permission::CancelPayment)?;
    let app = services.app.clone();
    let by = staff.acting();
    desk_blocking(move || app::money::cancel_payment(&app, &by, payment, &form.motif)).await?;
    Ok(see_other(&format!("/gestion/reglements/{payment}")))
}
