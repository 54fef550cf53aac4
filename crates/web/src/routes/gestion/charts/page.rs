//! The charts page: the structure and the months asked, then the three charts, each followed
//! by its table.

use app::charts::{ChartPeriod, Charts};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use domain::ids::StructureId;
use domain::staff::Permission;
use maud::{Markup, html};
use serde::Deserialize;

use super::draw::{money_svg, occupancy_svg, pressure_svg};
use super::tables::{money_table, occupancy_table, pressure_table};
use crate::extract::{FromFields, Query};
use crate::layout::month_param;
use crate::staff::StaffUser;
use crate::staff_layout::gestion_page;
use crate::{Shared, WebError, blocking};

/// `?structure=&du=&au=` as sent.
#[derive(Debug, Deserialize)]
pub(crate) struct ChartsQuery {
    structure: Option<String>,
    du: Option<String>,
    au: Option<String>,
}

/// What the page was asked: absent values take the defaults; a value that names nothing is the
/// French 404.
pub(crate) struct ChartsChoice {
    structure: Option<StructureId>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
}

fn month(text: Option<&str>) -> Result<Option<NaiveDate>, WebError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(text) => NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d")
            .ok()
            .filter(|m| (2000..=2100).contains(&chrono::Datelike::year(m)))
            .map(Some)
            .ok_or(WebError::NotFound),
    }
}

impl FromFields for ChartsChoice {
    type Raw = ChartsQuery;
    fn from_fields(raw: ChartsQuery) -> Result<ChartsChoice, WebError> {
        let structure = match raw
            .structure
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => None,
            Some(text) => Some(text.parse().map_err(|_| WebError::NotFound)?),
        };
        Ok(ChartsChoice {
            structure,
            from: month(raw.du.as_deref())?,
            to: month(raw.au.as_deref())?,
        })
    }
}

pub(crate) async fn charts(
    State(services): State<Shared>,
    staff: StaffUser,
    Query(choice): Query<ChartsChoice>,
) -> Result<Response, WebError> {
    staff.require(Permission::ViewBoards)?;
    let (app, by) = (services.app.clone(), staff.acting());
    let (structures, shown, period, charts) = blocking(move || {
        let structures = app::charts::chart_structures(&app, &by)?;
        let default = ChartPeriod::around(app.today());
        let period = ChartPeriod::new(
            choice.from.unwrap_or(default.first_month()),
            choice.to.unwrap_or(default.last_month()),
        )?;
        let shown = choice.structure.or(structures.first().map(|s| s.0));
        let charts = match shown {
            Some(structure) => Some(app::charts::charts(&app, &by, structure, period)?),
            None => None,
        };
        Ok((structures, shown, period, charts))
    })
    .await?;
    let label = structures
        .iter()
        .find(|s| Some(s.0) == shown)
        .map(|s| s.1.clone())
        .unwrap_or_default();
    let body = html! {
        (choice_form(&structures, shown, period))
        @match &charts {
            Some(charts) => (chart_sections(charts, &label, period)?),
            None => p { "Aucune structure à montrer." },
        }
    };
    Ok(gestion_page(&staff.chrome, "Graphiques", "graphiques", body).into_response())
}

fn choice_form(
    structures: &[(StructureId, String)],
    shown: Option<StructureId>,
    period: ChartPeriod,
) -> Markup {
    html! {
        form class="sheet-choice no-print" method="get" action="/gestion/graphiques" {
            p {
                label for="structure" { "Structure" }
                " "
                select id="structure" name="structure" {
                    @for (id, label) in structures {
                        option value=(id) selected[Some(*id) == shown] { (label) }
                    }
                }
            }
            p {
                label for="du" { "Du mois" }
                " "
                input type="month" id="du" name="du" value=(month_param(period.first_month()));
            }
            p {
                label for="au" { "Au mois" }
                " "
                input type="month" id="au" name="au" value=(month_param(period.last_month()));
            }
            p { button type="submit" { "Afficher" } }
        }
    }
}

fn chart_sections(charts: &Charts, label: &str, period: ChartPeriod) -> Result<Markup, WebError> {
    let span = format!(
        "{} — {} – {}",
        label,
        domain::wording::month_title(period.first_month()),
        domain::wording::month_title(period.last_month())
    );
    let occupancy = format!("Taux d'occupation par activité, {span}");
    let pressure = format!("Enfants en liste d'attente par jour, {span}");
    let money = format!("Consommations et règlements par mois, {span}");
    Ok(html! {
        section class="chart-block" aria-labelledby="h-occupation" {
            h2 id="h-occupation" { "Taux d'occupation par activité" }
            @if charts.occupancy.is_empty() {
                p { "Aucune activité ouverte sur la période." }
            } @else {
                (occupancy_svg(&charts.occupancy, &occupancy)?)
                (occupancy_table(&charts.occupancy, &occupancy))
            }
        }
        section class="chart-block" aria-labelledby="h-attente" {
            h2 id="h-attente" { "Pression des listes d'attente" }
            (pressure_svg(&charts.pressure, &pressure)?)
            @if charts.pressure.iter().all(|d| d.waitlisted == 0) {
                p { "Aucun enfant en liste d'attente sur la période." }
            } @else {
                (pressure_table(&charts.pressure, &format!("Jours avec une liste d'attente, {span}")))
            }
        }
        section class="chart-block" aria-labelledby="h-argent" {
            h2 id="h-argent" { "Consommations et règlements par mois" }
            (money_svg(&charts.money, &money)?)
            (money_table(&charts.money, &money))
        }
    })
}
