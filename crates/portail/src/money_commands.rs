//! Staff commands about money: consumptions, absences, desk payments, balance, histories.

use std::process::ExitCode;

use app::money::{self, MoneyRefusal};
use app::{App, AppError, listing};
use chrono::{Datelike, Days, NaiveDate};
use domain::Money;

use crate::cli::{
    AbsenceArgs, BalanceArgs, ChildDayArgs, Cli, ConsumeArgs, ConsumptionArgs, HistoryArgs,
    PaymentArgs, PaymentCancelArgs, ReconcileArgs,
};
use crate::shared::{acting, open_app, print_json};

pub fn consume(cli: &Cli, args: &ConsumeArgs) -> anyhow::Result<ExitCode> {
    let app = open_app(cli)?;
    let day = args.day.unwrap_or_else(|| app.today() - Days::new(1));
    let report = user!(money::consume(&app, day));
    if args.json {
        return print_json(&report);
    }
    out!(
        "{} : {} consommation(s) facturée(s) pour {} €, {} déjà facturée(s), {} absence(s) justifiée(s) non facturée(s).",
        day.format("%d/%m/%Y"),
        report.recorded,
        report.total,
        report.already_recorded,
        report.justified_absences
    );
    Ok(ExitCode::SUCCESS)
}

fn resolve(
    app: &App,
    on: &ChildDayArgs,
) -> Result<
    (
        domain::ids::FamilyId,
        domain::ids::ChildId,
        domain::ids::ActivityId,
    ),
    AppError,
> {
    let family = listing::resolve_family(app, &on.family)?;
    let child = listing::resolve_child(app, family, &on.child)?;
    let activity = listing::resolve_activity(app, &on.activity)?;
    Ok((family, child, activity))
}

pub fn record_consumption(cli: &Cli, args: &ConsumptionArgs) -> anyhow::Result<ExitCode> {
    let app = open_app(cli)?;
    let (family, child, activity) = user!(resolve(&app, &args.on));
    let day = args.on.day;
    let by = user!(acting(&app, cli.as_login.as_deref()));
    let recorded = if args.force {
        money::record_consumption_as_exception(&app, &by, family, child, activity, day).map(
            |exception| {
                for rule in &exception.set_aside {
                    out!("Exception validée, inscrite au journal : {rule}");
                }
                exception.recorded
            },
        )
    } else {
        money::record_consumption(&app, &by, family, child, activity, day)
    };
    let recorded = match recorded {
        Ok(recorded) => recorded,
        Err(AppError::RuleRefused(rules)) => {
            for rule in &rules {
                eprintln!("{rule}");
            }
            eprintln!(
                "Consommation non enregistrée. Si l'équipe accepte cette exception, relancez avec --force (elle sera inscrite au journal)."
            );
            return Ok(ExitCode::FAILURE);
        }
        Err(error) => return crate::shared::refused_or(error),
    };
    out!(
        "Consommation enregistrée : {} × {} € = {} €",
        recorded.quantity,
        recorded.unit_price,
        recorded.amount
    );
    Ok(ExitCode::SUCCESS)
}

pub fn record_absence(cli: &Cli, args: &AbsenceArgs) -> anyhow::Result<ExitCode> {
    let app = open_app(cli)?;
    let (family, child, activity) = user!(resolve(&app, &args.on));
    let by = user!(acting(&app, cli.as_login.as_deref()));
    let id = user!(money::record_absence(
        &app,
        &by,
        family,
        child,
        activity,
        args.on.day,
        args.justified
    ));
    out!(
        "Absence {} enregistrée : {id}",
        if args.justified {
            "justifiée (non facturée)"
        } else {
            "non justifiée (facturée)"
        }
    );
    Ok(ExitCode::SUCCESS)
}

pub fn record_payment(cli: &Cli, args: &PaymentArgs) -> anyhow::Result<ExitCode> {
    let app = open_app(cli)?;
    let by = user!(acting(&app, cli.as_login.as_deref()));
    let family = user!(listing::resolve_family(&app, &args.family));
    let wallet = user!(money::resolve_wallet(&app, &args.wallet));
    let amount = user!(
        Money::parse(&args.amount).map_err(|e| AppError::from(MoneyRefusal::InvalidAmount(e)))
    );
    let mode = user!(money::parse_mode(&args.mode));
    let payment = money::DeskPayment {
        family,
        wallet,
        amount,
        mode,
        number: args.number.clone(),
        bank: args.bank.clone(),
        payer: args.payer.clone(),
        paid_on: args.date.unwrap_or_else(|| app.today()),
    };
    let id = user!(money::record_payment(&app, &by, payment));
    out!("Règlement enregistré : {id} ({amount} €)");
    Ok(ExitCode::SUCCESS)
}

pub fn cancel_payment(cli: &Cli, args: &PaymentCancelArgs) -> anyhow::Result<ExitCode> {
    let app = open_app(cli)?;
    let by = user!(acting(&app, cli.as_login.as_deref()));
    let Ok(payment) = args.payment.trim().parse::<domain::ids::PaymentId>() else {
        eprintln!("Règlement inconnu : « {} » (id attendu).", args.payment);
        return Ok(ExitCode::FAILURE);
    };
    let amount = user!(money::cancel_payment(&app, &by, payment, &args.reason));
    out!("Règlement {payment} annulé ({amount} € retirés du porte-monnaie).");
    Ok(ExitCode::SUCCESS)
}

