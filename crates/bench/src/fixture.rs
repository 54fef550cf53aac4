//! The data every scenario measures on, generated (no randomness in the fixture itself): a
//! setup of 20 Wednesday activities and one « rush » activity on the weekdays of a later month,
//! families with two children each and one known password, pending requests, optionally all
//! decided by one transmission. Days are placed after today, so `serve` offers them for booking.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use app::setup::file::parse_setup;
use app::setup::import::import;
use app::{App, SystemClock};
use chrono::{Datelike, Days, Months, NaiveDate, Utc, Weekday};
use domain::event::payloads::{BasketSubmitted, BookingRequested};
use domain::ids::derive_id;
use domain::ids::*;
use domain::values::Forecast;
use serde::{Deserialize, Serialize};

pub const ACTIVITIES: u64 = 20;
pub const WEDNESDAYS: u64 = 10;
/// The password of every family of the fixture (one argon2id hash shared by all accounts).
pub const PASSWORD: &str = "mesure-du-portail-2027";
pub const DB_FILE: &str = "portail.db";
/// What a kept directory holds besides the database: the world's spec and calendar.
const WORLD_FILE: &str = "world.json";

/// What to generate.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct Spec {
    pub families: u64,
    pub requests: u64,
    /// Places of the rush activity per day (its waitlist is a fifth of it).
    pub rush_capacity: u64,
    /// Decide every pending request with one transmission after recording them.
    pub transmit: bool,
}

/// A generated database and its calendar.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct World {
    pub db: PathBuf,
    pub spec: Spec,
    /// The first Wednesday of the Wednesday activities.
    pub first_day: NaiveDate,
    /// The first day of the rush activity's month.
    pub rush_month: NaiveDate,
}

impl World {
    /// The application on the world's database (drop it before a server opens the file).
    pub fn open(&self) -> anyhow::Result<App> {
        Ok(App::open(&self.db, Arc::new(SystemClock))?)
    }

    pub fn login(f: u64) -> String {
        format!("famille{f}")
    }

    pub fn family(f: u64) -> FamilyId {
        FamilyId(derive_id("family", &World::login(f)))
    }

    pub fn child(f: u64, elder: bool) -> ChildId {
        let key = if elder { "aine" } else { "cadet" };
        ChildId(derive_id("child", &format!("{}/{key}", World::login(f))))
    }

    pub fn activity(key: &str) -> ActivityId {
        ActivityId(derive_id("activity", key))
    }

    /// The weekdays of the rush month (the days the rush activity opens).
    pub fn rush_days(&self) -> Vec<NaiveDate> {
        self.rush_month
            .iter_days()
            .take_while(|d| d.month() == self.rush_month.month())
            .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
            .collect()
    }
}

/// The first Wednesday at least three weeks after `today`.
fn first_wednesday(today: NaiveDate) -> NaiveDate {
    let mut day = today + Days::new(21);
    while day.weekday() != Weekday::Wed {
        day = day + Days::new(1);
    }
    day
}

fn setup_text(spec: &Spec, per_pair: u64, first_day: NaiveDate, rush_month: NaiveDate) -> String {
    let mut text = String::from(
        r#"
[organisation]
name = "Communauté de Communes de mesure"
address = "1 place de la Mairie - 33000 Bordeaux"
phone = "05 00 00 00 00"
email = "accueil@mesure.example"

[[wallets]]
key = "regie"
label = "Régie"

[[structures]]
key = "centre"
label = "Accueil de Loisirs du Centre"
wallet = "regie"
"#,
    );
    // Per Wednesday pair: 60 % of the requests get a place, 20 % the waitlist, 20 % are refused.
    let activities = (0..ACTIVITIES)
        .map(|a| (format!("activite-{a}"), per_pair * 3 / 5, per_pair / 5))
        .chain([(
            "rush".to_owned(),
            spec.rush_capacity,
            spec.rush_capacity / 5,
        )]);
    for (key, capacity, waitlist) in activities {
        let _ = write!(
            text,
            r#"
[[activities]]
key = "{key}"
structure = "centre"
label = "ALSH {key}"
unit = "journee"
ages = [3, 12]
price = "10.35"
capacity = {capacity}
waitlist = {waitlist}
booking_deadline = "J-2 18:00"
cancellation_deadline = "J-2 18:00"
"#
        );
    }
    let keys: Vec<String> = (0..ACTIVITIES)
        .map(|a| format!("\"activite-{a}\""))
        .collect();
    let last_wednesday = first_day + Days::new(7 * (WEDNESDAYS - 1));
    let rush_end = rush_month + Months::new(1) - Days::new(1);
    let _ = write!(
        text,
        r#"
[[periods]]
key = "mercredis"
label = "Mercredis"
activities = [{}]
from = "{first_day}"
to = "{last_wednesday}"
weekdays = ["mercredi"]

[[periods]]
key = "vacances"
label = "Vacances"
activities = ["rush"]
from = "{rush_month}"
to = "{rush_end}"
weekdays = ["lundi", "mardi", "mercredi", "jeudi", "vendredi"]
"#,
        keys.join(", ")
    );
    for f in 0..spec.families {
        let _ = write!(
            text,
            r#"
[[families]]
login = "famille{f}"
payer = "FAMILLE{f} Camille"
email = "famille{f}@mesure.example"
structures = ["centre"]

[[families.children]]
key = "aine"
first_name = "Aîné{f}"
last_name = "FAMILLE{f}"
birth_date = "2017-03-01"

[[families.children]]
key = "cadet"
first_name = "Cadet{f}"
last_name = "FAMILLE{f}"
birth_date = "2019-09-01"
"#
        );
    }
    text
}

