//! The staff log-in's first step: identifiant and password. The same answer for an unknown
//! identifiant, a disabled account, an account not activated yet and a wrong password.

use super::{Stage, member_by_login, open_staff_session, rows};
use crate::accounts::passwords::decoy_hash;
use crate::accounts::throttle::{ThrottleKey, clear_throttle, record_failures, retry_after};
use crate::accounts::{is_secret_shaped, sha256_hex};
use crate::{App, AppError, credentials};

/// The throttling purpose of the password step.
const PURPOSE: &str = "staff-login";

/// The answer to a password step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StaffLoginOutcome {
    /// The password was right: a session at `stage` (second factor, or enrolment when none is
    /// enrolled yet) was opened; its cookie token.
    Started {
        token: String,
        stage: Stage,
    },
    Rejected,
    Throttled {
        retry_after_seconds: i64,
    },
}

/// Checks the identifiant and password (argon2id: run it on the hashing pool). The previous
/// staff session of the browser, if any, is deleted.
pub fn staff_login(
    app: &App,
    login: &str,
    password: &str,
    ip: Option<&str>,
    previous_session: Option<&str>,
) -> Result<StaffLoginOutcome, AppError> {
    let login = login.trim().to_lowercase();
    let keys = ThrottleKey::for_attempt(PURPOSE, &login, ip);
    let wait = retry_after(app, &keys)?;
    if wait > 0 {
        return Ok(StaffLoginOutcome::Throttled {
            retry_after_seconds: wait,
        });
    }
    let lookup = login.clone();
    let stored = app.query(move |conn| {
        let Some(member) = member_by_login(conn, &lookup)?.filter(|m| !m.disabled) else {
            return Ok(None);
        };
        let secrets = rows::secrets(conn, member.staff_id)?;
        Ok(secrets
            .and_then(|s| s.password_hash)
            .map(|hash| (member, hash)))
    })?;
    let too_long = password.chars().count() > credentials::MAX_PASSWORD_CHARS;
    let hash = stored
        .as_ref()
        .map_or(decoy_hash(), |(_, hash)| hash.as_str());
    let matches = !too_long && credentials::verify_password(password, hash);
    let Some((member, _)) = stored.filter(|_| matches) else {
        record_failures(app, &keys)?;
        return Ok(StaffLoginOutcome::Rejected);
    };
    let stage = if member.enrolled {
        Stage::SecondFactor
    } else {
        Stage::Enrolment
    };
    let previous = previous_session
        .filter(|t| is_secret_shaped(t))
        .map(sha256_hex);
    let account_key = keys[0].clone();
    let token = app.execute("system:gestion", move |command| {
        if let Some(previous) = &previous {
            super::session::delete(command.conn(), previous)?;
        }
        clear_throttle(command.conn(), &account_key)?;
        open_staff_session(command.conn(), &member, stage, command.now())
    })?;
    Ok(StaffLoginOutcome::Started { token, stage })
}
