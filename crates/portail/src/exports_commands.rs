//! `portail export attendance|consumptions|payments|files`: the bytes of `app::exports::export`,
//! to stdout or `--out FILE`, as the web serves them.

use std::io::Write as _;
use std::process::ExitCode;

use anyhow::Context;
use app::exports::{self, ExportKind, ExportMonth, ExportRequest};

use crate::cli::{Cli, ExportCommand, ExportFileArgs};
use crate::shared::{acting, open_app};

pub fn export(cli: &Cli, command: &ExportCommand) -> anyhow::Result<ExitCode> {
    let (kind, args) = match command {
        ExportCommand::Attendance(args) => (ExportKind::Attendance, args),
        ExportCommand::Consumptions(args) => (ExportKind::Consumptions, args),
        ExportCommand::Payments(args) => (ExportKind::Payments, args),
        ExportCommand::Files(args) => (ExportKind::Files, args),
    };
    let app = open_app(cli)?;
    let by = user!(acting(&app, cli.as_login.as_deref()));
    let request = user!(request(&app, kind, args));
    let file = user!(exports::export(&app, &by, request));
    match &args.out {
        Some(path) => {
            std::fs::write(path, &file.bytes)
                .with_context(|| format!("écriture de {}", path.display()))?;
            eprintln!(
                "{} écrit : {} ligne(s) ({})",
                path.display(),
                file.lines,
                file.filename
            );
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`| head`) is not a failure of the export.
            let _ = stdout.write_all(&file.bytes).and_then(|()| stdout.flush());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn request(
    app: &app::App,
    kind: ExportKind,
    args: &ExportFileArgs,
) -> Result<ExportRequest, app::AppError> {
    let month = match (&args.month, kind) {
        (Some(text), _) => ExportMonth::parse(text)?,
        (None, ExportKind::Files) => ExportMonth::of(app.today()),
        (None, _) => ExportMonth::before(app.today()),
    };
    let structure = args
        .structure
        .as_deref()
        .map(|text| exports::structure_named(app, text))
        .transpose()?;
    Ok(ExportRequest {
        kind,
        month,
        structure,
    })
}
