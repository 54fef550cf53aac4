//! Families whose file (dossier) is incomplete, in the structures asked for: the family, its
//! children, the missing items, and since when the file has been incomplete (the day of the
//! first « incomplete » update after the last « complete » one).

use chrono::NaiveDate;
use documents::csv::Cell;
use domain::ids::FamilyId;

use super::scope::ScopedStructure;
use super::{Sheet, csv_failed};
use crate::registry;
use crate::{App, AppError};

const HEADER: [&str; 5] = [
    "Famille",
    "Identifiant",
    "Enfants",
    "Pièces manquantes",
    "Incomplet depuis",
];

/// One family with an incomplete file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct IncompleteFile {
    pub family_id: FamilyId,
    pub family: String,
    pub login: String,
    pub children: Vec<String>,
    pub missing: Vec<String>,
    pub since: Option<NaiveDate>,
}

impl IncompleteFile {
    fn cells(&self) -> Vec<Cell> {
        vec![
            Cell::text(&self.family),
            Cell::text(&self.login),
            Cell::text(self.children.join(", ")),
            Cell::text(self.missing.join(", ")),
            self.since.map_or(Cell::Empty, Cell::Day),
        ]
    }
}

/// The incomplete files of families attached to one of `structures`, by family name.
pub(crate) fn incomplete_files(
    app: &App,
    structures: &[ScopedStructure],
) -> Result<Vec<IncompleteFile>, AppError> {
    let scope: Vec<_> = structures.iter().map(|s| s.id).collect();
    let today = app.today();
    let mut files = app.query(move |conn| {
        let mut files = Vec::new();
        for family in projections::families(conn, today)? {
            if family.dossier_complete || !family.structures.iter().any(|s| scope.contains(s)) {
                continue;
            }
            let account = registry::family_account(conn, family.family_id)?;
            let children = registry::children_of(conn, family.family_id)?
                .iter()
                .map(registry::ChildProfile::display_name)
                .collect();
            files.push(IncompleteFile {
                family_id: family.family_id,
                family: account
                    .as_ref()
                    .map(|a| a.payer_name.clone())
                    .unwrap_or_default(),
                login: account.map(|a| a.login).unwrap_or_default(),
                children,
                missing: family.missing_items,
                since: None,
            });
        }
        Ok(files)
    })?;
    for file in &mut files {
        file.since = incomplete_since(app, file.family_id)?;
    }
    files.sort_by(|a, b| (&a.family, &a.login).cmp(&(&b.family, &b.login)));
    Ok(files)
}

/// The Paris day of the first « incomplete » update of the family's file after its last
/// « complete » one.
fn incomplete_since(app: &App, family: FamilyId) -> Result<Option<NaiveDate>, AppError> {
    let mut since = None;
    for stored in app.store.read_stream(&family.stream())? {
        if stored.event_type != "FamilyDossierUpdated" {
            continue;
        }
        let payload = stored.payload_json().map_err(store::StoreError::Json)?;
        if payload["complete"].as_bool().unwrap_or(false) {
            since = None;
        } else if since.is_none() {
            since = Some(crate::accounts::instant(&stored.recorded_at, "events")?);
        }
    }
    Ok(since.map(domain::deadline::paris_day))
}

pub(super) fn sheet(app: &App, structures: &[ScopedStructure]) -> Result<Sheet, AppError> {
    let files = incomplete_files(app, structures)?;
    let rows: Vec<Vec<Cell>> = files.iter().map(IncompleteFile::cells).collect();
    Ok(Sheet {
        bytes: documents::csv::sheet(&HEADER, &rows).map_err(csv_failed)?,
        lines: files.len(),
    })
}
