//! Single-use links (password reset, e-mail confirmation): their secret and their rows.

use chrono::{DateTime, Duration, Utc};
use domain::Email;
use domain::ids::FamilyId;
use rusqlite::{Connection, OptionalExtension, params};

use super::{AccountRefusal, instant, is_secret_shaped, new_secret, sha256_hex, stamp};
use crate::AppError;

/// The secret of a link the portal handed out (password reset, e-mail confirmation), parsed
/// from a URL: exactly the shape of [`new_secret`], so what a page writes back from it (a form
/// field, a link) can only ever be 64 lowercase hex characters.
#[derive(Clone, PartialEq, Eq)]
pub struct LinkToken(String);

impl LinkToken {
    /// `None` unless `text` is 64 lowercase hex characters.
    pub fn parse(text: &str) -> Option<LinkToken> {
        is_secret_shaped(text).then(|| LinkToken(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for LinkToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A secret is not written in logs.
impl std::fmt::Debug for LinkToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkToken(…)")
    }
}

/// A new single-use token of `purpose`; earlier unused ones of the same purpose are revoked.
pub(super) fn issue_token(
    conn: &Connection,
    family: FamilyId,
    purpose: &str,
    email: Option<&Email>,
    now: DateTime<Utc>,
    valid: Duration,
) -> Result<String, AppError> {
    conn.prepare_cached(
        "UPDATE account_tokens SET used_at = ?3 WHERE family_id = ?1 AND purpose = ?2 AND used_at IS NULL",
    )?
    .execute(params![family.to_string(), purpose, stamp(now)])?;
    let token = new_secret();
    conn.prepare_cached(
        "INSERT INTO account_tokens (token_hash, purpose, family_id, email, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        sha256_hex(&token),
        purpose,
        family.to_string(),
        email.map(Email::as_str),
        stamp(now),
        stamp(now + valid)
    ])?;
    Ok(token)
}

pub(super) fn live_token(
    conn: &Connection,
    token: &LinkToken,
    purpose: &str,
    now: DateTime<Utc>,
) -> Result<Option<(FamilyId, Option<Email>)>, AppError> {
    let row: Option<(String, Option<String>, String)> = conn
        .prepare_cached(
            "SELECT family_id, email, expires_at FROM account_tokens
             WHERE token_hash = ?1 AND purpose = ?2 AND used_at IS NULL",
        )?
        .query_row(params![sha256_hex(token.as_str()), purpose], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    let Some((family, email, expires)) = row else {
        return Ok(None);
    };
    if instant(&expires, "account_tokens")? <= now {
        return Ok(None);
    }
    let family = family
        .parse()
        .map_err(|e| AppError::corrupt("account_tokens", e))?;
    let email = email
        .map(|email| crate::registry::stored_email("account_tokens", &email))
        .transpose()?;
    Ok(Some((family, email)))
}

/// The refusal of a spent, expired or unknown link.
pub(super) fn dead_link() -> AppError {
    AccountRefusal::DeadLink.into()
}
