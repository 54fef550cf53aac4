//! `events export` (the log in JSON lines, filtered) and `events import-check` (an export
//! checked with no database).

use std::collections::BTreeSet;
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use anyhow::Context;
use store::EventStore;

use crate::cli::{Cli, ExportArgs, ImportCheckArgs};
use crate::shared::open;

/// Positions an export keeps: `None` for all; else the set the filters select.
fn selected_positions(
    cli: &Cli,
    store: &EventStore,
    args: &ExportArgs,
) -> anyhow::Result<Option<BTreeSet<u64>>> {
    let mut selected: Option<BTreeSet<u64>> = None;
    let mut narrow = |positions: BTreeSet<u64>| {
        selected = Some(match selected.take() {
            None => positions,
            Some(before) => before.intersection(&positions).copied().collect(),
        });
    };
    if let Some(stream) = &args.stream {
        narrow(
            store
                .read_stream(stream)?
                .iter()
                .map(|e| e.position)
                .collect(),
        );
    }
    if let Some(family) = &args.family {
        let app = crate::shared::open_app(cli)?;
        let family = match app::listing::resolve_family(&app, family) {
            Ok(family) => family,
            Err(error) => anyhow::bail!("{error}"),
        };
        let children = app::portal::children_of(&app, family)?;
        let mut positions: BTreeSet<u64> = store
            .read_stream(&family.stream())?
            .iter()
            .map(|e| e.position)
            .collect();
        let mut tags = vec![family.stream()];
        tags.extend(children.iter().map(|c| c.child_id.stream()));
        for tag in tags {
            positions.extend(store.read_tag(&tag)?.iter().map(|e| e.position));
        }
        narrow(positions);
    }
    Ok(selected)
}

pub(crate) fn export(cli: &Cli, args: &ExportArgs) -> anyhow::Result<ExitCode> {
    let store = open(cli)?;
    let selected = selected_positions(cli, &store, args)?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    for event in store.read_range(args.from, args.to, 1024)? {
        let event = event?;
        if selected
            .as_ref()
            .is_some_and(|s| !s.contains(&event.position))
        {
            continue;
        }
        if !args.types.is_empty() && !args.types.contains(&event.event_type) {
            continue;
        }
        let line = event.to_export_json()?;
        let written = serde_json::to_writer(&mut out, &line)
            .map_err(io::Error::from)
            .and_then(|()| out.write_all(b"\n"));
        if let Err(error) = written {
            // `portail events export | head` closes the pipe: that is not a failure.
            if error.kind() == io::ErrorKind::BrokenPipe {
                return Ok(ExitCode::SUCCESS);
            }
            return Err(error).context("écriture de l'export");
        }
    }
    match out.flush() {
        Err(error) if error.kind() != io::ErrorKind::BrokenPipe => {
            Err(error).context("écriture de l'export")
        }
        _ => Ok(ExitCode::SUCCESS),
    }
}

/// Checks an export with no database (`app::export_check`) and prints what it found.
pub(crate) fn import_check(args: &ImportCheckArgs) -> anyhow::Result<ExitCode> {
    let file = std::fs::File::open(&args.file)
        .with_context(|| format!("lecture de {}", args.file.display()))?;
    let report = app::export_check::check_export(io::BufReader::new(file))?;
    let ok = report.is_valid();
    if args.json {
        out!(
            "{}",
            serde_json::json!({ "lines": report.lines, "chained": report.chained, "gaps": report.gaps, "valid": ok, "problems": report.problems })
        );
    } else {
        for problem in &report.problems {
            out!("{problem}");
        }
        out!(
            "{} ligne(s), {} empreinte(s) vérifiée(s) de proche en proche, {} saut(s) de position (export filtré) : {}",
            report.lines,
            report.chained,
            report.gaps,
            if ok {
                "export valide"
            } else {
                "export NON valide"
            }
        );
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
