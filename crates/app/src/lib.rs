//! Application services of Portail Famille: each one loads state, decides with the pure
//! `domain` rules, appends the events and updates the read models in ONE writer transaction.
//!
//! Architecture invariant: every mutation goes through [`App::execute`], so the events, the
//! inline projections and the registry rows of a command commit or roll back together, and every
//! decision reads its state inside the transaction that records it.
#![forbid(unsafe_code)]

pub mod accounts;
pub mod agenda;
pub mod audit;
pub mod boards;
pub mod booking;
pub mod charts;
pub mod console;
pub mod credentials;
pub mod days;
pub mod demo;
pub mod desk;
pub mod documents;
mod error;
pub mod export_check;
pub mod exports;
pub mod listing;
mod lookup;
pub mod maintenance;
pub mod money;
pub mod notify;
pub mod online_payment;
pub mod portal;
pub mod privacy;
#[cfg(test)]
mod query_plans;
pub mod registry;
pub mod settings;
pub mod setup;
pub mod staff;
mod wording;

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use domain::Event;
use store::{EventStore, ExpectedVersion, Metadata, NewEvent, StoreOptions, WriteTx};
use uuid::Uuid;

pub use error::{AppError, DemoRefusal, StaleModel, StaleReadModels};

/// Where the time comes from: the system clock in production, a fixed instant in tests.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The system clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock stopped at one instant.
#[derive(Clone, Copy, Debug)]
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

/// The application: the store, the clock, and the services as methods of other modules.
#[derive(Clone)]
pub struct App {
    pub store: EventStore,
    clock: Arc<dyn Clock>,
}

impl App {
    /// Opens the database, installs the registry and read-model tables, and brings the read
    /// models up to the head of the log.
    pub fn open(path: impl AsRef<Path>, clock: Arc<dyn Clock>) -> Result<App, AppError> {
        App::open_with(path, clock, StoreOptions::default())
    }

    /// The same with the store's `options` (`serve`: [`StoreOptions::serving`]).
    pub fn open_with(
        path: impl AsRef<Path>,
        clock: Arc<dyn Clock>,
        options: StoreOptions,
    ) -> Result<App, AppError> {
        let store = EventStore::open(path, options)?;
        store.write(|tx| -> Result<(), AppError> {
            registry::install(tx.connection())?;
            settings::install(tx.connection())?;
            accounts::install(tx.connection())?;
            staff::install(tx.connection())?;
            days::install(tx.connection())?;
            exports::install(tx.connection())?;
            documents::install(tx.connection())?;
            agenda::install(tx.connection())?;
            projections::install(tx.connection())?;
            mail::install(tx.connection())?;
            Ok(())
        })?;
        let stale = store.read(|conn| Ok(projections::stale(conn)))??;
        if !stale.is_empty() {
            let models = stale
                .into_iter()
                .map(|(name, stored, code)| StaleModel { name, stored, code })
                .collect();
            return Err(AppError::StaleReadModels(StaleReadModels(models)));
        }
        projections::catch_up(&store)?;
        Ok(App { store, clock })
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Today in Europe/Paris.
    pub fn today(&self) -> NaiveDate {
        domain::deadline::paris_day(self.now())
    }

    /// Runs a read-only query on a pooled connection (never for decisions: see `execute`).
    pub fn query<T>(
        &self,
        query: impl FnOnce(&rusqlite::Connection) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        self.store.read(|conn| Ok(query(conn)))?
    }

    /// Runs a command in the writer transaction. `actor` names who acts (`staff:import`,
    /// `family:<id>`, `system:transmission`) and goes into every event's metadata.
    pub fn execute<T: Send + 'static>(
        &self,
        actor: &str,
        command: impl FnOnce(&mut Command<'_, '_>) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        let metadata = command_metadata(actor);
        let now = self.now();
        Ok(self
            .store
            .write(move |tx| run_command(tx, metadata, now, command))?)
    }

