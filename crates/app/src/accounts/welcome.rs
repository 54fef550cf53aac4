//! What the log-in and welcome pages show: the structures' welcome messages, and the structures a
//! family may consult.

use domain::ids::{FamilyId, StructureId};

use crate::{App, AppError, listing, registry};

/// The welcome messages of one structure, under its name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StructureWelcome {
    pub structure: String,
    pub messages: Vec<String>,
}

/// The messages of every structure that has some (the log-in page shows them all).
pub fn every_welcome(app: &App) -> Result<Vec<StructureWelcome>, AppError> {
    app.query(|conn| {
        let mut out = Vec::new();
        for structure in projections::structures(conn)? {
            let messages = registry::welcome_messages(conn, structure.structure_id)?;
            if !messages.is_empty() {
                out.push(StructureWelcome {
                    structure: structure.label,
                    messages,
                });
            }
        }
        Ok(out)
    })
}

/// The structures `family` may consult (id and name), in the order the header lists them.
pub fn family_structures(
    app: &App,
    family: FamilyId,
) -> Result<Vec<(StructureId, String)>, AppError> {
    let today = app.today();
    app.query(move |conn| listing::family_structures(conn, family, today))
}

/// The messages of the structure a session consults: the one it chose if it is still the
/// family's, else the family's first; none without a structure.
pub fn welcome_messages(
    app: &App,
    family: FamilyId,
    chosen: Option<StructureId>,
) -> Result<Vec<String>, AppError> {
    let today = app.today();
    app.query(move |conn| {
        let structures = listing::family_structures(conn, family, today)?;
        let current = chosen
            .filter(|s| structures.iter().any(|(id, _)| id == s))
            .or(structures.first().map(|(id, _)| *id));
        match current {
            Some(id) => registry::welcome_messages(conn, id),
            None => Ok(Vec::new()),
        }
    })
}
