//! The profile page's changes: password, e-mail address, recovery question.

use chrono::Duration;
use domain::Email;
use domain::ids::FamilyId;
use rusqlite::{OptionalExtension, params};

use super::passwords::{check_new_password, decoy_hash};
use super::recovery::{normalise_answer, recovery_question};
use super::session::insert_session;
use super::throttle::{ThrottleKey, record_failures, retry_after};
use super::tokens::{LinkToken, dead_link, issue_token, live_token};
use super::{AccountRefusal, family_actor, sha256_hex, stamp};
use crate::{App, AppError, credentials, notify, registry};

/// An e-mail confirmation link is valid this long.
pub(super) const EMAIL_CONFIRMATION_VALID: Duration = Duration::hours(48);

/// What the profile page shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    pub account: registry::FamilyAccount,
    pub question: Option<String>,
    /// An address waiting for its confirmation link.
    pub email_pending: Option<Email>,
}

pub fn profile(app: &App, family: FamilyId) -> Result<Profile, AppError> {
    let now = app.now();
    app.query(move |conn| {
        let account = registry::family_account(conn, family)?
            .ok_or_else(|| AppError::from(AccountRefusal::UnknownAccount))?;
        let email_pending: Option<String> = conn
            .prepare_cached(
                "SELECT email FROM account_tokens WHERE family_id = ?1 AND purpose = 'email_confirmation'
                   AND used_at IS NULL AND expires_at > ?2 ORDER BY created_at DESC LIMIT 1",
            )?
            .query_row(params![family.to_string(), stamp(now)], |r| r.get(0))
            .optional()?;
        let email_pending = email_pending
            .map(|email| registry::stored_email("account_tokens", &email))
            .transpose()?;
        Ok(Profile {
            question: recovery_question(conn, family)?,
            account,
            email_pending,
        })
    })
}

/// Verifies the current password of a logged-in parent (profile changes require it).
pub(super) fn check_current_password(
    app: &App,
    family: FamilyId,
    current: &str,
) -> Result<(), AppError> {
    let keys = [ThrottleKey::account("profile", &family.to_string())];
    let wait = retry_after(app, &keys)?;
    if wait > 0 {
        return Err(AccountRefusal::Throttled { seconds: wait }.into());
    }
    let stored: Option<String> = app.query(move |conn| {
        Ok(conn
            .prepare_cached("SELECT password_hash FROM family_accounts WHERE family_id = ?1")?
            .query_row(params![family.to_string()], |r| r.get(0))
            .optional()?
            .flatten())
    })?;
    let hash = stored.as_deref().unwrap_or(decoy_hash());
    if current.chars().count() > credentials::MAX_PASSWORD_CHARS
        || !credentials::verify_password(current, hash)
    {
        record_failures(app, &keys)?;
        return Err(AccountRefusal::WrongCurrentPassword.into());
    }
    Ok(())
}

/// Changes the password (the current one required). Every session of the account ends and a
/// new one is opened for this browser: the returned token replaces the cookie.
pub fn change_password(
    app: &App,
    family: FamilyId,
    current: &str,
    new_password: &str,
    confirmation: &str,
) -> Result<String, AppError> {
    let login = app
        .query(move |conn| registry::family_account(conn, family))?
        .map(|a| a.login)
        .unwrap_or_default();
    check_new_password(new_password, confirmation, &login)?;
    check_current_password(app, family, current)?;
    let hash = credentials::hash_password(new_password)?;
    app.execute(&family_actor(family), move |command| {
        let conn = command.conn();
        registry::set_password_hash(conn, family, &hash)?;
        let structure: Option<String> = conn
            .prepare_cached("SELECT structure_id FROM web_sessions WHERE family_id = ?1 ORDER BY last_seen_at DESC LIMIT 1")?
            .query_row(params![family.to_string()], |r| r.get(0))
            .optional()?
            .flatten();
        conn.prepare_cached("DELETE FROM web_sessions WHERE family_id = ?1")?
            .execute(params![family.to_string()])?;
        let structure = structure
            .map(|s| s.parse())
            .transpose()
            .map_err(|e| AppError::corrupt("web_sessions", e))?;
        insert_session(conn, family, structure, command.now())
    })
}

