//! A staff member's first log-in (or after a new activation code): identifiant, the one-time
//! activation code and a new password; then enrolment of the second factor.

use super::{Stage, member_by_login, open_staff_session, rows};
use crate::accounts::AccountRefusal;
use crate::accounts::passwords::check_not_obvious;
use crate::accounts::throttle::{ThrottleKey, clear_throttle, record_failures, retry_after};
use crate::setup::import::hash_activation_code;
use crate::{App, AppError, credentials};

/// Checks the code, sets the password (argon2id: run it on the hashing pool) and opens a
/// session at the enrolment stage; its cookie token.
pub fn activate_staff(
    app: &App,
    login: &str,
    code: &str,
    new_password: &str,
    ip: Option<&str>,
) -> Result<String, AppError> {
    let login = login.trim().to_lowercase();
    let keys = ThrottleKey::for_attempt("staff-activation", &login, ip);
    let wait = retry_after(app, &keys)?;
    if wait > 0 {
        return Err(AccountRefusal::Throttled { seconds: wait }.into());
    }
    credentials::check_password_policy(new_password)?;
    check_not_obvious(new_password, &login)?;
    let code_hash = hash_activation_code(code);
    let lookup = login.clone();
    let member = app.query(move |conn| {
        let Some(member) = member_by_login(conn, &lookup)?.filter(|m| !m.disabled) else {
            return Ok(None);
        };
        let stored = rows::secrets(conn, member.staff_id)?.and_then(|s| s.activation_code_hash);
        Ok((stored.as_deref() == Some(code_hash.as_str())).then_some(member))
    })?;
    let Some(member) = member else {
        record_failures(app, &keys)?;
        return Err(AccountRefusal::WrongActivationCode.into());
    };
    let hash = credentials::hash_password(new_password)?;
    let code_hash = hash_activation_code(code);
    app.execute("system:gestion", move |command| {
        let still =
            rows::secrets(command.conn(), member.staff_id)?.and_then(|s| s.activation_code_hash);
        if still.as_deref() != Some(code_hash.as_str()) {
            return Err(AccountRefusal::WrongActivationCode.into());
        }
        rows::set_password(command.conn(), member.staff_id, &hash)?;
        clear_throttle(command.conn(), &keys[0])?;
        open_staff_session(command.conn(), &member, Stage::Enrolment, command.now())
    })
}
