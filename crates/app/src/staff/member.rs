//! Staff accounts as the registry holds them.

use domain::Email;
use domain::ids::StaffId;
use domain::staff::StaffRights;
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::AppError;

/// A staff account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffMember {
    pub staff_id: StaffId,
    pub login: String,
    pub name: String,
    pub email: Option<Email>,
    pub rights: StaffRights,
    /// A password was chosen (the activation code was used).
    pub activated: bool,
    /// The TOTP second factor was confirmed by a first code.
    pub enrolled: bool,
    pub disabled: bool,
    /// Created by `portail demo`: its TOTP secret may be shown.
    pub demo: bool,
}

/// The one SELECT of the accounts, followed by its `WHERE` / `ORDER BY` (a literal: no SQL is
/// built at run time).
macro_rules! select_members {
    ($tail:literal) => {
        concat!(
            "SELECT staff_id, login, name, email, roles, structure_ids, password_hash IS NOT NULL, totp_enrolled_at IS NOT NULL, disabled_at IS NOT NULL, demo FROM staff_accounts ",
            $tail
        )
    };
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<Result<StaffMember, AppError>> {
    let id: String = row.get(0)?;
    let email: Option<String> = row.get(3)?;
    let roles: String = row.get(4)?;
    let structures: String = row.get(5)?;
    let fields = (
        row.get(1)?,
        row.get(2)?,
        row.get(6)?,
        row.get(7)?,
        row.get(8)?,
        row.get::<_, i64>(9)?,
    );
    Ok((|| {
        let corrupt = |e: &dyn std::fmt::Display| AppError::corrupt("staff_accounts", e);
        let (login, name, activated, enrolled, disabled, demo) = fields;
        Ok(StaffMember {
            staff_id: id.parse().map_err(|e| corrupt(&e))?,
            login,
            name,
            email: email
                .map(|e| crate::registry::stored_email("staff_accounts", &e))
                .transpose()?,
            rights: StaffRights {
                roles: serde_json::from_str(&roles).map_err(|e| corrupt(&e))?,
                structures: serde_json::from_str(&structures).map_err(|e| corrupt(&e))?,
            },
            activated,
            enrolled,
            disabled,
            demo: demo != 0,
        })
    })())
}

/// The account of `staff`, disabled or not.
pub fn member(conn: &Connection, staff: StaffId) -> Result<Option<StaffMember>, AppError> {
    conn.prepare_cached(select_members!("WHERE staff_id = ?1"))?
        .query_row(params![staff.to_string()], from_row)
        .optional()?
        .transpose()
}

/// The account whose identifiant is `login` (exactly, after trimming), disabled or not.
pub fn member_by_login(conn: &Connection, login: &str) -> Result<Option<StaffMember>, AppError> {
    conn.prepare_cached(select_members!("WHERE login = ?1"))?
        .query_row(params![login.trim()], from_row)
        .optional()?
        .transpose()
}

/// Every staff account, by identifiant.
pub fn members(conn: &Connection) -> Result<Vec<StaffMember>, AppError> {
    let mut statement = conn.prepare_cached(select_members!("ORDER BY login"))?;
    let rows = statement.query_map([], from_row)?;
    let mut members = Vec::new();
    for row in rows {
        members.push(row??);
    }
    Ok(members)
}
