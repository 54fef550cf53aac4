//! The staff accounts as administration reads them (`/gestion/comptes`, `portail staff list`).

use domain::Email;
use domain::ids::{StaffId, StructureId};
use domain::staff::{Permission, Role};
use serde::Serialize;

use super::{Acting, StaffMember, StaffRefusal, member_by_login, members, rows};
use crate::{App, AppError, registry};

/// One account, with its structures named; the TOTP secret only for a demo account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StaffAccountRow {
    pub staff_id: StaffId,
    pub login: String,
    pub name: String,
    #[serde(serialize_with = "email_text")]
    pub email: Option<Email>,
    pub roles: Vec<Role>,
    /// (id, key in the setup file, label).
    pub structures: Vec<StaffStructure>,
    pub activated: bool,
    pub enrolled: bool,
    pub disabled: bool,
    pub demo: bool,
    /// Base32; shown for the demo accounts alone, so a tester computes their codes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub totp_secret: Option<String>,
}

/// A structure an account acts on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StaffStructure {
    pub id: StructureId,
    pub key: Option<String>,
    pub label: String,
}

/// Every staff account, by identifiant (`Permission::ManageStaff`).
pub fn staff_accounts(app: &App, by: &Acting) -> Result<Vec<StaffAccountRow>, AppError> {
    by.require(Permission::ManageStaff, None)?;
    app.query(|conn| {
        let known = projections::structures(conn)?;
        let mut out = Vec::new();
        for member in members(conn)? {
            let mut structures = Vec::new();
            for id in &member.rights.structures {
                structures.push(StaffStructure {
                    id: *id,
                    key: registry::key_of_id(conn, "structure", id.0)?,
                    label: known
                        .iter()
                        .find(|s| s.structure_id == *id)
                        .map(|s| s.label.clone())
                        .unwrap_or_default(),
                });
            }
            let totp_secret = if member.demo {
                rows::secrets(conn, member.staff_id)?.and_then(|s| s.totp_secret)
            } else {
                None
            };
            out.push(StaffAccountRow {
                staff_id: member.staff_id,
                login: member.login,
                name: member.name,
                email: member.email,
                roles: member.rights.roles,
                structures,
                activated: member.activated,
                enrolled: member.enrolled,
                disabled: member.disabled,
                demo: member.demo,
                totp_secret,
            });
        }
        Ok(out)
    })
}

/// The id of the account whose identifiant is `login`, disabled or not.
pub fn staff_by_login(app: &App, login: &str) -> Result<StaffId, AppError> {
    let login = login.to_owned();
    app.query(move |conn| member_by_login(conn, &login))?
        .map(|m| m.staff_id)
        .ok_or_else(|| StaffRefusal::UnknownLogin.into())
}

/// The active account whose identifiant is `login` (the CLI's `--as`).
pub fn active_member(app: &App, login: &str) -> Result<StaffMember, AppError> {
    let login = login.to_owned();
    app.query(move |conn| member_by_login(conn, &login))?
        .filter(|m| !m.disabled)
        .ok_or_else(|| StaffRefusal::UnknownLogin.into())
}

/// The structure of the setup file's key `key`.
pub fn structure_by_key(app: &App, key: &str) -> Result<Option<StructureId>, AppError> {
    let key = key.trim().to_owned();
    app.query(move |conn| {
        Ok(registry::id_of_key(conn, "structure", &key)?.map(StructureId::from_uuid))
    })
}

fn email_text<S: serde::Serializer>(email: &Option<Email>, to: S) -> Result<S::Ok, S::Error> {
    to.serialize_some(&email.as_ref().map(Email::as_str))
}
