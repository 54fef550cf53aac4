//! Histories (consumptions, payments), « Solde et Paiement », the card payment and the
//! provider's callbacks. Amounts come from the server only; the browser never sets a price.

use app::online_payment::{self, CallbackUrls, Proposal, Settlement};
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::{Money, Standing};
use maud::{Markup, html};
use serde::Deserialize;

use crate::layout::{self, NBSP, amount, csrf_field, flash, month_nav, page};
use crate::session::{Parent, Visitor, see_other};
use crate::{Shared, WebError, blocking};

#[derive(Debug, Default, Deserialize)]
pub struct MonthQuery {
    mois: Option<String>,
}

fn history_tabs(current: &str) -> Markup {
    html! {
        ul class="tabs no-print" {
            li { a href="/historique/reglements" aria-current=[(current == "reglements").then_some("page")] { "Historique des règlements" } }
            li { a href="/historique/consommations" aria-current=[(current == "consommations").then_some("page")] { "Historique des consommations" } }
        }
    }
}

pub async fn consumption_history(
    State(services): State<Shared>,
    parent: Parent,
    Query(query): Query<MonthQuery>,
) -> Response {
    let month = layout::parse_month(query.mois.as_deref(), services.app.today());
    let app = services.app.clone();
    let family = parent.family();
    let history = match blocking(move || app::money::consumption_history(&app, family, month)).await
    {
        Ok(history) => history,
        Err(error) => return error.into_response(),
    };
    page(
        &parent.chrome,
        "Historique des consommations",
        "consommations",
        html! {
            (history_tabs("consommations"))
            (month_nav("/historique/consommations?", month))
            div class="table-wrap" {
                table class="data" {
                    caption { "Consommations de " (domain::wording::month_title(month)) }
                    thead { tr {
                        th scope="col" { "Jour" } th scope="col" { "Consommateur" } th scope="col" { "Activité" }
                        th scope="col" class="num" { "Prix (€)" } th scope="col" class="num" { "Qté" } th scope="col" class="num" { "Total" }
                    } }
                    tbody {
                        @for line in &history.lines {
                            tr {
                                td { (layout::short_day(line.day)) }
                                td { (line.consumer) }
                                td { (line.activity) }
                                td class="num" { (amount(line.unit_price)) }
                                td class="num" { (line.quantity) }
                                td class="num" { (amount(line.total)) }
                            }
                        }
                        @if history.lines.is_empty() {
                            tr { td colspan="6" { "Aucune consommation ce mois-ci." } }
                        }
                    }
                    tfoot { tr class="total" { th scope="row" colspan="5" { "TOTAL (€)" } td class="num" { (amount(history.total)) } } }
                }
            }
            p class="no-print" { "Pour imprimer cette page, utilisez l'impression de votre navigateur : menus et boutons n'apparaissent pas sur papier." }
        },
    )
    .into_response()
}

pub async fn payment_history(
    State(services): State<Shared>,
    parent: Parent,
    Query(query): Query<MonthQuery>,
) -> Response {
    let month = layout::parse_month(query.mois.as_deref(), services.app.today());
    let app = services.app.clone();
    let family = parent.family();
    let history = match blocking(move || app::money::payment_history(&app, family, month)).await {
        Ok(history) => history,
        Err(error) => return error.into_response(),
    };
    page(
        &parent.chrome,
        "Historique des règlements",
        "reglements",
        html! {
            (history_tabs("reglements"))
            (month_nav("/historique/reglements?", month))
            div class="table-wrap" {
                table class="data" {
                    caption { "Règlements de " (domain::wording::month_title(month)) }
                    thead { tr {
                        th scope="col" { "Date reglt" } th scope="col" { "Mode règlement" } th scope="col" { "N° pièce" }
                        th scope="col" { "Nom Payeur" } th scope="col" { "Nom Banque" } th scope="col" class="num" { "Montant" }
                    } }
                    tbody {
                        @for line in &history.lines {
                            tr class=[line.cancelled.then_some("cancelled")] {
                                td { (layout::numeric_date(line.paid_on)) }
                                td { (line.mode) @if line.cancelled { " (annulé)" } }
                                td { (line.number.as_deref().unwrap_or("")) }
                                td { (line.payer.as_deref().unwrap_or("")) }
                                td { (line.bank.as_deref().unwrap_or("")) }
                                td class="num" { (amount(line.amount)) }
                            }
                        }
                        @if history.lines.is_empty() {
                            tr { td colspan="6" { "Aucun règlement ce mois-ci." } }
                        }
                    }
                    tfoot { tr class="total" { th scope="row" colspan="5" { "TOTAL (€)" } td class="num" { (amount(history.total)) } } }
                }
            }
        },
    )
    .into_response()
}

/// The seed's check boxes. Absent from the query (first visit): both checked.
#[derive(Debug, Default, Deserialize)]
pub struct WalletQuery {
    confirmees: Option<String>,
    en_attente: Option<String>,
    /// Set by the form, so that two unchecked boxes are told from a first visit.
    choix: Option<String>,
}

