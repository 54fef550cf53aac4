//! The staff log-in's second step: the TOTP code of the authenticator app, or one of the ten
//! recovery codes (each usable once). Throttled like the password step.

use chrono::{DateTime, Utc};

use super::recovery_codes::spend_recovery_code;
use super::session::{delete, load};
use super::{StaffMember, StaffSession, Stage, TotpSecret, open_staff_session, rows};
use crate::accounts::throttle::{ThrottleKey, clear_throttle, record_failure, retry_after};
use crate::accounts::{AccountRefusal, is_secret_shaped};
use crate::{App, AppError, Command};

/// The throttling purpose of the code step (and of enrolment's first code).
pub(super) const PURPOSE: &str = "staff-code";

/// The answer to a code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecondFactorOutcome {
    /// Logged in: the pre-log-in session was replaced by this one (a new cookie token).
    Ready {
        token: String,
    },
    Rejected,
    Throttled {
        retry_after_seconds: i64,
    },
}

/// Checks `code` for the session of `token`, which must be at the second-factor stage.
pub fn second_factor(
    app: &App,
    token: &str,
    code: &str,
    ip: Option<&str>,
) -> Result<SecondFactorOutcome, AppError> {
    let session = session_at(app, token, Stage::SecondFactor)?;
    let keys = ThrottleKey::for_attempt(PURPOSE, &session.member.login, ip);
    let wait = retry_after(app, &keys)?;
    if wait > 0 {
        return Ok(SecondFactorOutcome::Throttled {
            retry_after_seconds: wait,
        });
    }
    let code = code.trim().to_owned();
    app.execute("system:gestion", move |command| {
        let Some(session) = load(command.conn(), &session.token_hash)?
            .filter(|s| s.stage == Stage::SecondFactor && !s.expired(command.now()))
        else {
            return Err(AccountRefusal::SessionEnded.into());
        };
        let now = command.now();
        let accepted = accept_totp(command, &session.member, &code, now)?
            || spend_recovery_code(command.conn(), session.member.staff_id, &code, now)?;
        if !accepted {
            for key in &keys {
                record_failure(command.conn(), key, now)?;
            }
            return Ok(SecondFactorOutcome::Rejected);
        }
        clear_throttle(command.conn(), &keys[0])?;
        let token = rotate(command, &session)?;
        Ok(SecondFactorOutcome::Ready { token })
    })
}

/// The live session of `token` when it is at `stage`; else the session has ended.
pub(super) fn session_at(app: &App, token: &str, stage: Stage) -> Result<StaffSession, AppError> {
    if !is_secret_shaped(token) {
        return Err(AccountRefusal::SessionEnded.into());
    }
    super::staff_session(app, token)?
        .filter(|s| s.stage == stage)
        .ok_or_else(|| AccountRefusal::SessionEnded.into())
}

/// Accepts the member's current TOTP code (±1 step, a step once), recording its step.
fn accept_totp(
    command: &Command<'_, '_>,
    member: &StaffMember,
    code: &str,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let Some(secrets) = rows::secrets(command.conn(), member.staff_id)? else {
        return Ok(false);
    };
    let Some(secret) = secrets.totp_secret.as_deref().and_then(TotpSecret::parse) else {
        return Ok(false);
    };
    match secret.accepts(code, now, secrets.totp_last_step) {
        Some(step) => {
            rows::set_last_step(command.conn(), member.staff_id, step)?;
            Ok(true)
        }
        None => Ok(false),
    }
}

/// Replaces a pre-log-in session by a ready one (the cookie's token changes at log-in).
pub(super) fn rotate(
    command: &Command<'_, '_>,
    session: &StaffSession,
) -> Result<String, AppError> {
    delete(command.conn(), &session.token_hash)?;
    open_staff_session(command.conn(), &session.member, Stage::Ready, command.now())
}
