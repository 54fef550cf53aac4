//! Settings of the running service, kept in `service_settings` (one row per name): this module
//! alone reads and writes that table.

use rusqlite::{Connection, OptionalExtension, params};

use crate::accounts::new_secret;
use crate::{App, AppError};

/// The portal's base URL, used in the links of mails (`portail serve` records it).
const BASE_URL: &str = "base_url";
/// The key of the CSRF tokens of the portal's forms (created at the first start).
const CSRF_KEY: &str = "csrf_key";
/// The key that picks the stand-in question of an identifiant without one (recovery).
const RECOVERY_DECOY_KEY: &str = "recovery_decoy_key";

pub(crate) fn install(conn: &Connection) -> Result<(), AppError> {
    conn.execute_batch(
        "-- Settings of the running service (e.g. the portal's base URL used in mails).
         CREATE TABLE IF NOT EXISTS service_settings (
             name  TEXT PRIMARY KEY,
             value TEXT NOT NULL
         ) STRICT;",
    )?;
    insert_if_absent(conn, RECOVERY_DECOY_KEY, &new_secret())
}

fn insert_if_absent(conn: &Connection, name: &str, value: &str) -> Result<(), AppError> {
    conn.prepare_cached(
        "INSERT INTO service_settings (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING",
    )?
    .execute(params![name, value])?;
    Ok(())
}

fn get(conn: &Connection, name: &str) -> Result<Option<String>, AppError> {
    Ok(conn
        .prepare_cached("SELECT value FROM service_settings WHERE name = ?1")?
        .query_row(params![name], |row| row.get(0))
        .optional()?)
}

/// The portal's address for links in mails, when the service was told it.
pub(crate) fn portal_url(conn: &Connection) -> Result<Option<String>, AppError> {
    get(conn, BASE_URL)
}

/// Records the portal's address (at every start of `portail serve`).
pub fn set_portal_url(app: &App, url: &str) -> Result<(), AppError> {
    let url = url.to_owned();
    app.execute("staff:serve", move |command| {
        command
            .conn()
            .prepare_cached(
                "INSERT INTO service_settings (name, value) VALUES (?1, ?2)
                 ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            )?
            .execute(params![BASE_URL, url])?;
        Ok(())
    })
}

/// The CSRF key, created at the first start and kept from then on.
pub fn csrf_key(app: &App) -> Result<Vec<u8>, AppError> {
    let fresh = new_secret();
    let stored = app.execute("system:portal", move |command| {
        insert_if_absent(command.conn(), CSRF_KEY, &fresh)?;
        get(command.conn(), CSRF_KEY)
    })?;
    let stored = stored.ok_or_else(|| AppError::corrupt("service_settings", "csrf_key: absent"))?;
    hex::decode(stored.trim())
        .map_err(|e| AppError::corrupt("service_settings", format!("csrf_key: {e}")))
}

/// The recovery's server key (see `accounts::recovery`); installed with the tables.
pub(crate) fn recovery_decoy_key(conn: &Connection) -> Result<String, AppError> {
    get(conn, RECOVERY_DECOY_KEY)?
        .ok_or_else(|| AppError::corrupt("service_settings", "recovery_decoy_key: absent"))
}
