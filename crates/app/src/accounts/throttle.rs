//! Throttling of failed attempts (log-in, activation, recovery, profile password checks).

use chrono::{DateTime, Duration, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::{instant, sha256_hex, stamp};
use crate::{App, AppError};

/// How many failures a key may make before waiting, and how many per 24 h at most.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct ThrottlePolicy {
    pub free_failures: u32,
    pub daily_limit: u32,
}

/// Per account (typed identifiant, known or not): a wait after the 3rd failure, ≥ 60 s after the
/// 5th, at most 25 failures per 24 h.
pub(super) const ACCOUNT_POLICY: ThrottlePolicy = ThrottlePolicy {
    free_failures: 3,
    daily_limit: 25,
};
/// Per IP address: families behind one box (a school, a town hall) share it, so it is looser.
pub(super) const IP_POLICY: ThrottlePolicy = ThrottlePolicy {
    free_failures: 20,
    daily_limit: 200,
};

/// The wait imposed after `failures` failures in the window (0 when none).
pub(super) fn throttle_delay(policy: ThrottlePolicy, failures: u32) -> Duration {
    if failures < policy.free_failures {
        return Duration::zero();
    }
    let beyond = failures - policy.free_failures;
    let seconds: i64 = match beyond {
        0 => 5,
        1 => 15,
        n => (60_i64 << (n - 2).min(4)).min(900),
    };
    Duration::seconds(seconds)
}

/// What a throttling key stands for; stored hashed (no login or address kept in clear).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ThrottleKey {
    hash: String,
    policy: ThrottlePolicy,
}

impl ThrottleKey {
    /// Failed log-ins, activations or recovery answers for an identifiant.
    pub fn account(purpose: &str, login: &str) -> ThrottleKey {
        ThrottleKey {
            hash: sha256_hex(&format!("{purpose}:{}", login.trim().to_lowercase())),
            policy: ACCOUNT_POLICY,
        }
    }

    /// The keys an attempt by `login` from `ip` counts against: the account's first.
    pub fn for_attempt(purpose: &str, login: &str, ip: Option<&str>) -> Vec<ThrottleKey> {
        let mut keys = vec![ThrottleKey::account(purpose, login)];
        keys.extend(ip.map(ThrottleKey::ip));
        keys
    }

    /// Failures from an address.
    pub fn ip(ip: &str) -> ThrottleKey {
        ThrottleKey {
            hash: sha256_hex(&format!("ip:{ip}")),
            policy: IP_POLICY,
        }
    }
}

/// Seconds to wait before `key` may try again (0: now).
pub(crate) fn wait_for(
    conn: &Connection,
    key: &ThrottleKey,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let row: Option<(u32, String, String)> = conn
        .prepare_cached(
            "SELECT failures, window_start, last_failure FROM login_throttle WHERE key_hash = ?1",
        )?
        .query_row(params![key.hash], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some((failures, window_start, last_failure)) = row else {
        return Ok(0);
    };
    let window_start = instant(&window_start, "login_throttle")?;
    let window_end = window_start + Duration::hours(24);
    if now >= window_end {
        return Ok(0);
    }
    let until = if failures >= key.policy.daily_limit {
        window_end
    } else {
        instant(&last_failure, "login_throttle")? + throttle_delay(key.policy, failures)
    };
    let millis = (until - now).num_milliseconds();
    Ok(if millis <= 0 {
        0
    } else {
        (millis + 999) / 1000
    })
}

/// The longest wait among `keys`.
pub(crate) fn retry_after(app: &App, keys: &[ThrottleKey]) -> Result<i64, AppError> {
    let now = app.now();
    let keys = keys.to_vec();
    app.query(move |conn| {
        let mut wait = 0;
        for key in &keys {
            wait = wait.max(wait_for(conn, key, now)?);
        }
        Ok(wait)
    })
}

pub(crate) fn record_failure(
    conn: &Connection,
    key: &ThrottleKey,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let now_text = stamp(now);
    let window_open = stamp(now - Duration::hours(24));
    conn.prepare_cached(
        "INSERT INTO login_throttle (key_hash, failures, window_start, last_failure) VALUES (?1, 1, ?2, ?2)
         ON CONFLICT (key_hash) DO UPDATE SET
             failures = CASE WHEN window_start <= ?3 THEN 1 ELSE failures + 1 END,
             window_start = CASE WHEN window_start <= ?3 THEN ?2 ELSE window_start END,
             last_failure = ?2",
    )?
    .execute(params![key.hash, now_text, window_open])?;
    Ok(())
}

pub(crate) fn record_failures(app: &App, keys: &[ThrottleKey]) -> Result<(), AppError> {
    let keys = keys.to_vec();
    app.execute("system:portal", move |command| {
        let now = command.now();
        for key in &keys {
            record_failure(command.conn(), key, now)?;
        }
        Ok(())
    })
}

pub(crate) fn clear_throttle(conn: &Connection, key: &ThrottleKey) -> Result<(), AppError> {
    conn.prepare_cached("DELETE FROM login_throttle WHERE key_hash = ?1")?
        .execute(params![key.hash])?;
    Ok(())
}

/// The purposes counted per identifiant on the parents' side (log-in, activation, the two
/// recovery routes).
const ACCOUNT_PURPOSES: [&str; 4] = ["login", "activation", "recovery", "recovery-link"];

/// Forgets the failures counted against the family's identifiant and its profile's password
/// checks (staff unlocking a throttled log-in); the address counters, shared by other
/// families, stay.
pub(crate) fn clear_account_throttles(
    conn: &Connection,
    login: &str,
    family: domain::ids::FamilyId,
) -> Result<(), AppError> {
    for purpose in ACCOUNT_PURPOSES {
        clear_throttle(conn, &ThrottleKey::account(purpose, login))?;
    }
    clear_throttle(conn, &ThrottleKey::account("profile", &family.to_string()))
}
