//! Server-side sessions: the cookie's token, its limits, the basket and the structure it holds.

use chrono::{DateTime, Duration, Utc};
use domain::ids::{FamilyId, StructureId};
use rusqlite::{Connection, OptionalExtension, params};

use super::{AccountRefusal, instant, is_secret_shaped, new_secret, sha256_hex, stamp};
use crate::portal::Basket;
use crate::{App, AppError};

/// A session ends after this long without a request.
pub(super) const SESSION_IDLE: Duration = Duration::minutes(30);
/// A session ends this long after the login, active or not.
pub(super) const SESSION_ABSOLUTE: Duration = Duration::hours(12);
/// `last_seen_at` is written at most this often (each write is a durable commit).
const TOUCH_EVERY: Duration = Duration::minutes(1);

/// A live session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub token_hash: String,
    pub family_id: FamilyId,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub structure_id: Option<StructureId>,
    pub basket: Basket,
}

impl Session {
    /// Whether the session has outlived its idle or absolute limit at `now`.
    pub fn expired(&self, now: DateTime<Utc>) -> bool {
        now - self.last_seen_at > SESSION_IDLE || now - self.created_at > SESSION_ABSOLUTE
    }
}

pub(super) fn insert_session(
    conn: &Connection,
    family: FamilyId,
    structure: Option<StructureId>,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let token = new_secret();
    let basket =
        serde_json::to_string(&Basket::new()).map_err(|e| AppError::corrupt("web_sessions", e))?;
    conn.prepare_cached(
        "INSERT INTO web_sessions (token_hash, family_id, created_at, last_seen_at, structure_id, basket)
         VALUES (?1, ?2, ?3, ?3, ?4, ?5)",
    )?
    .execute(params![
        sha256_hex(&token),
        family.to_string(),
        stamp(now),
        structure.map(|s| s.to_string()),
        basket
    ])?;
    Ok(token)
}

pub(super) fn delete_session(conn: &Connection, token: &str) -> Result<(), AppError> {
    conn.prepare_cached("DELETE FROM web_sessions WHERE token_hash = ?1")?
        .execute(params![sha256_hex(token)])?;
    Ok(())
}

/// The session of a cookie, if it is live.
pub fn session(app: &App, token: &str) -> Result<Option<Session>, AppError> {
    if !is_secret_shaped(token) {
        return Ok(None);
    }
    let now = app.now();
    let hash = sha256_hex(token);
    let found = app.query(move |conn| {
        let row: Option<(String, String, String, Option<String>, String)> = conn
            .prepare_cached(
                "SELECT family_id, created_at, last_seen_at, structure_id, basket FROM web_sessions WHERE token_hash = ?1",
            )?
            .query_row(params![hash], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .optional()?;
        row.map(|(family, created, seen, structure, basket)| {
            let corrupt = |e: &dyn std::fmt::Display| AppError::corrupt("web_sessions", e.to_string());
            Ok(Session {
                token_hash: hash.clone(),
                family_id: family.parse().map_err(|e| corrupt(&e))?,
                created_at: instant(&created, "web_sessions")?,
                last_seen_at: instant(&seen, "web_sessions")?,
                structure_id: structure.map(|s| s.parse()).transpose().map_err(|e| corrupt(&e))?,
                basket: serde_json::from_str(&basket).map_err(|e| corrupt(&e))?,
            })
        })
        .transpose()
    })?;
    let Some(session) = found else {
        return Ok(None);
    };
    if session.expired(now) {
        let token = token.to_owned();
        app.execute("system:portal", move |command| {
            delete_session(command.conn(), &token)
        })?;
        return Ok(None);
    }
    if now - session.last_seen_at > TOUCH_EVERY {
        let hash = session.token_hash.clone();
        app.execute("system:portal", move |command| {
            command
                .conn()
                .prepare_cached("UPDATE web_sessions SET last_seen_at = ?2 WHERE token_hash = ?1")?
                .execute(params![hash, stamp(command.now())])?;
            Ok(())
        })?;
    }
    Ok(Some(session))
}

/// Ends a session (« Se déconnecter »): the server record is deleted.
pub fn close_session(app: &App, token: &str) -> Result<(), AppError> {
    let token = token.to_owned();
    app.execute("system:portal", move |command| {
        delete_session(command.conn(), &token)
    })
}

/// Changes the basket of a session in one writer command: the basket is read, changed and
/// written back inside the same transaction, so clicks arriving at once are applied one after
/// the other and none overwrites another (every acknowledged click stays in the basket). An
/// error from `change` leaves the basket as it was.
pub fn update_basket<T: Send + 'static>(
    app: &App,
    session: &Session,
    change: impl FnOnce(&mut Basket) -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    let hash = session.token_hash.clone();
    app.execute("system:portal", move |command| {
        let conn = command.conn();
        let stored: Option<String> = conn
            .prepare_cached("SELECT basket FROM web_sessions WHERE token_hash = ?1")?
            .query_row(params![hash], |row| row.get(0))
            .optional()?;
        let Some(stored) = stored else {
            return Err(AccountRefusal::SessionEnded.into());
        };
        let mut basket: Basket =
            serde_json::from_str(&stored).map_err(|e| AppError::corrupt("web_sessions", e))?;
        let answer = change(&mut basket)?;
        let text =
            serde_json::to_string(&basket).map_err(|e| AppError::corrupt("web_sessions", e))?;
        conn.prepare_cached("UPDATE web_sessions SET basket = ?2 WHERE token_hash = ?1")?
            .execute(params![hash, text])?;
        Ok(answer)
    })
}

