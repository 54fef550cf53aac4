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
/// « Rester connecté »: a session on a trusted device lives this long after the log-in, its
/// token renewed at every visit (a use after [`SESSION_IDLE`] without a request).
pub const REMEMBERED_FOR: Duration = Duration::days(30);
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
    /// « Rester connecté »: the end of a session kept on a trusted device.
    pub remembered_until: Option<DateTime<Utc>>,
}

impl Session {
    /// Whether the session has outlived its limits at `now`: idle or absolute, or the end of a
    /// remembered one.
    pub fn expired(&self, now: DateTime<Utc>) -> bool {
        match self.remembered_until {
            Some(until) => now > until,
            None => {
                now - self.last_seen_at > SESSION_IDLE || now - self.created_at > SESSION_ABSOLUTE
            }
        }
    }

    /// Whether the token of this session is renewed at `now`: a remembered session used again
    /// after the idle time of an ordinary one.
    fn renewed_at(&self, now: DateTime<Utc>) -> bool {
        self.remembered_until.is_some() && now - self.last_seen_at > SESSION_IDLE
    }
}

/// A session found for a cookie, and the cookie's new value when its token was renewed.
#[derive(Clone, Debug)]
pub struct Resumed {
    pub session: Session,
    pub renewed_token: Option<String>,
}

pub(super) fn insert_session(
    conn: &Connection,
    family: FamilyId,
    structure: Option<StructureId>,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    insert_session_kept(conn, family, structure, now, None)
}

/// A new session, kept until `remembered_until` when the parent ticked « Rester connecté ».
pub(super) fn insert_session_kept(
    conn: &Connection,
    family: FamilyId,
    structure: Option<StructureId>,
    now: DateTime<Utc>,
    remembered_until: Option<DateTime<Utc>>,
) -> Result<String, AppError> {
    let token = new_secret();
    let basket =
        serde_json::to_string(&Basket::new()).map_err(|e| AppError::corrupt("web_sessions", e))?;
    conn.prepare_cached(
        "INSERT INTO web_sessions (token_hash, family_id, created_at, last_seen_at, structure_id, basket, remembered_until)
         VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        sha256_hex(&token),
        family.to_string(),
        stamp(now),
        structure.map(|s| s.to_string()),
        basket,
        remembered_until.map(stamp),
    ])?;
    Ok(token)
}

pub(super) fn delete_session(conn: &Connection, token: &str) -> Result<(), AppError> {
    conn.prepare_cached("DELETE FROM web_sessions WHERE token_hash = ?1")?
        .execute(params![sha256_hex(token)])?;
    Ok(())
}

/// The session of a cookie, if it is live (its token is never renewed here: see [`resume`]).
pub fn session(app: &App, token: &str) -> Result<Option<Session>, AppError> {
    Ok(resume(app, token, false)?.map(|resumed| resumed.session))
}

/// The session of a cookie, if it is live; with `may_renew`, the token of a remembered
/// session used again after [`SESSION_IDLE`] is replaced (the old cookie is worth nothing
/// after) and the new one returned for the browser.
pub fn resume(app: &App, token: &str, may_renew: bool) -> Result<Option<Resumed>, AppError> {
    if !is_secret_shaped(token) {
        return Ok(None);
    }
    let now = app.now();
    let Some(session) = stored_session(app, sha256_hex(token))? else {
        return Ok(None);
    };
    if session.expired(now) {
        let token = token.to_owned();
        app.execute("system:portal", move |command| {
            delete_session(command.conn(), &token)
        })?;
        return Ok(None);
    }
    if may_renew && session.renewed_at(now) {
        let old = session.token_hash.clone();
        let token = new_secret();
        let hash = sha256_hex(&token);
        let renewed = hash.clone();
        app.execute("system:portal", move |command| {
            command
                .conn()
                .prepare_cached(
                    "UPDATE web_sessions SET token_hash = ?2, last_seen_at = ?3 WHERE token_hash = ?1",
                )?
                .execute(params![old, renewed, stamp(command.now())])?;
            Ok(())
        })?;
        return Ok(Some(Resumed {
            session: Session {
                token_hash: hash,
                last_seen_at: now,
                ..session
            },
            renewed_token: Some(token),
        }));
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
    Ok(Some(Resumed {
        session,
        renewed_token: None,
    }))
}

type SessionRow = (
    String,
    String,
    String,
    Option<String>,
    String,
    Option<String>,
);

fn stored_session(app: &App, hash: String) -> Result<Option<Session>, AppError> {
    app.query(move |conn| {
        let row: Option<SessionRow> = conn
            .prepare_cached(
                "SELECT family_id, created_at, last_seen_at, structure_id, basket, remembered_until
                 FROM web_sessions WHERE token_hash = ?1",
            )?
            .query_row(params![hash], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })
            .optional()?;
        row.map(|(family, created, seen, structure, basket, until)| {
            let corrupt =
                |e: &dyn std::fmt::Display| AppError::corrupt("web_sessions", e.to_string());
            Ok(Session {
                token_hash: hash.clone(),
                family_id: family.parse().map_err(|e| corrupt(&e))?,
                created_at: instant(&created, "web_sessions")?,
                last_seen_at: instant(&seen, "web_sessions")?,
                structure_id: structure
                    .map(|s| s.parse())
                    .transpose()
                    .map_err(|e| corrupt(&e))?,
                basket: serde_json::from_str(&basket).map_err(|e| corrupt(&e))?,
                remembered_until: until
                    .map(|until| instant(&until, "web_sessions"))
                    .transpose()?,
            })
        })
        .transpose()
    })
}

/// « Oublier les autres appareils »: every other session of the family ends, and this one is
/// no longer remembered (it ends like an ordinary one). How many sessions ended.
pub fn forget_other_devices(app: &App, session: &Session) -> Result<usize, AppError> {
    let hash = session.token_hash.clone();
    let family = session.family_id;
    app.execute(&super::family_actor(family), move |command| {
        let conn = command.conn();
        let ended = conn
            .prepare_cached("DELETE FROM web_sessions WHERE family_id = ?1 AND token_hash <> ?2")?
            .execute(params![family.to_string(), hash])?;
        conn.prepare_cached(
            "UPDATE web_sessions SET remembered_until = NULL WHERE token_hash = ?1",
        )?
        .execute(params![hash])?;
        Ok(ended)
    })
}

/// How many sessions of the family are kept on trusted devices (« Rester connecté »).
pub fn remembered_devices(app: &App, family: FamilyId) -> Result<usize, AppError> {
    let now = stamp(app.now());
    app.query(move |conn| {
        let count: i64 = conn
            .prepare_cached(
                "SELECT count(*) FROM web_sessions WHERE family_id = ?1 AND remembered_until >= ?2",
            )?
            .query_row(params![family.to_string(), now], |r| r.get(0))?;
        Ok(usize::try_from(count).unwrap_or(0))
    })
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
            .prepare_cached(
                "DELETE FROM web_sessions WHERE (remembered_until IS NULL AND (last_seen_at < ?1 OR created_at < ?2))
                 OR remembered_until < ?3",
            )?
            .execute(params![
                stamp(now - SESSION_IDLE),
                stamp(now - SESSION_ABSOLUTE),
                stamp(now)
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
