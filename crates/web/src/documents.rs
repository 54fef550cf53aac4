//! The family's documents on the web, for the parents' `/documents…` and the back office's
//! `/gestion/familles/{family}/documents…`: the query strings (`?annee=`, `?du=&au=`,
//! `?format=pdf|html`), the PDF answer, and the printable page of the same
//! `documents::pdf::Document` the PDF lays out — same words, same figures.

use app::AppError;
use app::documents::DocumentRefusal;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use documents::pdf::{Align, Block, Document};
use maud::{Markup, html};
use serde::Deserialize;

use crate::extract::FromFields;
use crate::{WebError, blocking};

/// How a document is handed over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    /// The printable page (the default).
    Html,
    Pdf,
}

fn format(raw: Option<&str>) -> Result<Format, WebError> {
    match raw.map(str::trim) {
        None | Some("") | Some("html") => Ok(Format::Html),
        Some("pdf") => Ok(Format::Pdf),
        Some(_) => Err(WebError::NotFound),
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct RawFormat {
    format: Option<String>,
}

/// `?format=pdf|html`.
pub(crate) struct FormatQuery(pub Format);

impl FromFields for FormatQuery {
    type Raw = RawFormat;
    fn from_fields(raw: RawFormat) -> Result<Self, WebError> {
        Ok(FormatQuery(format(raw.format.as_deref())?))
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct RawYear {
    annee: Option<String>,
    format: Option<String>,
}

/// `?annee=2026&format=`: the year parsed by `app::documents::parse_year`.
pub(crate) struct YearQuery {
    pub year: i32,
    pub format: Format,
}

impl FromFields for YearQuery {
    type Raw = RawYear;
    fn from_fields(raw: RawYear) -> Result<Self, WebError> {
        let year = app::documents::parse_year(raw.annee.as_deref().unwrap_or_default())
            .map_err(|refusal| WebError::from(AppError::from(refusal)))?;
        Ok(YearQuery {
            year,
            format: format(raw.format.as_deref())?,
        })
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct RawPeriod {
    du: Option<String>,
    au: Option<String>,
    format: Option<String>,
}

/// `?du=YYYY-MM-DD&au=YYYY-MM-DD&format=`.
pub(crate) struct PeriodQuery {
    pub from: chrono::NaiveDate,
    pub to: chrono::NaiveDate,
    pub format: Format,
}

impl FromFields for PeriodQuery {
    type Raw = RawPeriod;
    fn from_fields(raw: RawPeriod) -> Result<Self, WebError> {
        let (from, to) = app::documents::parse_period(
            raw.du.as_deref().unwrap_or_default(),
            raw.au.as_deref().unwrap_or_default(),
        )
        .map_err(|refusal| WebError::from(AppError::from(refusal)))?;
        Ok(PeriodQuery {
            from,
            to,
            format: format(raw.format.as_deref())?,
        })
    }
}

/// App work for a document: an unknown family or payment (or another family's) is the 404.
pub(crate) async fn document_blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, WebError> {
    blocking(move || Ok(work()))
        .await?
        .map_err(|error| match error {
            AppError::Document(
                DocumentRefusal::UnknownFamily | DocumentRefusal::UnknownPayment,
            ) => WebError::NotFound,
            other => WebError::from(other),
        })
}

/// The PDF as a download named after the document's number.
pub(crate) fn pdf_response(document: &Document, bytes: Vec<u8>) -> Response {
    let disposition = format!("attachment; filename=\"{}.pdf\"", document.number);
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

/// The printable page's body: the same blocks as the PDF, tables with their amounts on the
/// right.
pub(crate) fn document_html(document: &Document) -> Markup {
    html! {
        article class="receipt document" aria-labelledby="document-titre" {
            div class="letter-from" {
                address {
                    @for (i, line) in document.issuer.iter().enumerate() {
                        @if i == 0 { strong { (line) } } @else { (line) }
                        br;
                    }
                }
            }
            div class="document-to" {
                @for line in &document.addressee { (line) br; }
            }
            h2 id="document-titre" { (document.title) }
            p { strong { "N° " (document.number) } br; (document.issued) }
            @for block in &document.blocks {
                @match block {
                    Block::Heading(text) => h3 { (text) },
                    Block::Paragraph(text) => p { (text) },
                    Block::Table(table) => div class="table-wrap" role="region" aria-label=(document.title) tabindex="0" {
                        table class="data" {
                            thead { tr {
                                @for column in &table.columns {
                                    th scope="col" class=[cell_class(column.align)] { (column.title) }
                                }
                            } }
                            tbody {
                                @for row in &table.rows {
                                    tr {
                                        @for (column, cell) in table.columns.iter().zip(row) {
                                            td class=[cell_class(column.align)] { (cell) }
                                        }
                                    }
                                }
                            }
                            @if let Some(total) = &table.total {
                                tfoot { tr {
                                    @for (column, cell) in table.columns.iter().zip(total) {
                                        td class=[cell_class(column.align)] { strong { (cell) } }
                                    }
                                } }
                            }
                        }
                    },
                }
            }
        }
    }
}

fn cell_class(align: Align) -> Option<&'static str> {
    match align {
        Align::Left => None,
        Align::Right => Some("num"),
    }
}

/// What a family can download, its links under `base` (`/documents` or
/// `/gestion/familles/{family}/documents`).
pub(crate) fn choices_html(base: &str, choices: &app::documents::DocumentChoices) -> Markup {
    let (first, last) = choices
        .span
        .map(|(f, l)| (f.to_string(), l.to_string()))
        .unwrap_or_default();
    html! {
        section aria-labelledby="attestations" {
            h2 id="attestations" { "Attestations de frais de garde" }
            p { "Pour le crédit d'impôt : les sommes payées dans l'année pour l'accueil des enfants de moins de 6 ans au 1er janvier." }
            @if choices.years.is_empty() {
                p { "Aucune année à attester pour le moment." }
            } @else {
                ul {
                    @for year in &choices.years {
                        li {
                            "Année " (year) " : "
                            a href={ (base) "/frais-de-garde?annee=" (year) "&format=html" } { "à l'écran" span class="visually-hidden" { " (" (year) ")" } }
                            " — "
                            a href={ (base) "/frais-de-garde?annee=" (year) "&format=pdf" } { "PDF" span class="visually-hidden" { " (" (year) ")" } }
                        }
                    }
                }
            }
        }
        section aria-labelledby="releve" {
            h2 id="releve" { "Relevé de compte" }
            form method="get" action={ (base) "/releve" } {
                div class="field" {
                    label for="releve-du" { "Du" }
                    input id="releve-du" type="date" name="du" value=(first) required;
                }
                div class="field" {
                    label for="releve-au" { "Au" }
                    input id="releve-au" type="date" name="au" value=(last) required;
                }
                div class="actions" {
                    button type="submit" name="format" value="html" { "Afficher le relevé" }
                    " "
                    button type="submit" name="format" value="pdf" { "Télécharger le relevé (PDF)" }
                }
            }
        }
        section aria-labelledby="recus" {
            h2 id="recus" { "Reçus de règlement" }
            @if choices.payments.is_empty() {
                p { "Aucun règlement pour le moment." }
            } @else {
                div class="table-wrap" role="region" aria-label="Reçus de règlement" tabindex="0" {
                    table class="data" {
                        thead { tr {
                            th scope="col" { "Date" } th scope="col" { "Mode" }
                            th scope="col" class="num" { "Montant" } th scope="col" { "Reçu" }
                        } }
                        tbody {
                            @for p in &choices.payments {
                                tr {
                                    td { (crate::layout::long_date(p.paid_on)) }
                                    td { (p.mode) @if p.cancelled { " (annulé)" } }
                                    td class="num" { (p.amount_text) }
                                    td {
                                        a href={ (base) "/recu/" (p.payment_id) "?format=html" } { "à l'écran" span class="visually-hidden" { " (règlement du " (p.paid_on) ")" } }
                                        " — "
                                        a href={ (base) "/recu/" (p.payment_id) "?format=pdf" } { "PDF" span class="visually-hidden" { " (règlement du " (p.paid_on) ")" } }
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
