//! The monthly histories of consumptions and payments.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;

use crate::layout::{self, amount, month_nav, page};
use crate::session::Parent;
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
) -> Result<Response, WebError> {
    let month = layout::parse_month(query.mois.as_deref(), services.app.today());
    let app = services.app.clone();
    let family = parent.family();
    let history = blocking(move || app::money::consumption_history(&app, family, month)).await?;
    Ok(page(
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
    .into_response())
}

pub async fn payment_history(
    State(services): State<Shared>,
    parent: Parent,
    Query(query): Query<MonthQuery>,
) -> Result<Response, WebError> {
    let month = layout::parse_month(query.mois.as_deref(), services.app.today());
    let app = services.app.clone();
    let family = parent.family();
    let history = blocking(move || app::money::payment_history(&app, family, month)).await?;
    Ok(page(
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
    .into_response())
}
