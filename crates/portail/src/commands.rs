//! The dispatch: each command goes to the function of its group (one module per group of
//! commands), which opens what it needs and prints its result.

use std::process::ExitCode;

use crate::audit_commands;
use crate::booking_commands;
use crate::cli::{AbsencesCommand, ConsumptionsCommand, HistoryCommand, PaymentsCommand};
use crate::cli::{
    ActivitiesCommand, AuditCommand, Cli, Command, EventsCommand, ListCommand, MailCommand,
    ReservationsCommand, StaffCommand, WaitlistCommand,
};
use crate::day_commands;
use crate::maintenance_commands;
use crate::money_commands;
use crate::setup_commands;
use crate::staff_commands;

pub fn run(cli: &Cli) -> anyhow::Result<ExitCode> {
    match &cli.command {
        Command::Events(EventsCommand::Export(args)) => audit_commands::export(cli, args),
        Command::Events(EventsCommand::ImportCheck(args)) => audit_commands::import_check(args),
        Command::Backup(args) => maintenance_commands::backup(cli, args),
        Command::Calendar(args) => booking_commands::calendar(cli, args),
        Command::Rebuild(args) => maintenance_commands::rebuild(cli, args),
        Command::Serve(args) => crate::serve::serve(cli, args),
        Command::Restore(args) => maintenance_commands::restore(cli, args),
        Command::Audit(AuditCommand::Verify(args)) => audit_commands::verify(cli, args),
        Command::Audit(AuditCommand::Replay(args)) => audit_commands::replay(cli, args),
        Command::Audit(AuditCommand::Anchor(args)) => audit_commands::anchor(cli, args),
        Command::Import(args) => setup_commands::import(cli, args),
        Command::Demo => setup_commands::demo(cli),
        Command::Staff(StaffCommand::Add(args)) => staff_commands::add(cli, args),
        Command::Staff(StaffCommand::Disable(args)) => staff_commands::disable(cli, args),
        Command::Staff(StaffCommand::List(args)) => staff_commands::list(cli, args),
        Command::Staff(StaffCommand::Code(args)) => staff_commands::code(cli, args),
        Command::Structures(ListCommand::List(args)) => setup_commands::structures(cli, args),
        Command::Activities(ActivitiesCommand::List(args)) => setup_commands::activities(cli, args),
        Command::Activities(ActivitiesCommand::Capacity(args)) => day_commands::capacity(cli, args),
        Command::Activities(ActivitiesCommand::CloseDay(args)) => {
            day_commands::close_day(cli, args)
        }
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
        Command::Waitlist(WaitlistCommand::Promote(args)) => day_commands::promote(cli, args),
        Command::Waitlist(WaitlistCommand::Move(args)) => day_commands::move_place(cli, args),
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
