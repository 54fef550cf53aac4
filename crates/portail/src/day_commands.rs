//! Staff actions on a day: capacity from a day on, promotion by hand, a move on the waitlist,
//! exceptional closing. The same `app::days`
//! functions as the back office, with `--as LOGIN`.

use std::process::ExitCode;

use app::AppError;
use app::days::{self, Reason};
use app::listing;

use crate::cli::{CapacityArgs, Cli, CloseDayArgs, MoveArgs, PromoteArgs};
use crate::shared::{acting, open_app};

pub fn capacity(cli: &Cli, args: &CapacityArgs) -> anyhow::Result<ExitCode> {
    let app = open_app(cli)?;
    let by = user!(acting(&app, cli.as_login.as_deref()));
    let reason = user!(Reason::parse(&args.reason).map_err(AppError::from));
    let activity = user!(listing::resolve_activity(&app, &args.activity));
    let promoted = user!(days::change_capacity(
        &app,
        &by,
        activity,
        args.from,
        args.capacity,
        args.waitlist,
        reason
    ));
    out!(
        "Capacité : {} place(s), liste d'attente {} à partir du {} ; {} enfant(s) de la liste d'attente passé(s) en place acceptée.",
        args.capacity,
        args.waitlist,
        args.from.format("%d/%m/%Y"),
        promoted
    );
    Ok(ExitCode::SUCCESS)
}

fn parse_place(typed: &str) -> Option<domain::ids::ReservationId> {
    let place = typed.trim().parse().ok();
    if place.is_none() {
        eprintln!("Place inconnue : « {typed} » (id attendu).");
    }
    place
}

pub fn promote(cli: &Cli, args: &PromoteArgs) -> anyhow::Result<ExitCode> {
    let app = open_app(cli)?;
    let by = user!(acting(&app, cli.as_login.as_deref()));
    let reason = user!(Reason::parse(&args.reason).map_err(AppError::from));
    let Some(place) = parse_place(&args.place) else {
        return Ok(ExitCode::FAILURE);
    };
    user!(days::promote_waitlisted(&app, &by, place, reason));
    out!("Place donnée ; la famille est prévenue par courriel.");
    Ok(ExitCode::SUCCESS)
}

pub fn move_place(cli: &Cli, args: &MoveArgs) -> anyhow::Result<ExitCode> {
    let app = open_app(cli)?;
    let by = user!(acting(&app, cli.as_login.as_deref()));
    let reason = user!(Reason::parse(&args.reason).map_err(AppError::from));
    let Some(place) = parse_place(&args.place) else {
        return Ok(ExitCode::FAILURE);
    };
    let direction = if args.up {
        domain::booking::Direction::Up
    } else {
        domain::booking::Direction::Down
    };
    user!(days::move_waitlisted(&app, &by, place, direction, reason));
    out!("Liste d'attente réordonnée.");
    Ok(ExitCode::SUCCESS)
}

pub fn close_day(cli: &Cli, args: &CloseDayArgs) -> anyhow::Result<ExitCode> {
    let app = open_app(cli)?;
    let by = user!(acting(&app, cli.as_login.as_deref()));
    let reason = user!(Reason::parse(&args.reason).map_err(AppError::from));
    let activity = user!(listing::resolve_activity(&app, &args.activity));
    let closed = user!(days::close_day(&app, &by, activity, args.day, reason));
    out!(
        "Journée du {} fermée : {} place(s) annulée(s), chaque famille est prévenue par courriel.",
        args.day.format("%d/%m/%Y"),
        closed.cancelled
    );
    Ok(ExitCode::SUCCESS)
}
