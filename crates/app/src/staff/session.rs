//! Staff sessions: apart from the parents' (own table, own cookie), shorter limits, and a stage
//! the log-in moves through (password → second factor or enrolment → ready).

use chrono::{DateTime, Duration, Utc};
use domain::ids::FamilyId;
use rusqlite::{Connection, OptionalExtension, params};

use super::{StaffMember, member};
use crate::accounts::{instant, is_secret_shaped, new_secret, sha256_hex, stamp};
use crate::{App, AppError};

/// A staff session ends after this long without a request.
pub const STAFF_IDLE: Duration = Duration::minutes(15);
/// A staff session ends this long after the log-in, active or not.
pub const STAFF_ABSOLUTE: Duration = Duration::hours(8);
/// `last_seen_at` is written at most this often (each write is a durable commit).
const TOUCH_EVERY: Duration = Duration::minutes(1);

/// What the log-in of a session still needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// The password was right; the TOTP code (or a recovery code) is awaited.
    SecondFactor,
    /// The password was right and no second factor is enrolled yet: enrolment is awaited.
    Enrolment,
    /// Logged in.
    Ready,
}

impl Stage {
    fn column(self) -> &'static str {
        match self {
            Stage::SecondFactor => "second_factor",
            Stage::Enrolment => "enrolment",
            Stage::Ready => "ready",
        }
    }

    fn from_column(text: &str) -> Result<Stage, AppError> {
        match text {
            "second_factor" => Ok(Stage::SecondFactor),
            "enrolment" => Ok(Stage::Enrolment),
            "ready" => Ok(Stage::Ready),
            other => Err(AppError::corrupt("staff_sessions", other)),
        }
    }
}

/// A live staff session of an active account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffSession {
    pub token_hash: String,
    pub member: StaffMember,
    pub stage: Stage,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    /// The family a phone booking is being made for, if any.
    pub phone_family: Option<FamilyId>,
}

impl StaffSession {
    /// Whether the session has outlived its idle or absolute limit at `now`.
    pub fn expired(&self, now: DateTime<Utc>) -> bool {
        now - self.last_seen_at > STAFF_IDLE || now - self.created_at > STAFF_ABSOLUTE
    }
}

/// Opens a session of `member` at `stage`; the cookie's token is returned, its hash stored.
pub(crate) fn open_staff_session(
    conn: &Connection,
    member: &StaffMember,
    stage: Stage,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let token = new_secret();
    conn.prepare_cached(
        "INSERT INTO staff_sessions (token_hash, staff_id, stage, created_at, last_seen_at)
         VALUES (?1, ?2, ?3, ?4, ?4)",
    )?
    .execute(params![
        sha256_hex(&token),
        member.staff_id.to_string(),
        stage.column(),
        stamp(now)
    ])?;
    Ok(token)
}

type SessionRow = (String, String, String, String, Option<String>);

pub(super) fn load(conn: &Connection, hash: &str) -> Result<Option<StaffSession>, AppError> {
    let row: Option<SessionRow> = conn
        .prepare_cached(
            "SELECT staff_id, stage, created_at, last_seen_at, family_id FROM staff_sessions WHERE token_hash = ?1",
        )?
        .query_row(params![hash], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .optional()?;
    let Some((staff, stage, created, seen, family)) = row else {
        return Ok(None);
    };
    let corrupt = |e: &dyn std::fmt::Display| AppError::corrupt("staff_sessions", e);
    let staff = staff.parse().map_err(|e| corrupt(&e))?;
    let Some(member) = member(conn, staff)?.filter(|m| !m.disabled) else {
        return Ok(None);
    };
    Ok(Some(StaffSession {
        token_hash: hash.to_owned(),
        member,
        stage: Stage::from_column(&stage)?,
        created_at: instant(&created, "staff_sessions")?,
        last_seen_at: instant(&seen, "staff_sessions")?,
        phone_family: family
            .map(|f| f.parse())
            .transpose()
            .map_err(|e| corrupt(&e))?,
    }))
}

/// The session of a staff cookie, if it is live and its account active (at any stage: the
/// caller checks [`StaffSession::stage`]). An expired session is deleted.
pub fn staff_session(app: &App, token: &str) -> Result<Option<StaffSession>, AppError> {
    if !is_secret_shaped(token) {
        return Ok(None);
    }
    let now = app.now();
    let hash = sha256_hex(token);
    let lookup = hash.clone();
    let Some(session) = app.query(move |conn| load(conn, &lookup))? else {
        return Ok(None);
    };
    if session.expired(now) {
        app.execute("system:gestion", move |command| {
            delete(command.conn(), &hash)
        })?;
        return Ok(None);
    }
    if now - session.last_seen_at > TOUCH_EVERY {
        app.execute("system:gestion", move |command| {
            command
                .conn()
                .prepare_cached(
                    "UPDATE staff_sessions SET last_seen_at = ?2 WHERE token_hash = ?1",
                )?
                .execute(params![hash, stamp(command.now())])?;
            Ok(())
        })?;
    }
    Ok(Some(session))
}

pub(super) fn delete(conn: &Connection, hash: &str) -> Result<(), AppError> {
    conn.prepare_cached("DELETE FROM staff_sessions WHERE token_hash = ?1")?
        .execute(params![hash])?;
    Ok(())
}

/// Ends a staff session (« Se déconnecter »): the server record is deleted.
pub fn close_staff_session(app: &App, token: &str) -> Result<(), AppError> {
    let hash = sha256_hex(token);
    app.execute("system:gestion", move |command| {
        delete(command.conn(), &hash)
    })
}

/// Deletes staff sessions past their limits (nightly).
pub fn purge_staff_sessions(app: &App) -> Result<usize, AppError> {
    app.execute("system:gestion", move |command| {
        let now = command.now();
        Ok(command
            .conn()
            .prepare_cached(
                "DELETE FROM staff_sessions WHERE last_seen_at < ?1 OR created_at < ?2",
            )?
            .execute(params![
                stamp(now - STAFF_IDLE),
                stamp(now - STAFF_ABSOLUTE)
            ])?)
    })
}
