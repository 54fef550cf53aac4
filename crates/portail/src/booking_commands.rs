//! Staff commands about bookings, the transmission and mails.

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::Context;
use app::booking::{self, LineOutcome, LineRequest};
use app::listing;
use chrono::Utc;

use crate::cli::{
    CalendarArgs, CancelArgs, Cli, FamilyListArgs, OutboxArgs, RequestArgs, SendArgs, TransmitArgs,
    WaitlistArgs, WithdrawArgs,
};
use crate::shared::{acting, open_app, print_json};

fn client_request_id(given: &Option<String>) -> String {
    given
        .clone()
        .unwrap_or_else(|| format!("cli-{}", uuid::Uuid::now_v7()))
}

/// A basket's answer as `--json` prints it: the receipt, each refusal in words.
#[derive(serde::Serialize)]
struct ReceiptJson<'a> {
    basket_id: Option<domain::ids::BasketId>,
    lines: Vec<(&'a LineRequest, OutcomeJson<'a>)>,
    replayed: bool,
}

#[derive(serde::Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
enum OutcomeJson<'a> {
    Requested {
        request_id: domain::ids::RequestId,
        forecast: &'a domain::values::Forecast,
    },
    CancellationRequested {
        request_id: domain::ids::RequestId,
    },
    Refused {
        reason: String,
    },
}

impl<'a> ReceiptJson<'a> {
    fn of(receipt: &'a booking::BasketReceipt) -> Self {
        let lines = receipt
            .lines
            .iter()
            .map(|(line, outcome)| {
                let outcome = match outcome {
                    LineOutcome::Requested {
                        request_id,
                        forecast,
                    } => OutcomeJson::Requested {
                        request_id: *request_id,
                        forecast,
                    },
                    LineOutcome::CancellationRequested { request_id } => {
                        OutcomeJson::CancellationRequested {
                            request_id: *request_id,
                        }
                    }
                    LineOutcome::Refused { reason } => OutcomeJson::Refused {
                        reason: reason.to_string(),
                    },
                };
                (line, outcome)
            })
            .collect();
        ReceiptJson {
            basket_id: receipt.basket_id,
            lines,
            replayed: receipt.replayed,
        }
    }
}

