//! The `[[periods]]` tables of the setup file: opening days, booking windows, and the rule that two
//! periods never open the same activity on the same day.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use domain::calendar;
use domain::ids::{ActivityId, BookingWindowId, PeriodId, derive_id};

use super::file::ActivityRef;
use super::model::{BookingWindow, Period};
use super::toml_reader::{Field, Keys, Section, SetupError};
use super::values::Repeated;

const PERIOD_KEYS: &[&str] = &[
    "key",
    "label",
    "activities",
    "from",
    "to",
    "weekdays",
    "excluded",
    "open_on_public_holidays",
    "booking",
];
const BOOKING_KEYS: &[&str] = &["opens", "closes"];

pub(super) fn periods(
    root: &Section<'_, '_>,
    activities: &Keys<'_, ActivityRef>,
) -> Result<Vec<Period>, SetupError> {
    let mut keys = Keys::new(root.src, "une autre période");
    let mut periods: Vec<Period> = Vec::new();
    // Per period already read: its calendar rule and activities, for the overlap check.
    let mut opened: Vec<(calendar::Period, Vec<ActivityId>)> = Vec::new();
    for section in root.array_of_tables("periods", "[[periods]]")? {
        section.only(PERIOD_KEYS)?;
        let key = section.require("key")?.key()?;
        let id = PeriodId::from_uuid(derive_id("period", &key.text));
        keys.insert(&key, id)?;
        let label = section.require("label")?.single_line()?;

        let (activity_ids, references) = period_activities(&section, activities)?;

        let from = section.require("from")?;
        let to = section.require("to")?;
        let (first_day, last_day) = (from.date()?, to.date()?);
        if first_day > last_day {
            return Err(to.fail(format!(
                "la période se termine (to = {last_day}) avant de commencer (from = {first_day})"
            )));
        }
        let weekdays = section.require("weekdays")?.weekdays()?;
        let excluded_days = excluded_days(&section, first_day, last_day)?;
        let open_on_public_holidays = match section.get("open_on_public_holidays") {
            Some(field) => field.boolean()?,
            None => false,
        };
        let rule = calendar::Period {
            first_day,
            last_day,
            weekdays: weekdays.clone(),
            excluded_days: excluded_days.clone(),
            open_on_public_holidays,
        };
        check_opens_a_day(&section, &rule, &key.text)?;
        let booking = match section.get("booking") {
            Some(field) => Some(booking_window(&field, &key.text)?),
            None => None,
        };

        check_no_overlap(&opened, &periods, &keys, &references, &rule)?;
        opened.push((rule, activity_ids.clone()));

        periods.push(Period {
            key: key.text,
            id,
            label,
            activities: activity_ids,
            first_day,
            last_day,
            weekdays,
            excluded_days,
            open_on_public_holidays,
            booking,
        });
    }
    Ok(periods)
}

/// Each activity of a period with the list item that named it.
type References<'a, 'i> = Vec<(ActivityId, Field<'a, 'i>)>;

/// The activities a period opens, each once, with the list item that named it (for messages).
fn period_activities<'a, 'i>(
    section: &Section<'a, 'i>,
    activities: &Keys<'_, ActivityRef>,
) -> Result<(Vec<ActivityId>, References<'a, 'i>), SetupError> {
    let mut activity_ids = Vec::new();
    let mut references = Vec::new();
    let list = section.require("activities")?;
    let items = list.items()?;
    if items.is_empty() {
        return Err(list.fail("« activities » : indiquez au moins une activité"));
    }
    for item in items {
        let activity = activities.resolve(&item, "activité inconnue")?;
        if !activity_ids.contains(&activity.id) {
            activity_ids.push(activity.id);
            references.push((activity.id, item));
        }
    }
    Ok((activity_ids, references))
}

/// `excluded`: days inside the period, sorted without duplicates.
fn excluded_days(
    section: &Section<'_, '_>,
    first_day: NaiveDate,
    last_day: NaiveDate,
) -> Result<Vec<NaiveDate>, SetupError> {
    let Some(field) = section.get("excluded") else {
        return Ok(Vec::new());
    };
    let mut days = BTreeSet::new();
    for item in field.items()? {
        let day = item.date()?;
        if day < first_day || last_day < day {
            return Err(item.fail(format!(
                "« excluded » : le {day} est en dehors de la période \
                 ({first_day} – {last_day})"
            )));
        }
        days.insert(day);
    }
    Ok(days.into_iter().collect())
}

/// A period that opens no day is a mistake of the file.
fn check_opens_a_day(
    section: &Section<'_, '_>,
    rule: &calendar::Period,
    key: &str,
) -> Result<(), SetupError> {
    if calendar::OpeningCalendar::new(vec![rule.clone()])
        .open_days(rule.first_day, rule.last_day)
        .is_empty()
    {
        return Err(section.src.error(
            section.span.clone(),
            format!(
                "la période « {key} » n'ouvre aucun jour (vérifiez from, to, weekdays, \
                 excluded et les jours fériés)"
            ),
        ));
    }
    Ok(())
}

/// Two periods must not open the same activity on the same day: the day would be defined
/// twice, and the importer could not tell which definition wins.
fn check_no_overlap(
    opened: &[(calendar::Period, Vec<ActivityId>)],
    periods: &[Period],
    keys: &Keys<'_, PeriodId>,
    references: &[(ActivityId, Field<'_, '_>)],
    rule: &calendar::Period,
) -> Result<(), SetupError> {
    for (earlier_index, (earlier, earlier_refs)) in opened.iter().enumerate() {
        let shared = references.iter().find(|(id, _)| earlier_refs.contains(id));
        let Some((_, item)) = shared else {
            continue;
        };
        if let Some(day) = first_common_day(earlier, rule) {
            let earlier_key = &periods[earlier_index].key;
            return Err(item.fail(format!(
                "l'activité « {} » est déjà ouverte le {day} par la période « {earlier_key} » \
                 (ligne {}) : deux périodes ne peuvent pas ouvrir la même activité le même \
                 jour",
                item.as_str().unwrap_or_default(),
                keys.line_of(earlier_key),
            )));
        }
    }
    Ok(())
}

/// The first day both periods open, if any.
fn first_common_day(a: &calendar::Period, b: &calendar::Period) -> Option<NaiveDate> {
    let from = a.first_day.max(b.first_day);
    let to = a.last_day.min(b.last_day);
    calendar::OpeningCalendar::new(vec![a.clone()])
        .open_days(from, to)
        .into_iter()
        .find(|day| b.opens(*day))
}

fn booking_window(field: &Field<'_, '_>, period_key: &str) -> Result<BookingWindow, SetupError> {
    let section = field.section("« booking »")?;
    section.only(BOOKING_KEYS)?;
    let opens_field = section.require("opens")?;
    let closes_field = section.require("closes")?;
    let opens_at = opens_field.paris_instant(Repeated::Earlier)?;
    let closes_at = closes_field.paris_instant(Repeated::Later)?;
    if opens_at >= closes_at {
        return Err(closes_field.fail(format!(
            "la réservation doit ouvrir avant de fermer (opens = {}, closes = {})",
            opens_field.display_text(),
            closes_field.display_text()
        )));
    }
    Ok(BookingWindow {
        id: BookingWindowId::from_uuid(derive_id("booking-window", period_key)),
        opens_at,
        closes_at,
    })
}
