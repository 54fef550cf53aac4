//! The maintenance commands: rebuild the read models, back up, restore.

use std::io;
use std::process::ExitCode;

use anyhow::Context;
use store::ChainReport;

use crate::audit_commands::check_store;
use crate::broken_chain::{RESTORE_ADVICE, break_text};
use crate::cli::{BackupArgs, Cli, RebuildArgs, RestoreArgs};
use crate::shared::{acting, open, open_app};

pub(crate) fn rebuild(cli: &Cli, args: &RebuildArgs) -> anyhow::Result<ExitCode> {
    use std::io::IsTerminal;
    let store = open(cli)?;
    // The read models are rebuilt from the log: from a tampered one, the tampering would become
    // every balance. Verify it whole first, before anything is written.
    if let ChainReport::Broken(broken) = store.verify_chain()? {
        eprintln!("{}.", break_text(&broken));
        eprintln!(
            "Reconstruction refusée : les modèles de lecture n'ont pas été modifiés (ils seraient recalculés depuis un journal falsifié)."
        );
        eprintln!("{RESTORE_ADVICE}");
        return Ok(ExitCode::FAILURE);
    }
    // `--as LOGIN`: the member must hold the rebuild permission (the operator always does).
    let by = match cli.as_login.as_deref() {
        None => app::staff::Acting::operator(),
        Some(login) => user!(acting(&open_app(cli)?, Some(login))),
    };
    let terminal = io::stderr().is_terminal();
    let mut last_line = std::time::Instant::now();
    let mut progress = |p: app::maintenance::Progress| {
        let remaining = p.total.saturating_sub(p.done) as f64 / p.events_per_second.max(1.0);
        let percent = (p.done * 100).checked_div(p.total).unwrap_or(100).min(100);
        if terminal {
            let filled = (percent / 5) as usize;
            eprint!(
                "\r[{}{}] {percent:>3} % {}/{} événements, {:.0} év/s, reste {:.0} s ",
                "#".repeat(filled),
                " ".repeat(20 - filled),
                p.done,
                p.total,
                p.events_per_second,
                remaining
            );
        } else if last_line.elapsed() >= std::time::Duration::from_secs(5) || p.done == p.total {
            last_line = std::time::Instant::now();
            eprintln!(
                "reconstruction : {}/{} événements ({:.0} év/s, reste {:.0} s)",
                p.done, p.total, p.events_per_second, remaining
            );
        }
    };
    // The tables the code added since are installed first: they must exist to be swapped.
    let report = match app::maintenance::rebuild(
        &by,
        &store,
        &cli.db,
        &args.projections,
        args.batch,
        &mut progress,
    ) {
        Ok(report) => report,
        Err(app::AppError::Maintenance(refusal)) => {
            eprintln!("{refusal}");
            return Ok(ExitCode::FAILURE);
        }
        Err(error) => return Err(error.into()),
    };
    if terminal {
        eprintln!();
    }
    out!(
        "Modèles reconstruits ({}) : {} événements rejoués, {} rattrapés, en {:.1} s ({:.0} év/s).",
        report.projections.join(", "),
        report.replayed,
        report.caught_up,
        report.seconds,
        (report.replayed + report.caught_up) as f64 / report.seconds.max(1e-6)
    );
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn backup(cli: &Cli, args: &BackupArgs) -> anyhow::Result<ExitCode> {
    if !cli.db.exists() {
        eprintln!("Base introuvable : {}", cli.db.display());
        return Ok(ExitCode::FAILURE);
    }
    if args.to.exists() {
        eprintln!(
            "{} existe déjà : choisissez un nouveau fichier.",
            args.to.display()
        );
        return Ok(ExitCode::FAILURE);
    }
    store::backup(&cli.db, &args.to)
        .with_context(|| format!("sauvegarde vers {}", args.to.display()))?;
    let size = std::fs::metadata(&args.to).map(|m| m.len()).unwrap_or(0);
    out!(
        "Sauvegarde écrite : {} ({} Kio), empreinte dans {}",
        args.to.display(),
        size / 1024,
        store::checksum_path(&args.to).display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Checks the backup (its `.sha256` when present, then the chain and read models of a copy in a
/// scratch file) and only then puts that copy in place of `--db`, in one rename. A backup that
/// fails leaves `--db` untouched.
pub(crate) fn restore(cli: &Cli, args: &RestoreArgs) -> anyhow::Result<ExitCode> {
    let untouched = || {
        eprintln!(
            "Restauration refusée : {} n'a pas été modifiée.",
            cli.db.display()
        );
        Ok(ExitCode::FAILURE)
    };
    if !args.from.exists() {
        eprintln!("Sauvegarde introuvable : {}", args.from.display());
        return Ok(ExitCode::FAILURE);
    }
    let sidecar = store::checksum_path(&args.from);
    match store::check_backup_checksum(&args.from)
        .with_context(|| format!("empreinte de {}", args.from.display()))?
    {
        store::ChecksumCheck::Absent | store::ChecksumCheck::Matches => {}
        store::ChecksumCheck::Differs { expected, actual } => {
            eprintln!(
                "La sauvegarde {} ne correspond pas à son empreinte {} (attendue {expected}, calculée {actual}) : elle a changé depuis qu'elle a été écrite.",
                args.from.display(),
                sidecar.display()
            );
            return untouched();
        }
        store::ChecksumCheck::Malformed => {
            eprintln!(
                "L'empreinte {} est illisible (64 chiffres hexadécimaux attendus, au format de sha256sum).",
                sidecar.display()
            );
            return untouched();
        }
    }
    if cli.db.exists() {
        let holds_events = store::head_of_file(&cli.db)
            .map(|head| head.position > 0)
            .unwrap_or(true);
        if holds_events && !args.force {
            eprintln!(
                "{} contient déjà des événements : ajoutez --force pour la remplacer.",
                cli.db.display()
            );
            return Ok(ExitCode::FAILURE);
        }
    }
    let restored = store::restore(&args.from, &cli.db, |store| {
        let checked = check_store(store)?;
        Ok::<_, anyhow::Error>((checked.intact, checked.lines))
    });
    match restored {
        Ok(store::Restore::Restored(lines)) => {
            out!("Base restaurée : {}", cli.db.display());
            for line in lines {
                out!("{line}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Ok(store::Restore::Refused(lines)) => {
            for line in lines {
                eprintln!("{line}");
            }
            eprintln!(
                "La sauvegarde {} ne se vérifie pas : elle n'a pas été restaurée.",
                args.from.display()
            );
            untouched()
        }
        Err(error) => {
            eprintln!(
                "La sauvegarde {} n'a pas pu être restaurée : {error:#}",
                args.from.display()
            );
            untouched()
        }
    }
}