/// Prints a basket's answer; exit 1 (reason on stderr) when its line was refused.
fn answer(receipt: &booking::BasketReceipt, json: bool) -> anyhow::Result<ExitCode> {
    let refused: Vec<String> = receipt
        .lines
        .iter()
        .filter_map(|(_, o)| match o {
            LineOutcome::Refused { reason } => Some(reason.to_string()),
            _ => None,
        })
        .collect();
    if json {
        out!(
            "{}",
            serde_json::to_string_pretty(&ReceiptJson::of(receipt))?
        );
    } else {
        for (_, outcome) in &receipt.lines {
            match outcome {
                LineOutcome::Requested {
                    request_id,
                    forecast,
                } => out!(
                    "Demande enregistrée (Non transmis) : {request_id} — {}",
                    booking::forecast_text(forecast)
                ),
                LineOutcome::CancellationRequested { request_id } => {
                    out!("Annulation demandée (Non transmis) : {request_id}")
                }
                LineOutcome::Refused { .. } => {}
            }
        }
        if receipt.replayed {
            out!("(demande déjà reçue : réponse d'origine)");
        }
    }
    for reason in &refused {
        eprintln!("Refusé : {reason}");
    }
    Ok(if refused.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

pub fn request(cli: &Cli, args: &RequestArgs) -> anyhow::Result<ExitCode> {
    let app = open_app(cli)?;
    let by = user!(acting(&app, cli.as_login.as_deref()));
    let family = user!(listing::resolve_family(&app, &args.family));
    let child = user!(listing::resolve_child(&app, family, &args.child));
    let activity = user!(listing::resolve_activity(&app, &args.activity));
    let line = LineRequest::Book {
        child_id: child,
        activity_id: activity,
        day: args.day,
    };
    let receipt = user!(booking::submit_staff_basket(
        &app,
        &by,
        family,
        &client_request_id(&args.client_request_id),
        vec![line],
        None
    ));
    answer(&receipt, args.json)
}

pub fn cancel(cli: &Cli, args: &CancelArgs) -> anyhow::Result<ExitCode> {
    let app = open_app(cli)?;
    let by = user!(acting(&app, cli.as_login.as_deref()));
    let Ok(reservation) = args
        .reservation
        .trim()
        .parse::<domain::ids::ReservationId>()
    else {
        eprintln!(
            "Réservation inconnue : « {} » (id attendu).",
            args.reservation
        );
        return Ok(ExitCode::FAILURE);
    };
    let Some(owner) = booking::reservation_owner(&app, reservation)? else {
        eprintln!("Réservation inconnue : {reservation}.");
        return Ok(ExitCode::FAILURE);
    };
    let receipt = user!(booking::submit_staff_basket(
        &app,
        &by,
        owner,
        &client_request_id(&args.client_request_id),
        vec![LineRequest::Cancel {
            reservation_id: reservation
        }],
        None
    ));
    answer(&receipt, args.json)
}

pub fn withdraw(cli: &Cli, args: &WithdrawArgs) -> anyhow::Result<ExitCode> {
    let app = open_app(cli)?;
    let by = user!(acting(&app, cli.as_login.as_deref()));
    let Ok(request) = args.request.trim().parse::<domain::ids::RequestId>() else {
        eprintln!("Demande inconnue : « {} » (id attendu).", args.request);
        return Ok(ExitCode::FAILURE);
    };
    let Some(owner) = booking::request_owner(&app, request)? else {
        eprintln!("Demande inconnue : {request}.");
        return Ok(ExitCode::FAILURE);
    };
    user!(booking::staff_withdraw_request(&app, &by, owner, request));
    out!("Demande retirée : {request}");
    Ok(ExitCode::SUCCESS)
}

pub fn list(cli: &Cli, args: &FamilyListArgs) -> anyhow::Result<ExitCode> {
    let app = open_app(cli)?;
    let family = user!(listing::resolve_family(&app, &args.family));
    let lines = listing::reservations(&app, family)?;
    if args.json {
        return print_json(&lines);
    }
    let mut out = String::new();
    for line in &lines {
        let _ = writeln!(
            out,
            "{}  {}  {:<18} {:<30} {}",
            line.id,
            line.day.format("%d/%m/%Y"),
            line.child,
            line.activity,
            line.state_text()
        );
    }
    out_raw!("{out}");
    Ok(ExitCode::SUCCESS)
}

pub fn waitlist(cli: &Cli, args: &WaitlistArgs) -> anyhow::Result<ExitCode> {
    let app = open_app(cli)?;
    let activity = user!(listing::resolve_activity(&app, &args.activity));
    let slot = user!(listing::slot(&app, activity, args.day));
    if args.json {
        return print_json(&slot);
    }
    out!(
        "{} — {} : {} / {} places, liste d'attente {} / {}, {} demande(s) non transmise(s)",
        slot.activity,
        slot.day.format("%d/%m/%Y"),
        slot.accepted,
        slot.capacity,
        slot.waitlisted,
        slot.waitlist_size,
        slot.pending
    );
    for entry in &slot.waitlist {
        out!(
            "  rang {:>2}  {}  {:<20} ({})",
            entry.rank.unwrap_or(0),
            entry.reservation_id,
            entry.child,
            entry.login.as_deref().unwrap_or("-")
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn transmit(cli: &Cli, args: &TransmitArgs) -> anyhow::Result<ExitCode> {
    let app = open_app(cli)?;
    let cut_off = args
        .at
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| app.now());
    let by = user!(acting(&app, cli.as_login.as_deref()));
    let report = if args.dry_run {
        user!(booking::dry_run_transmission(&app, &by, cut_off))
    } else {
        user!(booking::transmit_by(&app, &by, cut_off))
    };
    if args.json {
        let mut json = serde_json::to_value(report.counts)?;
        if let Some(object) = json.as_object_mut() {
            object.insert("cut_off".to_owned(), serde_json::to_value(report.cut_off)?);
            object.insert(
                "previous_cut_off".to_owned(),
                serde_json::to_value(report.previous_cut_off)?,
            );
            object.insert(
                "nothing_new".to_owned(),
                serde_json::Value::Bool(report.nothing_new()),
            );
        }
        out!("{json}");
        return Ok(ExitCode::SUCCESS);
    }
    let c = &report.counts;
    if args.dry_run {
        out!("Simulation (rien n'est enregistré) :");
    }
    if report.restricted {
        out!("Chiffres des structures de votre compte seulement.");
    }
    if report.nothing_new() {
        match report.previous_cut_off {
            Some(previous) => out!(
                "Rien de nouveau à transmettre : tout est déjà transmis jusqu'au {}.",
                booking::paris_date_time(previous)
            ),
            None => out!("Rien à transmettre : aucune demande reçue."),
        }
        return Ok(ExitCode::SUCCESS);
    }
    out!(
        "{} mouvement(s) reçu(s) : {} nouvelle(s) demande(s), {} demande(s) d'annulation.",
        c.received,
        c.new_requests,
        c.cancellation_requests
    );
    out!(
        "{} acceptée(s), {} en liste d'attente, {} annulée(s), {} refusée(s), {} attribuée(s) depuis la liste d'attente ; {} courriel(s) de compte rendu.",
        c.accepted,
        c.waitlisted,
        c.cancelled,
        c.refused,
        c.promoted,
        report.mails
    );
    for line in &report.lines {
        out!("  {}", booking::decision_line_text(line));
    }
    Ok(ExitCode::SUCCESS)
}

pub fn outbox(cli: &Cli, args: &OutboxArgs) -> anyhow::Result<ExitCode> {
    let app = open_app(cli)?;
    let entries = app.query(|conn| Ok(mail::list(conn, mail::OutboxFilter::All)?))?;
    if args.json {
        return print_json(&entries);
    }
    for entry in &entries {
        out!(
            "{}  {:<20} {:<32} {:<10} {}",
            entry.created_at,
            entry.kind.as_str(),
            entry.recipient,
            match (&entry.sent_at, &entry.last_error) {
                (Some(_), _) => "envoyé".to_owned(),
                (None, Some(_)) => format!("échec ×{}", entry.attempts),
                (None, None) => "à envoyer".to_owned(),
            },
            entry.subject
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The transport from the environment: SMTP when `PORTAIL_SMTP_HOST` is set, else `.eml` files.
pub fn transport(mail_dir: &std::path::Path) -> anyhow::Result<Box<dyn mail::Transport>> {
    transport_with(mail_dir, None)
}

/// SMTP when configured (`PORTAIL_SMTP_*`, or the configuration file's `[smtp]`), else .eml
/// files in `mail_dir`.
pub fn transport_with(
    mail_dir: &std::path::Path,
    file: Option<&crate::config::SmtpSection>,
) -> anyhow::Result<Box<dyn mail::Transport>> {
    match crate::config::smtp(file)? {
        Some(config) => Ok(Box::new(
            mail::SmtpTransport::new(&config).context("configuration SMTP")?,
        )),
        None => Ok(Box::new(mail::FileTransport::new(mail_dir))),
    }
}

pub fn send(cli: &Cli, args: &SendArgs) -> anyhow::Result<ExitCode> {
    let app = open_app(cli)?;
    let from = match &args.from {
        Some(from) => from.clone(),
        None => app::listing::default_sender(&app)?,
    };
    let from: mail::Mailbox = from
        .parse()
        .context("expéditeur (--from / PORTAIL_MAIL_FROM)")?;
    let transport = transport(&args.mail_dir)?;
    let report = mail::flush(&app.store, transport.as_ref(), &from, app.now(), 10_000)?;
    out!(
        "{} courriel(s) envoyé(s) par {}, {} en échec, {} encore en attente.",
        report.sent,
        transport.describe(),
        report.failed,
        report.still_pending
    );
    Ok(ExitCode::SUCCESS)
}

pub fn calendar(cli: &Cli, args: &CalendarArgs) -> anyhow::Result<ExitCode> {
    use chrono::Datelike;
    use domain::booking::EngagementState;
    let app = open_app(cli)?;
    let family = user!(listing::resolve_family(&app, &args.family));
    let child = user!(listing::resolve_child(&app, family, &args.child));
    let activity = match &args.activity {
        Some(text) => Some(user!(listing::resolve_activity(&app, text))),
        None => None,
    };
    let month = match &args.month {
        None => app.today().with_day(1).unwrap_or(app.today()),
        Some(text) => {
            match chrono::NaiveDate::parse_from_str(&format!("{}-01", text.trim()), "%Y-%m-%d") {
                Ok(day) => day,
                Err(_) => {
                    eprintln!("Mois invalide : « {text} » (AAAA-MM).");
                    return Ok(ExitCode::FAILURE);
                }
            }
        }
    };
    let days = user!(app::portal::month(&app, family, child, month, activity));
    if args.json {
        return print_json(&days);
    }
    for day in &days {
        if day
            .cells
            .iter()
            .all(|c| c.state == domain::booking::DayState::Closed && c.booking.is_none())
        {
            continue;
        }
        out!("{}", domain::wording::french_date(day.day));
        for cell in &day.cells {
            let booked = match (cell.booking, cell.rank) {
                (Some(EngagementState::Pending), _) => " — Non transmis".to_owned(),
                (Some(EngagementState::Waitlisted), Some(rank)) => {
                    format!(" — liste d'attente, rang {rank}")
                }
                (Some(EngagementState::Accepted), _) => " — acceptée".to_owned(),
                _ => String::new(),
            };
            out!("    {:<30} {}{}", cell.activity, cell.state_label, booked);
        }
    }
    Ok(ExitCode::SUCCESS)
}
