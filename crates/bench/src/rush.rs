//! `rush`: the opening-day rush over real HTTP. Families arrive over a minute (uniformly, fixed
//! seed), each a tokio task on its own keep-alive connection: log-in, « Réservations », one or
//! two children's calendars of the rush activity, 5–20 clicks, récapitulatif, Valider, Suivi —
//! on days with fewer places than requests. Then the server is stopped, the transmission run,
//! and the log checked against what the parents were shown.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::NaiveDate;
use domain::ids::ChildId;

use crate::fixture::{PASSWORD, World};
use crate::html;
use crate::http::Browser;
use crate::measure::{Measure, Percentiles};
use crate::parent::{Tally, log_in};
use crate::rush_check::{self, Checked};
use crate::server::{Mode, RssSampler, Server, mib};

/// How big a rush.
#[derive(Clone, Copy, Debug)]
pub struct RushSpec {
    pub families: u64,
    pub arrival_seconds: f64,
    /// Seconds to wait after the last family before reading the memory again.
    pub settle_seconds: u64,
    pub seed: u64,
}

/// SplitMix64: a fixed seed gives the same rush every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// One family's script.
struct Plan {
    f: u64,
    arrival: Duration,
    children: Vec<(ChildId, Vec<NaiveDate>)>,
}

/// What one family did and saw.
pub struct Outcome {
    pub f: u64,
    pub tally: Tally,
    pub login: Option<Duration>,
    /// Clicks the server acknowledged (303 back to the calendar).
    pub clicks: u32,
    /// The validated basket's form id, once the answer page was shown.
    pub validated: Option<String>,
    pub error: Option<String>,
}

fn plans(world: &World, spec: &RushSpec) -> Vec<Plan> {
    let mut rng = Rng(spec.seed);
    let days = world.rush_days();
    let families = spec.families.min(world.spec.families);
    (0..families)
        .map(|f| {
            let arrival =
                Duration::from_secs_f64(spec.arrival_seconds * (rng.below(1_000_000) as f64 / 1e6));
            let two = rng.below(2) == 1;
            let clicks = 5 + rng.below(16) as usize;
            let shares = if two {
                vec![clicks / 2, clicks - clicks / 2]
            } else {
                vec![clicks]
            };
            let children = shares
                .into_iter()
                .enumerate()
                .map(|(i, share)| {
                    let mut pool = days.clone();
                    let mut chosen = Vec::new();
                    while chosen.len() < share && !pool.is_empty() {
                        chosen.push(pool.remove(rng.below(pool.len() as u64) as usize));
                    }
                    chosen.sort();
                    (World::child(f, i == 0), chosen)
                })
                .collect();
            Plan {
                f,
                arrival,
                children,
            }
        })
        .collect()
}

async fn family(
    addr: std::net::SocketAddr,
    plan: Plan,
    month: String,
    started: Instant,
) -> Outcome {
    tokio::time::sleep_until((started + plan.arrival).into()).await;
    let mut outcome = Outcome {
        f: plan.f,
        tally: Tally::default(),
        login: None,
        clicks: 0,
        validated: None,
        error: None,
    };
    if let Err(error) = script(addr, &plan, &month, &mut outcome).await {
        outcome.error = Some(format!("{error:#}"));
    }
    outcome
}

async fn script(
    addr: std::net::SocketAddr,
    plan: &Plan,
    month: &str,
    outcome: &mut Outcome,
) -> anyhow::Result<()> {
    let mut browser = Browser::new(addr);
    let tally = &mut outcome.tally;
    outcome.login = Some(log_in(tally, &mut browser, &World::login(plan.f), PASSWORD).await?);
    tally
        .page(&mut browser, "réservations", "/reservations")
        .await?;
    let rush = World::activity("rush");
    for (child, days) in &plan.children {
        let url = format!("/reservations/{child}?mois={month}&activite={rush}");
        let mut page = tally.page(&mut browser, "calendrier", &url).await?;
        for day in days {
            let day = day.to_string();
            let Some(form) = html::forms(&page).into_iter().find(|f| {
                f.action.ends_with("/panier")
                    && f.field("action") == Some("reserver")
                    && f.field("jour") == Some(day.as_str())
            }) else {
                continue;
            };
            page = tally
                .submit(&mut browser, "clic", &form, "calendrier")
                .await?;
            outcome.clicks += 1;
        }
    }
    if outcome.clicks == 0 {
        // Every chosen day was full, waitlist included: nothing to validate.
        tally.page(&mut browser, "suivi", "/suivi").await?;
        return Ok(());
    }
    let page = tally
        .page(&mut browser, "récapitulatif", "/reservations/recapitulatif")
        .await?;
    let form = html::forms(&page)
        .into_iter()
        .find(|f| f.action == "/reservations/recapitulatif")
        .context("no « Valider » on the récapitulatif")?;
    let form_id = form.field("formulaire").context("no form id")?.to_owned();
    tally
        .submit(&mut browser, "valider", &form, "résultat")
        .await?;
    outcome.validated = Some(form_id);
    tally.page(&mut browser, "suivi", "/suivi").await?;
    Ok(())
}

/// Steps of the log-in (measured on their own).
const LOGIN_STEPS: [&str; 3] = ["connexion", "se connecter", "file d'attente"];

