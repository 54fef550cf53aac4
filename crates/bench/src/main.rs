//! Benchmarks: each scenario measures its figure and its reference in the same run and returns
//! typed [`measure::Measure`]s; this front prints them as a table and writes them as JSON to
//! `target/bench/<scenario>.json` (`all`: `target/bench/all.json`). Never assertions on time:
//! the smoke test (`cargo test -p bench`) runs every scenario at a seconds-long size for
//! correctness only.
//!
//! `cargo run --release -p bench -- all [--quick] [--one-core]`, or one scenario:
//! `append [EVENTS] [SUBMITTERS] [EVENTS_PER_COMMAND]`, `transmit [REQUESTS] [FAMILIES]`,
//! `rebuild [REQUESTS] [FAMILIES]`, `pages`, `rush [FAMILIES] [--one-core]`, `memory`
//! (each with `--quick` for a smaller size; `--keep DIR` keeps the generated world there and
//! reuses it at the next run).
#![forbid(unsafe_code)]

mod append;
mod fixture;
mod html;
mod http;
mod logins;
mod measure;
mod memory;
mod pages;
mod parent;
mod rebuild;
mod rush;
mod rush_check;
mod server;
mod sizes;
#[cfg(test)]
mod smoke;
mod transmit;
mod wrk;

use std::path::PathBuf;

use anyhow::{Context, bail};

use measure::Measure;
use sizes::Sizes;

/// Where the scenarios keep their databases (deleted at the end of the run).
pub fn scratch_dir() -> PathBuf {
    std::env::temp_dir()
}

const USAGE: &str = "usage: bench all [--quick] [--one-core] | append [EVENTS] [SUBMITTERS] [EVENTS_PER_COMMAND] | transmit [REQUESTS] [FAMILIES] | rebuild [REQUESTS] [FAMILIES] | pages | rush [FAMILIES] [--one-core] | memory | logins [LOGINS] [CLICKERS]   (each with --quick; --keep DIR to keep and reuse the generated world)";

struct Args {
    command: String,
    /// `--keep DIR`: the world's database is kept there and reused by the next runs.
    keep: Option<PathBuf>,
    numbers: Vec<u64>,
    quick: bool,
    one_core: bool,
}

fn parse_args() -> anyhow::Result<Args> {
    let mut args = Args {
        command: String::new(),
        keep: None,
        numbers: Vec::new(),
        quick: false,
        one_core: false,
    };
    let mut words = std::env::args().skip(1);
    while let Some(arg) = words.next() {
        match arg.as_str() {
            "--quick" => args.quick = true,
            "--keep" => args.keep = Some(words.next().context(USAGE)?.into()),
            "--one-core" => args.one_core = true,
            text if args.command.is_empty() => args.command = text.to_owned(),
            text => args.numbers.push(
                text.replace('_', "")
                    .parse()
                    .with_context(|| format!("not a number: {text}\n{USAGE}"))?,
            ),
        }
    }
    Ok(args)
}

fn main() -> anyhow::Result<()> {
    let args = parse_args()?;
    let mut sizes = if args.quick {
        Sizes::quick()
    } else {
        Sizes::full()
    };
    sizes.one_core = args.one_core;
    if args.command == "logins" {
        // The hashing pool's own measurement (in process), printed as it goes.
        let number = |i: usize, default: u64| args.numbers.get(i).copied().unwrap_or(default);
        return logins::run(number(0, 120) as usize, number(1, 8) as usize);
    }
    let measures = scenario(&args, sizes)?;
    print!("{}", measure::table(&measures));
    let path = measure::write_json(&args.command, &measures)?;
    println!("written to {}", path.display());
    Ok(())
}

/// The scenario the command names, at the sizes given.
fn scenario(args: &Args, mut sizes: Sizes) -> anyhow::Result<Vec<Measure>> {
    let number = |i: usize, default: u64| args.numbers.get(i).copied().unwrap_or(default);
    let measures = match args.command.as_str() {
        "all" => all(&sizes, args.keep.as_deref())?,
        "append" => {
            let events = number(0, sizes.append_events);
            let submitters = number(1, sizes.submitters);
            match args.numbers.get(2) {
                Some(per_command) => vec![append::run(events, submitters, *per_command)?],
                None => vec![
                    append::run(events, submitters, 1)?,
                    append::run(events, submitters, 8)?,
                ],
            }
        }
        "transmit" => vec![transmit::run(
            number(0, sizes.transmit_requests),
            number(1, sizes.families),
        )?],
        "rebuild" => {
            sizes.world_requests = number(0, sizes.world_requests);
            sizes.families = number(1, sizes.families);
            let (_dir, world) = sizes.world(args.keep.as_deref())?;
            vec![rebuild::run(&world)?]
        }
        "pages" => {
            let (_dir, world) = sizes.world(args.keep.as_deref())?;
            let binary = server::release_binary()?;
            wrk::ensure_installed()?;
            pages::run(&world, sizes.mode(), Some(&binary), sizes.load())?
        }
        "memory" => {
            let (_dir, world) = sizes.world(args.keep.as_deref())?;
            let binary = server::release_binary()?;
            wrk::ensure_installed()?;
            memory::run(
                &world,
                sizes.mode(),
                Some(&binary),
                sizes.load(),
                sizes.settle(),
            )?
        }
        "rush" => {
            sizes.rush_families = number(0, sizes.rush_families);
            sizes.families = sizes.families.max(sizes.rush_families);
            let (_dir, world) = sizes.world(args.keep.as_deref())?;
            let binary = server::release_binary()?;
            rush::run(&world, sizes.rush_mode(), Some(&binary), sizes.rush())?
        }
        _ => bail!("{USAGE}"),
    };
    Ok(measures)
}

/// Every scenario, the world generated once and reused: append, transmit, rebuild, pages,
/// memory, then the rush (which adds its bookings to the world).
fn all(sizes: &Sizes, keep: Option<&std::path::Path>) -> anyhow::Result<Vec<Measure>> {
    let binary = server::release_binary()?;
    wrk::ensure_installed()?;
    let mut all = Vec::new();
    let mut record = |name: &str, measures: Vec<Measure>| -> anyhow::Result<()> {
        measure::write_json(name, &measures)?;
        eprint!("{}", measure::table(&measures));
        all.extend(measures);
        Ok(())
    };
    eprintln!("== append");
    record(
        "append",
        vec![
            append::run(sizes.append_events, sizes.submitters, 1)?,
            append::run(sizes.append_events, sizes.submitters, 8)?,
        ],
    )?;
    eprintln!("== transmit");
    record(
        "transmit",
        vec![transmit::run(sizes.transmit_requests, sizes.families)?],
    )?;
    eprintln!(
        "== world: {} families, {} requests, transmitted",
        sizes.families, sizes.world_requests
    );
    let (_dir, world) = sizes.world(keep)?;
    eprintln!("== rebuild");
    record("rebuild", vec![rebuild::run(&world)?])?;
    eprintln!("== pages");
    record(
        "pages",
        pages::run(&world, sizes.mode(), Some(&binary), sizes.load())?,
    )?;
    eprintln!("== memory");
    record(
        "memory",
        memory::run(
            &world,
            sizes.mode(),
            Some(&binary),
            sizes.load(),
            sizes.settle(),
        )?,
    )?;
    eprintln!("== rush");
    record(
        "rush",
        rush::run(&world, sizes.rush_mode(), Some(&binary), sizes.rush())?,
    )?;
    Ok(all)
}
