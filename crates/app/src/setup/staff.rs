//! `[[staff]]`: the staff accounts of the setup file (key = identifiant, name, e-mail, roles,
//! structures). Read with the rest of the file; imported by opening the new accounts (an
//! activation code each, printed once like the families') and recording the rights that
//! changed. Passwords and second factors are never touched.

use domain::ids::{StaffId, StructureId, derive_id};
use domain::staff::Role;

use super::import::{ImportReport, hash_activation_code};
use super::model::StaffEntry;
use super::toml_reader::{Keys, Section, SetupError};
use crate::staff::{NewStaffAccount, change_in, open_in, update_contact};
use crate::{AppError, Command};

const STAFF_KEYS: &[&str] = &["key", "name", "email", "roles", "structures"];

/// The `[[staff]]` tables.
pub(super) fn staff(
    root: &Section<'_, '_>,
    structures: &Keys<'_, StructureId>,
) -> Result<Vec<StaffEntry>, SetupError> {
    let mut keys = Keys::new(root.src, "un autre compte du personnel");
    let mut entries = Vec::new();
    for section in root.array_of_tables("staff", "[[staff]]")? {
        section.only(STAFF_KEYS)?;
        let key = section.require("key")?.login()?;
        let id = StaffId::from_uuid(derive_id("staff", &key.text));
        keys.insert(&key, id)?;
        let name = section.require("name")?.mail_header_text()?;
        let email = section.get("email").map(|f| f.email()).transpose()?;
        let roles_field = section.require("roles")?;
        let mut roles = Vec::new();
        for item in roles_field.items()? {
            let text = item.string()?;
            let role = Role::parse(text).ok_or_else(|| {
                item.fail(format!(
                    "rôle inconnu « {} » : accueil, direction, regie ou administration",
                    text.escape_debug()
                ))
            })?;
            if !roles.contains(&role) {
                roles.push(role);
            }
        }
        if roles.is_empty() {
            return Err(roles_field.fail("« roles » : indiquez au moins un rôle"));
        }
        let mut structure_ids = Vec::new();
        if let Some(list) = section.get("structures") {
            for item in list.items()? {
                let id = structures.resolve(&item, "structure inconnue")?;
                if !structure_ids.contains(&id) {
                    structure_ids.push(id);
                }
            }
        }
        if structure_ids.is_empty() && roles.iter().any(|r| r.is_scoped()) {
            return Err(roles_field.fail(
                "les rôles accueil et direction agissent sur des structures : indiquez « structures »",
            ));
        }
        entries.push(StaffEntry {
            key: key.text,
            id,
            name,
            email,
            roles,
            structures: structure_ids,
        });
    }
    Ok(entries)
}

/// Opens the new accounts, records the rights that changed, updates names and e-mails.
pub(super) fn import_staff(
    command: &mut Command<'_, '_>,
    entries: &[StaffEntry],
    report: &mut ImportReport,
) -> Result<(), AppError> {
    for entry in entries {
        let new = NewStaffAccount {
            login: entry.key.clone(),
            name: entry.name.clone(),
            email: entry.email.clone(),
            roles: entry.roles.clone(),
            structures: entry.structures.clone(),
        };
        match crate::staff::member(command.conn(), entry.id)? {
            None => {
                let code = super::import::activation_code();
                open_in(command, &new, Some(&hash_activation_code(&code)), false)?;
                report.activation_codes.push((entry.key.clone(), code));
                report
                    .created
                    .push(format!("compte du personnel {}", entry.key));
            }
            Some(current) if current.disabled => {}
            Some(current) => {
                if update_contact(command.conn(), &current, &new)? {
                    report.registry_rows += 1;
                }
                if change_in(command, current, &entry.roles, &entry.structures)? {
                    report
                        .changed
                        .push(format!("droits du compte du personnel {}", entry.key));
                }
            }
        }
    }
    Ok(())
}