impl WalletQuery {
    fn boxes(&self) -> (bool, bool) {
        if self.choix.is_none() {
            return (true, true);
        }
        (self.confirmees.is_some(), self.en_attente.is_some())
    }
}

pub async fn wallet(
    State(services): State<Shared>,
    parent: Parent,
    Query(query): Query<WalletQuery>,
) -> Response {
    let (confirmed, pending) = query.boxes();
    let app = services.app.clone();
    let family = parent.family();
    let wallets =
        match blocking(move || app::money::statement(&app, family, confirmed, pending)).await {
            Ok(wallets) => wallets,
            Err(error) => return error.into_response(),
        };
    let sum = |f: fn(&app::money::WalletStatement) -> Money| wallets.iter().map(f).sum::<Money>();
    let balance = sum(|w| w.balance);
    let estimated: Money = wallets
        .iter()
        .map(|w| w.estimated_cost(confirmed, pending))
        .sum();
    let new_balance = sum(|w| w.estimated_balance);
    let name = parent
        .chrome
        .parent
        .as_ref()
        .map(|p| p.name.clone())
        .unwrap_or_default();
    page(
        &parent.chrome,
        "Solde et Paiement",
        "solde",
        html! {
            p { "Nom Famille : " strong { (name) } }
            form class="no-print" method="get" action="/solde" {
                input type="hidden" name="choix" value="1";
                fieldset {
                    legend { "Types de réservations comptées dans le coût estimé" }
                    label { input type="checkbox" name="confirmees" value="1" checked[confirmed]; " Confirmées" }
                    " "
                    label { input type="checkbox" name="en_attente" value="1" checked[pending]; " En attente (non transmises et liste d'attente)" }
                    " "
                    button class="small" type="submit" { "Actualiser" }
                }
            }
            div class="table-wrap" role="region" aria-label="Solde porte-monnaie" tabindex="0" {
                table class="data" {
                    caption { "Solde porte-monnaie" }
                    thead { tr {
                        th scope="col" { "Porte-monnaie" } th scope="col" class="num" { "Solde" }
                        th scope="col" class="num" { "Coût estimé" } th scope="col" class="num" { "Nouveau solde" }
                    } }
                    tbody {
                        @for w in &wallets {
                            tr {
                                td { (w.wallet) }
                                td class="num" { (amount(w.balance)) }
                                td class="num" { (amount(w.estimated_cost(confirmed, pending))) }
                                td class="num" { (amount(w.estimated_balance)) }
                            }
                        }
                    }
                }
            }
            dl class="summary" {
                (balance_box(balance))
                div { dt { "Montant des réservations" } dd { (amount(estimated)) (NBSP) "€" } }
                div { dt { "Solde estimé" } dd { (amount(new_balance)) (NBSP) "€" } }
            }
            p { "Un solde négatif est un montant que vous devez. Pensez à payer un peu plus que le montant dû si vous utilisez les activités périscolaires, afin que votre compte reste créditeur." }
            @if services.provider.is_some() {
                div class="actions" { a class="button" href="/paiement" { "Paiement CB" } }
            } @else {
                p { "Le paiement par carte n'est pas proposé pour le moment : réglez à l'accueil de la structure." }
            }
        },
    )
    .into_response()
}