pub fn balance(cli: &Cli, args: &BalanceArgs) -> anyhow::Result<ExitCode> {
    let app = open_app(cli)?;
    let family = user!(listing::resolve_family(&app, &args.family));
    let wallets = user!(money::statement(
        &app,
        family,
        !args.without_confirmed,
        !args.without_pending
    ));
    let total =
        |pick: fn(&money::WalletStatement) -> Money| wallets.iter().map(pick).sum::<Money>();
    if args.json {
        let json = serde_json::json!({
            "balance": total(|w| w.balance),
            "estimated_confirmed": total(|w| w.estimated_confirmed),
            "estimated_pending": total(|w| w.estimated_pending),
            "estimated_balance": total(|w| w.estimated_balance),
            "wallets": wallets,
        });
        out!("{}", serde_json::to_string_pretty(&json)?);
        return Ok(ExitCode::SUCCESS);
    }
    out!(
        "{:<32} {:>10} {:>12} {:>12} {:>14}",
        "Porte-monnaie",
        "Solde",
        "Confirmées",
        "En attente",
        "Nouveau solde"
    );
    for w in &wallets {
        out!(
            "{:<32} {:>10} {:>12} {:>12} {:>14}",
            w.wallet,
            w.balance,
            w.estimated_confirmed,
            w.estimated_pending,
            w.estimated_balance
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn month(app: &App, text: &Option<String>) -> Result<NaiveDate, AppError> {
    match text {
        None => Ok(app.today().with_day(1).unwrap_or(app.today())),
        Some(text) => NaiveDate::parse_from_str(&format!("{}-01", text.trim()), "%Y-%m-%d")
            .map_err(|_| {
                MoneyRefusal::InvalidMonth {
                    typed: text.clone(),
                }
                .into()
            }),
    }
}

pub fn consumptions(cli: &Cli, args: &HistoryArgs) -> anyhow::Result<ExitCode> {
    let app = open_app(cli)?;
    let family = user!(listing::resolve_family(&app, &args.family));
    let month = user!(month(&app, &args.month));
    let history = money::consumption_history(&app, family, month)?;
    if args.json {
        return print_json(&history);
    }
    out!("Historique des consommations — {}", history.month);
    out!(
        "{:<12} {:<22} {:<30} {:>9} {:>4} {:>9}",
        "Jour",
        "Consommateur",
        "Activité",
        "Prix (€)",
        "Qté",
        "Total"
    );
    for line in &history.lines {
        out!(
            "{:<12} {:<22} {:<30} {:>9} {:>4} {:>9}",
            line.day.format("%d/%m/%Y"),
            line.consumer,
            line.activity,
            line.unit_price,
            line.quantity,
            line.total
        );
    }
    out!("{:<80} {:>9}", "TOTAL (€)", history.total);
    Ok(ExitCode::SUCCESS)
}

pub fn payments(cli: &Cli, args: &HistoryArgs) -> anyhow::Result<ExitCode> {
    let app = open_app(cli)?;
    let family = user!(listing::resolve_family(&app, &args.family));
    let month = user!(month(&app, &args.month));
    let history = money::payment_history(&app, family, month)?;
    if args.json {
        return print_json(&history);
    }
    out!("Historique des règlements — {}", history.month);
    out!(
        "{:<12} {:<10} {:<10} {:<24} {:<10} {:>9}",
        "Date reglt",
        "Mode",
        "N° pièce",
        "Nom payeur",
        "Banque",
        "Montant"
    );
    for line in &history.lines {
        out!(
            "{:<12} {:<10} {:<10} {:<24} {:<10} {:>9}{}",
            line.paid_on.format("%d/%m/%Y"),
            line.mode,
            line.number.as_deref().unwrap_or(""),
            line.payer.as_deref().unwrap_or(""),
            line.bank.as_deref().unwrap_or(""),
            line.amount,
            if line.cancelled { " (annulé)" } else { "" }
        );
    }
    out!("{:<70} {:>9}", "TOTAL (€)", history.total);
    Ok(ExitCode::SUCCESS)
}

/// The PayFiP provider from flags and `PORTAIL_PAYFIP_*`; `None` when no régie is configured.
pub fn payfip(
    endpoint: &Option<String>,
    numcli: &Option<String>,
    mode: payment::PayfipMode,
    year: i32,
) -> anyhow::Result<Option<payment::PayfipProvider>> {
    let Some(numcli) = numcli else {
        return Ok(None);
    };
    let mut config = payment::PayfipConfig::production(numcli, mode, year);
    if let Some(endpoint) = endpoint {
        config.endpoint = endpoint.clone();
    }
    Ok(Some(payment::PayfipProvider::new(config)?))
}

pub fn reconcile(cli: &Cli, args: &ReconcileArgs) -> anyhow::Result<ExitCode> {
    let app = open_app(cli)?;
    let Some(provider) = payfip(
        &args.payfip_endpoint,
        &args.payfip_numcli,
        args.payfip_mode,
        app.today().year(),
    )?
    else {
        eprintln!(
            "PayFiP n'est pas configuré (PORTAIL_PAYFIP_NUMCLI, PORTAIL_PAYFIP_MODE, PORTAIL_PAYFIP_ENDPOINT)."
        );
        return Ok(ExitCode::FAILURE);
    };
    let report = user!(app::online_payment::reconcile(&app, &provider));
    if args.json {
        return print_json(&report);
    }
    out!(
        "{} paiement(s) en cours vérifié(s) : {} payé(s), {} sans suite, {} encore en cours, {} erreur(s).",
        report.checked,
        report.paid,
        report.failed,
        report.still_pending,
        report.errors
    );
    Ok(ExitCode::SUCCESS)
}
