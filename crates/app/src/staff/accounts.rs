//! Opening, changing and disabling staff accounts, and handing out a new activation code
//! (`Permission::ManageStaff`). Each account fact is an event; the name, the e-mail and the
//! code's hash are registry rows.

use domain::Email;
use domain::event::{StaffAccountChanged, StaffAccountDisabled, StaffAccountOpened};
use domain::ids::{StaffId, StructureId, derive_id};
use domain::staff::{Permission, Role, StaffRights};

use super::{Acting, StaffMember, StaffRefusal, member, member_by_login, rows};
use crate::setup::import::{activation_code, hash_activation_code};
use crate::{App, AppError, Command};

/// Longest identifiant accepted.
const MAX_LOGIN_CHARS: usize = 40;

/// What opening an account needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewStaffAccount {
    pub login: String,
    pub name: String,
    pub email: Option<Email>,
    pub roles: Vec<Role>,
    pub structures: Vec<StructureId>,
}

/// The id of the account whose identifiant is `login` (the same from the CLI, the desk and the
/// setup file, whose key is the identifiant).
pub fn staff_id_of(login: &str) -> StaffId {
    StaffId::from_uuid(derive_id("staff", login))
}

/// An identifiant as stored: trimmed, lower case, 2 to 40 of `a-z 0-9 . - _`.
pub fn parse_login(text: &str) -> Result<String, StaffRefusal> {
    let login = text.trim().to_lowercase();
    let length = login.chars().count();
    let shaped = login
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_'));
    if !(2..=MAX_LOGIN_CHARS).contains(&length) || !shaped {
        return Err(StaffRefusal::InvalidLogin);
    }
    Ok(login)
}

/// Opens an account; returns its id and the one-time activation code (shown once).
pub fn open_account(
    app: &App,
    by: &Acting,
    new: NewStaffAccount,
) -> Result<(StaffId, String), AppError> {
    let by = by.clone();
    app.execute(&by.actor_text(), move |command| {
        by.require(Permission::ManageStaff, None)?;
        let code = activation_code();
        let staff = open_in(command, &new, Some(&hash_activation_code(&code)), false)?;
        Ok((staff, code))
    })
}

/// Opens an account inside `command` (the CLI, the desk, the setup import, the demo).
pub(crate) fn open_in(
    command: &mut Command<'_, '_>,
    new: &NewStaffAccount,
    activation_code_hash: Option<&str>,
    demo: bool,
) -> Result<StaffId, AppError> {
    let login = parse_login(&new.login)?;
    let name = new.name.trim().to_owned();
    if name.is_empty() {
        return Err(StaffRefusal::NameMissing.into());
    }
    if member_by_login(command.conn(), &login)?.is_some()
        || rows::family_login_exists(command.conn(), &login)?
    {
        return Err(StaffRefusal::LoginTaken.into());
    }
    let rights = checked_rights(command, &new.roles, &new.structures)?;
    let staff_id = staff_id_of(&login);
    if member(command.conn(), staff_id)?.is_some() {
        return Err(StaffRefusal::LoginTaken.into());
    }
    command.emit(StaffAccountOpened {
        staff_id,
        roles: rights.roles.clone(),
        structure_ids: rights.structures.clone(),
    })?;
    let member = StaffMember {
        staff_id,
        login,
        name,
        email: new.email.clone(),
        rights,
        activated: false,
        enrolled: false,
        disabled: false,
        demo,
    };
    rows::insert_account(command.conn(), &member, activation_code_hash)?;
    Ok(staff_id)
}

/// Opens an account of the demo (`demo = 1`), already activated and enrolled.
pub(crate) fn open_demo_account(
    command: &mut Command<'_, '_>,
    new: &NewStaffAccount,
    password_hash: &str,
    secret: &super::TotpSecret,
) -> Result<StaffId, AppError> {
    let staff = open_in(command, new, None, true)?;
    rows::set_password(command.conn(), staff, password_hash)?;
    rows::enrol(command.conn(), staff, &secret.base32(), command.now())?;
    Ok(staff)
}