/// The first box of « Solde et Paiement »: a debt reads as « Montant dû », a credit as a credit.
fn balance_box(balance: Money) -> Markup {
    let (label, shown) = match balance.standing() {
        Standing::Owes(owed) => ("Montant dû", owed),
        Standing::InCredit(credit) => ("Crédit disponible", credit),
        Standing::Settled => ("Montant dû", Money::ZERO),
    };
    html! { div { dt { (label) } dd { (amount(shown)) (NBSP) "€" } } }
}

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
    wallets: &[app::money::WalletStatement],
    email: Option<&str>,
    error: Option<&str>,
) -> Markup {
    let name = parent
        .chrome
        .parent
        .as_ref()
        .map(|p| p.name.clone())
        .unwrap_or_default();
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
        @for w in wallets {
            @let proposed = online_payment::suggested_amount(w);
            section class="card" {
                @if wallets.len() > 1 { h3 { (w.wallet) } }
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
        p { "Vous allez être redirigé vers le site de paiement sécurisé de la DGFiP (PayFiP). Votre porte-monnaie est crédité dès que le paiement est confirmé." }
    }
}

async fn payment_data(
    services: &Shared,
    parent: &Parent,
) -> Result<(Vec<app::money::WalletStatement>, Option<String>), WebError> {
    let app = services.app.clone();
    let family = parent.family();
    blocking(move || {
        let wallets = app::money::statement(&app, family, true, true)?;
        let email =
            app.query(move |conn| {
                Ok(app::registry::family_account(conn, family)?
                    .and_then(|a| a.email.map(String::from)))
            })?;
        Ok((wallets, email))
    })
    .await
}

pub async fn payment_form(State(services): State<Shared>, parent: Parent) -> Response {
    if services.provider.is_none() {
        return WebError::Refused(
            "Le paiement par carte n'est pas proposé pour le moment.".to_owned(),
        )
        .into_response();
    }
    match payment_data(&services, &parent).await {
        Ok((wallets, email)) => page(
            &parent.chrome,
            "Paiement CB",
            "solde",
            payment_page(&parent, &wallets, email.as_deref(), None),
        )
        .into_response(),
        Err(error) => error.into_response(),
    }
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
) -> Response {
    let Some(provider) = services.provider.clone() else {
        return WebError::Refused(
            "Le paiement par carte n'est pas proposé pour le moment.".to_owned(),
        )
        .into_response();
    };
    let Ok(wallet) = form.porte_monnaie.trim().parse::<domain::ids::WalletId>() else {
        return WebError::NotFound.into_response();
    };
    // The one parser of typed amounts; the bounds are checked by `online_payment::start`.
    let requested = match Money::parse(&form.montant) {
        Ok(amount) => amount,
        Err(error) => {
            return refused_payment(
                &services,
                &parent,
                &format!("Montant à créditer : {error}."),
            )
            .await;
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
            see_other(&started.redirect_url)
        }
        Err(WebError::Refused(message)) => refused_payment(&services, &parent, &message).await,
        Err(error) => error.into_response(),
    }
}

async fn refused_payment(services: &Shared, parent: &Parent, message: &str) -> Response {
    match payment_data(services, parent).await {
        Ok((wallets, email)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            page(
                &parent.chrome,
                "Paiement CB",
                "solde",
                payment_page(parent, &wallets, email.as_deref(), Some(message)),
            ),
        )
            .into_response(),
        Err(error) => error.into_response(),
    }
}

/// PayFiP sends the operation id, and only that.
#[derive(Debug, Deserialize)]
pub struct OperationParams {
    #[serde(rename = "idOp", alias = "idop")]
    id_op: String,
}

async fn settle(services: &Shared, operation: String) -> Result<Settlement, WebError> {
    let Some(provider) = services.provider.clone() else {
        return Ok(Settlement::Unknown);
    };
    let app = services.app.clone();
    blocking(move || online_payment::settle(&app, provider.as_ref(), &operation)).await
}

/// Server-to-server notification: only a trigger; the outcome comes from the provider itself.
pub async fn payment_notification(
    State(services): State<Shared>,
    Form(params): Form<OperationParams>,
) -> Response {
    if let Err(error) = settle(&services, params.id_op).await {
        // The nightly reconciliation will settle it; the provider need not retry.
        let incident = crate::error::incident_id();
        tracing::warn!(%incident, %error, "payment notification not settled now");
    }
    (StatusCode::OK, "OK").into_response()
}

/// The parent's browser comes back from the provider: tell the result.
pub async fn payment_return(
    State(services): State<Shared>,
    visitor: Visitor,
    Query(params): Query<OperationParams>,
) -> Response {
    let settlement = match settle(&services, params.id_op).await {
        Ok(settlement) => settlement,
        Err(error) => return error.into_response(),
    };
    let (title, kind, text) = match &settlement {
        Settlement::Paid { amount } => (
            "Paiement accepté",
            "success",
            format!("Votre paiement de {amount} € est accepté : votre porte-monnaie est crédité."),
        ),
        Settlement::Failed { state } if state == "refused" => (
            "Paiement refusé",
            "error",
            "Votre banque a refusé le paiement : rien n'a été débité.".to_owned(),
        ),
        Settlement::Failed { .. } => (
            "Paiement non abouti",
            "error",
            "Le paiement n'a pas abouti : rien n'a été débité.".to_owned(),
        ),
        Settlement::Pending => (
            "Paiement en cours",
            "info",
            "Le paiement n'est pas encore confirmé. S'il aboutit, votre porte-monnaie sera crédité ; vous pouvez le vérifier dans « Solde et Paiement ».".to_owned(),
        ),
        Settlement::AlreadySettled { state } if state == "paid" => (
            "Paiement accepté",
            "success",
            "Ce paiement est déjà enregistré : votre porte-monnaie est crédité.".to_owned(),
        ),
        Settlement::AlreadySettled { .. } => (
            "Paiement non abouti",
            "error",
            "Ce paiement n'a pas abouti : rien n'a été débité.".to_owned(),
        ),
        Settlement::Unknown => (
            "Paiement inconnu",
            "error",
            "Nous ne connaissons pas ce paiement.".to_owned(),
        ),
    };
    page(
        &visitor.chrome,
        title,
        "solde",
        html! {
            (flash(kind, &text))
            p { a class="button" href="/solde" { "Retour à Solde et Paiement" } }
        },
    )
    .into_response()
}
