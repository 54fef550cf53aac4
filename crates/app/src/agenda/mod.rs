//! The families' calendar feed: a secret address per family (`/agenda/{token}.ics`), created
//! and revoked from the profile, its token stored hashed; the feed lists accepted places only.

mod feed;
mod secret;

use rusqlite::Connection;

pub use feed::agenda_calendar;
pub use secret::{AgendaFeed, agenda_feed, create_agenda_feed, revoke_agenda_feed};

use crate::AppError;

pub(crate) fn install(conn: &Connection) -> Result<(), AppError> {
    conn.execute_batch(include_str!("agenda.sql"))?;
    Ok(())
}

#[cfg(test)]
mod tests;
