//! `/gestion/familles/{family}/reglement`: the desk payment form; a recorded payment goes to its
//! receipt. The amount is read by the one grammar of typed amounts (`Money::parse`: « 12,50 »);
//! a refusal shows the form again with its French reason, nothing written.

use app::desk::PaymentTarget;
use app::money::{DeskPayment, MoneyRefusal};
use app::{App, AppError};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::Money;
use domain::ids::{FamilyId, WalletId};
use domain::staff::Permission;
use domain::values::PaymentMode;
use maud::{Markup, html};
use serde::Deserialize;

use super::super::families::desk_blocking;
use crate::extract::{Form, FromFields, Path};
use crate::layout::{csrf_field, flash};
use crate::session::see_other;
use crate::staff::StaffUser;
use crate::staff_layout::gestion_page;
use crate::{Shared, WebError};

/// The form as sent (and as shown again after a refusal).
#[derive(Clone, Debug, Default, Deserialize)]
pub(crate) struct PaymentForm {
    #[serde(default)]
    porte_monnaie: String,
    #[serde(default)]
    montant: String,
    #[serde(default)]
    mode: String,
    #[serde(default)]
    numero: String,
    #[serde(default)]
    banque: String,
    #[serde(default)]
    payeur: String,
    #[serde(default)]
    date: String,
}

impl FromFields for PaymentForm {
    type Raw = PaymentForm;
    fn from_fields(raw: PaymentForm) -> Result<PaymentForm, WebError> {
        Ok(raw)
    }
}

fn optional(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// The payment the form describes, parsed by the CLI's rules.
fn parse(app: &App, family: FamilyId, form: &PaymentForm) -> Result<DeskPayment, AppError> {
    let wallet: WalletId = form.porte_monnaie.trim().parse().map_err(|_| {
        AppError::Money(MoneyRefusal::UnknownWallet {
            typed: form.porte_monnaie.clone(),
        })
    })?;
    let amount =
        Money::parse(&form.montant).map_err(|e| AppError::Money(MoneyRefusal::InvalidAmount(e)))?;
    let mode = app::money::parse_mode(&form.mode)?;
    let paid_on = match optional(&form.date) {
        Some(text) => app::money::parse_payment_day(&text)?,
        None => app.today(),
    };
    Ok(DeskPayment {
        family,
        wallet,
        amount,
        mode,
        number: optional(&form.numero),
        bank: optional(&form.banque),
        payer: optional(&form.payeur),
        paid_on,
    })
}

pub(crate) async fn payment_form(
    State(services): State<Shared>,
    staff: StaffUser,
    Path(family): Path<FamilyId>,
) -> Result<Response, WebError> {
    staff.require(Permission::RecordPayment)?;
    let app = services.app.clone();
    let by = staff.acting();
    let target = desk_blocking(move || app::desk::payment_target(&app, &by, family)).await?;
    let form = PaymentForm {
        payeur: target.addressee.clone(),
        ..PaymentForm::default()
    };
    Ok(page(&staff, &target, &form, None).into_response())
}

pub(crate) async fn record(
    State(services): State<Shared>,
    staff: StaffUser,
    Path(family): Path<FamilyId>,
    Form(form): Form<PaymentForm>,
) -> Result<Response, WebError> {
    staff.require(Permission::RecordPayment)?;
    let app = services.app.clone();
    let by = staff.acting();
    let typed = form.clone();
    let outcome = desk_blocking(move || {
        let target = app::desk::payment_target(&app, &by, family)?;
        let recorded = parse(&app, family, &typed)
            .and_then(|payment| app::money::record_payment(&app, &by, payment));
        match recorded {
            Ok(payment) => Ok(Ok(payment)),
            Err(AppError::Money(refusal)) => Ok(Err((target, refusal.to_string()))),
            Err(other) => Err(other),
        }
    })
    .await?;
    match outcome {
        Ok(payment) => Ok(see_other(&format!("/gestion/reglements/{payment}"))),
        Err((target, message)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            page(&staff, &target, &form, Some(&message)),
        )
            .into_response()),
    }
}

fn page(
    staff: &StaffUser,
    target: &PaymentTarget,
    form: &PaymentForm,
    error: Option<&str>,
) -> Markup {
    let action = format!("/gestion/familles/{}/reglement", target.family_id);
    let body = html! {
        @if let Some(error) = error { (flash("error", error)) }
        p { "Famille : " strong { (target.addressee) } " (" (target.login) ") — "
            a href={ "/gestion/familles/" (target.family_id) } { "retour au dossier" } }
        form class="stack" method="post" action=(action) {
            (csrf_field(staff.csrf()))
            div class="field" {
                label for="porte-monnaie" { "Régie (porte-monnaie)" }
                select id="porte-monnaie" name="porte_monnaie" required {
                    @for (id, label) in &target.wallets {
                        option value=(id) selected[form.porte_monnaie == id.to_string()] { (label) }
                    }
                }
            }
            div class="field" {
                label for="montant" { "Montant (€)" }
                input id="montant" name="montant" type="text" inputmode="decimal" required
                    value=(form.montant) aria-describedby="montant-aide";
                p class="hint" id="montant-aide" { "Par exemple 12,50 : deux décimales au plus, 100 000 € au plus." }
            }
            div class="field" {
                label for="mode" { "Mode de règlement" }
                select id="mode" name="mode" required {
                    @for mode in PaymentMode::ALL {
                        option value=(mode.code()) selected[form.mode == mode.code()] {
                            (mode.code()) " — " (app::desk::payment_mode_label(mode))
                        }
                    }
                }
            }
            div class="field" {
                label for="numero" { "Numéro (chèque, titre)" }
                input id="numero" name="numero" type="text" value=(form.numero);
            }
            div class="field" {
                label for="banque" { "Banque" }
                input id="banque" name="banque" type="text" value=(form.banque);
            }
            div class="field" {
                label for="payeur" { "Payeur" }
                input id="payeur" name="payeur" type="text" value=(form.payeur);
            }
            div class="field" {
                label for="date" { "Date du règlement" }
                input id="date" name="date" type="date" value=(form.date) aria-describedby="date-aide";
                p class="hint" id="date-aide" { "Vide : aujourd'hui." }
            }
            button type="submit" { "Enregistrer le règlement" }
        }
    };
    gestion_page(&staff.chrome, "Enregistrer un règlement", "familles", body)
}
