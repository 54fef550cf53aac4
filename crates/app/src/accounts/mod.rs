//! Parents' accounts on the portal: log in with throttling, server-side sessions, activation,
//! password recovery (single-use link by mail or recovery question, never the password itself),
//! profile changes. REFERENCE §C.
//!
//! Password hashing costs ~70 ms of CPU: the functions that hash or verify (`login`, `activate`,
//! `answer_question`, `reset_password`, `change_password`, `set_recovery_question`,
//! `request_email_change`) are meant to run on the web's bounded hashing pool, never on the async
//! runtime. Their writes go through the store's writer like every command.

mod login;
mod opening;
pub(crate) mod passwords;
mod profile;
mod recovery;
mod refusal;
mod session;
pub(crate) mod throttle;
mod tokens;
mod welcome;

#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};
use domain::ids::FamilyId;
use rusqlite::Connection;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::AppError;

pub use login::{LoginOutcome, activate, login};
pub use opening::{LOOK_AGAIN_SECONDS, NextLook, OPENING_AHEAD, Opening, coming_opening};
pub use profile::{
    Profile, change_password, confirm_email, parse_email, profile, request_email_change,
    set_recovery_question,
};
pub use recovery::{
    AnswerOutcome, RecoveryOutcome, answer_question, ask_recovery_question,
    recovery_question_again, reset_link_login, reset_password, send_reset_link,
};
pub(crate) use recovery::{ResetMail, mail_reset_link};
pub use refusal::AccountRefusal;
pub use session::{
    REMEMBERED_FOR, Resumed, Session, choose_structure, close_session, forget_other_devices,
    purge_expired, remembered_devices, resume, save_basket, session, update_basket,
};
pub(crate) use throttle::clear_account_throttles;
pub use tokens::LinkToken;
pub use welcome::{StructureWelcome, every_welcome, family_structures, welcome_messages};

pub(crate) fn install(conn: &Connection) -> Result<(), AppError> {
    conn.execute_batch(include_str!("accounts.sql"))?;
    // « Rester connecté » (added later): databases made before get the column.
    let remembered = conn
        .prepare("SELECT 1 FROM pragma_table_info('web_sessions') WHERE name = 'remembered_until'")?
        .exists([])?;
    if !remembered {
        conn.execute_batch("ALTER TABLE web_sessions ADD COLUMN remembered_until TEXT")?;
    }
    Ok(())
}

/// 256 bits from the OS (two UUIDv4 draw 244 random bits), as 64 hex characters.
pub fn new_secret() -> String {
    format!("{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple())
}

/// True when `text` could be a [`new_secret`]: exactly 64 lowercase hex characters (checked
/// before touching the database).
pub fn is_secret_shaped(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Who acts in the metadata of what a parent does.
fn family_actor(family: FamilyId) -> String {
    format!("family:{family}")
}

pub(crate) fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

pub(crate) fn instant(text: &str, table: &'static str) -> Result<DateTime<Utc>, AppError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| AppError::corrupt(table, e))
}

pub(crate) fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