    /// Runs a command in the writer transaction and rolls it back: its answer, with nothing
    /// recorded (a dry run). The store rolls a command back when it is rejected, so the
    /// answer travels as the rejection of a private type, never as an [`AppError`].
    pub fn rehearse<T: Send + 'static>(
        &self,
        actor: &str,
        command: impl FnOnce(&mut Command<'_, '_>) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        enum Rehearsed<T> {
            Answered(T),
            Failed(AppError),
        }
        let metadata = command_metadata(actor);
        let now = self.now();
        let written = self.store.write(
            move |tx| -> Result<std::convert::Infallible, Rehearsed<T>> {
                match run_command(tx, metadata, now, command) {
                    Ok(answer) => Err(Rehearsed::Answered(answer)),
                    Err(error) => Err(Rehearsed::Failed(error)),
                }
            },
        );
        match written {
            Ok(never) => match never {},
            Err(store::WriteError::Rejected(Rehearsed::Answered(answer))) => Ok(answer),
            Err(store::WriteError::Rejected(Rehearsed::Failed(error))) => Err(error),
            Err(store::WriteError::Store(error)) => Err(AppError::Store(error)),
        }
    }
}

/// The metadata of a command's events: who acts, and a fresh command id.
fn command_metadata(actor: &str) -> Metadata {
    Metadata {
        actor: actor.to_owned(),
        command_id: Some(Uuid::now_v7()),
        ..Metadata::default()
    }
}

/// Runs `command` in the writer transaction `tx`, then advances the read models' checkpoints
/// past the events it appended.
fn run_command<T>(
    tx: &mut WriteTx<'_>,
    metadata: Metadata,
    now: DateTime<Utc>,
    command: impl FnOnce(&mut Command<'_, '_>) -> Result<T, AppError>,
) -> Result<T, AppError> {
    let mut command_context = Command {
        tx,
        metadata,
        now,
        appended: 0,
        last_position: None,
    };
    let result = command(&mut command_context)?;
    if let Some(position) = command_context.last_position {
        projections::advance_checkpoints(command_context.tx.connection(), position)?;
    }
    Ok(result)
}

/// What a command can do inside its transaction.
pub struct Command<'a, 'b> {
    tx: &'a mut WriteTx<'b>,
    metadata: Metadata,
    now: DateTime<Utc>,
    appended: u64,
    last_position: Option<u64>,
}

impl Command<'_, '_> {
    /// The connection, for reading read models and the registry inside the transaction.
    pub fn conn(&self) -> &rusqlite::Connection {
        self.tx.connection()
    }

    /// The instant the command runs at.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// The last log position recorded at or before `instant`.
    pub fn last_position_at(&self, instant: &DateTime<Utc>) -> Result<u64, AppError> {
        Ok(self.tx.last_position_at(instant)?)
    }

    /// Events appended so far by this command.
    pub fn appended(&self) -> u64 {
        self.appended
    }

    /// Marks the events of this command as answering a client request (idempotency key).
    pub fn set_client_request_id(&mut self, id: &str) {
        self.metadata.client_request_id = Some(id.to_owned());
    }

    /// Marks the events this command appends from now on as a staff-approved exception to
    /// `rules` (their codes go into the metadata, for the audit trail).
    pub fn set_overrides(&mut self, rules: &[domain::booking::LineRefusal]) {
        self.metadata.overrides = rules.iter().map(|r| r.code().to_owned()).collect();
    }

    /// Appends an event to its stream and applies it to the read models.
    pub fn emit(&mut self, event: impl Into<Event>) -> Result<u64, AppError> {
        let event = event.into();
        let encoded = event.encode();
        let new = NewEvent {
            event_id: Uuid::now_v7(),
            event_type: encoded.event_type.to_owned(),
            schema_version: encoded.schema_version,
            payload: encoded.payload,
            metadata: self.metadata.clone(),
            tags: event.tags(),
        };
        // A fresh UUIDv7 cannot be stored yet: no retry look-up (a retried command is answered
        // by its own idempotency key, e.g. the basket's client request id).
        let appended = self
            .tx
            .append_new(&event.stream(), ExpectedVersion::Any, vec![new])?;
        let position = appended.positions.first().copied().unwrap_or_default();
        projections::apply_inline(self.tx.connection(), position, &event)?;
        self.appended += 1;
        self.last_position = Some(position);
        Ok(position)
    }
}
