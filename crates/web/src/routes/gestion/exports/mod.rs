//! `/gestion/exports`: the CSV exports for the CAF, the accountant and the régie (`page.rs`),
//! and the four downloads (`download.rs`), each behind its permission. The files are built by
//! `app::exports::export`, the same bytes as `portail export`.

mod download;
mod page;

pub(super) use download::{attendance, consumptions, files, payments};
pub(super) use page::page;

use app::exports::ExportMonth;
use domain::ids::StructureId;
use serde::Deserialize;

use crate::WebError;
use crate::extract::FromFields;

/// `?mois=&structure=` as sent.
#[derive(Debug, Deserialize)]
pub(crate) struct ExportQuery {
    mois: Option<String>,
    structure: Option<String>,
}

/// The month (absent or empty: the default of the page) and structure (absent or empty: every
/// structure of the member) asked for; a structure that is no id is the French 404, a month
/// that does not parse the French refusal.
pub(crate) struct ExportChoice {
    month: Option<ExportMonth>,
    structure: Option<StructureId>,
}

impl FromFields for ExportChoice {
    type Raw = ExportQuery;
    fn from_fields(raw: ExportQuery) -> Result<ExportChoice, WebError> {
        let present =
            |text: Option<String>| text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
        let month = present(raw.mois)
            .map(|text| ExportMonth::parse(&text))
            .transpose()
            .map_err(|refusal| WebError::from(app::AppError::from(refusal)))?;
        let structure = present(raw.structure)
            .map(|text| text.parse().map_err(|_| WebError::NotFound))
            .transpose()?;
        Ok(ExportChoice { month, structure })
    }
}
