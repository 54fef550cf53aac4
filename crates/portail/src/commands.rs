//! One function per command; each opens what it needs and prints its result.

use std::collections::BTreeSet;
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use anyhow::Context;
use store::{BreakReason, ChainBreak, ChainReport, EventStore, StoreOptions};

use crate::booking_commands;
use crate::money_commands;
use crate::setup_commands;
use crate::{AbsencesCommand, ConsumptionsCommand, HistoryCommand, PaymentsCommand};
use crate::{
    AuditCommand, Cli, Command, EventsCommand, ExportArgs, ListCommand, MailCommand,
    ReservationsCommand, VerifyArgs, WaitlistCommand,
};

pub fn run(cli: &Cli) -> anyhow::Result<ExitCode> {
    match &cli.command {
        Command::Events(EventsCommand::Export(args)) => export(cli, args),
        Command::Events(EventsCommand::ImportCheck(args)) => import_check(args),
        Command::Backup(args) => backup(cli, args),
        Command::Calendar(args) => booking_commands::calendar(cli, args),
        Command::Rebuild(args) => rebuild(cli, args),
        Command::Serve(args) => crate::serve::serve(cli, args),
        Command::Restore(args) => restore(cli, args),
        Command::Audit(AuditCommand::Verify(args)) => verify(cli, args),
        Command::Audit(AuditCommand::Replay(args)) => replay(cli, args),
        Command::Audit(AuditCommand::Anchor(args)) => anchor(cli, args),
        Command::Import(args) => setup_commands::import(cli, args),
        Command::Demo => setup_commands::demo(cli),
        Command::Structures(ListCommand::List(args)) => setup_commands::structures(cli, args),
        Command::Activities(ListCommand::List(args)) => setup_commands::activities(cli, args),
        Command::Families(ListCommand::List(args)) => setup_commands::families(cli, args),
        Command::Reservations(ReservationsCommand::Request(args)) => {
            booking_commands::request(cli, args)
        }
        Command::Reservations(ReservationsCommand::Cancel(args)) => {
            booking_commands::cancel(cli, args)
        }
        Command::Reservations(ReservationsCommand::Withdraw(args)) => {
            booking_commands::withdraw(cli, args)
        }
        Command::Reservations(ReservationsCommand::List(args)) => booking_commands::list(cli, args),
        Command::Waitlist(WaitlistCommand::Show(args)) => booking_commands::waitlist(cli, args),
        Command::Transmit(args) => booking_commands::transmit(cli, args),
        Command::Mail(MailCommand::Outbox(args)) => booking_commands::outbox(cli, args),
        Command::Mail(MailCommand::Send(args)) => booking_commands::send(cli, args),
        Command::Consume(args) => money_commands::consume(cli, args),
        Command::Consumptions(ConsumptionsCommand::Record(args)) => {
            money_commands::record_consumption(cli, args)
        }
        Command::Absences(AbsencesCommand::Record(args)) => {
            money_commands::record_absence(cli, args)
        }
        Command::Payments(PaymentsCommand::Record(args)) => {
            money_commands::record_payment(cli, args)
        }
        Command::Payments(PaymentsCommand::Cancel(args)) => {
            money_commands::cancel_payment(cli, args)
        }
        Command::Payments(PaymentsCommand::Reconcile(args)) => money_commands::reconcile(cli, args),
        Command::Balance(args) => money_commands::balance(cli, args),
        Command::History(HistoryCommand::Consumptions(args)) => {
            money_commands::consumptions(cli, args)
        }
        Command::History(HistoryCommand::Payments(args)) => money_commands::payments(cli, args),
    }
}

fn open(cli: &Cli) -> anyhow::Result<EventStore> {
    EventStore::open(&cli.db, StoreOptions::default())
        .with_context(|| format!("ouverture de la base {}", cli.db.display()))
}

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
        let app = crate::setup_commands::open_app(cli)?;
        let family = match app::listing::resolve_family(&app, family) {
            Ok(family) => family,
            Err(error) => anyhow::bail!("{error}"),
        };
        let children = app.query(move |conn| app::registry::children_of(conn, family))?;
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