/// Stores the basket of a session, replacing whatever it held (« Abandonner »).
pub fn save_basket(app: &App, session: &Session, basket: &Basket) -> Result<(), AppError> {
    let hash = session.token_hash.clone();
    let text = serde_json::to_string(basket).map_err(|e| AppError::corrupt("web_sessions", e))?;
    app.execute("system:portal", move |command| {
        command
            .conn()
            .prepare_cached("UPDATE web_sessions SET basket = ?2 WHERE token_hash = ?1")?
            .execute(params![hash, text])?;
        Ok(())
    })
}

/// Chooses the structure the session consults (« Modifier » in the header): false, and nothing
/// changed, unless it is one of the family's.
pub fn choose_structure(
    app: &App,
    session: &Session,
    structure: StructureId,
) -> Result<bool, AppError> {
    let hash = session.token_hash.clone();
    let family = session.family_id;
    app.execute("system:portal", move |command| {
        let today = domain::deadline::paris_day(command.now());
        let mine = crate::listing::family_structures(command.conn(), family, today)?;
        if !mine.iter().any(|(id, _)| *id == structure) {
            return Ok(false);
        }
        command
            .conn()
            .prepare_cached("UPDATE web_sessions SET structure_id = ?2 WHERE token_hash = ?1")?
            .execute(params![hash, structure.to_string()])?;
        Ok(true)
    })
}

/// Deletes sessions past their limits and spent or expired tokens (nightly).
pub fn purge_expired(app: &App) -> Result<usize, AppError> {
    app.execute("system:portal", move |command| {
        let now = command.now();
        let conn = command.conn();
        let mut removed = conn
            .prepare_cached("DELETE FROM web_sessions WHERE last_seen_at < ?1 OR created_at < ?2")?
            .execute(params![
                stamp(now - SESSION_IDLE),
                stamp(now - SESSION_ABSOLUTE)
            ])?;
        removed += conn
            .prepare_cached("DELETE FROM account_tokens WHERE expires_at < ?1")?
            .execute(params![stamp(now - Duration::days(1))])?;
        removed += conn
            .prepare_cached("DELETE FROM login_throttle WHERE window_start < ?1")?
            .execute(params![stamp(now - Duration::hours(24))])?;
        Ok(removed)
    })
}
