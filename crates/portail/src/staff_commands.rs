//! `portail staff add|disable|list|code`: the staff accounts, with the same `app::staff`
//! use cases as `/gestion/comptes` (`Permission::ManageStaff`, checked for `--as LOGIN`).

use std::fmt::Write as _;
use std::process::ExitCode;

use app::staff::{self, NewStaffAccount, StaffRefusal};
use domain::staff::Role;

use crate::cli::{Cli, StaffAddArgs, StaffListArgs, StaffLoginArgs};
use crate::shared::{acting, open_app, print_json, refused_or};

pub fn add(cli: &Cli, args: &StaffAddArgs) -> anyhow::Result<ExitCode> {
    let app = open_app(cli)?;
    let by = user!(acting(&app, cli.as_login.as_deref()));
    let mut roles = Vec::new();
    for text in &args.roles {
        let Some(role) = Role::parse(text) else {
            eprintln!("Rôle inconnu : « {text} » (accueil, direction, regie ou administration).");
            return Ok(ExitCode::FAILURE);
        };
        roles.push(role);
    }
    let mut structures = Vec::new();
    for key in &args.structures {
        match user!(staff::structure_by_key(&app, key)) {
            Some(id) => structures.push(id),
            None => return refused_or(StaffRefusal::UnknownStructure.into()),
        }
    }
    let email = match &args.email {
        Some(text) => Some(user!(app::accounts::parse_email(text))),
        None => None,
    };
    let new = NewStaffAccount {
        login: args.login.clone(),
        name: args.name.clone(),
        email,
        roles,
        structures,
    };
    let (_, code) = user!(staff::open_account(&app, &by, new));
    let login = user!(staff::parse_login(&args.login).map_err(app::AppError::from));
    out!("Compte {login} ouvert.");
    out!("Code d'activation (affiché une seule fois, à remettre à la personne) : {code}");
    out!("Première connexion : /gestion/activation, puis la double authentification.");
    Ok(ExitCode::SUCCESS)
}

pub fn disable(cli: &Cli, args: &StaffLoginArgs) -> anyhow::Result<ExitCode> {
    let app = open_app(cli)?;
    let by = user!(acting(&app, cli.as_login.as_deref()));
    let account = user!(staff::staff_by_login(&app, &args.login));
    user!(staff::disable_account(&app, &by, account));
    out!(
        "Compte {} désactivé ; ses sessions sont fermées.",
        args.login.trim()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn code(cli: &Cli, args: &StaffLoginArgs) -> anyhow::Result<ExitCode> {
    let app = open_app(cli)?;
    let by = user!(acting(&app, cli.as_login.as_deref()));
    let account = user!(staff::staff_by_login(&app, &args.login));
    let code = user!(staff::new_activation_code(&app, &by, account));
    out!(
        "Nouveau code d'activation de {} (l'ancien est révoqué ; mot de passe et double authentification à refaire) : {code}",
        args.login.trim()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn list(cli: &Cli, args: &StaffListArgs) -> anyhow::Result<ExitCode> {
    let app = open_app(cli)?;
    let by = user!(acting(&app, cli.as_login.as_deref()));
    let accounts = user!(staff::staff_accounts(&app, &by));
    if args.json {
        return print_json(&accounts);
    }
    let mut out = String::new();
    for account in &accounts {
        let roles: Vec<&str> = account.roles.iter().map(|r| r.code()).collect();
        let structures: Vec<&str> = account
            .structures
            .iter()
            .map(|s| s.key.as_deref().unwrap_or(s.label.as_str()))
            .collect();
        let state = if account.disabled {
            "désactivé"
        } else if !account.activated {
            "en attente d'activation"
        } else if !account.enrolled {
            "double authentification à activer"
        } else {
            "actif"
        };
        let _ = write!(
            out,
            "{:<16} {:<28} {:<28} {:<20} {state}",
            account.login,
            account.name,
            roles.join(","),
            if structures.is_empty() {
                "-".to_owned()
            } else {
                structures.join(",")
            },
        );
        if let Some(secret) = &account.totp_secret {
            let _ = write!(out, "  (démo, secret TOTP {secret})");
        }
        out.push('\n');
    }
    out_raw!("{out}");
    Ok(ExitCode::SUCCESS)
}
