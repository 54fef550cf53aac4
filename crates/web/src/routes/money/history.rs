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

/// The two histories, each a tab of the same page frame.
#[derive(Clone, Copy, PartialEq, Eq)]
enum History {
    Payments,
    Consumptions,
}

impl History {
    fn title(self) -> &'static str {
        match self {
            History::Payments => "Historique des règlements",
            History::Consumptions => "Historique des consommations",
        }
    }

    /// The navigation key of the page frame, also the last segment of the path.
    fn key(self) -> &'static str {
        match self {
            History::Payments => "reglements",
            History::Consumptions => "consommations",
        }
    }
}

fn history_tabs(current: History) -> Markup {
    html! {
        ul class="tabs no-print" {
            @for tab in [History::Payments, History::Consumptions] {
                li { a href={ "/historique/" (tab.key()) } aria-current=[(current == tab).then_some("page")] { (tab.title()) } }
            }
        }
    }
}

/// A month's six-column table with its total in the last column.
struct MonthTable {
    caption: String,
    heads: Markup,
    rows: Markup,
    /// The row shown when the month has no line.
    empty: Option<&'static str>,
    total: domain::Money,
}

impl maud::Render for MonthTable {
    fn render(&self) -> Markup {
        html! {
            table class="data" {
                caption { (self.caption) }
                thead { tr { (self.heads) } }
                tbody {
                    (self.rows)
                    @if let Some(empty) = self.empty {
                        tr { td colspan="6" { (empty) } }
                    }
                }
                tfoot { tr class="total" { th scope="row" colspan="5" { "TOTAL (€)" } td class="num" { (amount(self.total)) } } }
            }
        }
    }
}

/// A history's page: its tabs, the month's navigation, the month's table, then `after`.
fn history_page(
    parent: &Parent,
    history: History,
    month: chrono::NaiveDate,
    table: MonthTable,
    after: Markup,
) -> Response {
    page(
        &parent.chrome,
        history.title(),
        history.key(),
        html! {
            (history_tabs(history))
            (month_nav(&format!("/historique/{}?", history.key()), month))
            div class="table-wrap" { (table) }
            (after)
        },
    )
    .into_response()
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
    let rows = html! {
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
    };
    let table = MonthTable {
        caption: format!("Consommations de {}", domain::wording::month_title(month)),
        heads: html! {
            th scope="col" { "Jour" } th scope="col" { "Consommateur" } th scope="col" { "Activité" }
            th scope="col" class="num" { "Prix (€)" } th scope="col" class="num" { "Qté" } th scope="col" class="num" { "Total" }
        },
        rows,
        empty: history
            .lines
            .is_empty()
            .then_some("Aucune consommation ce mois-ci."),
        total: history.total,
    };
    let print_note = html! {
        p class="no-print" { "Pour imprimer cette page, utilisez l'impression de votre navigateur : menus et boutons n'apparaissent pas sur papier." }
    };
    Ok(history_page(
        &parent,
        History::Consumptions,
        month,
        table,
        print_note,
    ))
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
    let rows = html! {
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
    };
    let table = MonthTable {
        caption: format!("Règlements de {}", domain::wording::month_title(month)),
        heads: html! {
            th scope="col" { "Date reglt" } th scope="col" { "Mode règlement" } th scope="col" { "N° pièce" }
            th scope="col" { "Nom Payeur" } th scope="col" { "Nom Banque" } th scope="col" class="num" { "Montant" }
        },
        rows,
        empty: history
            .lines
            .is_empty()
            .then_some("Aucun règlement ce mois-ci."),
        total: history.total,
    };
    Ok(history_page(
        &parent,
        History::Payments,
        month,
        table,
        html! {},
    ))
}
