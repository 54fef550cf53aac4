//! One function per command; each opens what it needs and prints its result.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use anyhow::Context;
use store::{ChainReport, EventStore, StoreOptions};

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
        Command::Audit(AuditCommand::Verify(args)) => verify(cli, args),
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

fn export(cli: &Cli, args: &ExportArgs) -> anyhow::Result<ExitCode> {
    let store = open(cli)?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    for event in store.read_range(args.from, args.to, 1024)? {
        let line = event?.to_export_json()?;
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

fn verify(cli: &Cli, args: &VerifyArgs) -> anyhow::Result<ExitCode> {
    let store = open(cli)?;
    let report = store.verify_chain()?;
    let (mut code, mut json, mut lines) = match &report {
        ChainReport::Intact { events, head } => (
            ExitCode::SUCCESS,
            serde_json::json!({ "chain": "intact", "events": events, "head": hex_string(head) }),
            vec![format!(
                "Chaîne intacte : {events} événements, tête {}",
                hex_string(head)
            )],
        ),
        ChainReport::Broken(broken) => (
            ExitCode::FAILURE,
            serde_json::json!({ "chain": "broken", "position": broken.position, "reason": broken.reason }),
            vec![format!(
                "Chaîne rompue à la position {} : {}",
                broken.position, broken.reason
            )],
        ),
    };
    match projections::verify_read_models(&store)? {
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
            code = ExitCode::FAILURE;
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
    if args.json {
        out!("{json}");
    } else {
        for line in lines {
            out!("{line}");
        }
    }
    Ok(code)
}

fn hex_string(bytes: &[u8; 32]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
