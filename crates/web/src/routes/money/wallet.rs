//! « Solde et Paiement »: the wallets' balances and the estimated cost of the reservations.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use domain::{Money, Standing};
use maud::{Markup, html};
use serde::Deserialize;

use crate::layout::{NBSP, amount, page};
use crate::session::Parent;
use crate::{Shared, WebError, blocking};

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
) -> Result<Response, WebError> {
    let (confirmed, pending) = query.boxes();
    let app = services.app.clone();
    let family = parent.family();
    let wallets = blocking(move || app::money::statement(&app, family, confirmed, pending)).await?;
    let sum = |f: fn(&app::money::WalletStatement) -> Money| wallets.iter().map(f).sum::<Money>();
    let balance = sum(|w| w.balance);
    let estimated: Money = wallets
        .iter()
        .map(|w| w.estimated_cost(confirmed, pending))
        .sum();
    let new_balance = sum(|w| w.estimated_balance);
    let name = super::family_name(&parent);
    Ok(page(
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
            p class="no-print" { a href="/documents" { "Mes documents : attestations de frais de garde, relevés de compte, reçus" } }
            p { "Un solde négatif est un montant que vous devez. Pensez à payer un peu plus que le montant dû si vous utilisez les activités périscolaires, afin que votre compte reste créditeur." }
            @if services.provider.is_some() {
                div class="actions" { a class="button" href="/paiement" { "Paiement CB" } }
            } @else {
                p { "Le paiement par carte n'est pas proposé pour le moment : réglez à l'accueil de la structure." }
            }
        },
    )
    .into_response())
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
