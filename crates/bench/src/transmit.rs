//! `transmit`: the nightly transmission of pending requests (5,000 families, 200 (activity, day)
//! pairs, report mails included): events written per second against the raw insert rate of
//! the same machine, in the same run.

use std::time::Instant;

use crate::fixture::{self, Spec};
use crate::measure::Measure;

pub fn run(requests: u64, families: u64) -> anyhow::Result<Measure> {
    let dir = tempfile::tempdir_in(crate::scratch_dir())?;
    let raw_rate = crate::append::raw_append_rate(dir.path(), requests)?;
    let world = fixture::build(
        dir.path(),
        Spec {
            families,
            requests,
            rush_capacity: 10,
            transmit: false,
        },
    )?;
    let app = &world.open()?;
    let head_before = app.store.head()?.position;
    let started = Instant::now();
    let report = app::booking::transmit(app, chrono::Utc::now())?;
    let seconds = started.elapsed().as_secs_f64();
    let events = app.store.head()?.position - head_before;
    let c = report.counts;
    anyhow::ensure!(
        u64::from(c.received) == requests,
        "{} requests received, {requests} pending",
        c.received
    );
    Ok(Measure::ratio(
        "transmit",
        (events as f64 / seconds, "ev/s"),
        (raw_rate, "ev/s raw"),
        0.5,
    )
    .with_note(format!(
        "{requests} requests in {seconds:.2} s: accepted {}, waitlisted {}, refused {}; {events} events, {} mails",
        c.accepted, c.waitlisted, c.refused, report.mails
    )))
}
