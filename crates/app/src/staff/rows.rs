//! Writes of the staff registry tables (`staff.sql`): the account row, its secrets, its
//! sessions. Reads of an account are `member.rs`'s.

use domain::ids::StaffId;
use rusqlite::{Connection, OptionalExtension, params};

use super::StaffMember;
use crate::AppError;
use crate::accounts::stamp;

/// Inserts a new account row (no password, no second factor yet).
pub(crate) fn insert_account(
    conn: &Connection,
    member: &StaffMember,
    activation_code_hash: Option<&str>,
) -> Result<(), AppError> {
    conn.prepare_cached(
        "INSERT INTO staff_accounts (staff_id, login, name, email, roles, structure_ids, activation_code_hash, demo)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        member.staff_id.to_string(),
        member.login,
        member.name,
        member.email.as_ref().map(|e| e.as_str()),
        json(&member.rights.roles)?,
        json(&member.rights.structures)?,
        activation_code_hash,
        i64::from(member.demo),
    ])?;
    Ok(())
}

/// Writes the account's name, e-mail, roles and structures.
pub(crate) fn update_account(conn: &Connection, member: &StaffMember) -> Result<(), AppError> {
    conn.prepare_cached(
        "UPDATE staff_accounts SET name = ?2, email = ?3, roles = ?4, structure_ids = ?5 WHERE staff_id = ?1",
    )?
    .execute(params![
        member.staff_id.to_string(),
        member.name,
        member.email.as_ref().map(|e| e.as_str()),
        json(&member.rights.roles)?,
        json(&member.rights.structures)?,
    ])?;
    Ok(())
}

/// Marks the account disabled and ends its sessions.
pub(crate) fn disable(
    conn: &Connection,
    staff: StaffId,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    conn.prepare_cached("UPDATE staff_accounts SET disabled_at = ?2 WHERE staff_id = ?1")?
        .execute(params![staff.to_string(), stamp(at)])?;
    delete_sessions(conn, staff)
}

/// Ends every session of the account.
pub(crate) fn delete_sessions(conn: &Connection, staff: StaffId) -> Result<(), AppError> {
    conn.prepare_cached("DELETE FROM staff_sessions WHERE staff_id = ?1")?
        .execute(params![staff.to_string()])?;
    Ok(())
}

/// A new activation code: the password, the second factor and the recovery codes are reset,
/// and the sessions end (the member starts over).
pub(crate) fn start_over(
    conn: &Connection,
    staff: StaffId,
    code_hash: &str,
) -> Result<(), AppError> {
    conn.prepare_cached(
        "UPDATE staff_accounts SET activation_code_hash = ?2, password_hash = NULL, totp_secret = NULL,
             totp_enrolled_at = NULL, totp_last_step = NULL WHERE staff_id = ?1",
    )?
    .execute(params![staff.to_string(), code_hash])?;
    conn.prepare_cached("DELETE FROM staff_recovery_codes WHERE staff_id = ?1")?
        .execute(params![staff.to_string()])?;
    delete_sessions(conn, staff)
}

/// The hashes and TOTP state the log-in needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Secrets {
    pub activation_code_hash: Option<String>,
    pub password_hash: Option<String>,
    pub totp_secret: Option<String>,
    pub totp_last_step: Option<i64>,
}

pub(crate) fn secrets(conn: &Connection, staff: StaffId) -> Result<Option<Secrets>, AppError> {
    Ok(conn
        .prepare_cached(
            "SELECT activation_code_hash, password_hash, totp_secret, totp_last_step FROM staff_accounts WHERE staff_id = ?1",
        )?
        .query_row(params![staff.to_string()], |r| {
            Ok(Secrets {
                activation_code_hash: r.get(0)?,
                password_hash: r.get(1)?,
                totp_secret: r.get(2)?,
                totp_last_step: r.get(3)?,
            })
        })
        .optional()?)
}

/// Sets the password (the activation code is spent).
pub(crate) fn set_password(conn: &Connection, staff: StaffId, hash: &str) -> Result<(), AppError> {
    conn.prepare_cached(
        "UPDATE staff_accounts SET password_hash = ?2, activation_code_hash = NULL WHERE staff_id = ?1",
    )?
    .execute(params![staff.to_string(), hash])?;
    Ok(())
}

/// Stores a TOTP secret awaiting its first code.
pub(crate) fn set_pending_secret(
    conn: &Connection,
    staff: StaffId,
    secret: &str,
) -> Result<(), AppError> {
    conn.prepare_cached(
        "UPDATE staff_accounts SET totp_secret = ?2, totp_enrolled_at = NULL, totp_last_step = NULL WHERE staff_id = ?1",
    )?
    .execute(params![staff.to_string(), secret])?;
    Ok(())
}

/// Marks the secret confirmed at `at`, `step` being the step of the confirming code.
pub(crate) fn confirm_secret(
    conn: &Connection,
    staff: StaffId,
    step: i64,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    conn.prepare_cached(
        "UPDATE staff_accounts SET totp_enrolled_at = ?2, totp_last_step = ?3 WHERE staff_id = ?1",
    )?
    .execute(params![staff.to_string(), stamp(at), step])?;
    Ok(())
}

/// Stores a secret already confirmed (the demo accounts).
pub(crate) fn enrol(
    conn: &Connection,
    staff: StaffId,
    secret: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    conn.prepare_cached(
        "UPDATE staff_accounts SET totp_secret = ?2, totp_enrolled_at = ?3, totp_last_step = NULL WHERE staff_id = ?1",
    )?
    .execute(params![staff.to_string(), secret, stamp(at)])?;
    Ok(())
}

/// Records the step of the last TOTP code accepted.
pub(crate) fn set_last_step(conn: &Connection, staff: StaffId, step: i64) -> Result<(), AppError> {
    conn.prepare_cached("UPDATE staff_accounts SET totp_last_step = ?2 WHERE staff_id = ?1")?
        .execute(params![staff.to_string(), step])?;
    Ok(())
}

/// Whether a family account already uses `login`.
pub(crate) fn family_login_exists(conn: &Connection, login: &str) -> Result<bool, AppError> {
    Ok(crate::registry::family_by_login(conn, login)?.is_some())
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, AppError> {
    serde_json::to_string(value).map_err(|e| AppError::corrupt("staff_accounts", e))
}
