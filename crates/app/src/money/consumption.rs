//! The nightly consumption: accepted places of a past day become debits at the price in force.

use chrono::NaiveDate;
use domain::Money;
use domain::event::payloads::ConsumptionRecorded;
use domain::ids::{ConsumptionId, ReservationId};
use serde::Serialize;

use super::{MoneyRefusal, day_price};
use crate::{App, AppError, Command};

/// What `consume` did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ConsumeReport {
    pub day: Option<NaiveDate>,
    /// Consumptions recorded now.
    pub recorded: u32,
    /// Reservations already billed (an earlier run).
    pub already_recorded: u32,
    /// Reservations not billed because staff recorded a justified absence.
    pub justified_absences: u32,
    pub total: Money,
}

/// The consumption that bills a reservation: one per reservation, whichever run records it.
fn consumption_of(reservation: ReservationId) -> ConsumptionId {
    ConsumptionId(domain::ids::derive_id(
        "consumption",
        &reservation.to_string(),
    ))
}

/// Turns every accepted reservation of a past `day` into a consumption at the price in force,
/// unless its last attendance mark is a justified absence (`domain::attendance::Mark`: an
/// unjustified absence is billed, and so is a justified one a later « présent » replaced).
/// Idempotent.
pub fn consume(app: &App, day: NaiveDate) -> Result<ConsumeReport, AppError> {
    if day >= app.today() {
        return Err(MoneyRefusal::DayNotOver { day }.into());
    }
    app.execute("system:consumption", move |command| {
        let mut report = ConsumeReport {
            day: Some(day),
            ..ConsumeReport::default()
        };
        for place in projections::accepted_places(command.conn(), day)? {
            bill(command, &place, day, &mut report)?;
        }
        Ok(report)
    })
}

/// Bills one accepted place, or counts why it is not billed.
fn bill(
    command: &mut Command<'_, '_>,
    place: &projections::AcceptedPlace,
    day: NaiveDate,
    report: &mut ConsumeReport,
) -> Result<(), AppError> {
    if projections::reservation_billed(command.conn(), place.reservation_id)? {
        report.already_recorded += 1;
        return Ok(());
    }
    let last_mark =
        projections::attendance_mark(command.conn(), place.child_id, place.activity_id, day)?;
    if last_mark.is_some_and(|mark| !mark.bills_the_place()) {
        report.justified_absences += 1;
        return Ok(());
    }
    let price = day_price(command.conn(), place.family_id, place.activity_id, day)?;
    command.emit(ConsumptionRecorded {
        consumption_id: consumption_of(place.reservation_id),
        family_id: place.family_id,
        wallet_id: price.wallet,
        child_id: place.child_id,
        activity_id: place.activity_id,
        day,
        unit_price: price.unit_price,
        quantity: price.quantity,
        amount: price.amount,
        reservation_id: Some(place.reservation_id),
    })?;
    report.recorded += 1;
    report.total = report.total + price.amount;
    Ok(())
}