pub fn run(
    world: &World,
    mode: Mode,
    binary: Option<&Path>,
    spec: RushSpec,
) -> anyhow::Result<Vec<Measure>> {
    let label = match mode {
        Mode::Binary { one_core: true } => "rush (one core)",
        _ => "rush",
    };
    let head_before = world.open()?.store.head()?.position;
    let server = Server::start(mode, &world.db, binary)?;
    let sampler = RssSampler::start(server.pid);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let month = world.rush_month.format("%Y-%m").to_string();
    let addr = server.addr;
    let plans = plans(world, &spec);
    let (outcomes, burst) = runtime.block_on(async move {
        let started = Instant::now();
        let tasks: Vec<_> = plans
            .into_iter()
            .map(|plan| tokio::spawn(family(addr, plan, month.clone(), started)))
            .collect();
        let mut outcomes = Vec::new();
        for task in tasks {
            outcomes.push(task.await?);
        }
        anyhow::Ok((outcomes, started.elapsed()))
    })?;
    std::thread::sleep(Duration::from_secs(spec.settle_seconds));
    let after = crate::server::rss_kib(server.pid).unwrap_or(0);
    let samples = sampler.finish();
    server.stop()?;
    let checked = rush_check::transmit_and_check(world, mode, binary, head_before, &outcomes)?;
    Ok(measures(label, &outcomes, &checked, &samples, after, burst))
}

fn measures(
    label: &str,
    outcomes: &[Outcome],
    checked: &Checked,
    samples: &[(Duration, u64)],
    after_kib: u64,
    burst: Duration,
) -> Vec<Measure> {
    let peak = samples.iter().map(|(_, k)| *k).max().unwrap_or(0);
    let mut out = latency_measures(label, outcomes, burst);
    out.extend(count_measures(label, outcomes, checked));
    out.push(
        Measure::at_most(&format!("{label}, serve RSS peak"), mib(peak), "MiB", 150.0).with_note(
            format!(
                "{:.0} MiB after the burst and a quiet spell, {} samples",
                mib(after_kib),
                samples.len()
            ),
        ),
    );
    out
}

fn total(outcomes: &[Outcome], f: fn(&Outcome) -> u32) -> u32 {
    outcomes.iter().map(f).sum()
}

/// Pages and submissions, and log-ins (first press to the home page).
fn latency_measures(label: &str, outcomes: &[Outcome], burst: Duration) -> Vec<Measure> {
    let pages: Vec<Duration> = outcomes
        .iter()
        .flat_map(|o| o.tally.steps.iter())
        .filter(|(step, _)| !LOGIN_STEPS.contains(step))
        .map(|(_, d)| *d)
        .collect();
    let logins: Vec<Duration> = outcomes.iter().filter_map(|o| o.login).collect();
    let pages_p = Percentiles::of(&pages);
    let logins_p = Percentiles::of(&logins);
    vec![
        Measure::at_most(
            &format!("{label}, pages p95"),
            pages_p.and_then(|p| p.p95).unwrap_or(f64::INFINITY),
            "ms",
            300.0,
        )
        .with_percentiles(pages_p)
        .with_note(format!(
            "{} families in {:.0} s, {} requests besides log-ins",
            outcomes.len(),
            burst.as_secs_f64(),
            pages.len()
        )),
        Measure::at_most(
            &format!("{label}, log-in p95"),
            logins_p.and_then(|p| p.p95).unwrap_or(f64::INFINITY),
            "ms",
            2000.0,
        )
        .with_percentiles(logins_p)
        .with_note(format!(
            "{} logged in, {} answers 429, {} waiting pages",
            logins.len(),
            total(outcomes, |o| o.tally.throttled),
            total(outcomes, |o| o.tally.waiting_pages)
        )),
    ]
}

/// Errors, lines lost or duplicated, days overbooked: each must be 0.
fn count_measures(label: &str, outcomes: &[Outcome], checked: &Checked) -> Vec<Measure> {
    let failed: Vec<&Outcome> = outcomes.iter().filter(|o| o.error.is_some()).collect();
    let first_error = failed
        .first()
        .and_then(|o| {
            o.error
                .as_ref()
                .map(|e| format!("; first: famille{} {e}", o.f))
        })
        .unwrap_or_default();
    let five_xx = total(outcomes, |o| o.tally.five_xx);
    let timeouts = total(outcomes, |o| o.tally.timeouts);
    vec![
        Measure::at_most(
            &format!("{label}, 5xx/timeouts/failed"),
            f64::from(five_xx + timeouts) + failed.len() as f64,
            "count",
            0.0,
        )
        .with_note(format!(
            "{five_xx} 5xx, {timeouts} timeouts, {} families did not finish{first_error}",
            failed.len()
        )),
        Measure::at_most(
            &format!("{label}, lost/duplicated"),
            (checked.lost + checked.duplicated) as f64,
            "lines",
            0.0,
        )
        .with_note(format!(
            "{} clicks acknowledged, {} baskets validated ({} families found every chosen day full), {} lines in the log; lost {}, duplicated {}",
            total(outcomes, |o| o.clicks),
            checked.baskets,
            outcomes.iter().filter(|o| o.error.is_none() && o.clicks == 0).count(),
            checked.logged_lines,
            checked.lost,
            checked.duplicated
        )),
        Measure::at_most(
            &format!("{label}, overbooked days"),
            checked.overbooked as f64,
            "days",
            0.0,
        )
        .with_note(format!(
            "{} days checked after the transmission: {} requests, {} places given",
            checked.days, checked.transmitted, checked.accepted
        )),
    ]
}