/// Parses an e-mail address typed by a parent (surrounding blanks aside).
pub fn parse_email(text: &str) -> Result<Email, AppError> {
    Email::parse(text.trim()).map_err(|_| AccountRefusal::InvalidEmail.into())
}

/// Starts an e-mail change: a confirmation link goes to the new address; the address is the
/// account's once the link is opened. The current password is required.
pub fn request_email_change(
    app: &App,
    family: FamilyId,
    current_password: &str,
    email: &str,
    base_url: &str,
) -> Result<Email, AppError> {
    let email = parse_email(email)?;
    check_current_password(app, family, current_password)?;
    let base_url = base_url.trim_end_matches('/').to_owned();
    let recipient = email.clone();
    app.execute(&family_actor(family), move |command| {
        let conn = command.conn();
        let account = registry::family_account(conn, family)?
            .ok_or_else(|| AppError::from(AccountRefusal::UnknownAccount))?;
        let token = issue_token(
            conn,
            family,
            "email_confirmation",
            Some(&recipient),
            command.now(),
            EMAIL_CONFIRMATION_VALID,
        )?;
        let link = format!("{base_url}/profil/confirmation/{token}");
        let (subject, body) = mail::templates::email_confirmation(
            &account.addressee(),
            &link,
            &notify::contact_block(conn)?,
        );
        mail::enqueue(
            conn,
            &mail::OutgoingMail {
                kind: mail::MailKind::EmailConfirmation,
                dedup_key: format!("email_confirmation:{}", sha256_hex(&token)),
                recipient: recipient.to_string(),
                subject,
                body,
            },
            command.now(),
        )?;
        Ok(())
    })?;
    Ok(email)
}

/// Opens a confirmation link: the address becomes the account's. Returns it.
pub fn confirm_email(app: &App, token: &LinkToken) -> Result<Email, AppError> {
    let token = token.clone();
    app.execute("system:portal", move |command| {
        let now = command.now();
        let conn = command.conn();
        let Some((family, Some(email))) = live_token(conn, &token, "email_confirmation", now)?
        else {
            return Err(dead_link());
        };
        conn.prepare_cached("UPDATE account_tokens SET used_at = ?2 WHERE token_hash = ?1")?
            .execute(params![sha256_hex(token.as_str()), stamp(now)])?;
        conn.prepare_cached("UPDATE family_accounts SET email = ?2 WHERE family_id = ?1")?
            .execute(params![family.to_string(), email.as_str()])?;
        Ok(email)
    })
}

/// Sets the recovery question and answer (the answer stored hashed). The current password is
/// required: otherwise a borrowed session could set its own way in.
pub fn set_recovery_question(
    app: &App,
    family: FamilyId,
    current_password: &str,
    question: &str,
    answer: &str,
) -> Result<(), AppError> {
    let question = question.trim().to_owned();
    let answer = normalise_answer(answer);
    if !(5..=200).contains(&question.chars().count()) {
        return Err(AccountRefusal::QuestionLength.into());
    }
    if !(3..=100).contains(&answer.chars().count()) {
        return Err(AccountRefusal::AnswerLength.into());
    }
    if question.to_lowercase().contains(&answer) {
        return Err(AccountRefusal::AnswerInQuestion.into());
    }
    check_current_password(app, family, current_password)?;
    let hash = credentials::hash_password(&answer)?;
    app.execute(&family_actor(family), move |command| {
        command
            .conn()
            .prepare_cached(
                "INSERT INTO account_recovery (family_id, question, answer_hash) VALUES (?1, ?2, ?3)
                 ON CONFLICT (family_id) DO UPDATE SET question = excluded.question, answer_hash = excluded.answer_hash",
            )?
            .execute(params![family.to_string(), question, hash])?;
        Ok(())
    })
}
