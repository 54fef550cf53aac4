//! The card payment form (« Paiement CB ») and its start: the amounts come from the server; the
//! parent may change the amount within the provider's bounds.

use app::money::{MoneyRefusal, WalletStatement};
use app::online_payment::{self, CallbackUrls, Checkout, Proposal};
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::Money;
use maud::{Markup, html};
use serde::Deserialize;

use crate::layout::{NBSP, amount, csrf_field, flash, page};
use crate::session::{Parent, see_other};
use crate::{Shared, WebError, blocking};

/// What the proposed « Montant à créditer » of a wallet is, in the words of the page.
fn proposal_text(wallet: &str, proposal: &Proposal) -> String {
    match proposal {
        Proposal::ClearsEstimatedBalance { amount } => format!(
            "{wallet} : le montant proposé, {amount} €, ramène votre solde estimé à zéro \
             (réservations confirmées et en attente comprises)."
        ),
        Proposal::Minimum {
            amount,
            estimated_balance,
            new_estimated_balance,
        } if estimated_balance.is_negative() => format!(
            "{wallet} : votre solde estimé est de {estimated_balance} €. Le montant proposé, \
             {amount} €, est le minimum d'un paiement par carte : il porte votre solde estimé à \
             {new_estimated_balance} €."
        ),
        Proposal::Minimum {
            amount,
            estimated_balance,
            new_estimated_balance,
        } => format!(
            "{wallet} : votre solde estimé est de {estimated_balance} € : vous ne devez rien. \
             Le montant proposé, {amount} €, est le minimum d'un paiement par carte : il porte \
             votre solde estimé à {new_estimated_balance} €."
        ),
    }
}

fn payment_page(
    parent: &Parent,
    wallets: &[WalletStatement],
    email: Option<&str>,
    error: Option<&str>,
) -> Markup {
    let name = super::family_name(parent);
    html! {
        @if let Some(error) = error { (flash("error", error)) }
        h2 { "Paiement réservations" }
        p { "Nom Famille : " strong { (name) } }
        @for w in wallets {
            p { (proposal_text(&w.wallet, &online_payment::proposal(w))) }
        }
        p {
            "Vous pouvez changer le montant à créditer, de " (amount(online_payment::minimum())) (NBSP) "€ à "
            (amount(online_payment::maximum())) (NBSP) "€ : payer un peu plus que le montant proposé garde votre compte créditeur si vous utilisez les activités périscolaires."
        }
        (wallets_table(wallets))
        @for w in wallets {
            (wallet_form(parent, w, email, wallets.len() > 1))
        }
        p { "Vous allez être redirigé vers le site de paiement sécurisé de la DGFiP (PayFiP). Votre porte-monnaie est crédité dès que le paiement est confirmé." }
    }
}

/// The table of what each wallet is proposed to receive.
fn wallets_table(wallets: &[WalletStatement]) -> Markup {
    html! {
        div class="table-wrap" {
            table class="data" {
                caption { "Paiement réservations" }
                thead { tr {
                    th scope="col" { "Porte-monnaie" } th scope="col" class="num" { "Solde" } th scope="col" class="num" { "Coût estimé" }
                    th scope="col" class="num" { "Montant à créditer" } th scope="col" class="num" { "Nouveau solde" }
                } }
                tbody {
                    @for w in wallets {
                        @let proposed = online_payment::suggested_amount(w);
                        tr {
                            td { (w.wallet) }
                            td class="num" { (amount(w.balance)) }
                            td class="num" { (amount(w.estimated_cost(true, true))) }
                            td class="num" { (amount(proposed)) }
                            td class="num" { (amount(w.estimated_balance + proposed)) }
                        }
                    }
                }
                tfoot { tr class="total" {
                    th scope="row" colspan="3" { "TOTAL Paiement (€)" }
                    td class="num" { (amount(wallets.iter().map(online_payment::suggested_amount).sum::<Money>())) }
                    td {}
                } }
            }
    }
    }
}

