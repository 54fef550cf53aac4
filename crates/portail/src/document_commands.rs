//! `portail attestation`: a family's attestation de frais de garde or statement, as PDF.

use std::process::ExitCode;

use anyhow::Context;
use app::documents::{self, Requester};
use app::{AppError, listing};

use crate::cli::{AttestationArgs, AttestationKind, Cli};
use crate::shared::{acting, open_app};

pub fn attestation(cli: &Cli, args: &AttestationArgs) -> anyhow::Result<ExitCode> {
    let app = open_app(cli)?;
    let by = user!(acting(&app, cli.as_login.as_deref()));
    let family = user!(listing::resolve_family(&app, &args.family));
    let year = user!(documents::parse_year(&args.year).map_err(AppError::from));
    let who = Requester::Staff(by);
    let (number, bytes) = match args.kind {
        AttestationKind::FraisDeGarde => {
            let attestation = user!(documents::childcare_attestation(&app, &who, family, year));
            (attestation.number.text.clone(), attestation.pdf())
        }
        AttestationKind::Releve => {
            let from = args.from.clone().unwrap_or_else(|| format!("{year}-01-01"));
            let to = args.to.clone().unwrap_or_else(|| format!("{year}-12-31"));
            let (from, to) = user!(documents::parse_period(&from, &to).map_err(AppError::from));
            let statement = user!(documents::account_statement(&app, &who, family, from, to));
            (statement.number.text.clone(), statement.pdf())
        }
    };
    std::fs::write(&args.out, bytes)
        .with_context(|| format!("écriture de {}", args.out.display()))?;
    out!("Document {number} écrit dans {}", args.out.display());
    Ok(ExitCode::SUCCESS)
}
