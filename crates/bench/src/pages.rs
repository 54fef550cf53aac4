//! `pages`: the booking calendar, « Suivi » and « Solde et Paiement » of logged-in families
//! over real HTTP (keep-alive, 32 connections, `wrk`), against the same server's `/style.css`
//! in the same run. The smoke size fetches each page over HTTP instead (no wrk).

use std::time::{Duration, Instant};

use anyhow::bail;

use crate::fixture::World;
use crate::http::Browser;
use crate::measure::{Measure, Percentiles};
use crate::parent::{Tally, log_in};
use crate::server::{Mode, Server};
use crate::wrk;

/// How hard to drive the pages.
#[derive(Clone, Copy, Debug)]
pub struct Load {
    pub connections: u32,
    pub seconds: u32,
    /// Smoke: each page fetched a few times by the scripted browser, no wrk.
    pub smoke: bool,
}

/// Logs in `count` families spread over the world; their cookie headers and families.
pub async fn sessions(
    world: &World,
    server: &Server,
    count: u32,
) -> anyhow::Result<Vec<(u64, String)>> {
    let families = world.spec.families;
    let step = (families / u64::from(count).max(1)).max(1);
    let mut out = Vec::new();
    for k in 0..u64::from(count).min(families) {
        let f = k * step;
        let mut browser = Browser::new(server.addr);
        let mut tally = Tally::default();
        log_in(
            &mut tally,
            &mut browser,
            &World::login(f),
            crate::fixture::PASSWORD,
        )
        .await?;
        out.push((f, browser.cookie_header()));
    }
    Ok(out)
}

/// The pages measured.
#[derive(Clone, Copy, Debug)]
enum Page {
    Calendar,
    Suivi,
    Solde,
}

impl Page {
    const ALL: [Page; 3] = [Page::Calendar, Page::Suivi, Page::Solde];

    fn name(self) -> &'static str {
        match self {
            Page::Calendar => "calendar",
            Page::Suivi => "suivi",
            Page::Solde => "solde",
        }
    }

    fn path(self, world: &World, f: u64) -> String {
        match self {
            Page::Calendar => calendar_path(world, f),
            Page::Suivi => "/suivi".to_owned(),
            Page::Solde => "/solde".to_owned(),
        }
    }
}

/// The calendar of family `f`'s elder child for the month of the Wednesday bookings.
pub fn calendar_path(world: &World, f: u64) -> String {
    format!(
        "/reservations/{}?mois={}",
        World::child(f, true),
        world.first_day.format("%Y-%m")
    )
}

pub fn run(
    world: &World,
    mode: Mode,
    binary: Option<&std::path::Path>,
    load: Load,
) -> anyhow::Result<Vec<Measure>> {
    let server = Server::start(mode, &world.db, binary)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let logged = runtime.block_on(sessions(world, &server, load.connections))?;
    let measures = if load.smoke {
        runtime.block_on(smoke(world, &server, &logged))?
    } else {
        let dir = world.db.parent().unwrap_or(std::path::Path::new("."));
        let base = format!("http://{}", server.addr);
        let statics: Vec<(String, String)> = logged
            .iter()
            .map(|(_, cookie)| ("/style.css".to_owned(), cookie.clone()))
            .collect();
        let reference = wrk::run(dir, &base, &statics, load.connections, load.seconds)?;
        let mut measures = Vec::new();
        for page in Page::ALL {
            let requests: Vec<(String, String)> = logged
                .iter()
                .map(|(f, cookie)| (page.path(world, *f), cookie.clone()))
                .collect();
            let run = wrk::run(dir, &base, &requests, load.connections, load.seconds)?;
            measures.extend(page_measures(page.name(), &run, &reference));
        }
        measures
    };
    server.stop()?;
    Ok(measures)
}

fn page_measures(name: &str, page: &wrk::Run, reference: &wrk::Run) -> Vec<Measure> {
    let percentiles = Percentiles {
        p50: page.p50_ms,
        p90: Some(page.p90_ms),
        p95: None,
        p99: page.p99_ms,
        max: page.max_ms,
        count: page.requests as usize,
    };
    let mut rate = Measure::ratio(
        &format!("pages, {name}"),
        (page.requests_per_second, "req/s"),
        (reference.requests_per_second, "req/s static"),
        0.2,
    )
    .with_percentiles(Some(percentiles))
    .with_note(format!(
        "{} requests, {} errors (static: {} errors)",
        page.requests, page.errors, reference.errors
    ));
    if page.errors > 0 || reference.errors > 0 {
        rate.met = false;
    }
    let mut out = vec![rate];
    if name == "calendar" {
        let mut p99 = Measure::at_most("pages, calendar p99", page.p99_ms, "ms", 25.0);
        if page.errors > 0 {
            // wrk leaves the failed requests out of its distribution.
            p99.met = false;
            p99.note = format!("{} requests failed or timed out", page.errors);
        }
        out.push(p99);
    }
    out
}

/// Smoke: every page of every logged-in family answers 200 over HTTP; counts, no timing.
async fn smoke(
    world: &World,
    server: &Server,
    logged: &[(u64, String)],
) -> anyhow::Result<Vec<Measure>> {
    let mut measures = Vec::new();
    for page in Page::ALL {
        let name = page.name();
        let mut served = 0u32;
        let mut samples = Vec::new();
        for (f, cookie) in logged {
            let mut browser = Browser::with_cookies(server.addr, cookie);
            browser.timeout = Duration::from_secs(30);
            let started = Instant::now();
            let answer = browser.get(&page.path(world, *f)).await?;
            if answer.status != 200 {
                bail!("{name} of family {f}: {}", answer.status);
            }
            served += 1;
            samples.push(started.elapsed());
        }
        measures.push(
            Measure::ratio(
                &format!("pages, {name}"),
                (f64::from(served), "pages"),
                (logged.len() as f64, "asked"),
                1.0,
            )
            .with_percentiles(Percentiles::of(&samples)),
        );
    }
    Ok(measures)
}