/// The world kept in `dir` when there is one, else the world of `spec`, built there and kept.
pub fn kept(dir: &Path, spec: Spec) -> anyhow::Result<World> {
    let file = dir.join(WORLD_FILE);
    if file.exists() && dir.join(DB_FILE).exists() {
        return Ok(serde_json::from_str(&std::fs::read_to_string(&file)?)?);
    }
    std::fs::create_dir_all(dir)?;
    let world = build(dir, spec)?;
    std::fs::write(&file, serde_json::to_string_pretty(&world)?)?;
    Ok(world)
}

/// Builds the world of `spec` in `dir`.
pub fn build(dir: &Path, spec: Spec) -> anyhow::Result<World> {
    let db = dir.join(DB_FILE);
    let app = App::open(&db, Arc::new(SystemClock))?;
    let first_day = first_wednesday(app.today());
    let after = first_day + Days::new(7 * WEDNESDAYS + 7);
    let rush_month =
        NaiveDate::from_ymd_opt(after.year(), after.month(), 1).context("month")? + Months::new(1);
    let per_pair = spec.requests / (ACTIVITIES * WEDNESDAYS);
    let text = setup_text(&spec, per_pair, first_day, rush_month);
    import(
        &app,
        &app::staff::Acting::operator(),
        parse_setup(&text, "bench.toml")?,
        app.today(),
    )?;
    set_passwords(&app, spec.families)?;
    record_requests(&app, &spec, first_day)?;
    if spec.transmit {
        app::booking::transmit(&app, Utc::now())?;
    }
    drop(app);
    Ok(World {
        db,
        spec,
        first_day,
        rush_month,
    })
}

/// One argon2id hash of [`PASSWORD`] for every family (hashing 5,000 would take minutes).
fn set_passwords(app: &App, families: u64) -> anyhow::Result<()> {
    let hash = app::credentials::hash_password(PASSWORD)?;
    app.execute("bench:fixture", move |command| {
        for f in 0..families {
            app::registry::set_password_hash(command.conn(), World::family(f), &hash)?;
        }
        Ok(())
    })?;
    Ok(())
}

/// `spec.requests` pending requests: child k books activity k mod 20 every Wednesday (distinct
/// (child, activity, day)), 5,000 per command.
fn record_requests(app: &App, spec: &Spec, first_day: NaiveDate) -> anyhow::Result<()> {
    let children = spec.families * 2;
    let requests = spec.requests;
    let mut recorded = 0u64;
    while recorded < requests {
        let from = recorded;
        let to = (recorded + 5_000).min(requests);
        app.execute("bench:fixture", move |command| {
            for n in from..to {
                let child_index = n % children;
                let f = child_index / 2;
                let family = World::family(f);
                let day = first_day + Days::new(7 * ((n / children) % WEDNESDAYS));
                let activity = World::activity(&format!("activite-{}", child_index % ACTIVITIES));
                let basket = BasketId(derive_id("bench-basket", &n.to_string()));
                command.emit(BasketSubmitted {
                    basket_id: basket,
                    family_id: family,
                    client_request_id: format!("bench-{n}"),
                    booking_lines: 1,
                    cancellation_lines: 0,
                })?;
                command.emit(BookingRequested {
                    request_id: RequestId(derive_id("bench-request", &n.to_string())),
                    basket_id: basket,
                    family_id: family,
                    child_id: World::child(f, child_index.is_multiple_of(2)),
                    activity_id: activity,
                    day,
                    forecast: Forecast::PlaceAvailable,
                })?;
            }
            Ok(())
        })?;
        recorded = to;
    }
    Ok(())
}
