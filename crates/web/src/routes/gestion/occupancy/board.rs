//! `GET /gestion/occupation?structure=&semaine=YYYY-MM-DD` (or `&mois=YYYY-MM`): one row per
//! activity, one column per day with something open, each cell the day's figures, its state in
//! words and a link to the day.

use app::boards::{BoardCell, BoardState, BoardStructure, OccupancyBoard, Period, state_label};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use domain::ids::StructureId;
use domain::staff::Permission;
use maud::{Markup, html};
use serde::Deserialize;

use super::{board_url, day_url, state_class};
use crate::extract::{FromFields, Query};
use crate::layout::{long_date, short_day};
use crate::staff::StaffUser;
use crate::staff_layout::gestion_page;
use crate::{Shared, WebError, blocking};

/// `?structure=&semaine=&mois=` as sent.
#[derive(Debug, Deserialize)]
pub(crate) struct BoardQuery {
    structure: Option<String>,
    semaine: Option<String>,
    mois: Option<String>,
}

/// The board asked: a structure (absent: the member's first), the period's words as sent.
pub(crate) struct BoardChoice {
    structure: Option<StructureId>,
    semaine: Option<String>,
    mois: Option<String>,
}

impl FromFields for BoardChoice {
    type Raw = BoardQuery;
    fn from_fields(raw: BoardQuery) -> Result<BoardChoice, WebError> {
        let structure = match raw.structure.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => Some(crate::extract::named(text)?),
        };
        Ok(BoardChoice {
            structure,
            semaine: raw.semaine,
            mois: raw.mois,
        })
    }
}

pub(crate) async fn board(
    State(services): State<Shared>,
    staff: StaffUser,
    Query(choice): Query<BoardChoice>,
) -> Result<Response, WebError> {
    staff.require(Permission::ViewBoards)?;
    let period = Period::from_query(
        choice.semaine.as_deref(),
        choice.mois.as_deref(),
        services.app.today(),
    );
    let (app, acting) = (services.app.clone(), staff.acting());
    let structures = blocking(move || app::boards::board_structures(&app, &acting)).await?;
    let structure = choice
        .structure
        .or_else(|| structures.first().map(|s| s.structure_id))
        .ok_or(WebError::Forbidden(Permission::ViewBoards))?;
    staff.require_in(Permission::ViewBoards, structure)?;
    let (app, acting) = (services.app.clone(), staff.acting());
    let board = blocking(move || app::boards::occupancy(&app, &acting, structure, period))
        .await?
        .ok_or(WebError::NotFound)?;
    let title = format!("Occupation — {}", board.structure_label);
    let body = html! {
        (choice_form(&structures, &board))
        (period_nav(&board))
        @if board.rows.is_empty() || board.days.is_empty() {
            p { "Aucune activité de cette structure n'ouvre sur cette période." }
        } @else {
            p class="hint" id="occupation-aide" {
                "Dans chaque case : places acceptées / capacité, liste d'attente / places en liste d'attente, "
                "demandes non transmises, puis l'état de la journée. Chaque case ouvre le détail de la journée."
            }
            (board_table(&board))
        }
        (legend())
    };
    Ok(gestion_page(&staff.chrome, &title, "occupation", body).into_response())
}

/// « semaine du lundi 7 décembre 2026 », « décembre 2026 ».
fn period_words(period: Period) -> String {
    match period {
        Period::Week(monday) => format!("semaine du {}", long_date(monday)),
        Period::Month(first) => domain::wording::month_title(first),
    }
}

/// The structure to show, and the period kept as it is.
fn choice_form(structures: &[BoardStructure], board: &OccupancyBoard) -> Markup {
    html! {
        form class="sheet-choice" method="get" action="/gestion/occupation" {
            p {
                label for="structure" { "Structure" }
                " "
                select id="structure" name="structure" {
                    @for s in structures {
                        option value=(s.structure_id) selected[s.structure_id == board.structure_id] { (s.label) }
                    }
                }
            }
            @match board.period {
                Period::Week(monday) => { input type="hidden" name="semaine" value=(monday); }
                Period::Month(first) => { input type="hidden" name="mois" value=(first.format("%Y-%m")); }
            }
            p { button type="submit" { "Afficher" } }
        }
    }
}

/// Week or month, and the period before and after.
fn period_nav(board: &OccupancyBoard) -> Markup {
    let structure = board.structure_id;
    let (week, month) = (board.period.week(), board.period.month());
    let is_week = matches!(board.period, Period::Week(_));
    html! {
        nav class="day-nav" aria-label="Vue" {
            ul {
                li {
                    a href=(board_url(structure, week)) aria-current=[is_week.then_some("page")] { "Semaine" }
                }
                li {
                    a href=(board_url(structure, month)) aria-current=[(!is_week).then_some("page")] { "Mois" }
                }
            }
        }
        nav class="month-nav" aria-label="Périodes" {
            a href=(board_url(structure, board.period.previous())) rel="prev" {
                "← " (if is_week { "Semaine précédente" } else { "Mois précédent" })
            }
            strong { (period_words(board.period)) }
            a href=(board_url(structure, board.period.next())) rel="next" {
                (if is_week { "Semaine suivante" } else { "Mois suivant" }) " →"
            }
        }
    }
}

fn board_table(board: &OccupancyBoard) -> Markup {
    html! {
        div class="table-wrap board-wrap" role="region" aria-labelledby="occupation-titre" tabindex="0" {
            table class="data board" aria-describedby="occupation-aide" {
                caption id="occupation-titre" {
                    "Occupation — " (board.structure_label) " — " (period_words(board.period))
                }
                thead {
                    tr {
                        th scope="col" { "Activité" }
                        @for day in &board.days {
                            th scope="col" { abbr title=(long_date(*day)) { (short_day(*day)) } }
                        }
                    }
                }
                tbody {
                    @for row in &board.rows {
                        tr {
                            th scope="row" { (row.label) }
                            @for cell in &row.cells {
                                td {
                                    @match cell {
                                        Some(cell) => (cell_link(row.activity_id, cell)),
                                        None => span class="muted" { "—" },
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// « 12/14 · 3/5 att. · 2 dem. » and the state, linked to the day (the row and column
/// headers name the activity and the day).
fn cell_link(activity: domain::ids::ActivityId, cell: &BoardCell) -> Markup {
    let f = cell.figures;
    html! {
        a class={ "board-cell " (state_class(cell.state)) } href=(day_url(activity, cell.day)) {
            span class="figures" {
                (f.accepted) "/" (f.capacity)
                " · " (f.waitlisted) "/" (f.waitlist_size) " " abbr title="en liste d'attente" { "att." }
                " · " (f.pending) " " abbr title="demande(s) non transmise(s)" { "dem." }
            }
            " "
            span class="label" { (state_label(cell.state)) }
        }
    }
}

/// The six states, each in words beside its colour.
fn legend() -> Markup {
    html! {
        h2 { "Légende" }
        ul class="legend" {
            @for state in BoardState::ALL {
                li {
                    span class={ "swatch " (state_class(state)) } aria-hidden="true" {}
                    (state_label(state))
                }
            }
        }
    }
}
