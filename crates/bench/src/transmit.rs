//! `bench transmit [REQUESTS] [FAMILIES]`: the nightly transmission over REQUESTS pending
//! day-requests (default 100,000) from FAMILIES families (default 5,000, two children each) on
//! 200 (activity, day) pairs (20 activities × 10 Wednesdays), report mails included. The raw
//! append rate of the same machine is measured in the same run, for comparison.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use app::setup::file::parse_setup;
use app::setup::import::import;
use app::{App, FixedClock};
use chrono::{Days, NaiveDate, TimeZone, Utc};
use domain::event::payloads::{BasketSubmitted, BookingRequested};
use domain::ids::derive_id;
use domain::ids::*;
use domain::values::Forecast;

const ACTIVITIES: u64 = 20;
const DAYS: u64 = 10;

fn setup(families: u64, capacity: u64, waitlist: u64) -> String {
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
    for a in 0..ACTIVITIES {
        let _ = write!(
            text,
            r#"
[[activities]]
key = "activite-{a}"
structure = "centre"
label = "ALSH activité {a}"
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
    let _ = write!(
        text,
        r#"
[[periods]]
key = "mercredis"
label = "Mercredis"
activities = [{}]
from = "2027-01-06"
to = "2027-03-10"
weekdays = ["mercredi"]
"#,
        keys.join(", ")
    );
    for f in 0..families {
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

pub fn run(requests: u64, families: u64) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    println!(
        "transmission of {requests} pending requests from {families} families on {} (activity, day) pairs",
        ACTIVITIES * DAYS
    );
    super::raw_append_rate(dir.path(), 100_000)?;
    let (app, now) = world(dir.path(), requests, families)?;

    let head_before = app.store.head()?.position;
    let started = Instant::now();
    let report = app::booking::transmit(&app, now)?;
    let seconds = started.elapsed().as_secs_f64();
    let events = app.store.head()?.position - head_before;
    let c = report.counts;
    println!(
        "transmission: {seconds:.2} s — received {}, accepted {}, waitlisted {}, refused {}; {} events, {} report mails enqueued",
        c.received, c.accepted, c.waitlisted, c.refused, events, report.mails
    );
    Ok(())
}

/// A database with `families` families and `requests` pending requests; returns the app and the
/// instant its clock is stopped at.
pub fn world(
    dir: &std::path::Path,
    requests: u64,
    families: u64,
) -> anyhow::Result<(App, chrono::DateTime<Utc>)> {
    let now = Utc
        .with_ymd_and_hms(2027, 1, 4, 8, 0, 0)
        .single()
        .context("clock")?;
    let app = App::open(dir.join("transmit.db"), Arc::new(FixedClock(now)))?;
    // Per pair: 60 % of the requests get a place, 20 % the waitlist, 20 % are refused.
    let per_pair = requests / (ACTIVITIES * DAYS);
    let started = Instant::now();
    let text = setup(families, per_pair * 3 / 5, per_pair / 5);
    import(
        &app,
        &app::staff::Acting::operator(),
        parse_setup(&text, "bench.toml")?,
        app.today(),
    )?;
    println!(
        "setup: {families} families imported in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let first_day = NaiveDate::from_ymd_opt(2027, 1, 6).context("day")?;
    let children = families * 2;
    let started = Instant::now();
    let mut recorded = 0u64;
    let batch = 5_000;
    while recorded < requests {
        let from = recorded;
        let to = (recorded + batch).min(requests);
        app.execute("bench:fixture", move |command| {
            for n in from..to {
                // Child k books activity k mod 20, every Wednesday: distinct (child, activity, day).
                let child_index = n % children;
                let family_index = child_index / 2;
                let login = format!("famille{family_index}");
                let child_key = if child_index.is_multiple_of(2) {
                    "aine"
                } else {
                    "cadet"
                };
                let family = FamilyId(derive_id("family", &login));
                let day = first_day + Days::new(7 * ((n / children) % DAYS));
                let activity = ActivityId(derive_id(
                    "activity",
                    &format!("activite-{}", child_index % ACTIVITIES),
                ));
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
                    child_id: ChildId(derive_id("child", &format!("{login}/{child_key}"))),
                    activity_id: activity,
                    day,
                    forecast: Forecast::PlaceAvailable,
                })?;
            }
            Ok(())
        })?;
        recorded = to;
    }
    println!(
        "fixture: {requests} pending requests recorded in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    Ok((app, now))
}

/// `bench rebuild [REQUESTS] [FAMILIES]`: builds a log (setup, REQUESTS baskets and requests, one
/// transmission deciding them all), then measures, in the same run, the raw rate of reading and
/// JSON-decoding every event and the rate of `portail rebuild` over all read models.
pub fn rebuild(requests: u64, families: u64, keep: Option<&std::path::Path>) -> anyhow::Result<()> {
    let temp = tempfile::tempdir()?;
    let dir = keep.unwrap_or(temp.path());
    std::fs::create_dir_all(dir)?;
    let (app, now) = if dir.join("transmit.db").exists() {
        let now = Utc
            .with_ymd_and_hms(2027, 1, 4, 8, 0, 0)
            .single()
            .context("clock")?;
        let app = App::open(dir.join("transmit.db"), Arc::new(FixedClock(now)))?;
        println!("reusing {}", dir.join("transmit.db").display());
        (app, now)
    } else {
        let (app, now) = world(dir, requests, families)?;
        app::booking::transmit(&app, now)?;
        (app, now)
    };
    let _ = now;
    let head = app.store.head()?.position;
    println!("log: {head} events");

    let started = Instant::now();
    let mut decoded = 0u64;
    for stored in app.store.read_range(1, Some(head), 10_000)? {
        let stored = stored?;
        let payload = stored.payload_json()?;
        let _event = domain::Event::decode(&stored.event_type, stored.schema_version, payload)?;
        decoded += 1;
    }
    let read_seconds = started.elapsed().as_secs_f64();
    let read_rate = decoded as f64 / read_seconds;
    println!("read + decode:  {read_rate:>10.0} events/s ({read_seconds:.2} s)");

    let db = dir.join("transmit.db");
    let started = Instant::now();
    let report = projections::rebuild(&app.store, &db, &[], 100_000, &mut |_| {})?;
    let seconds = started.elapsed().as_secs_f64();
    let rate = (report.replayed + report.caught_up) as f64 / seconds;
    println!("rebuild (all read models, swap included): {rate:>10.0} events/s ({seconds:.2} s)");
    println!("rebuild / read+decode: {:.2}", rate / read_rate);
    Ok(())
}
