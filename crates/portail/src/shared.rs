//! What every group of commands uses: opening the database (with or without the application),
//! printing JSON, and telling a refusal from a failure.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use app::staff::Acting;
use app::{App, AppError, SystemClock};
use store::{EventStore, StoreOptions};

use crate::cli::Cli;

/// The event store of `--db`, without the application (the audit and maintenance commands).
pub fn open(cli: &Cli) -> anyhow::Result<EventStore> {
    EventStore::open(&cli.db, StoreOptions::default())
        .with_context(|| format!("ouverture de la base {}", cli.db.display()))
}

/// The application on `--db`, with the system clock.
pub fn open_app(cli: &Cli) -> anyhow::Result<App> {
    App::open(&cli.db, Arc::new(SystemClock))
        .with_context(|| format!("ouverture de la base {}", cli.db.display()))
}

/// The application on `--db` as `serve` opens it: a smaller writer cache
/// (`StoreOptions::serving`).
pub fn open_app_serving(cli: &Cli) -> anyhow::Result<App> {
    App::open_with(&cli.db, Arc::new(SystemClock), StoreOptions::serving())
        .with_context(|| format!("ouverture de la base {}", cli.db.display()))
}

/// Who acts: the active staff account of `--as LOGIN`, else the operator on the server. An
/// unknown or disabled identifiant is a refusal.
pub fn acting(app: &App, as_login: Option<&str>) -> Result<Acting, AppError> {
    let Some(login) = as_login else {
        return Ok(Acting::operator());
    };
    app::staff::active_member(app, login).map(|member| Acting::member(&member))
}

/// A refusal the user can fix: the message on stderr, exit 1. Anything else is ours.
pub fn refused_or(error: AppError) -> anyhow::Result<ExitCode> {
    if error.is_user_error() {
        eprintln!("{error}");
        Ok(ExitCode::FAILURE)
    } else {
        Err(error.into())
    }
}

/// `value` as pretty JSON on stdout.
pub fn print_json(value: &impl serde::Serialize) -> anyhow::Result<ExitCode> {
    out!("{}", serde_json::to_string_pretty(value)?);
    Ok(ExitCode::SUCCESS)
}
