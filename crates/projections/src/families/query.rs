//! Reads of the families read model.

use chrono::NaiveDate;
use domain::ids::{ChildId, FamilyId, StructureId};
use rusqlite::{Connection, params};

use crate::ProjectionError;
use crate::row;

/// A family as the read models know it (no personal data: see the registry).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FamilyRow {
    pub family_id: FamilyId,
    pub children: Vec<ChildId>,
    pub structures: Vec<StructureId>,
    pub dossier_complete: bool,
    pub missing_items: Vec<String>,
    /// Quotient familial in force on the day asked for (`None`: unknown).
    pub quotient: Option<u32>,
}

/// One family, with the quotient in force on `day`.
pub fn family(
    conn: &Connection,
    family: FamilyId,
    day: NaiveDate,
) -> Result<Option<FamilyRow>, ProjectionError> {
    Ok(families_where(conn, day, Some(family))?.into_iter().next())
}

/// Every family, with the quotient in force on `day`.
pub fn families(conn: &Connection, day: NaiveDate) -> Result<Vec<FamilyRow>, ProjectionError> {
    families_where(conn, day, None)
}

/// The columns of a family row; the statements below add their `WHERE`.
macro_rules! family_select {
    ($filter:literal) => {
        concat!(
            "SELECT f.family_id, f.dossier_complete, f.missing_items,
                COALESCE((SELECT json_group_array(child_id) FROM (SELECT child_id FROM children c
                          WHERE c.family_id = f.family_id ORDER BY child_id)), '[]'),
                COALESCE((SELECT json_group_array(structure_id) FROM (SELECT structure_id FROM family_structures s
                          WHERE s.family_id = f.family_id ORDER BY structure_id)), '[]'),
                (SELECT quotient FROM family_quotients q WHERE q.family_id = f.family_id AND q.effective_from <= ?1
                  ORDER BY q.effective_from DESC LIMIT 1)
         FROM families f ",
            $filter,
            " ORDER BY f.family_id"
        )
    };
}

fn families_where(
    conn: &Connection,
    day: NaiveDate,
    only: Option<FamilyId>,
) -> Result<Vec<FamilyRow>, ProjectionError> {
    // Two statements, not `?2 IS NULL OR f.family_id = ?2`: with the OR, SQLite plans a scan of
    // every family for one family's row (66 % of « Solde et Paiement » on 5,000 families).
    let (sql, only) = match only {
        Some(family) => (
            family_select!("WHERE f.family_id = ?2"),
            Some(family.to_string()),
        ),
        None => (family_select!("WHERE ?2 IS NULL"), None),
    };
    row::all(
        conn,
        "families",
        sql,
        params![day.to_string(), only],
        |row| {
            Ok(FamilyRow {
                family_id: row.id(0)?,
                dossier_complete: row.get(1)?,
                missing_items: row.json(2)?,
                children: row.json(3)?,
                structures: row.json(4)?,
                quotient: row.get(5)?,
            })
        },
    )
}

/// A quotient familial in force from a day on (`None`: unknown, the highest bracket).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuotientRow {
    pub effective_from: NaiveDate,
    pub quotient: Option<u32>,
}

/// Every quotient the family was given, by effective day.
pub fn quotients(conn: &Connection, family: FamilyId) -> Result<Vec<QuotientRow>, ProjectionError> {
    row::all(
        conn,
        "family_quotients",
        "SELECT effective_from, quotient FROM family_quotients WHERE family_id = ?1 ORDER BY effective_from",
        params![family.to_string()],
        |row| {
            Ok(QuotientRow {
                effective_from: row.day(0)?,
                quotient: row.get(1)?,
            })
        },
    )
}
