//! Which structures an export covers: the one asked for, or every structure where the member
//! holds the export's permission.

use domain::ids::{StructureId, WalletId};
use domain::staff::Permission;
use rusqlite::Connection;

use super::ExportRefusal;
use crate::staff::Acting;
use crate::{App, AppError};

/// A structure an export covers, with its régie.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ScopedStructure {
    pub id: StructureId,
    pub label: String,
    pub wallet_id: WalletId,
    pub wallet_label: String,
}

/// `only`, checked to exist (and the member allowed there), or every structure the member may
/// export with `permission`.
pub(crate) fn structures_in_scope(
    conn: &Connection,
    by: &Acting,
    permission: Permission,
    only: Option<StructureId>,
) -> Result<Vec<ScopedStructure>, AppError> {
    let known = projections::structures(conn)?;
    if let Some(id) = only
        && !known.iter().any(|s| s.structure_id == id)
    {
        return Err(ExportRefusal::UnknownStructure {
            typed: id.to_string(),
        }
        .into());
    }
    Ok(known
        .into_iter()
        .filter(|s| only.is_none_or(|id| id == s.structure_id))
        .filter(|s| by.may_in(permission, s.structure_id))
        .map(|s| ScopedStructure {
            id: s.structure_id,
            label: s.label,
            wallet_id: s.wallet_id,
            wallet_label: s.wallet_label,
        })
        .collect())
}

/// A structure of the exports page's selector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportStructure {
    pub id: StructureId,
    pub label: String,
}

/// The structures `by` may export something of (the page's selector): refused when `by` may
/// export nothing.
pub fn export_structures(app: &App, by: &Acting) -> Result<Vec<ExportStructure>, AppError> {
    if !by.may(Permission::ExportMoney) {
        by.require(Permission::ExportAttendance, None)?;
    }
    let acting = by.clone();
    app.query(move |conn| {
        Ok(projections::structures(conn)?
            .into_iter()
            .filter(|s| {
                acting.may_in(Permission::ExportAttendance, s.structure_id)
                    || acting.may_in(Permission::ExportMoney, s.structure_id)
            })
            .map(|s| ExportStructure {
                id: s.structure_id,
                label: s.label,
            })
            .collect())
    })
}

/// The structure a person typed: its setup key (`quinsac`) or its id.
pub fn structure_named(app: &App, text: &str) -> Result<StructureId, AppError> {
    let typed = text.trim().to_owned();
    if let Ok(id) = typed.parse::<StructureId>() {
        return Ok(id);
    }
    app.query(move |conn| {
        crate::registry::id_of_key(conn, "structure", &typed)?
            .map(StructureId::from_uuid)
            .ok_or_else(|| ExportRefusal::UnknownStructure { typed }.into())
    })
}