fn export(cli: &Cli, args: &ExportArgs) -> anyhow::Result<ExitCode> {
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
fn import_check(args: &crate::ImportCheckArgs) -> anyhow::Result<ExitCode> {
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

fn verify(cli: &Cli, args: &VerifyArgs) -> anyhow::Result<ExitCode> {
    let store = open(cli)?;
    let mut checked = check_store(&store)?;
    if let (Some(file), Some(public)) = (&args.anchors, &args.public_key) {
        let loaded = store::anchor::PublicKey::parse_or_read(public)
            .and_then(|public| Ok((public, store::anchor::read(file)?)));
        let (public, anchors) = match loaded {
            Ok(loaded) => loaded,
            Err(error) => {
                eprintln!("{}", app::audit::AuditRefusal::Anchor(error));
                return Ok(ExitCode::FAILURE);
            }
        };
        check_anchors(&store, &anchors, &public, &mut checked)?;
    }
    checked.add_advice();
    if args.json {
        out!("{}", checked.json);
    } else {
        for line in &checked.lines {
            out!("{line}");
        }
    }
    Ok(if checked.intact {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Each anchor against the log: signed by the auditor's key, and the hash recomputed from
/// position 1 to its position equal to the signed one.
fn check_anchors(
    store: &EventStore,
    anchors: &[store::anchor::Anchor],
    public: &store::anchor::PublicKey,
    checked: &mut StoreCheck,
) -> anyhow::Result<()> {
    use store::anchor::AnchorOutcome;
    let results = store::anchor::check(store, anchors, public)?;
    let mut json = Vec::new();
    let mut holding = 0usize;
    for result in &results {
        let a = &result.anchor;
        let which = format!(
            "Ancre n° {} (position {}, {})",
            result.number, a.position, a.instant
        );
        let (code, line) = match &result.outcome {
            AnchorOutcome::Holds => {
                holding += 1;
                anchor_json(&mut json, result, "holds");
                continue;
            }
            AnchorOutcome::Rewritten {
                recomputed: Some(recomputed),
            } => (
                "rewritten",
                format!(
                    "{which} : le journal jusqu'à cette position a été RÉÉCRIT (empreinte recalculée {recomputed}, empreinte ancrée {}), même si sa chaîne se vérifie.",
                    a.hash
                ),
            ),
            AnchorOutcome::Rewritten { recomputed: None } => (
                "rewritten",
                format!("{which} : cette position n'est plus dans le journal : il a été réécrit."),
            ),
            AnchorOutcome::Missing { end } => (
                "missing",
                format!(
                    "{which} : le journal s'arrête à la position {end}, avant l'ancre : des événements ont été retirés."
                ),
            ),
            AnchorOutcome::BadSignature => (
                "bad_signature",
                format!("{which} : signature invalide, la ligne de l'ancre a été modifiée."),
            ),
            AnchorOutcome::OtherKey => (
                "other_key",
                format!(
                    "{which} : signée par une autre clé ({}) que la clé publique donnée ({}).",
                    a.key_id,
                    public.key_id()
                ),
            ),
        };
        checked.intact = false;
        checked.anchors_fail = true;
        checked.lines.push(line);
        anchor_json(&mut json, result, code);
    }
    if results.is_empty() {
        checked.intact = false;
        checked.anchors_fail = true;
        checked
            .lines
            .push("Fichier d'ancres vide : rien ne prouve le journal.".to_owned());
    } else if holding == results.len() {
        let last = results.iter().map(|r| r.anchor.position).max().unwrap_or(0);
        checked.lines.push(format!(
            "Ancres vérifiées : {holding} ancre(s) signée(s) par la clé {}, le journal jusqu'à la position {last} est celui qui a été ancré.",
            public.key_id()
        ));
    }
    checked.json["anchors"] = serde_json::json!(json);
    Ok(())
}

fn anchor_json(json: &mut Vec<serde_json::Value>, result: &store::anchor::AnchorCheck, code: &str) {
    json.push(serde_json::json!({
        "number": result.number,
        "position": result.anchor.position,
        "instant": result.anchor.instant,
        "outcome": code,
    }));
}

/// The French wording of a break of the chain (one home for the CLI: `audit verify`, `rebuild`,
/// `serve`, `restore`).
pub(crate) fn break_text(broken: &ChainBreak) -> String {
    let reason = match broken.reason {
        BreakReason::Missing { found } => {
            format!("la position est absente (le journal saute à la position {found})")
        }
        BreakReason::RowChanged => {
            "l'événement ne correspond plus à son empreinte (modifié après son écriture)".to_owned()
        }
        BreakReason::HeadPosition { head, last } => format!(
            "la tête de chaîne indique la position {head} mais le journal s'arrête à la position {last}"
        ),
        BreakReason::HeadHash => {
            "l'empreinte du dernier événement diffère de la tête de chaîne".to_owned()
        }
    };
    format!("Chaîne rompue à la position {} : {reason}", broken.position)
}

/// The break behind a refused append, however the error was wrapped on its way up.
pub(crate) fn broken_chain_of(error: &anyhow::Error) -> Option<ChainBreak> {
    use store::{AppendError, StoreError};
    let from_store = |error: &StoreError| match error {
        StoreError::ChainBroken(broken) => Some(broken.clone()),
        _ => None,
    };
    let from_append = |error: &AppendError| match error {
        AppendError::Store(error) => from_store(error),
        _ => None,
    };
    error.chain().find_map(|cause| {
        if let Some(error) = cause.downcast_ref::<app::AppError>() {
            return match error {
                app::AppError::Store(error) => from_store(error),
                app::AppError::Append(error) => from_append(error),
                _ => None,
            };
        }
        if let Some(error) = cause.downcast_ref::<AppendError>() {
            return from_append(error);
        }
        cause.downcast_ref::<StoreError>().and_then(from_store)
    })
}

/// What to do when the log itself cannot be trusted; the runbook section it points to.
pub(crate) const RESTORE_ADVICE: &str = "À faire : n'écrivez rien dans cette base ; gardez-la de côté comme preuve et restaurez la dernière sauvegarde qui se vérifie (portail restore, docs/operations.md § 7 « Journal rompu ou réécrit »). Ne lancez pas portail rebuild : il recopierait la falsification dans les soldes et les réservations.";

/// What `audit verify` finds in a store: the hash chain, then the read models against their
/// replay.
struct StoreCheck {
    intact: bool,
    /// The chain is broken: the read models were not compared with it.
    chain_broken: bool,
    /// An anchor does not hold: the log was rewritten.
    anchors_fail: bool,
    /// The chain holds and a read model differs from its replay.
    read_models_differ: bool,
    json: serde_json::Value,
    lines: Vec<String>,
}

impl StoreCheck {
    /// Ends the report with what the operator does in each case: a log not to be trusted is
    /// restored from the last good backup; a verified log with a read model that differs is
    /// rebuilt from.
    fn add_advice(&mut self) {
        let action = if self.chain_broken || self.anchors_fail {
            self.lines.push(RESTORE_ADVICE.to_owned());
            "restore_backup"
        } else if self.read_models_differ {
            self.lines.push("À faire : le journal est intact, il fait foi ; reconstruisez les modèles de lecture depuis lui : portail rebuild (docs/operations.md § 3).".to_owned());
            "rebuild"
        } else {
            "none"
        };
        self.json["action"] = serde_json::json!(action);
    }
}

fn check_store(store: &EventStore) -> anyhow::Result<StoreCheck> {
    let report = store.verify_chain()?;
    let (mut intact, mut json, mut lines) = match &report {
        ChainReport::Intact { events, head } => (
            true,
            serde_json::json!({ "chain": "intact", "events": events, "head": hex_string(head) }),
            vec![format!(
                "Chaîne intacte : {events} événements, tête {}",
                hex_string(head)
            )],
        ),
        ChainReport::Broken(broken) => (
            false,
            serde_json::json!({ "chain": "broken", "position": broken.position, "reason": broken.reason.code() }),
            vec![break_text(broken)],
        ),
    };
    if !intact {
        // Replaying a log that is not the one written would compare the models with a forgery.
        json["read_models"] = serde_json::json!("not_compared");
        lines.push(
            "Modèles de lecture non comparés : le journal n'est pas celui qui a été écrit."
                .to_owned(),
        );
        return Ok(StoreCheck {
            intact,
            chain_broken: true,
            anchors_fail: false,
            read_models_differ: false,
            json,
            lines,
        });
    }
    let mut read_models_differ = false;
    match projections::verify_read_models(store)? {
        projections::ReadModelCheck::Absent => {
            json["read_models"] = serde_json::json!("absent");
        }
        projections::ReadModelCheck::Identical { events, tables } => {
            json["read_models"] = serde_json::json!("identical");
            lines.push(format!(
                "Modèles de lecture identiques à leur reconstruction : {tables} tables, {events} événements rejoués"
            ));
        }
        projections::ReadModelCheck::Different(difference) => {
            intact = false;
            read_models_differ = true;
            json["read_models"] = serde_json::json!("different");
            json["difference"] = serde_json::json!({
                "table": difference.table,
                "live_row": difference.live_row,
                "rebuilt_row": difference.rebuilt_row,
            });
            lines.push(format!(
                "Modèle de lecture différent de sa reconstruction : table {}, première ligne différente : {} (reconstruite : {})",
                difference.table,
                difference.live_row.as_deref().unwrap_or("absente"),
                difference.rebuilt_row.as_deref().unwrap_or("absente")
            ));
        }
    }
    Ok(StoreCheck {
        intact,
        chain_broken: false,
        anchors_fail: false,
        read_models_differ,
        json,
        lines,
    })
}

fn rebuild(cli: &Cli, args: &crate::RebuildArgs) -> anyhow::Result<ExitCode> {
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
    // The tables must exist to be swapped: install any the code added since.
    store
        .write(|tx| projections::install(tx.connection()))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let terminal = io::stderr().is_terminal();
    let mut last_line = std::time::Instant::now();
    let mut progress = |p: projections::Progress| {
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
    let report = match projections::rebuild(
        &store,
        &cli.db,
        &args.projections,
        args.batch,
        &mut progress,
    ) {
        Ok(report) => report,
        Err(projections::ProjectionError::Malformed {
            table: "rebuild",
            detail,
        }) => {
            eprintln!("{detail}");
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

fn replay(cli: &Cli, args: &crate::ReplayArgs) -> anyhow::Result<ExitCode> {
    let app = crate::setup_commands::open_app(cli)?;
    let head = app.store.head()?.position;
    let position = match (args.position, args.at) {
        (Some(position), _) => position.min(head),
        (None, Some(at)) => app.store.position_at(&at.with_timezone(&chrono::Utc))?,
        (None, None) => head,
    };
    let families = match &args.family {
        Some(text) => match app::listing::resolve_family(&app, text) {
            Ok(family) => vec![family],
            Err(error) => {
                eprintln!("{error}");
                return Ok(ExitCode::FAILURE);
            }
        },
        None => app
            .query(app::registry::family_accounts)?
            .into_iter()
            .map(|a| a.family_id)
            .collect(),
    };
    let mut reports = Vec::new();
    // One replay, read for every family asked.
    let replayed = app::audit::Replayed::up_to(&app.store, position)?;
    for family in families {
        let state = app.query(|conn| match replayed.family(&app.store, conn, family) {
            Ok(state) => Ok(Some(state)),
            Err(app::AppError::Refused(_)) => Ok(None),
            Err(error) => Err(error),
        })?;
        let login = app
            .query(move |conn| Ok(app::registry::family_account(conn, family)?.map(|a| a.login)))?;
        if let Some(state) = state {
            reports.push((login.unwrap_or_else(|| family.to_string()), state));
        }
    }
    if args.json {
        let json: Vec<serde_json::Value> = reports
            .iter()
            .map(|(login, state)| {
                let mut value = serde_json::to_value(state).unwrap_or_default();
                value["login"] = serde_json::json!(login);
                if !args.explain {
                    value.as_object_mut().map(|o| o.remove("movements"));
                }
                value
            })
            .collect();
        out!("{}", serde_json::to_string_pretty(&json)?);
        return Ok(ExitCode::SUCCESS);
    }
    out!("État recalculé à la position {position} (sur {head}) :");
    for (login, state) in &reports {
        out!("{login} : solde {} €", state.balance);
        if args.family.is_some() {
            for wallet in &state.wallets {
                out!(
                    "  {} : solde {} €, confirmées {} €, en attente {} €, solde estimé {} €",
                    wallet.wallet,
                    wallet.balance,
                    wallet.estimated_confirmed,
                    wallet.estimated_pending,
                    wallet.estimated_balance
                );
            }
            for r in &state.reservations {
                let detail = match (r.rank, &r.reason) {
                    (Some(rank), _) => format!(" (rang {rank})"),
                    (None, Some(reason)) => format!(" ({reason})"),
                    _ => String::new(),
                };
                out!(
                    "  {} {} : {}{}",
                    r.day.format("%d/%m/%Y"),
                    r.child,
                    r.state,
                    detail
                );
            }
        }
        if args.explain {
            for m in &state.movements {
                out!(
                    "  position {:>7}  {}  {:<24} {:>10} €  {}",
                    m.position,
                    m.recorded_at,
                    m.event_type,
                    m.amount,
                    m.day.as_deref().unwrap_or("")
                );
            }
            let total: domain::Money = state.movements.iter().map(|m| m.amount).sum();
            out!("  total des mouvements : {total} €");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn backup(cli: &Cli, args: &crate::BackupArgs) -> anyhow::Result<ExitCode> {
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
fn restore(cli: &Cli, args: &crate::RestoreArgs) -> anyhow::Result<ExitCode> {
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

/// `portail audit anchor`: a new key (`--new-key`), or the head signed and appended.
fn anchor(cli: &Cli, args: &crate::AnchorArgs) -> anyhow::Result<ExitCode> {
    if let Some(path) = &args.new_key {
        let key = match store::anchor::AnchorKey::create(path) {
            Ok(key) => key,
            Err(error) => {
                eprintln!("{}", app::audit::AuditRefusal::Anchor(error));
                return Ok(ExitCode::FAILURE);
            }
        };
        let public = key.public();
        let public_path = std::path::PathBuf::from(format!("{}.pub", path.display()));
        std::fs::write(&public_path, format!("{}\n", public.to_hex()))
            .with_context(|| format!("écriture de {}", public_path.display()))?;
        out!(
            "Clé d'ancrage créée : {} (lisible par son seul propriétaire ; gardez-la hors de la base et de ses sauvegardes).",
            path.display()
        );
        out!(
            "Clé publique (à remettre à l'auditeur, aussi dans {}) :",
            public_path.display()
        );
        out!("{}", public.to_hex());
        out!("Identifiant de la clé : {}", public.key_id());
        return Ok(ExitCode::SUCCESS);
    }
    let (Some(key), Some(anchors)) = (&args.key, &args.anchors) else {
        eprintln!("--key et --anchors sont nécessaires pour ancrer le journal.");
        return Ok(ExitCode::FAILURE);
    };
    let app = crate::setup_commands::open_app(cli)?;
    let anchoring = app::audit::Anchoring {
        key: key.clone(),
        anchors: anchors.clone(),
        mail_to: args.mail_to.clone(),
    };
    match app::audit::anchor(&app, &anchoring) {
        Ok(app::audit::Anchored::Signed { anchor, mailed }) => {
            out!(
                "Ancre ajoutée à {} : position {}, empreinte {}, {} (clé {}).",
                anchors.display(),
                anchor.position,
                anchor.hash,
                anchor.instant,
                anchor.key_id
            );
            if mailed && let Some(to) = &args.mail_to {
                out!("Ancre envoyée à {to} par la file des courriels (portail mail send).");
            }
            Ok(ExitCode::SUCCESS)
        }
        Ok(app::audit::Anchored::Broken(broken)) => {
            eprintln!("{}.", break_text(&broken));
            eprintln!(
                "Ancrage refusé : une ancre attesterait un journal falsifié. Rien n'a été signé."
            );
            eprintln!("{RESTORE_ADVICE}");
            Ok(ExitCode::FAILURE)
        }
        Err(error) => crate::setup_commands::refused_or(error),
    }
}

fn hex_string(bytes: &[u8; 32]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
