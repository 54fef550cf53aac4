//! Recovery (« Le retrouver »): a reset link by mail, or the recovery question.

use chrono::Duration;
use domain::ids::FamilyId;
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use super::passwords::{check_new_password, decoy_hash};
use super::throttle::{ThrottleKey, clear_throttle, record_failure, record_failures, retry_after};
use super::tokens::{LinkToken, dead_link, issue_token, live_token};
use super::{family_actor, sha256_hex, stamp};
use crate::{App, AppError, credentials, notify, registry};

/// A reset link is valid this long.
pub(super) const RESET_VALID_MINUTES: u32 = 60;
/// At most one reset mail per account in this interval.
pub(super) const RESET_MAIL_INTERVAL: Duration = Duration::minutes(5);

// Nothing a recovery page shows depends on whether the identifiant exists, has an address or
// has a question: the link route answers « si un compte correspond… » whatever happened, and
// the question route asks every identifiant a question — its own when it has one, else a
// stand-in picked from the identifiant with a server key, the same at every visit. Every
// request of either route first passes the log-in's throttle (per identifiant, per address)
// and counts as an attempt, so neither can be run through a list of identifiants.

/// The throttle purposes of the two recovery routes (the address key is shared with the log-in).
const RECOVERY_QUESTION: &str = "recovery";
const RECOVERY_LINK: &str = "recovery-link";

/// Stand-in questions, written the way parents write theirs.
const STAND_IN_QUESTIONS: &[&str] = &[
    "Le nom de mon premier animal de compagnie ?",
    "La ville de naissance de ma mère ?",
    "Le prénom de mon meilleur ami d'enfance ?",
    "Le nom de mon école primaire ?",
    "Le modèle de ma première voiture ?",
    "Le nom de la rue où j'ai grandi ?",
    "Le nom de jeune fille de ma grand-mère ?",
    "Mon plat préféré quand j'étais enfant ?",
];

/// How a recovery request went: done (the same for every identifiant), or wait first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecoveryOutcome<T> {
    Done(T),
    Throttled { retry_after_seconds: i64 },
}

/// The throttle of `purpose` for `login` from `ip`: the keys the request is to be counted
/// against (the caller records them in its transaction), or the seconds to wait first.
pub(super) fn recovery_attempt(
    app: &App,
    purpose: &str,
    login: &str,
    ip: Option<&str>,
) -> Result<Result<Vec<ThrottleKey>, i64>, AppError> {
    let keys = ThrottleKey::for_attempt(purpose, login, ip);
    let wait = retry_after(app, &keys)?;
    if wait > 0 {
        return Ok(Err(wait));
    }
    Ok(Ok(keys))
}

/// The question the recovery page asks for `login`: the account's own, else its stand-in.
pub(super) fn question_for(conn: &Connection, login: &str) -> Result<String, AppError> {
    if let Some(account) = registry::family_by_login(conn, login)?
        && let Some(question) = recovery_question(conn, account.family_id)?
    {
        return Ok(question);
    }
    let key = crate::settings::recovery_decoy_key(conn)?;
    let digest = Sha256::digest(format!("{key}:{}", login.trim().to_lowercase()).as_bytes());
    let index = usize::from(digest[0]) % STAND_IN_QUESTIONS.len();
    Ok(STAND_IN_QUESTIONS
        .get(index)
        .copied()
        .unwrap_or_default()
        .to_owned())
}

/// « Répondre à votre question »: the question to ask `login` (see above), after the throttle.
pub fn ask_recovery_question(
    app: &App,
    login: &str,
    ip: Option<&str>,
) -> Result<RecoveryOutcome<String>, AppError> {
    let login = login.trim().to_owned();
    let keys = match recovery_attempt(app, RECOVERY_QUESTION, &login, ip)? {
        Ok(keys) => keys,
        Err(wait) => {
            return Ok(RecoveryOutcome::Throttled {
                retry_after_seconds: wait,
            });
        }
    };
    app.execute("system:portal", move |command| {
        let now = command.now();
        for key in &keys {
            record_failure(command.conn(), key, now)?;
        }
        question_for(command.conn(), &login).map(RecoveryOutcome::Done)
    })
}

/// The question shown again beside a refused answer (the attempt was counted by the answer).
pub fn recovery_question_again(app: &App, login: &str) -> Result<String, AppError> {
    let login = login.trim().to_owned();
    app.query(move |conn| question_for(conn, &login))
}

pub(super) fn recovery_question(
    conn: &Connection,
    family: FamilyId,
) -> Result<Option<String>, AppError> {
    Ok(conn
        .prepare_cached("SELECT question FROM account_recovery WHERE family_id = ?1")?
        .query_row(params![family.to_string()], |r| r.get(0))
        .optional()?)
}

/// « Recevoir un lien par mail »: after the throttle, sends a reset link to the account's
/// registered address if there is an account and it has one. Says nothing about whether it did
/// (the page answers the same either way); every request costs the same one transaction.
pub fn send_reset_link(
    app: &App,
    login: &str,
    ip: Option<&str>,
    base_url: &str,
) -> Result<RecoveryOutcome<()>, AppError> {
    let login = login.trim().to_owned();
    let keys = match recovery_attempt(app, RECOVERY_LINK, &login, ip)? {
        Ok(keys) => keys,
        Err(wait) => {
            return Ok(RecoveryOutcome::Throttled {
                retry_after_seconds: wait,
            });
        }
    };
    let base_url = base_url.trim_end_matches('/').to_owned();
    app.execute("system:portal", move |command| {
        let conn = command.conn();
        for key in &keys {
            record_failure(conn, key, command.now())?;
        }
        if let Some(account) = registry::family_by_login(conn, &login)? {
            mail_reset_link(conn, &account, command.now(), &base_url)?;
        }
        Ok(RecoveryOutcome::Done(()))
    })
}

