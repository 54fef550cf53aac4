//! `/gestion/journal-acces` (`Permission::ViewAccessLog`): the RGPD access log, who opened
//! which family's file and when, newest first, 50 lines a page (`?page=`).

use app::staff::{self, Access, AccessKind};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use domain::staff::Permission;
use maud::{Markup, html};

use crate::extract::{FromFields, Query};
use crate::staff::StaffUser;
use crate::staff_layout::gestion_page;
use crate::{Shared, WebError, blocking};

/// Lines per page.
const PER_PAGE: u32 = 50;

/// The page asked for, from 1.
pub(super) struct PageNumber(u32);

impl FromFields for PageNumber {
    type Raw = Vec<(String, String)>;
    fn from_fields(raw: Self::Raw) -> Result<PageNumber, WebError> {
        match raw.iter().find(|(k, _)| k == "page") {
            None => Ok(PageNumber(1)),
            Some((_, v)) => v
                .parse()
                .ok()
                .filter(|n| (1..=100_000).contains(n))
                .map(PageNumber)
                .ok_or(WebError::NotFound),
        }
    }
}

fn kind_text(kind: AccessKind) -> &'static str {
    match kind {
        AccessKind::FamilyFile => "Dossier de la famille",
        AccessKind::FamilyDocument => "Document imprimé (reçu, lettre)",
    }
}

fn line(access: &Access) -> Markup {
    let at = access.at.with_timezone(&chrono_tz::Europe::Paris);
    html! {
        tr {
            td { time datetime=(access.at.to_rfc3339()) { (at.format("%d/%m/%Y %H:%M:%S")) } }
            td {
                @match &access.staff {
                    Some((name, login)) => { (name) " (" (login) ")" }
                    None => @if access.staff_id.is_none() { "Opérateur du serveur (ligne de commande)" } @else { "Compte supprimé" },
                }
            }
            td { (access.family.as_deref().unwrap_or("Famille inconnue")) }
            td { (kind_text(access.kind)) }
        }
    }
}

pub(super) async fn access_log(
    State(services): State<Shared>,
    staff: StaffUser,
    Query(PageNumber(page)): Query<PageNumber>,
) -> Result<Response, WebError> {
    staff.require(Permission::ViewAccessLog)?;
    let app = services.app.clone();
    let by = staff.acting();
    let offset = (page - 1) * PER_PAGE;
    let (lines, total) = blocking(move || staff::access_log(&app, &by, offset, PER_PAGE)).await?;
    let pages = total.div_ceil(u64::from(PER_PAGE)).max(1);
    let body = html! {
        p { "Chaque ouverture du dossier d'une famille par le personnel est inscrite ici, et conservée " (staff::ACCESS_LOG_MONTHS) " mois. " (total) " accès enregistrés." }
        @if lines.is_empty() {
            p { "Aucun accès sur cette page." }
        } @else {
            table {
                caption { "Accès aux dossiers, du plus récent au plus ancien (page " (page) " sur " (pages) ")" }
                thead { tr { th scope="col" { "Quand" } th scope="col" { "Qui" } th scope="col" { "Famille" } th scope="col" { "Quoi" } } }
                tbody { @for access in &lines { (line(access)) } }
            }
        }
        nav aria-label="Pages du journal" {
            @if page > 1 { a href=(format!("/gestion/journal-acces?page={}", page - 1)) { "Plus récents" } " " }
            @if u64::from(page) < pages { a href=(format!("/gestion/journal-acces?page={}", page + 1)) { "Plus anciens" } }
        }
    };
    Ok(gestion_page(&staff.chrome, "Journal des accès", "journal", body).into_response())
}
