//! Consumptions staff record without a reservation (a child who came without booking), held
//! to the booking's opening and age rules unless staff approve an exception.

use chrono::NaiveDate;
use domain::booking::LineRefusal;
use domain::event::payloads::ConsumptionRecorded;
use domain::ids::{ActivityId, ChildId, ConsumptionId, FamilyId};

use super::absence::require_attendance;
use super::{MoneyRefusal, day_price};
use crate::registry;
use crate::staff::Acting;
use crate::{App, AppError, Command};

/// Staff record a consumption without a reservation (a child who came without booking). `by`
/// needs `TakeAttendance` on the activity's structure; the event names `by` as its actor.
///
/// The day must be one the opening calendar opens and the child's age must fit the activity,
/// the same rules as a booking (`domain::booking::day_open`, `age_eligible`): otherwise
/// [`AppError::RuleRefused`] lists every breach and nothing is written. See
/// [`record_consumption_as_exception`] for a consumption staff approved despite them.
pub fn record_consumption(
    app: &App,
    by: &Acting,
    family: FamilyId,
    child: ChildId,
    activity: ActivityId,
    day: NaiveDate,
) -> Result<ConsumptionRecorded, AppError> {
    staff_consumption(app, by, family, child, activity, day, Breaches::Refuse)
        .map(|(event, _)| event)
}

/// A consumption recorded as an exception, with the rules it set aside (none: it broke none).
#[derive(Clone, Debug, PartialEq)]
pub struct ConsumptionException {
    pub recorded: ConsumptionRecorded,
    pub set_aside: Vec<LineRefusal>,
}

/// The same, recorded even when the day is closed or the child outside the activity's ages: a
/// staff-approved exception. The rules it sets aside are named in the event's metadata
/// (`overrides`); a consumption that breaks no rule is recorded as an ordinary one.
pub fn record_consumption_as_exception(
    app: &App,
    by: &Acting,
    family: FamilyId,
    child: ChildId,
    activity: ActivityId,
    day: NaiveDate,
) -> Result<ConsumptionException, AppError> {
    staff_consumption(app, by, family, child, activity, day, Breaches::SetAside).map(
        |(recorded, set_aside)| ConsumptionException {
            recorded,
            set_aside,
        },
    )
}

/// What a staff consumption does with the booking rules it breaks.
#[derive(Clone, Copy)]
pub(crate) enum Breaches {
    Refuse,
    SetAside,
}

fn staff_consumption(
    app: &App,
    by: &Acting,
    family: FamilyId,
    child: ChildId,
    activity: ActivityId,
    day: NaiveDate,
    breaches: Breaches,
) -> Result<(ConsumptionRecorded, Vec<LineRefusal>), AppError> {
    let by_in = by.clone();
    app.execute(&by.actor_text(), move |command| {
        require_attendance(command, &by_in, activity, day)?;
        consumption_in(command, family, child, activity, day, breaches)
    })
}

/// The consumption, inside a command whose actor was already allowed: the booking rules it
/// breaks refuse it or are set aside (named in the metadata), and it is recorded once.
pub(crate) fn consumption_in(
    command: &mut Command<'_, '_>,
    family: FamilyId,
    child: ChildId,
    activity: ActivityId,
    day: NaiveDate,
    breaches: Breaches,
) -> Result<(ConsumptionRecorded, Vec<LineRefusal>), AppError> {
    let broken = broken_rules(command, family, child, activity, day)?;
    if !broken.is_empty() {
        match breaches {
            Breaches::Refuse => return Err(AppError::RuleRefused(broken)),
            Breaches::SetAside => command.set_overrides(&broken),
        }
    }
    let consumption = ConsumptionId(domain::ids::derive_id(
        "consumption",
        &format!("{child}/{activity}/{day}"),
    ));
    if projections::consumption_recorded(command.conn(), consumption)? {
        return Err(MoneyRefusal::ConsumptionAlreadyRecorded.into());
    }
    let price = day_price(command.conn(), family, activity, day)?;
    let event = ConsumptionRecorded {
        consumption_id: consumption,
        family_id: family,
        wallet_id: price.wallet,
        child_id: child,
        activity_id: activity,
        day,
        unit_price: price.unit_price,
        quantity: price.quantity,
        amount: price.amount,
        reservation_id: None,
    };
    command.emit(event.clone())?;
    Ok((event, broken))
}

/// The booking rules (opening day, ages) the consumption would break; none: it breaks none.
fn broken_rules(
    command: &Command<'_, '_>,
    family: FamilyId,
    child: ChildId,
    activity: ActivityId,
    day: NaiveDate,
) -> Result<Vec<LineRefusal>, AppError> {
    let Some(profile) = registry::child(command.conn(), child)?.filter(|c| c.family_id == family)
    else {
        return Err(MoneyRefusal::ChildNotInFamily.into());
    };
    let Some(on_day) = crate::booking::activity_on_day(command.conn(), activity, day)? else {
        return Err(MoneyRefusal::UnknownActivity.into());
    };
    let facts = domain::booking::ChildFacts {
        child_id: child,
        first_name: profile.first_name.clone(),
        birth_date: profile.birth_date,
    };
    Ok([
        domain::booking::day_open(&on_day),
        domain::booking::age_eligible(&facts, &on_day, day),
    ]
    .into_iter()
    .filter_map(Result::err)
    .collect())
}
