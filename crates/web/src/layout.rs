//! The frame of every page (header with the parent's name, the structure and the last update;
//! menu; contact block at the foot), the stylesheet, and French formatting helpers.

use app::accounts::Session;
use app::{App, AppError};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use domain::Money;
use mail::templates::ContactBlock;
use maud::{DOCTYPE, Markup, PreEscaped, html};

/// What the frame shows around a page.
#[derive(Clone, Debug)]
pub struct Chrome {
    pub contact: ContactBlock,
    /// The token every form of the page carries.
    pub csrf: String,
    pub parent: Option<ParentHeader>,
}

/// The header of a logged-in parent (seed: « Pour se déconnecter »).
#[derive(Clone, Debug)]
pub struct ParentHeader {
    /// « M. DUPONT Jean-Paul ».
    pub name: String,
    pub structure: Option<String>,
    pub several_structures: bool,
    /// « Dernière mise à jour » : the last transmission.
    pub last_update: Option<String>,
}

pub fn visitor_chrome(app: &App, csrf: String) -> Result<Chrome, AppError> {
    let contact = app.query(app::notify::contact_block)?;
    Ok(Chrome {
        contact,
        csrf,
        parent: None,
    })
}

pub fn parent_chrome(app: &App, session: &Session, csrf: String) -> Result<Chrome, AppError> {
    let family = session.family_id;
    let structure = session.structure_id;
    let now = app.now();
    let today = domain::deadline::paris_day(now);
    app.query(move |conn| {
        let contact = app::notify::contact_block(conn)?;
        let name = app::listing::family_addressee(conn, family)?
            .ok_or_else(|| AppError::from(app::accounts::AccountRefusal::UnknownAccount))?;
        let structures = app::listing::family_structures(conn, family, today)?;
        let current = structure
            .and_then(|id| structures.iter().find(|(s, _)| *s == id))
            .or(structures.first())
            .map(|(_, label)| label.clone());
        let last_update = app::booking::last_update(conn, now)?.map(paris_date_time);
        Ok(Chrome {
            contact,
            csrf,
            parent: Some(ParentHeader {
                name,
                structure: current,
                several_structures: structures.len() > 1,
                last_update,
            }),
        })
    })
}

/// Menu entries: (key, path, label), the seed's words.
const MENU: &[(&str, &str, &str)] = &[
    ("accueil", "/accueil", "Accueil"),
    ("reservations", "/reservations", "Réservations"),
    ("suivi", "/suivi", "Suivi"),
    ("solde", "/solde", "Solde et Paiement"),
    (
        "consommations",
        "/historique/consommations",
        "Historique des consommations",
    ),
    (
        "reglements",
        "/historique/reglements",
        "Historique des règlements",
    ),
    ("profil", "/profil", "Profil"),
];

/// The hidden CSRF field of a form.
pub fn csrf_field(csrf: &str) -> Markup {
    html! { input type="hidden" name=(crate::CSRF_FIELD) value=(csrf); }
}

/// The `head` of every page: the title, the viewport for phones, the one stylesheet.
pub fn head(title: &str) -> Markup {
    head_refreshing(title, None)
}

/// The same `head`, with `<meta http-equiv="refresh">` when `refresh` is given (`"N; url=…"`):
/// a page that moves on by itself, without JavaScript.
pub fn head_refreshing(title: &str, refresh: Option<&str>) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            @if let Some(refresh) = refresh { meta http-equiv="refresh" content=(refresh); }
            meta name="viewport" content="width=device-width, initial-scale=1";
            title { (title) " — Portail Famille" }
            link rel="stylesheet" href="/style.css";
        }
    }
}

/// A whole page. `current`: the menu entry to mark (`aria-current`).
pub fn page(chrome: &Chrome, title: &str, current: &str, body: Markup) -> Markup {
    page_refreshing(chrome, title, current, None, body)
}

