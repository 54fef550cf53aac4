//! The demo's dates, computed once from the day it is built, and its households.

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, NaiveTime, Utc, Weekday};
use domain::Money;
use uuid::Uuid;

use super::families::Households;

pub(super) fn money(text: &str) -> Money {
    // Literals of the demo only; each is a valid amount.
    Money::parse(text).unwrap_or(Money::ZERO)
}

pub(super) fn at(hour: u32, minute: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or(NaiveTime::MIN)
}

pub(super) fn paris(day: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    domain::deadline::paris_instant(day.and_time(at(hour, minute)))
}

pub(super) fn demo_id(kind: &str, key: &str) -> Uuid {
    domain::ids::derive_id(&format!("demo-{kind}"), key)
}

/// The hour of the nightly transmission the demo's history imitates (`serve`'s default).
const NIGHTLY_AT: (u32, u32) = (2, 0);

/// How far ahead the Wednesdays period runs.
pub(super) const WEDNESDAYS_AHEAD: Days = Days::new(91);

/// Which coming Wednesday (0: the next) has Lilou DUPONT waiting (rank 1) on the full
/// « 6-12 Après-midi »: far enough not to change the months the seed guide shows.
pub(super) const LILOU_WAITING: usize = 6;

/// The demo's dates and entities.
pub(super) struct World {
    pub(super) today: NaiveDate,
    /// The last nightly transmission that has passed: at 01:30 it was yesterday's.
    pub(super) last_night: DateTime<Utc>,
    /// First day of the previous month: the history starts there.
    pub(super) history_start: NaiveDate,
    /// Every Wednesday of the Wednesdays period that is not a public holiday.
    pub(super) wednesdays: Vec<NaiveDate>,
    /// Monday to Friday of the holiday week, four to five weeks ahead.
    pub(super) holiday_week: Vec<NaiveDate>,
    pub(super) households: Households,
}

impl World {
    pub(super) fn new(today: NaiveDate, now: DateTime<Utc>) -> World {
        let history_start = today
            .with_day(1)
            .and_then(|d| d.checked_sub_months(Months::new(1)))
            .unwrap_or(today);
        World {
            today,
            last_night: domain::deadline::last_daily_instant(now, at(NIGHTLY_AT.0, NIGHTLY_AT.1)),
            history_start,
            wednesdays: open_wednesdays(history_start, today + WEDNESDAYS_AHEAD),
            holiday_week: holiday_week(today),
            households: Households::new(today),
        }
    }

    pub(super) fn past_wednesdays(&self) -> Vec<NaiveDate> {
        self.wednesdays
            .iter()
            .copied()
            .filter(|d| *d < self.today)
            .collect()
    }

    pub(super) fn coming_wednesdays(&self) -> Vec<NaiveDate> {
        self.wednesdays
            .iter()
            .copied()
            .filter(|d| *d > self.today)
            .collect()
    }

    /// First day of the current month.
    pub(super) fn month_start(&self) -> NaiveDate {
        self.today.with_day(1).unwrap_or(self.today)
    }

    /// What to try, with the dates of this demo.
    pub(super) fn to_watch(&self) -> Vec<String> {
        let coming = self.coming_wednesdays();
        let date = |day: &NaiveDate| day.format("%d/%m/%Y").to_string();
        let mut lines = Vec::new();
        if let Some(last) = self.past_wednesdays().last() {
            lines.push(format!(
                "Pointage : le compte accueil ouvre « Pointage » (/gestion/pointage?jour={}) : Lilou DUPONT avait une place le {} ; marquez-la présente (la journée est déjà facturée, la présence n'y change rien).",
                last,
                date(last)
            ));
        }
        if let Some(third) = coming.get(2) {
            lines.push(format!(
                "Refus : « portail transmit » refuse la demande de Lilou DUPONT pour l'après-midi du {} (complet, liste d'attente complète) ; « Suivi » affiche « Refusée ».",
                date(third)
            ));
        }
        if let Some(second) = coming.get(1) {
            lines.push(format!(
                "Liste d'attente : le matin du {} est complet, un enfant attend (rang 1). Annulez la place de Lilou ce jour-là (dupont, « Suivi » puis « Annuler », ou « portail reservations cancel »), puis « portail transmit » : la place est attribuée à l'enfant en attente et sa famille reçoit le courriel (« portail mail outbox », « portail mail send »).",
                date(second)
            ));
        }
        if let Some(waiting) = coming.get(LILOU_WAITING) {
            lines.push(format!(
                "Capacité : le compte direction ouvre Occupation (/gestion/occupation/{}/{}) : l'après-midi 6-12 du {} est complet et Lilou DUPONT attend (rang 1). « Changer la capacité » (/gestion/occupation/{}/{}/capacite) : augmentez la capacité de 1 : Lilou passe de la liste d'attente à une place, sa famille reçoit le courriel (« portail mail outbox »).",
                super::catalogue::DemoActivity::ApresMidi612.id(),
                waiting,
                date(waiting),
                super::catalogue::DemoActivity::ApresMidi612.id(),
                waiting,
            ));
        }
        lines
    }
}

/// The Wednesdays from `first` to `last` that are not public holidays.
fn open_wednesdays(first: NaiveDate, last: NaiveDate) -> Vec<NaiveDate> {
    first
        .iter_days()
        .take_while(|day| *day <= last)
        .filter(|day| day.weekday() == Weekday::Wed && !domain::calendar::is_public_holiday(*day))
        .collect()
}

/// Monday to Friday of the first week starting at least four weeks after `today`.
fn holiday_week(today: NaiveDate) -> Vec<NaiveDate> {
    let mut monday = today + Days::new(28);
    while monday.weekday() != Weekday::Mon {
        monday = monday + Days::new(1);
    }
    (0..5).map(|i| monday + Days::new(i)).collect()
}
