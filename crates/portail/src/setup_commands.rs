//! Staff commands about the organisation: import, demo, listings.

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::Context;

use crate::cli::{Cli, ImportArgs, ListArgs};
use crate::shared::{acting, open_app, print_json, refused_or};

pub fn import(cli: &Cli, args: &ImportArgs) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("lecture de {}", args.file.display()))?;
    let name = args.file.display().to_string();
    let setup = match app::setup::file::parse_setup(&text, &name) {
        Ok(setup) => setup,
        Err(error) => return refused_or(error.into()),
    };
    let app = open_app(cli)?;
    let by = user!(acting(&app, cli.as_login.as_deref()));
    let effective = args.effective_from.unwrap_or_else(|| app.today());
    let report = match app::setup::import::import(&app, &by, setup, effective) {
        Ok(report) => report,
        Err(error) => return refused_or(error),
    };
    if report.changed_nothing() {
        out!("Rien à changer : la base correspond déjà à {name}.");
        return Ok(ExitCode::SUCCESS);
    }
    out!(
        "Import de {name} : {} événement(s) enregistré(s), {} fiche(s) du registre mise(s) à jour.",
        report.events,
        report.registry_rows
    );
    for created in &report.created {
        out!("  + {created}");
    }
    for changed in &report.changed {
        out!("  ~ {changed}");
    }
    if !report.activation_codes.is_empty() {
        out!();
        out!(
            "Codes d'activation des nouveaux comptes (affichés une seule fois, à remettre aux familles et au personnel) :"
        );
        for (login, code) in &report.activation_codes {
            out!("  {login:<24} {code}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn demo(cli: &Cli) -> anyhow::Result<ExitCode> {
    let app = open_app(cli)?;
    let report = match app::demo::build(&app) {
        Ok(report) => report,
        Err(error) => return refused_or(error),
    };
    out!(
        "Monde de démonstration créé dans {} ({} événements).",
        cli.db.display(),
        report.import.events + report.history_events
    );
    out!("Comptes de démonstration (identifiant / mot de passe) :");
    for login in &report.logins {
        out!(
            "  {:<8} {:<22} {}",
            login.login,
            login.password,
            login.situation
        );
    }
    print_demo_staff();
    out!("À essayer :");
    for line in &report.to_watch {
        out!("  {line}");
    }
    Ok(ExitCode::SUCCESS)
}

/// The demo's staff accounts, each with its TOTP secret (demo only: a tester computes the codes
/// with any authenticator app, or `oathtool --totp -b SECRET`).
pub fn print_demo_staff() {
    out!(
        "Comptes du personnel de démonstration (/gestion/connexion ; identifiant / mot de passe / secret TOTP) :"
    );
    for staff in app::demo::DEMO_STAFF {
        out!(
            "  {:<10} {:<24} {}  ({})",
            staff.login,
            staff.password,
            staff.totp_secret().base32(),
            app::staff::role_label(staff.role)
        );
    }
}

pub fn structures(cli: &Cli, args: &ListArgs) -> anyhow::Result<ExitCode> {
    let rows = app::listing::structures(&open_app(cli)?)?;
    if args.json {
        return print_json(&rows);
    }
    let mut out = String::new();
    for row in &rows {
        let _ = writeln!(
            out,
            "{}  {:<12} {:<40} porte-monnaie : {}",
            row.id,
            row.key.as_deref().unwrap_or("-"),
            row.label,
            row.wallet
        );
    }
    out_raw!("{out}");
    Ok(ExitCode::SUCCESS)
}

pub fn activities(cli: &Cli, args: &ListArgs) -> anyhow::Result<ExitCode> {
    let rows = app::listing::activities(&open_app(cli)?)?;
    if args.json {
        return print_json(&rows);
    }
    let mut out = String::new();
    for row in &rows {
        let price = match row.price {
            Some(price) => format!("{price} €"),
            None => row
                .prices
                .iter()
                .map(|p| match p.up_to {
                    Some(up_to) => format!("QF≤{up_to} {} €", p.price),
                    None => format!("au-delà {} €", p.price),
                })
                .collect::<Vec<_>>()
                .join(", "),
        };
        let _ = writeln!(
            out,
            "{}  {:<32} {:<12} {:<30} {:>2}× {:<40} {:>3} places, attente {:>2}, réservation {}, annulation {}",
            row.id,
            row.label,
            row.unit,
            row.structure,
            row.quantity_per_day,
            price,
            row.capacity,
            row.waitlist,
            row.booking_deadline,
            row.cancellation_deadline
        );
    }
    out_raw!("{out}");
    Ok(ExitCode::SUCCESS)
}

pub fn families(cli: &Cli, args: &ListArgs) -> anyhow::Result<ExitCode> {
    let rows = app::listing::families(&open_app(cli)?)?;
    if args.json {
        return print_json(&rows);
    }
    let mut out = String::new();
    for row in &rows {
        let dossier = if row.dossier_complete {
            "dossier complet".to_owned()
        } else {
            format!("dossier incomplet ({})", row.missing_items.join(", "))
        };
        let _ = writeln!(
            out,
            "{}  {:<16} {:<28} solde {:>9} €  {dossier}",
            row.id, row.login, row.payer, row.balance
        );
        for child in &row.children {
            let _ = writeln!(
                out,
                "    {}  {} {} (né(e) le {})",
                child.id,
                child.last_name,
                child.first_name,
                child.birth_date.format("%d/%m/%Y")
            );
        }
    }
    out_raw!("{out}");
    Ok(ExitCode::SUCCESS)
}
