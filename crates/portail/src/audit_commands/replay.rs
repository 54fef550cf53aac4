//! `audit replay`: the state of a family (or of every family) at a past instant or position,
//! recomputed from the log.

use std::process::ExitCode;

use app::App;
use app::audit::{FamilyAsOf, Replayed};
use domain::ids::FamilyId;

use crate::cli::{Cli, ReplayArgs};

/// A family's login (its id when it has no account) and its state at the replayed position.
type Report = (String, FamilyAsOf);

pub(crate) fn replay(cli: &Cli, args: &ReplayArgs) -> anyhow::Result<ExitCode> {
    let app = crate::shared::open_app(cli)?;
    let head = app.store.head()?.position;
    let position = match (args.position, args.at) {
        (Some(position), _) => position.min(head),
        (None, Some(at)) => app.store.position_at(&at.with_timezone(&chrono::Utc))?,
        (None, None) => head,
    };
    let families = match &args.family {
        Some(text) => match app::listing::resolve_family(&app, text) {
            Ok(family) => vec![(family, app::listing::family_login(&app, family)?)],
            Err(error) => {
                eprintln!("{error}");
                return Ok(ExitCode::FAILURE);
            }
        },
        None => app::listing::family_logins(&app)?
            .into_iter()
            .map(|(family, login)| (family, Some(login)))
            .collect(),
    };
    let reports = states_at(&app, position, families)?;
    if args.json {
        print_json(&reports, args.explain)?;
    } else {
        print_text(&reports, args, position, head);
    }
    Ok(ExitCode::SUCCESS)
}

/// One replay up to `position`, read for every family asked; a family the log did not know yet
/// at that position is left out.
fn states_at(
    app: &App,
    position: u64,
    families: Vec<(FamilyId, Option<String>)>,
) -> anyhow::Result<Vec<Report>> {
    let replayed = Replayed::up_to(&app.store, position)?;
    let mut reports = Vec::new();
    for (family, login) in families {
        let state = app.query(|conn| match replayed.family(&app.store, conn, family) {
            Ok(state) => Ok(Some(state)),
            Err(app::AppError::Money(app::money::MoneyRefusal::UnknownFamily)) => Ok(None),
            Err(error) => Err(error),
        })?;
        if let Some(state) = state {
            reports.push((login.unwrap_or_else(|| family.to_string()), state));
        }
    }
    Ok(reports)
}

/// The reports in JSON, each with its login; the movements only with `--explain`.
fn print_json(reports: &[Report], explain: bool) -> anyhow::Result<()> {
    let json: Vec<serde_json::Value> = reports
        .iter()
        .map(|(login, state)| {
            let mut value = serde_json::to_value(state).unwrap_or_default();
            value["login"] = serde_json::json!(login);
            if !explain {
                value.as_object_mut().map(|o| o.remove("movements"));
            }
            value
        })
        .collect();
    out!("{}", serde_json::to_string_pretty(&json)?);
    Ok(())
}

/// Each family's balance; with `--family` its wallets and reservations, with `--explain` the
/// movements that add up to the balance.
fn print_text(reports: &[Report], args: &ReplayArgs, position: u64, head: u64) {
    out!("État recalculé à la position {position} (sur {head}) :");
    for (login, state) in reports {
        out!("{login} : solde {} €", state.balance);
        if args.family.is_some() {
            print_wallets_and_reservations(state);
        }
        if args.explain {
            print_movements(state);
        }
    }
}

fn print_wallets_and_reservations(state: &FamilyAsOf) {
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

fn print_movements(state: &FamilyAsOf) {
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