/// A whole page that reloads itself as `refresh` says (see [`head_refreshing`]).
pub fn page_refreshing(
    chrome: &Chrome,
    title: &str,
    current: &str,
    refresh: Option<&str>,
    body: Markup,
) -> Markup {
    html! {
        (DOCTYPE)
        html lang="fr" {
            (head_refreshing(title, refresh))
            body {
                a class="skip" href="#contenu" { "Aller au contenu" }
                header class="site" {
                    div class="brand" {
                        a href=(if chrome.parent.is_some() { "/accueil" } else { "/connexion" }) { "Portail Famille" }
                        " "
                        span class="org" { (chrome.contact.name) }
                    }
                    @if let Some(parent) = &chrome.parent {
                        div class="account" {
                            span class="who" { (parent.name) }
                            @if let Some(structure) = &parent.structure {
                                span class="structure" {
                                    "Structure : " (structure)
                                    @if parent.several_structures {
                                        " " a href="/structure" { "Modifier" }
                                    }
                                }
                            }
                            span class="updated" {
                                "Dernière mise à jour : "
                                (parent.last_update.as_deref().unwrap_or("aucune transmission encore"))
                            }
                            form class="logout" method="post" action="/deconnexion" {
                                (csrf_field(&chrome.csrf))
                                button class="link" type="submit" { "Se déconnecter" }
                            }
                        }
                        nav class="menu" aria-label="Menu principal" {
                            ul {
                                @for (key, path, label) in MENU {
                                    li {
                                        @if *key == current {
                                            a href=(path) aria-current="page" { (label) }
                                        } @else {
                                            a href=(path) { (label) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                main id="contenu" {
                    h1 { (title) }
                    (body)
                }
                footer class="site" {
                    (contact_block(&chrome.contact))
                }
            }
        }
    }
}

/// The organisation's contact block (seed: the foot of its mails).
pub fn contact_block(contact: &ContactBlock) -> Markup {
    html! {
        address {
            strong { (contact.name) } br;
            @if !contact.address.is_empty() { (contact.address) br; }
            @if !contact.phone.is_empty() {
                "Tél. : " (contact.phone)
                @if let Some(fax) = &contact.fax { " — Fax : " (fax) }
                br;
            }
            @if !contact.email.is_empty() {
                "Courriel : " a href={ "mailto:" (contact.email) } { (contact.email) } br;
            }
            @if let Some(site) = &contact.website {
                "Site internet : " (site)
            }
        }
    }
}

/// A message above the page's content.
pub fn flash(kind: &str, text: &str) -> Markup {
    let role = if kind == "error" { "alert" } else { "status" };
    html! { p class={ "flash " (kind) } role=(role) { (text) } }
}

/// The one stylesheet, self-hosted.
pub async fn stylesheet() -> Response {
    let mut response = include_str!("../assets/portail.css").into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/css; charset=utf-8"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    response
}

/// « Mer 4 », the seed's history column.
pub fn short_day(day: NaiveDate) -> String {
    format!(
        "{} {}",
        domain::wording::weekday_abbreviation(day.weekday()),
        day.day()
    )
}

/// « 15/02/2026 ».
pub fn numeric_date(day: NaiveDate) -> String {
    day.format("%d/%m/%Y").to_string()
}

/// « mercredi 4 novembre 2026 ».
pub fn long_date(day: NaiveDate) -> String {
    domain::wording::french_date_with_year(day)
}

/// « 27/11/2026 à 02:00 », Paris time.
pub fn paris_date_time(instant: chrono::DateTime<chrono::Utc>) -> String {
    instant
        .with_timezone(&chrono_tz::Europe::Paris)
        .format("%d/%m/%Y à %H:%M")
        .to_string()
}

/// An amount as the seed prints it: « -46.05 ».
pub fn amount(money: Money) -> String {
    money.to_string()
}

/// `YYYY-MM` of a month's first day.
pub fn month_param(month: NaiveDate) -> String {
    month.format("%Y-%m").to_string()
}

/// Parses `?mois=YYYY-MM`; `today`'s month when absent or malformed (`app::portal::parse_month`).
pub fn parse_month(text: Option<&str>, today: NaiveDate) -> NaiveDate {
    app::portal::parse_month(text, today)
}

pub fn previous_month(month: NaiveDate) -> NaiveDate {
    month
        .checked_sub_months(chrono::Months::new(1))
        .unwrap_or(month)
}

pub fn next_month(month: NaiveDate) -> NaiveDate {
    month
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(month)
}

/// ← month → links; `path` already carries its other query parameters (ending in `?` or `&`).
pub fn month_nav(path: &str, month: NaiveDate) -> Markup {
    let previous = previous_month(month);
    let next = next_month(month);
    html! {
        nav class="month-nav" aria-label="Mois" {
            a rel="prev" href={ (path) "mois=" (month_param(previous)) } {
                "← " (domain::wording::month_title(previous))
            }
            " "
            strong aria-current="date" { (domain::wording::month_title(month)) }
            " "
            a rel="next" href={ (path) "mois=" (month_param(next)) } {
                (domain::wording::month_title(next)) " →"
            }
        }
    }
}

/// A non-breaking space, for amounts and units (a constant entity: nothing from a request).
pub const NBSP: PreEscaped<&str> = PreEscaped("&nbsp;");