/// What became of a reset link asked for an account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ResetMail {
    Sent,
    /// The account has no address to mail it to.
    NoAddress,
    /// A link went less than [`RESET_MAIL_INTERVAL`] ago: no second mail.
    SentRecently,
}

/// Mails `account` a reset link (in the caller's transaction), unless it has no address or
/// one went a few minutes ago.
pub(crate) fn mail_reset_link(
    conn: &Connection,
    account: &registry::FamilyAccount,
    now: chrono::DateTime<chrono::Utc>,
    base_url: &str,
) -> Result<ResetMail, AppError> {
    let Some(email) = account.email.clone() else {
        return Ok(ResetMail::NoAddress);
    };
    // One mail per account every few minutes: a flood of requests does not flood the inbox.
    let recent: bool = conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM account_tokens WHERE family_id = ?1 AND purpose = 'password_reset'
                              AND created_at > ?2)",
        )?
        .query_row(
            params![account.family_id.to_string(), stamp(now - RESET_MAIL_INTERVAL)],
            |r| r.get(0),
        )?;
    if recent {
        return Ok(ResetMail::SentRecently);
    }
    let token = issue_token(
        conn,
        account.family_id,
        "password_reset",
        None,
        now,
        Duration::minutes(i64::from(RESET_VALID_MINUTES)),
    )?;
    let link = format!(
        "{}/reinitialisation/{token}",
        base_url.trim_end_matches('/')
    );
    let (subject, body) = mail::templates::password_reset(
        &account.addressee(),
        &link,
        RESET_VALID_MINUTES,
        &notify::contact_block(conn)?,
    );
    mail::enqueue(
        conn,
        &mail::OutgoingMail {
            kind: mail::MailKind::PasswordReset,
            dedup_key: format!("password_reset:{}", sha256_hex(&token)),
            recipient: email.into(),
            subject,
            body,
        },
        now,
    )?;
    Ok(ResetMail::Sent)
}

/// How a recovery answer went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AnswerOutcome {
    /// Right: the parent may choose a new password with this single-use token.
    Correct {
        reset_token: String,
    },
    Wrong,
    Throttled {
        retry_after_seconds: i64,
    },
}

pub(super) fn normalise_answer(answer: &str) -> String {
    answer
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Checks the answer to the recovery question (throttled like a log-in).
pub fn answer_question(
    app: &App,
    login: &str,
    answer: &str,
    ip: Option<&str>,
) -> Result<AnswerOutcome, AppError> {
    let login = login.trim().to_owned();
    let keys = ThrottleKey::for_attempt(RECOVERY_QUESTION, &login, ip);
    let wait = retry_after(app, &keys)?;
    if wait > 0 {
        return Ok(AnswerOutcome::Throttled {
            retry_after_seconds: wait,
        });
    }
    let lookup = login.clone();
    let stored: Option<(FamilyId, String)> = app.query(move |conn| {
        let Some(account) = registry::family_by_login(conn, &lookup)? else {
            return Ok(None);
        };
        Ok(conn
            .prepare_cached("SELECT answer_hash FROM account_recovery WHERE family_id = ?1")?
            .query_row(params![account.family_id.to_string()], |r| {
                r.get::<_, String>(0)
            })
            .optional()?
            .map(|hash| (account.family_id, hash)))
    })?;
    let normalised = normalise_answer(answer);
    let (family, hash) = match &stored {
        Some((family, hash)) => (Some(*family), hash.as_str()),
        None => (None, decoy_hash()),
    };
    let right = credentials::verify_password(&normalised, hash) && family.is_some();
    let Some(family) = family.filter(|_| right) else {
        record_failures(app, &keys)?;
        return Ok(AnswerOutcome::Wrong);
    };
    let reset_token = app.execute(&family_actor(family), move |command| {
        clear_throttle(command.conn(), &keys[0])?;
        issue_token(
            command.conn(),
            family,
            "password_reset",
            None,
            command.now(),
            Duration::minutes(15),
        )
    })?;
    Ok(AnswerOutcome::Correct { reset_token })
}

/// The identifiant a live reset link belongs to (for the page), or `None`.
pub fn reset_link_login(app: &App, token: &LinkToken) -> Result<Option<String>, AppError> {
    let now = app.now();
    let token = token.clone();
    app.query(move |conn| {
        let Some((family, _)) = live_token(conn, &token, "password_reset", now)? else {
            return Ok(None);
        };
        Ok(registry::family_account(conn, family)?.map(|a| a.login))
    })
}

/// Sets a new password with a reset link: the link is spent and every session of the account
/// ends (whoever had the old password is logged out).
pub fn reset_password(
    app: &App,
    token: &LinkToken,
    password: &str,
    confirmation: &str,
) -> Result<(), AppError> {
    let Some(login) = reset_link_login(app, token)? else {
        return Err(dead_link());
    };
    check_new_password(password, confirmation, &login)?;
    let hash = credentials::hash_password(password)?;
    let token = token.clone();
    app.execute("system:portal", move |command| {
        let now = command.now();
        let Some((family, _)) = live_token(command.conn(), &token, "password_reset", now)? else {
            return Err(dead_link());
        };
        let conn = command.conn();
        conn.prepare_cached("UPDATE account_tokens SET used_at = ?2 WHERE token_hash = ?1")?
            .execute(params![sha256_hex(token.as_str()), stamp(now)])?;
        registry::set_password_hash(conn, family, &hash)?;
        conn.prepare_cached("DELETE FROM web_sessions WHERE family_id = ?1")?
            .execute(params![family.to_string()])?;
        Ok(())
    })
}
