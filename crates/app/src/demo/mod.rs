//! The demo world: the seed guide's organisation and families, dated relative to today so the
//! portal always looks alive. Built only into an empty database, through the same import as a
//! staff setup file; the history (reservations, consumptions, payments) is then recorded as the
//! booking engine and the desk would have recorded it.
//!
//! Same date, same content: every id is derived from a key, so two demos built on the same day
//! hold the same events (their event ids and instants aside).
//!
//! Whatever the day it is built, the demo shows what the seed guide describes, within the
//! current and the next month (the next three open Wednesdays always fall there):
//! - consumptions in the current and the previous month (« le mois en cours et le mois
//!   précédent »);
//! - on Lilou's calendar, the six colour states: a reservation past its cancellation deadline
//!   (« CDC - ALSH 6-12 Après-midi » is cancelled at the latest 8 days before) on the next
//!   Wednesday, her « 6-12 Matin » place on the second (the day is full, one child waits), the
//!   afternoon of the second full with room on the waitlist, the third Wednesday's morning full
//!   with its waitlist full, open days, closed days;
//! - a request the next transmission refuses (Lilou, the third Wednesday's full afternoon);
//! - a promotion to watch: when Lilou's morning of the second Wednesday is cancelled and the
//!   cancellation transmitted, the child waiting gets the place and his family the mail.

mod catalogue;
mod families;
mod history;
mod setup;
mod staff;
#[cfg(test)]
mod tests;
mod world;

use crate::credentials;
use crate::registry;
use crate::setup::import::{self, ImportReport};
use crate::{App, AppError};
use world::World;

pub use staff::{DEMO_STAFF, DemoStaff};

/// A demo account: the only fixed secrets of the product, present only in demo databases.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DemoLogin {
    pub login: &'static str,
    pub password: &'static str,
    pub situation: &'static str,
}

pub const DEMO_LOGINS: [DemoLogin; 3] = [
    DemoLogin {
        login: "dupont",
        password: "portail-demo-dupont",
        situation: "DUPONT Jean-Paul : Lilou (6-12 ans) et Antoine (3-6 ans), historiques, réservations",
    },
    DemoLogin {
        login: "martin",
        password: "portail-demo-martin",
        situation: "MARTIN Sophie : doit plus de 30 € (réservation bloquée)",
    },
    DemoLogin {
        login: "bernard",
        password: "portail-demo-bernard",
        situation: "BERNARD Luc : dossier incomplet (réservation bloquée)",
    },
];

/// What building the demo did.
#[derive(Clone, Debug)]
pub struct DemoReport {
    pub import: ImportReport,
    /// Events of the history recorded after the import.
    pub history_events: u64,
    pub logins: Vec<DemoLogin>,
    /// The staff accounts, one per role, enrolled.
    pub staff: Vec<DemoStaff>,
    /// What to try in the demo, in French, with its dates (printed by `portail demo`).
    pub to_watch: Vec<String>,
}

/// True when the database holds the demo world (its first family is there).
pub fn holds_demo_world(app: &App) -> Result<bool, AppError> {
    app.query(|conn| Ok(registry::family_by_login(conn, DEMO_LOGINS[0].login)?.is_some()))
}

/// Builds the demo world dated around `app.today()`. Refuses a database that holds any event.
pub fn build(app: &App) -> Result<DemoReport, AppError> {
    if app.store.head()?.position > 0 {
        return Err(AppError::Demo(crate::DemoRefusal::DatabaseNotEmpty));
    }
    let today = app.today();
    let world = World::new(today, app.now());
    let to_watch = world.to_watch();
    let mut import_report = import::import(
        app,
        &crate::staff::Acting::operator(),
        world.setup()?,
        import::from_the_start(),
    )?;
    // The demo hands out fixed passwords instead of activation codes.
    import_report
        .activation_codes
        .retain(|(login, _)| DEMO_LOGINS.iter().all(|d| d.login != login));
    let mut hashes = Vec::new();
    for demo in DEMO_LOGINS {
        hashes.push((
            families::family_id(demo.login),
            credentials::hash_password(demo.password)?,
        ));
    }
    let staff_hashes = staff::password_hashes()?;
    let history_events = app.execute("system:demo", move |command| {
        for (family, hash) in &hashes {
            registry::set_password_hash(command.conn(), *family, hash)?;
        }
        staff::open_demo_staff(command, &staff_hashes)?;
        world.record_history(command)?;
        Ok(command.appended())
    })?;
    Ok(DemoReport {
        import: import_report,
        history_events,
        logins: DEMO_LOGINS.to_vec(),
        staff: DEMO_STAFF.to_vec(),
        to_watch,
    })
}
