//! Log-in and first activation.

use chrono::{DateTime, Utc};
use domain::ids::{FamilyId, StructureId};
use rusqlite::{Connection, OptionalExtension, params};

use super::passwords::{check_not_obvious, decoy_hash};
use super::session::{delete_session, insert_session, insert_session_kept};
use super::throttle::{ThrottleKey, clear_throttle, record_failures, retry_after};
use super::{AccountRefusal, family_actor};
use crate::{App, AppError, credentials, registry};

/// The answer to a log-in attempt. `Rejected` is the same for an unknown identifiant, a wrong
/// password and an account without a password yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoginOutcome {
    /// `remembered_until`: the end of a session kept on a trusted device (« Rester connecté »).
    LoggedIn {
        token: String,
        family: FamilyId,
        remembered_until: Option<DateTime<Utc>>,
    },
    Rejected,
    Throttled {
        retry_after_seconds: i64,
    },
}

/// Checks the identifiant and password; on success opens a new session (the previous one, if
/// any, is deleted: the id rotates at log-in) and clears the account's failures. `remember`:
/// « Rester connecté », the session lasts [`REMEMBERED_FOR`](super::REMEMBERED_FOR).
pub fn login(
    app: &App,
    login: &str,
    password: &str,
    ip: Option<&str>,
    previous_session: Option<&str>,
    remember: bool,
) -> Result<LoginOutcome, AppError> {
    let login = login.trim().to_owned();
    let keys = ThrottleKey::for_attempt("login", &login, ip);
    let wait = retry_after(app, &keys)?;
    if wait > 0 {
        return Ok(LoginOutcome::Throttled {
            retry_after_seconds: wait,
        });
    }
    let lookup = login.clone();
    let stored: Option<(FamilyId, Option<String>)> = app.query(move |conn| {
        conn.prepare_cached(
            "SELECT family_id, password_hash FROM family_accounts WHERE login = ?1",
        )?
        .query_row(params![lookup], |r| Ok((r.get::<_, String>(0)?, r.get(1)?)))
        .optional()?
        .map(|(id, hash)| id.parse().map(|id| (id, hash)))
        .transpose()
        .map_err(|e| AppError::corrupt("family_accounts", e))
    })?;
    let too_long = password.chars().count() > credentials::MAX_PASSWORD_CHARS;
    let (family, hash) = match &stored {
        Some((family, Some(hash))) => (Some(*family), hash.as_str()),
        _ => (None, decoy_hash()),
    };
    let matches = !too_long && credentials::verify_password(password, hash) && family.is_some();
    let Some(family) = family.filter(|_| matches) else {
        record_failures(app, &keys)?;
        return Ok(LoginOutcome::Rejected);
    };
    let rehash = credentials::needs_rehash(hash)
        .then(|| credentials::hash_password(password))
        .transpose()?;
    let previous = previous_session.map(str::to_owned);
    let account_key = keys[0].clone();
    let (token, remembered_until) = app.execute(&family_actor(family), move |command| {
        if let Some(previous) = &previous {
            delete_session(command.conn(), previous)?;
        }
        clear_throttle(command.conn(), &account_key)?;
        if let Some(hash) = &rehash {
            registry::set_password_hash(command.conn(), family, hash)?;
        }
        let structure = first_structure(command.conn(), family, command.now())?;
        let until = remember.then(|| command.now() + super::REMEMBERED_FOR);
        let token = insert_session_kept(command.conn(), family, structure, command.now(), until)?;
        Ok((token, until))
    })?;
    Ok(LoginOutcome::LoggedIn {
        token,
        family,
        remembered_until,
    })
}

/// The structure a new session consults: the one of the family's latest request, else the
/// family's first by name.
pub(super) fn first_structure(
    conn: &Connection,
    family: FamilyId,
    now: DateTime<Utc>,
) -> Result<Option<StructureId>, AppError> {
    let today = domain::deadline::paris_day(now);
    let Some(row) = projections::family(conn, family, today)? else {
        return Ok(None);
    };
    let latest: Option<(String, String)> = conn
        .prepare_cached(
            "SELECT activity_id, day FROM booking_requests WHERE family_id = ?1 AND kind = 'booking'
             ORDER BY requested_position DESC LIMIT 1",
        )?
        .query_row(params![family.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if let Some((activity, day)) = latest
        && let (Ok(activity), Ok(day)) = (activity.parse(), day.parse())
        && let Some(activity) = projections::activity(conn, activity, day)?
        && row.structures.contains(&activity.structure_id)
    {
        return Ok(Some(activity.structure_id));
    }
    Ok(crate::listing::family_structures(conn, family, today)?
        .first()
        .map(|(id, _)| *id))
}

/// First log-in: the one-time code handed out by the structure, then a password of the
/// parent's choice. Opens a session.
pub fn activate(
    app: &App,
    login: &str,
    code: &str,
    new_password: &str,
    ip: Option<&str>,
) -> Result<String, AppError> {
    let login = login.trim().to_owned();
    let keys = ThrottleKey::for_attempt("activation", &login, ip);
    let wait = retry_after(app, &keys)?;
    if wait > 0 {
        return Err(AccountRefusal::Throttled { seconds: wait }.into());
    }
    credentials::check_password_policy(new_password)?;
    check_not_obvious(new_password, &login)?;
    let code_hash = crate::setup::import::hash_activation_code(code);
    let lookup = login.clone();
    let family: Option<FamilyId> = app.query(move |conn| {
        conn.prepare_cached(
            "SELECT family_id FROM family_accounts WHERE login = ?1 AND activation_code_hash = ?2",
        )?
        .query_row(params![lookup, code_hash], |r| r.get::<_, String>(0))
        .optional()?
        .map(|id| id.parse())
        .transpose()
        .map_err(|e| AppError::corrupt("family_accounts", e))
    })?;
    let Some(family) = family else {
        record_failures(app, &keys)?;
        return Err(AccountRefusal::WrongActivationCode.into());
    };
    let hash = credentials::hash_password(new_password)?;
    app.execute(&family_actor(family), move |command| {
        registry::set_password_hash(command.conn(), family, &hash)?;
        clear_throttle(command.conn(), &keys[0])?;
        let structure = first_structure(command.conn(), family, command.now())?;
        insert_session(command.conn(), family, structure, command.now())
    })
}
