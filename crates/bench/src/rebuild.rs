//! `rebuild`: every read model rebuilt from the log (swap included), against reading and
//! JSON-decoding the same log, in the same run.

use std::time::Instant;

use crate::fixture::World;
use crate::measure::Measure;

pub fn run(world: &World) -> anyhow::Result<Measure> {
    let app = &world.open()?;
    let head = app.store.head()?.position;

    let started = Instant::now();
    let mut decoded = 0u64;
    for stored in app.store.read_range(1, Some(head), 10_000)? {
        let stored = stored?;
        let payload = stored.payload_json()?;
        domain::Event::decode(&stored.event_type, stored.schema_version, payload)?;
        decoded += 1;
    }
    let read_rate = decoded as f64 / started.elapsed().as_secs_f64();

    let started = Instant::now();
    let report = projections::rebuild(&app.store, &world.db, &[], 100_000, &mut |_| {})?;
    let seconds = started.elapsed().as_secs_f64();
    let replayed = report.replayed + report.caught_up;
    anyhow::ensure!(
        replayed >= head,
        "{replayed} events replayed of a {head}-event log"
    );
    Ok(Measure::ratio(
        "rebuild",
        (replayed as f64 / seconds, "ev/s"),
        (read_rate, "ev/s read+decode"),
        0.6,
    )
    .with_note(format!(
        "{head} events, rebuild {seconds:.2} s, all read models swapped in"
    )))
}
