//! Enrolment of the TOTP second factor, at the first log-in (or after a new activation code):
//! a secret shown as a QR code and as text, confirmed by a first valid code; then ten
//! recovery codes, returned once. A session at this stage reaches no other page.

use super::recovery_codes::new_recovery_codes;
use super::second_factor::{PURPOSE, rotate, session_at};
use super::session::load;
use super::{Stage, TotpSecret, rows};
use crate::accounts::AccountRefusal;
use crate::accounts::throttle::{ThrottleKey, clear_throttle, record_failure, retry_after};
use crate::{App, AppError};

/// The name the authenticator app shows above the code.
pub const TOTP_ISSUER: &str = "Portail Famille";

/// What the enrolment page shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Enrolment {
    pub login: String,
    pub secret: TotpSecret,
    /// The `otpauth://` URI the QR code carries.
    pub uri: String,
}

/// The answer to the first code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnrolmentOutcome {
    /// Enrolled and logged in (a new cookie token); the recovery codes, to show once.
    Enrolled {
        token: String,
        recovery_codes: Vec<String>,
    },
    Rejected,
    Throttled {
        retry_after_seconds: i64,
    },
}

/// The secret being enrolled for the session of `token`: generated at the first visit of this
/// enrolment, the same on the next visits until it is confirmed.
pub fn enrolment(app: &App, token: &str) -> Result<Enrolment, AppError> {
    let session = session_at(app, token, Stage::Enrolment)?;
    let fresh = TotpSecret::generate()?;
    let secret = app.execute("system:gestion", move |command| {
        let staff = session.member.staff_id;
        let pending = rows::secrets(command.conn(), staff)?
            .and_then(|s| s.totp_secret)
            .and_then(|s| TotpSecret::parse(&s));
        match pending {
            Some(secret) => Ok(secret),
            None => {
                rows::set_pending_secret(command.conn(), staff, &fresh.base32())?;
                Ok(fresh)
            }
        }
    })?;
    let login = session_at(app, token, Stage::Enrolment)?.member.login;
    Ok(Enrolment {
        uri: secret.otpauth_uri(TOTP_ISSUER, &login),
        login,
        secret,
    })
}

/// Confirms the pending secret with a first code from the app (±1 step).
pub fn confirm_enrolment(
    app: &App,
    token: &str,
    code: &str,
    ip: Option<&str>,
) -> Result<EnrolmentOutcome, AppError> {
    let session = session_at(app, token, Stage::Enrolment)?;
    let keys = ThrottleKey::for_attempt(PURPOSE, &session.member.login, ip);
    let wait = retry_after(app, &keys)?;
    if wait > 0 {
        return Ok(EnrolmentOutcome::Throttled {
            retry_after_seconds: wait,
        });
    }
    let code = code.trim().to_owned();
    app.execute("system:gestion", move |command| {
        let now = command.now();
        let Some(session) = load(command.conn(), &session.token_hash)?
            .filter(|s| s.stage == Stage::Enrolment && !s.expired(now))
        else {
            return Err(AccountRefusal::SessionEnded.into());
        };
        let staff = session.member.staff_id;
        let pending = rows::secrets(command.conn(), staff)?
            .and_then(|s| s.totp_secret)
            .and_then(|s| TotpSecret::parse(&s));
        let Some(step) = pending.and_then(|secret| secret.accepts(&code, now, None)) else {
            for key in &keys {
                record_failure(command.conn(), key, now)?;
            }
            return Ok(EnrolmentOutcome::Rejected);
        };
        clear_throttle(command.conn(), &keys[0])?;
        rows::confirm_secret(command.conn(), staff, step, now)?;
        let recovery_codes = new_recovery_codes(command.conn(), staff)?;
        let token = rotate(command, &session)?;
        Ok(EnrolmentOutcome::Enrolled {
            token,
            recovery_codes,
        })
    })
}
