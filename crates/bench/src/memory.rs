//! `memory`: the resident memory of `serve` on the world's database at start, at its peak
//! during a 32-connection burst of calendars (`wrk`), and after a quiet spell; against the
//! 150 MiB target.

use std::path::Path;
use std::time::Duration;

use crate::fixture::World;
use crate::http::Browser;
use crate::measure::Measure;
use crate::pages::{Load, calendar_path, sessions};
use crate::server::{Mode, RssSampler, Server, mib, rss_kib};
use crate::wrk;

pub fn run(
    world: &World,
    mode: Mode,
    binary: Option<&Path>,
    load: Load,
    settle: Duration,
) -> anyhow::Result<Vec<Measure>> {
    let server = Server::start(mode, &world.db, binary)?;
    std::thread::sleep(Duration::from_secs(1));
    let at_start = rss_kib(server.pid).unwrap_or(0);
    let sampler = RssSampler::start(server.pid);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let logged = runtime.block_on(sessions(world, &server, load.connections))?;
    let requests: Vec<(String, String)> = logged
        .iter()
        .map(|(f, cookie)| (calendar_path(world, *f), cookie.clone()))
        .collect();
    let errors = if load.smoke {
        runtime.block_on(async {
            let mut errors = 0u64;
            for (path, cookie) in &requests {
                let mut browser = Browser::with_cookies(server.addr, cookie);
                if browser.get(path).await?.status != 200 {
                    errors += 1;
                }
            }
            anyhow::Ok(errors)
        })?
    } else {
        let dir = world.db.parent().unwrap_or(Path::new("."));
        let base = format!("http://{}", server.addr);
        wrk::run(dir, &base, &requests, load.connections, load.seconds)?.errors
    };
    let samples = sampler.finish();
    std::thread::sleep(settle);
    let after = rss_kib(server.pid).unwrap_or(0);
    server.stop()?;
    let peak = samples.iter().map(|(_, k)| *k).max().unwrap_or(at_start);
    let mut measure = Measure::at_most("memory, serve RSS peak", mib(peak), "MiB", 150.0)
        .with_note(format!(
            "start {:.0} MiB, peak {:.0} MiB during {} connections × {} s of calendars ({errors} errors), {:.0} MiB {} s after",
            mib(at_start),
            mib(peak),
            load.connections,
            load.seconds,
            mib(after),
            settle.as_secs()
        ));
    if errors > 0 {
        measure.met = false;
    }
    Ok(vec![
        measure,
        Measure::at_most("memory, serve RSS after", mib(after), "MiB", 150.0),
    ])
}
