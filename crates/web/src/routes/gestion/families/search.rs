//! `/gestion/familles?q=`: the search form and the families found.

use app::desk::{FamilyHit, SEARCH_LIMIT};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use domain::staff::Permission;
use maud::{Markup, html};
use serde::Deserialize;

use crate::extract::{FromFields, Query};
use crate::layout::{NBSP, amount};
use crate::staff::StaffUser;
use crate::staff_layout::gestion_page;
use crate::{Shared, WebError, blocking};

/// The query string as sent.
#[derive(Debug, Deserialize)]
pub(crate) struct SearchQuery {
    #[serde(default)]
    q: String,
}

/// What was typed, trimmed (200 characters at most are read).
pub(crate) struct Searched(String);

impl FromFields for Searched {
    type Raw = SearchQuery;
    fn from_fields(raw: SearchQuery) -> Result<Searched, WebError> {
        Ok(Searched(raw.q.trim().chars().take(200).collect()))
    }
}

pub(crate) async fn search(
    State(services): State<Shared>,
    staff: StaffUser,
    Query(Searched(text)): Query<Searched>,
) -> Result<Response, WebError> {
    staff.require(Permission::ViewFamilies)?;
    let app = services.app.clone();
    let by = staff.acting();
    let typed = text.clone();
    let found = blocking(move || app::desk::search_families(&app, &by, &typed)).await?;
    let body = html! {
        form class="stack search" method="get" action="/gestion/familles" role="search" {
            div class="field" {
                label for="q" { "Nom de la famille, prénom ou nom d'un enfant, ou identifiant" }
                input id="q" name="q" type="search" value=(text) autofocus;
            }
            button type="submit" { "Rechercher" }
        }
        @if !text.is_empty() {
            (results(&text, &found.hits, found.more))
        }
    };
    Ok(gestion_page(&staff.chrome, "Familles", "familles", body).into_response())
}

fn results(text: &str, hits: &[FamilyHit], more: bool) -> Markup {
    html! {
        @if hits.is_empty() {
            p role="status" { "Aucune famille ne correspond à « " (text) " »." }
        } @else {
            p role="status" {
                (hits.len()) " famille(s) pour « " (text) " »."
                @if more { " Seules les " (SEARCH_LIMIT) " premières sont affichées : précisez la recherche." }
            }
            div class="table-wrap" {
                table class="data" {
                    caption { "Familles trouvées" }
                    thead { tr {
                        th scope="col" { "Famille" } th scope="col" { "Identifiant" } th scope="col" { "Enfants" }
                        th scope="col" { "Structures" } th scope="col" class="num" { "Solde (€)" } th scope="col" { "Réservation" }
                    } }
                    tbody {
                        @for hit in hits {
                            tr {
                                th scope="row" { a href={ "/gestion/familles/" (hit.family_id) } { (hit.addressee) } }
                                td { (hit.login) }
                                td { (hit.children.join(", ")) }
                                td { (hit.structures.join(", ")) }
                                td class="num" { (amount(hit.balance)) (NBSP) "€" }
                                td { @if hit.blocked { "bloquée" } @else { "possible" } }
                            }
                        }
                    }
                }
            }
        }
    }
}
