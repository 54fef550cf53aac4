//! `portail`: the command staff and auditors run (and, later, the web server).
//!
//! This binary is glue: it parses arguments, sets up logging, opens the store and calls the
//! library crates. It alone uses `anyhow` and decides how errors are shown and which exit code
//! they get: 0 success, 1 a check failed or a command was refused, 2 a usage error.
#![forbid(unsafe_code)]

/// The allocator: freed memory goes back to the system after a burst (see docs/performance.md,
/// « Memory »).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `println!` that does not panic when stdout is a closed pipe (`portail … | head`).
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// `print!` that does not panic when stdout is a closed pipe.
macro_rules! out_raw {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// Unwraps a result of the application; a user's mistake ends the command with its French
/// message on stderr and exit 1 (see `shared::refused_or`).
macro_rules! user {
    ($expr:expr) => {
        match $expr {
            Ok(value) => value,
            Err(error) => return crate::shared::refused_or(error),
        }
    };
}

mod audit_commands;
mod booking_commands;
mod broken_chain;
mod cli;
mod commands;
mod config;
mod day_commands;
mod document_commands;
mod exports_commands;
mod maintenance_commands;
mod money_commands;
mod serve;
mod setup_commands;
mod shared;
mod staff_commands;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, LogFormat};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return usage_error(error),
    };
    init_tracing(cli.log_format);
    match commands::run(&cli) {
        Ok(code) => code,
        Err(error) if let Some(broken) = broken_chain::broken_chain_of(&error) => {
            // The store refused to append to a chain it found broken: nothing was recorded.
            eprintln!(
                "Rien n'a été enregistré : {}.",
                broken_chain::break_text(&broken)
            );
            eprintln!("{}", broken_chain::RESTORE_ADVICE);
            ExitCode::FAILURE
        }
        Err(error) => {
            let incident = uuid_like_incident_id();
            tracing::error!(incident = %incident, error = format!("{error:#}"), "command failed");
            eprintln!("erreur : {error:#} (incident {incident})");
            ExitCode::FAILURE
        }
    }
}

/// Help and version go to stdout with success; any other parse error is one line and exit 2.
fn usage_error(error: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match error.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = error.print();
            if error.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            }
        }
        _ => {
            let rendered = error.render().to_string();
            let first = rendered
                .lines()
                .next()
                .unwrap_or("error: invalid arguments");
            eprintln!("{first} (portail --help)");
            ExitCode::from(2)
        }
    }
}

fn init_tracing(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

/// A short id to quote when reporting a failure; the same id is in the logs.
fn uuid_like_incident_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "{:08x}",
        (nanos as u64 ^ (u64::from(std::process::id()) << 32)) as u32
    )
}
