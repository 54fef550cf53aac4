//! The feed's secret address, created and revoked from the profile; only its hash is stored.

use chrono::{DateTime, Utc};
use domain::Actor;
use domain::ids::FamilyId;
use rusqlite::{Connection, OptionalExtension, params};

use crate::accounts::{LinkToken, new_secret};
use crate::{App, AppError};

/// Where the family's feed stands, as the profile shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgendaFeed {
    /// When the active address was created; `None`: no address.
    pub since: Option<DateTime<Utc>>,
    /// The address's token, when the one the page was given is the active one (right after
    /// its creation: the token is never stored, so it is shown only then).
    pub token: Option<LinkToken>,
}

fn hash(token: &str) -> String {
    crate::accounts::sha256_hex(token)
}

/// A new secret address for `family`'s feed; the previous one stops working.
pub fn create_agenda_feed(app: &App, family: FamilyId) -> Result<LinkToken, AppError> {
    app.execute(&Actor::Family(family).to_string(), move |command| {
        let token = new_secret();
        let conn = command.conn();
        conn.prepare_cached("DELETE FROM agenda_feeds WHERE family_id = ?1")?
            .execute(params![family.to_string()])?;
        conn.prepare_cached(
            "INSERT INTO agenda_feeds (family_id, token_hash, created_at) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![
            family.to_string(),
            hash(&token),
            command.now().to_rfc3339()
        ])?;
        LinkToken::parse(&token).ok_or_else(|| AppError::corrupt("agenda_feeds", "token shape"))
    })
}

/// The feed's address stops working (a 404 from then on).
pub fn revoke_agenda_feed(app: &App, family: FamilyId) -> Result<(), AppError> {
    app.execute(&Actor::Family(family).to_string(), move |command| {
        command
            .conn()
            .prepare_cached("DELETE FROM agenda_feeds WHERE family_id = ?1")?
            .execute(params![family.to_string()])?;
        Ok(())
    })
}

/// The profile's view of the feed; `shown` is the token the page was handed, if any.
pub fn agenda_feed(
    app: &App,
    family: FamilyId,
    shown: Option<LinkToken>,
) -> Result<AgendaFeed, AppError> {
    app.query(move |conn| {
        let row: Option<(String, String)> = conn
            .prepare_cached("SELECT token_hash, created_at FROM agenda_feeds WHERE family_id = ?1")?
            .query_row(params![family.to_string()], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .optional()?;
        let Some((token_hash, created_at)) = row else {
            return Ok(AgendaFeed {
                since: None,
                token: None,
            });
        };
        let since = DateTime::parse_from_rfc3339(&created_at)
            .map_err(|e| AppError::corrupt("agenda_feeds", e))?
            .with_timezone(&Utc);
        Ok(AgendaFeed {
            since: Some(since),
            token: shown.filter(|t| hash(t.as_str()) == token_hash),
        })
    })
}

/// The family whose active feed `token` opens.
pub(super) fn family_of(
    conn: &Connection,
    token: &LinkToken,
) -> Result<Option<FamilyId>, AppError> {
    let family: Option<String> = conn
        .prepare_cached("SELECT family_id FROM agenda_feeds WHERE token_hash = ?1")?
        .query_row(params![hash(token.as_str())], |row| row.get(0))
        .optional()?;
    family
        .map(|f| f.parse().map_err(|e| AppError::corrupt("agenda_feeds", e)))
        .transpose()
}
