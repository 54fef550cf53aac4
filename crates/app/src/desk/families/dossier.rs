//! Ticking the file (dossier) items « reçu ».

use domain::event::payloads::FamilyDossierUpdated;
use domain::ids::FamilyId;
use domain::staff::Permission;

use super::DeskRefusal;
use super::file::{dossier_items, family_structures};
use crate::registry;
use crate::staff::Acting;
use crate::{App, AppError};

/// Records which of the family's file items are received: every item the page shows
/// (the organisation's list and the family's other missing items) not in `received` is
/// missing. An item the page does not show is refused. Writes `FamilyDossierUpdated` only when
/// something changed; the family may book again once nothing is missing. Returns whether the
/// file is now complete.
pub fn update_dossier(
    app: &App,
    by: &Acting,
    family: FamilyId,
    received: Vec<String>,
) -> Result<bool, AppError> {
    let acting = by.clone();
    app.execute(&by.actor_text(), move |command| {
        let today = domain::deadline::paris_day(command.now());
        let row = family_structures(
            command.conn(),
            &acting,
            Permission::UpdateFamilyFile,
            family,
            today,
        )?;
        let items = dossier_items(
            &registry::dossier_items(command.conn())?,
            &row.missing_items,
        );
        if let Some(unknown) = received
            .iter()
            .find(|r| !items.iter().any(|i| &i.label == *r))
        {
            return Err(DeskRefusal::UnknownDossierItem {
                item: unknown.clone(),
            }
            .into());
        }
        let missing: Vec<String> = items
            .into_iter()
            .filter(|i| !received.contains(&i.label))
            .map(|i| i.label)
            .collect();
        let complete = missing.is_empty();
        if complete != row.dossier_complete || missing != row.missing_items {
            command.emit(FamilyDossierUpdated {
                family_id: family,
                complete,
                missing_items: missing,
            })?;
        }
        Ok(complete)
    })
}