/// Roles sorted and deduplicated, at least one; structures known, sorted, required when a
/// scoped role (accueil, direction) is given.
fn checked_rights(
    command: &Command<'_, '_>,
    roles: &[Role],
    structures: &[StructureId],
) -> Result<StaffRights, AppError> {
    let mut roles = roles.to_vec();
    roles.sort();
    roles.dedup();
    if roles.is_empty() {
        return Err(StaffRefusal::NoRole.into());
    }
    let mut structures = structures.to_vec();
    structures.sort();
    structures.dedup();
    let known = projections::structures(command.conn())?;
    if !structures
        .iter()
        .all(|s| known.iter().any(|k| k.structure_id == *s))
    {
        return Err(StaffRefusal::UnknownStructure.into());
    }
    if structures.is_empty() && roles.iter().any(|r| r.is_scoped()) {
        return Err(StaffRefusal::NoStructure.into());
    }
    Ok(StaffRights { roles, structures })
}

/// Changes the roles and structures of an active account; true when they differed.
pub fn change_account(
    app: &App,
    by: &Acting,
    staff: StaffId,
    roles: Vec<Role>,
    structures: Vec<StructureId>,
) -> Result<bool, AppError> {
    let by = by.clone();
    app.execute(&by.actor_text(), move |command| {
        by.require(Permission::ManageStaff, None)?;
        let current = active(command, staff)?;
        change_in(command, current, &roles, &structures)
    })
}

/// Records new roles and structures (an event only when they differ); true when they did.
pub(crate) fn change_in(
    command: &mut Command<'_, '_>,
    mut current: StaffMember,
    roles: &[Role],
    structures: &[StructureId],
) -> Result<bool, AppError> {
    let rights = checked_rights(command, roles, structures)?;
    if rights == current.rights {
        return Ok(false);
    }
    command.emit(StaffAccountChanged {
        staff_id: current.staff_id,
        roles: rights.roles.clone(),
        structure_ids: rights.structures.clone(),
    })?;
    current.rights = rights;
    rows::update_account(command.conn(), &current)?;
    Ok(true)
}

/// Writes the name and e-mail of `new` on the account (no event: registry data); true when
/// they differed.
pub(crate) fn update_contact(
    conn: &rusqlite::Connection,
    current: &StaffMember,
    new: &NewStaffAccount,
) -> Result<bool, AppError> {
    let name = new.name.trim();
    if current.name == name && current.email == new.email {
        return Ok(false);
    }
    let mut updated = current.clone();
    updated.name = name.to_owned();
    updated.email = new.email.clone();
    rows::update_account(conn, &updated)?;
    Ok(true)
}

/// Disables an account: it can no longer log in, its sessions end. A member cannot disable
/// their own account (someone must stay able to manage the others).
pub fn disable_account(app: &App, by: &Acting, staff: StaffId) -> Result<(), AppError> {
    let by = by.clone();
    app.execute(&by.actor_text(), move |command| {
        by.require(Permission::ManageStaff, None)?;
        if by.actor() == domain::Actor::Staff(staff) {
            return Err(StaffRefusal::OwnAccount.into());
        }
        active(command, staff)?;
        command.emit(StaffAccountDisabled { staff_id: staff })?;
        rows::disable(command.conn(), staff, command.now())
    })
}

/// A new one-time activation code for an active account (shown once): the old code is
/// revoked, the password and the second factor reset, the sessions ended.
pub fn new_activation_code(app: &App, by: &Acting, staff: StaffId) -> Result<String, AppError> {
    let by = by.clone();
    app.execute(&by.actor_text(), move |command| {
        by.require(Permission::ManageStaff, None)?;
        active(command, staff)?;
        let code = activation_code();
        rows::start_over(command.conn(), staff, &hash_activation_code(&code))?;
        Ok(code)
    })
}

fn active(command: &Command<'_, '_>, staff: StaffId) -> Result<StaffMember, AppError> {
    match member(command.conn(), staff)? {
        Some(member) if !member.disabled => Ok(member),
        Some(_) => Err(StaffRefusal::AccountDisabled.into()),
        None => Err(StaffRefusal::UnknownLogin.into()),
    }
}
