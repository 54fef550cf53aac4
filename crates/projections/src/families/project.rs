//! Projector of `projections/families.sql`.

use domain::Event;
use domain::event::payloads::{
    ChildRegistered, FamilyDossierUpdated, FamilyQuotientSet, FamilyRegistered,
    FamilyStructuresChanged,
};
use rusqlite::{Connection, params};

use crate::ProjectionError;
pub(crate) fn apply(
    conn: &Connection,
    _position: u64,
    event: &Event,
) -> Result<(), ProjectionError> {
    match event {
        Event::FamilyRegistered(e) => family_registered(conn, e),
        Event::FamilyStructuresChanged(e) => family_structures_changed(conn, e),
        Event::ChildRegistered(e) => child_registered(conn, e),
        Event::FamilyQuotientSet(e) => family_quotient_set(conn, e),
        Event::FamilyDossierUpdated(e) => family_dossier_updated(conn, e),
        _ => Ok(()),
    }
}

fn family_registered(conn: &Connection, e: &FamilyRegistered) -> Result<(), ProjectionError> {
    let id = e.family_id.to_string();
    conn.prepare_cached("INSERT OR IGNORE INTO families (family_id) VALUES (?1)")?
        .execute(params![id])?;
    replace_structures(conn, &id, &e.structure_ids)?;
    Ok(())
}

fn family_structures_changed(
    conn: &Connection,
    e: &FamilyStructuresChanged,
) -> Result<(), ProjectionError> {
    replace_structures(conn, &e.family_id.to_string(), &e.structure_ids)?;
    Ok(())
}

fn child_registered(conn: &Connection, e: &ChildRegistered) -> Result<(), ProjectionError> {
    conn.prepare_cached("INSERT OR IGNORE INTO children (child_id, family_id) VALUES (?1, ?2)")?
        .execute(params![e.child_id.to_string(), e.family_id.to_string()])?;
    Ok(())
}

fn family_quotient_set(conn: &Connection, e: &FamilyQuotientSet) -> Result<(), ProjectionError> {
    conn.prepare_cached(
        "INSERT INTO family_quotients (family_id, effective_from, quotient) VALUES (?1, ?2, ?3)
             ON CONFLICT (family_id, effective_from) DO UPDATE SET quotient = excluded.quotient",
    )?
    .execute(params![
        e.family_id.to_string(),
        e.effective_from.to_string(),
        e.quotient
    ])?;
    Ok(())
}

fn family_dossier_updated(
    conn: &Connection,
    e: &FamilyDossierUpdated,
) -> Result<(), ProjectionError> {
    let missing = serde_json::to_string(&e.missing_items)
        .map_err(|error| ProjectionError::malformed("families", error))?;
    conn.prepare_cached(
        "UPDATE families SET dossier_complete = ?2, missing_items = ?3 WHERE family_id = ?1",
    )?
    .execute(params![e.family_id.to_string(), e.complete, missing])?;
    Ok(())
}

fn replace_structures(
    conn: &Connection,
    family: &str,
    structures: &[domain::ids::StructureId],
) -> Result<(), ProjectionError> {
    conn.prepare_cached("DELETE FROM family_structures WHERE family_id = ?1")?
        .execute(params![family])?;
    let mut insert = conn.prepare_cached(
        "INSERT OR IGNORE INTO family_structures (family_id, structure_id) VALUES (?1, ?2)",
    )?;
    for structure in structures {
        insert.execute(params![family, structure.to_string()])?;
    }
    Ok(())
}
