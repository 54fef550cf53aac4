//! Given / when / then for the application's rules: a world described by a setup file and the
//! events already in the log, one command at one instant, and the events that command decided.
//!
//! ```text
//! let world = given(SETUP, at).events(past);
//! let id = world.step(|app| money::record_payment(app, payment));
//! world.when(|app| money::cancel_payment(app, id)).then(&[expected events]);
//! ```
//!
//! The command runs through the real `App` (writer transaction, inline projections, registry),
//! so what is checked is what a user of the service would cause; the expected events are the
//! log's own vocabulary, compared whole.

use std::sync::{Arc, Mutex, PoisonError};

use app::setup::file::parse_setup;
use app::setup::import::import;
use app::{App, AppError, Clock};
use chrono::{DateTime, NaiveDate, Utc};
use domain::Event;
use tempfile::TempDir;

/// A clock the scenario moves: the world is built at one instant, the command runs at another.
struct ScenarioClock(Mutex<DateTime<Utc>>);

impl ScenarioClock {
    fn set(&self, instant: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = instant;
    }
}

impl Clock for ScenarioClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The world before the command.
pub struct Given {
    _dir: TempDir,
    app: App,
    clock: Arc<ScenarioClock>,
}

/// A world made of `setup` (a setup file, imported as staff would, effective on the day of
/// `at`), at the instant `at`.
pub fn given(setup: &str, at: DateTime<Utc>) -> Given {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ScenarioClock(Mutex::new(at)));
    let app = App::open(dir.path().join("given.db"), clock.clone()).unwrap();
    let parsed = parse_setup(setup, "given.toml").unwrap();
    import(
        &app,
        &app::staff::Acting::operator(),
        parsed,
        domain::deadline::paris_day(at),
    )
    .unwrap();
    Given {
        _dir: dir,
        app,
        clock,
    }
}

impl Given {
    /// Events that already happened, appended as they are (no rule is asked).
    pub fn events(self, past: Vec<Event>) -> Given {
        self.app
            .execute("test:given", move |command| {
                for event in past {
                    command.emit(event)?;
                }
                Ok(())
            })
            .unwrap();
        self
    }

    /// Something done through a service before the command under test (a booking, a
    /// transmission), so the world holds what the rules really produce; its answer (an id, a
    /// receipt) is returned for the command to name.
    pub fn step<T>(&self, step: impl FnOnce(&App) -> Result<T, AppError>) -> T {
        step(&self.app).unwrap()
    }

    /// The command runs at `instant` from now on.
    pub fn at(self, instant: DateTime<Utc>) -> Given {
        self.clock.set(instant);
        self
    }

    /// The command under test, at the scenario's current instant.
    pub fn when<T>(self, command: impl FnOnce(&App) -> Result<T, AppError>) -> Then<T> {
        let before = self.app.store.head().unwrap().position;
        let result = command(&self.app);
        let decided = self
            .app
            .store
            .read_range(before + 1, None, 256)
            .unwrap()
            .map(|stored| {
                let stored = stored.unwrap();
                let payload = stored.payload_json().unwrap();
                Event::decode(&stored.event_type, stored.schema_version, payload).unwrap()
            })
            .collect();
        Then {
            _world: self,
            result,
            decided,
        }
    }
}

/// What the command answered and the events it appended.
pub struct Then<T> {
    _world: Given,
    result: Result<T, AppError>,
    decided: Vec<Event>,
}

impl<T: std::fmt::Debug> Then<T> {
    /// The command succeeded and appended exactly `expected`, in this order. Returns its answer.
    pub fn then(self, expected: &[Event]) -> T {
        let answer = match self.result {
            Ok(answer) => answer,
            Err(error) => panic!("the command was refused: {error}"),
        };
        assert_eq!(self.decided, expected, "the events decided");
        answer
    }

    /// The command succeeded; `check` looks at the events it appended (for ids the command
    /// generates). Returns its answer.
    pub fn then_events(self, check: impl FnOnce(&[Event])) -> T {
        let answer = match self.result {
            Ok(answer) => answer,
            Err(error) => panic!("the command was refused: {error}"),
        };
        check(&self.decided);
        answer
    }

    /// The command was refused, appended nothing, and said `message` (as the user reads it).
    pub fn then_refused(self, message: &str) {
        match self.result {
            Ok(answer) => panic!("the command was accepted: {answer:?}"),
            Err(error) => {
                assert!(error.is_user_error(), "a refusal, not a failure: {error}");
                assert_eq!(error.to_string(), message);
            }
        }
        assert_eq!(self.decided, Vec::<Event>::new(), "nothing appended");
    }
}

/// `text` (`YYYY-MM-DD`) as a day.
pub fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}
