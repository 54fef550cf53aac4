//! The phone basket of a staff session: the same `portal::Basket` as a parent's, for the
//! family named beside it (`staff_sessions.family_id`, `basket`).

use domain::ids::FamilyId;
use domain::staff::Permission;
use rusqlite::{Connection, OptionalExtension, params};

use crate::booking::family_structures;
use crate::portal::Basket;
use crate::staff::{Acting, StaffSession};
use crate::{App, AppError, Command};

/// The basket of a staff session, for the family it is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhoneBasket {
    /// The family the basket was filled for (`None`: nothing started).
    pub family: Option<FamilyId>,
    pub basket: Basket,
}

impl PhoneBasket {
    /// No basket started.
    fn empty() -> PhoneBasket {
        PhoneBasket {
            family: None,
            basket: Basket::new(),
        }
    }

    /// The basket as `family` sees it: its own, or an empty one when the session's basket is for
    /// another family (the next change for `family` empties it).
    pub fn for_family(&self, family: FamilyId) -> Basket {
        if self.family == Some(family) {
            self.basket.clone()
        } else {
            Basket::new()
        }
    }

    /// The session holds lines for a family other than `family` (the page says that acting
    /// for `family` empties them).
    pub fn holds_other_family(&self, family: FamilyId) -> bool {
        self.family.is_some_and(|f| f != family) && !self.basket.lines.is_empty()
    }
}

fn read(conn: &Connection, token_hash: &str) -> Result<Option<PhoneBasket>, AppError> {
    let row: Option<(Option<String>, Option<String>)> = conn
        .prepare_cached("SELECT family_id, basket FROM staff_sessions WHERE token_hash = ?1")?
        .query_row(params![token_hash], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((family, basket)) = row else {
        return Ok(None);
    };
    let corrupt = |e: &dyn std::fmt::Display| AppError::corrupt("staff_sessions", e);
    let family = family
        .map(|f| f.parse::<FamilyId>())
        .transpose()
        .map_err(|e| corrupt(&e))?;
    let basket = match basket {
        Some(text) => serde_json::from_str(&text).map_err(|e| corrupt(&e))?,
        None => Basket::new(),
    };
    Ok(Some(PhoneBasket { family, basket }))
}

fn write(conn: &Connection, token_hash: &str, phone: &PhoneBasket) -> Result<(), AppError> {
    let text =
        serde_json::to_string(&phone.basket).map_err(|e| AppError::corrupt("staff_sessions", e))?;
    conn.prepare_cached(
        "UPDATE staff_sessions SET family_id = ?2, basket = ?3 WHERE token_hash = ?1",
    )?
    .execute(params![
        token_hash,
        phone.family.map(|f| f.to_string()),
        text
    ])?;
    Ok(())
}

/// The phone basket of `session`.
pub fn phone_basket(app: &App, session: &StaffSession) -> Result<PhoneBasket, AppError> {
    let hash = session.token_hash.clone();
    app.query(move |conn| Ok(read(conn, &hash)?.unwrap_or_else(PhoneBasket::empty)))
}

/// Refuses unless `by` may book by phone on one of `family`'s structures.
pub(super) fn require_phone(
    command: &Command<'_, '_>,
    by: &Acting,
    family: FamilyId,
) -> Result<(), AppError> {
    let today = domain::deadline::paris_day(command.now());
    let structures = family_structures(command.conn(), family, today)?;
    Ok(by.require_any(Permission::BookByPhone, &structures)?)
}

/// Changes the phone basket of `session` for `family` in one writer command (read, change,
/// write: clicks at once are all kept), after the permission check. A basket held for another
/// family is emptied first. An error from `change` leaves the basket as it was.
pub(super) fn update_phone_basket<T: Send + 'static>(
    app: &App,
    by: &Acting,
    session: &StaffSession,
    family: FamilyId,
    change: impl FnOnce(&mut Basket) -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    let hash = session.token_hash.clone();
    let by = by.clone();
    app.execute(&by.actor_text(), move |command| {
        require_phone(command, &by, family)?;
        let Some(stored) = read(command.conn(), &hash)? else {
            return Err(crate::accounts::AccountRefusal::SessionEnded.into());
        };
        let mut phone = PhoneBasket {
            family: Some(family),
            basket: stored.for_family(family),
        };
        let answer = change(&mut phone.basket)?;
        write(command.conn(), &hash, &phone)?;
        Ok(answer)
    })
}

/// « Abandonner »: the phone basket is emptied; nothing was recorded.
pub fn abandon_phone_basket(app: &App, session: &StaffSession) -> Result<(), AppError> {
    let hash = session.token_hash.clone();
    app.execute("system:gestion", move |command| {
        write(command.conn(), &hash, &PhoneBasket::empty())
    })
}