/// The form paying one wallet by card; `titled` when the page has several.
fn wallet_form(parent: &Parent, w: &WalletStatement, email: Option<&str>, titled: bool) -> Markup {
    let proposed = online_payment::suggested_amount(w);
    html! {
        section class="card" {
            @if titled { h3 { (w.wallet) } }
            form class="stack" method="post" action="/paiement" {
                (csrf_field(parent.csrf()))
                input type="hidden" name="porte_monnaie" value=(w.wallet_id);
                div class="field" {
                    label for={ "montant-" (w.wallet_id) } { "Montant à créditer (€)" }
                    input id={ "montant-" (w.wallet_id) } name="montant" type="text" inputmode="decimal" required
                        value=(amount(proposed)) pattern="[0-9]+([.,][0-9]{1,2})?" aria-describedby={ "montant-aide-" (w.wallet_id) };
                    p class="hint" id={ "montant-aide-" (w.wallet_id) } {
                        "Proposé : " (amount(proposed)) (NBSP) "€. De " (amount(online_payment::minimum())) (NBSP) "€ à "
                        (amount(online_payment::maximum())) (NBSP) "€, deux décimales au plus."
                    }
                }
                div class="field" {
                    label for={ "email-" (w.wallet_id) } { "Email" }
                    input id={ "email-" (w.wallet_id) } name="email" type="email" autocomplete="email" required maxlength="80"
                        value=(email.unwrap_or(""));
                }
                div class="actions" {
                    button type="submit" { "Paiement CB" }
                    a class="button secondary" href="/solde" { "Retour" }
                }
            }
    }
    }
}

/// The refusal of a portal without a card payment provider.
fn unavailable() -> WebError {
    app::AppError::from(MoneyRefusal::CardPaymentUnavailable).into()
}

async fn checkout(services: &Shared, parent: &Parent) -> Result<Checkout, WebError> {
    let app = services.app.clone();
    let family = parent.family();
    blocking(move || online_payment::checkout(&app, family)).await
}

pub async fn payment_form(
    State(services): State<Shared>,
    parent: Parent,
) -> Result<Response, WebError> {
    if services.provider.is_none() {
        return Err(unavailable());
    }
    let checkout = checkout(&services, &parent).await?;
    Ok(page(
        &parent.chrome,
        "Paiement CB",
        "solde",
        payment_page(&parent, &checkout.wallets, checkout.email.as_deref(), None),
    )
    .into_response())
}

#[derive(Debug, Deserialize)]
pub struct PaymentForm {
    porte_monnaie: String,
    montant: String,
    email: String,
}

pub async fn start_payment(
    State(services): State<Shared>,
    parent: Parent,
    Form(form): Form<PaymentForm>,
) -> Result<Response, WebError> {
    let Some(provider) = services.provider.clone() else {
        return Err(unavailable());
    };
    let Ok(wallet) = form.porte_monnaie.trim().parse::<domain::ids::WalletId>() else {
        return Err(WebError::NotFound);
    };
    // The one parser of typed amounts; the bounds are checked by `online_payment::start`.
    let requested = match Money::parse(&form.montant) {
        Ok(amount) => amount,
        Err(error) => {
            let message = format!("Montant à créditer : {error}.");
            return refused_payment(&services, &parent, &message).await;
        }
    };
    let app = services.app.clone();
    let family = parent.family();
    let base = services.config.base_url.clone();
    let email = form.email;
    let result = blocking(move || {
        let callbacks = CallbackUrls {
            notify_url: format!("{base}/paiement/notification"),
            return_url: format!("{base}/paiement/retour"),
        };
        online_payment::start(
            &app,
            provider.as_ref(),
            family,
            wallet,
            Some(requested),
            Some(&email),
            &callbacks,
        )
    })
    .await;
    match result {
        Ok(started) => {
            tracing::info!(%family, operation = %started.operation_id, amount = %started.amount, "card payment started");
            Ok(see_other(&started.redirect_url))
        }
        Err(WebError::Refused(message)) => refused_payment(&services, &parent, &message).await,
        Err(error) => Err(error),
    }
}

/// The form again, with the refusal on top (422).
async fn refused_payment(
    services: &Shared,
    parent: &Parent,
    message: &str,
) -> Result<Response, WebError> {
    let checkout = checkout(services, parent).await?;
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        page(
            &parent.chrome,
            "Paiement CB",
            "solde",
            payment_page(
                parent,
                &checkout.wallets,
                checkout.email.as_deref(),
                Some(message),
            ),
        ),
    )
        .into_response())
}
