//! The ten recovery codes of an enrolled account: shown once at enrolment, stored hashed, each
//! usable once instead of a TOTP code (a lost phone).

use chrono::{DateTime, Utc};
use domain::ids::StaffId;
use rusqlite::{Connection, params};

use crate::AppError;
use crate::accounts::stamp;
use crate::setup::import::{activation_code, hash_activation_code};

/// How many recovery codes an enrolment hands out.
pub const RECOVERY_CODES: usize = 10;

/// Replaces the account's recovery codes by ten new ones; returns them (never stored in clear).
pub(super) fn new_recovery_codes(
    conn: &Connection,
    staff: StaffId,
) -> Result<Vec<String>, AppError> {
    conn.prepare_cached("DELETE FROM staff_recovery_codes WHERE staff_id = ?1")?
        .execute(params![staff.to_string()])?;
    let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| activation_code()).collect();
    for code in &codes {
        conn.prepare_cached(
            "INSERT INTO staff_recovery_codes (staff_id, code_hash) VALUES (?1, ?2)",
        )?
        .execute(params![staff.to_string(), hash_activation_code(code)])?;
    }
    Ok(codes)
}

/// Marks `code` used when it is one of the account's unused recovery codes; true then.
pub(super) fn spend_recovery_code(
    conn: &Connection,
    staff: StaffId,
    code: &str,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    if code.chars().filter(char::is_ascii_alphanumeric).count() < 12 {
        return Ok(false);
    }
    let spent = conn
        .prepare_cached(
            "UPDATE staff_recovery_codes SET used_at = ?3
             WHERE staff_id = ?1 AND code_hash = ?2 AND used_at IS NULL",
        )?
        .execute(params![
            staff.to_string(),
            hash_activation_code(code),
            stamp(now)
        ])?;
    Ok(spent == 1)
}
