//! The demo world: the seed guide's organisation and families, dated relative to today so the
//! portal always looks alive. Built only into an empty database, through the same import as a
//! staff setup file; the history (reservations, consumptions, payments) is then recorded as the
//! booking engine and the desk would have recorded it.
//!
//! Same date, same content: every id is derived from a key, so two demos built on the same day
//! hold the same events (their event ids and instants aside).
//!
//! Whatever the day it is built, the demo shows what the seed guide describes, within the
//! current and the next month (the next three open Wednesdays always fall there):
//! - consumptions in the current and the previous month (« le mois en cours et le mois
//!   précédent »);
//! - on Lilou's calendar, the six colour states: a reservation past its cancellation deadline
//!   (« CDC - ALSH 6-12 Après-midi » is cancelled at the latest 8 days before) on the next
//!   Wednesday, her « 6-12 Matin » place on the second (the day is full, one child waits), the
//!   afternoon of the second full with room on the waitlist, the third Wednesday's morning full
//!   with its waitlist full, open days, closed days;
//! - a request the next transmission refuses (Lilou, the third Wednesday's full afternoon);
//! - a promotion to watch: when Lilou's morning of the second Wednesday is cancelled and the
//!   cancellation transmitted, the child waiting gets the place and his family the mail.

use chrono::{Datelike, Days, Months, NaiveDate, NaiveTime, Utc, Weekday};
use domain::event::payloads::*;
use domain::ids::*;
use domain::values::*;
use domain::{Email, Money};
use uuid::Uuid;

use crate::credentials;
use crate::registry::{self, PaymentDetails};
use crate::setup::import::{self, ImportReport};
use crate::setup::model::*;
use crate::{App, AppError, Command};

/// A demo account: the only fixed secrets of the product, present only in demo databases.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DemoLogin {
    pub login: &'static str,
    pub password: &'static str,
    pub situation: &'static str,
}

pub const DEMO_LOGINS: [DemoLogin; 3] = [
    DemoLogin {
        login: "dupont",
        password: "portail-demo-dupont",
        situation: "DUPONT Jean-Paul : Lilou (6-12 ans) et Antoine (3-6 ans), historiques, réservations",
    },
    DemoLogin {
        login: "martin",
        password: "portail-demo-martin",
        situation: "MARTIN Sophie : doit plus de 30 € (réservation bloquée)",
    },
    DemoLogin {
        login: "bernard",
        password: "portail-demo-bernard",
        situation: "BERNARD Luc : dossier incomplet (réservation bloquée)",
    },
];

/// What building the demo did.
#[derive(Clone, Debug)]
pub struct DemoReport {
    pub import: ImportReport,
    /// Events of the history recorded after the import.
    pub history_events: u64,
    pub logins: Vec<DemoLogin>,
    /// What to try in the demo, in French, with its dates (printed by `portail demo`).
    pub to_watch: Vec<String>,
}

/// True when the database holds the demo world (its first family is there).
pub fn holds_demo_world(app: &App) -> Result<bool, AppError> {
    app.query(|conn| Ok(registry::family_by_login(conn, DEMO_LOGINS[0].login)?.is_some()))
}

/// Builds the demo world dated around `app.today()`. Refuses a database that holds any event.
pub fn build(app: &App) -> Result<DemoReport, AppError> {
    if app.store.head()?.position > 0 {
        return Err(AppError::Demo(crate::DemoRefusal::DatabaseNotEmpty));
    }
    let today = app.today();
    let world = World::new(today, app.now());
    let to_watch = world.to_watch();
    let mut import_report = import::import(app, world.setup()?, import::from_the_start())?;
    // The demo hands out fixed passwords instead of activation codes.
    import_report
        .activation_codes
        .retain(|(login, _)| DEMO_LOGINS.iter().all(|d| d.login != login));
    let mut hashes = Vec::new();
    for demo in DEMO_LOGINS {
        hashes.push((
            world.family(demo.login).id,
            credentials::hash_password(demo.password)?,
        ));
    }
    let history_events = app.execute("system:demo", move |command| {
        for (family, hash) in &hashes {
            registry::set_password_hash(command.conn(), *family, hash)?;
        }
        world.record_history(command)?;
        Ok(command.appended())
    })?;
    Ok(DemoReport {
        import: import_report,
        history_events,
        logins: DEMO_LOGINS.to_vec(),
        to_watch,
    })
}

fn money(text: &str) -> Money {
    // Literals of this file only; each is a valid amount.
    Money::parse(text).unwrap_or(Money::ZERO)
}

fn at(hour: u32, minute: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or(NaiveTime::MIN)
}

fn paris(day: NaiveDate, hour: u32, minute: u32) -> chrono::DateTime<Utc> {
    domain::deadline::paris_instant(day.and_time(at(hour, minute)))
}

/// The hour of the nightly transmission the demo's history imitates (`serve`'s default).
const NIGHTLY_AT: (u32, u32) = (2, 0);

fn years_before(day: NaiveDate, years: u32) -> NaiveDate {
    day.checked_sub_months(Months::new(12 * years))
        .unwrap_or(day)
}

/// The demo's dates and entities.
struct World {
    today: NaiveDate,
    /// The last nightly transmission that has passed: at 01:30 it was yesterday's.
    last_night: chrono::DateTime<Utc>,
    /// First day of the previous month: the history starts there.
    history_start: NaiveDate,
    /// Every Wednesday of the Wednesdays period that is not a public holiday.
    wednesdays: Vec<NaiveDate>,
    /// Monday to Friday of the holiday week, four to five weeks ahead.
    holiday_week: Vec<NaiveDate>,
    families: Vec<Family>,
}

const WALLET: &str = "pe2m";
const QUINSAC: &str = "quinsac";
const LATRESNE: &str = "latresne";
const MATIN_6_12: &str = "alsh-6-12-matin";
const APRES_MIDI_6_12: &str = "alsh-6-12-apres-midi";
const JOURNEE_6_12: &str = "alsh-6-12-journee";
const MATIN_3_6: &str = "alsh-3-6-matin";
const JOURNEE_3_6: &str = "alsh-3-6-journee";
const JOURNEE_LATRESNE: &str = "alsh-latresne-journee";
/// Places per day of "6-12 Matin" in the demo: small, so a few families fill a day.
const MATIN_6_12_CAPACITY: u32 = 8;
const MATIN_6_12_WAITLIST: u32 = 2;
/// "6-12 Après-midi" is as small, and is cancelled at the latest 8 days before (so the next
/// Wednesday's afternoon is always past its cancellation deadline).
const APRES_MIDI_6_12_CAPACITY: u32 = 8;
const APRES_MIDI_6_12_WAITLIST: u32 = 2;
const APRES_MIDI_6_12_CANCELLATION_DAYS: u16 = 8;

/// Places of an activity per day in the demo.
fn capacity(activity: &str) -> u32 {
    match activity {
        MATIN_6_12 => MATIN_6_12_CAPACITY,
        APRES_MIDI_6_12 => APRES_MIDI_6_12_CAPACITY,
        _ => 24,
    }
}

fn activity_id(key: &str) -> ActivityId {
    ActivityId::from_uuid(derive_id("activity", key))
}

fn demo_id(kind: &str, key: &str) -> Uuid {
    derive_id(&format!("demo-{kind}"), key)
}

impl World {
    fn new(today: NaiveDate, now: chrono::DateTime<Utc>) -> World {
        let history_start = today
            .with_day(1)
            .and_then(|d| d.checked_sub_months(Months::new(1)))
            .unwrap_or(today);
        let last_day = today + Days::new(91);
        let mut wednesdays = Vec::new();
        let mut day = history_start;
        while day <= last_day {
            if day.weekday() == Weekday::Wed && !domain::calendar::is_public_holiday(day) {
                wednesdays.push(day);
            }
            day = day + Days::new(1);
        }
        let mut monday = today + Days::new(28);
        while monday.weekday() != Weekday::Mon {
            monday = monday + Days::new(1);
        }
        let holiday_week = (0..5).map(|i| monday + Days::new(i)).collect();
        let families = families(today);
        World {
            today,
            last_night: domain::deadline::last_daily_instant(now, at(NIGHTLY_AT.0, NIGHTLY_AT.1)),
            history_start,
            wednesdays,
            holiday_week,
            families,
        }
    }

    fn family(&self, login: &str) -> &Family {
        // DEMO_LOGINS and the families below are written together.
        self.families
            .iter()
            .find(|f| f.login == login)
            .expect("every demo login has a family")
    }

    fn past_wednesdays(&self) -> Vec<NaiveDate> {
        self.wednesdays
            .iter()
            .copied()
            .filter(|d| *d < self.today)
            .collect()
    }

    fn coming_wednesdays(&self) -> Vec<NaiveDate> {
        self.wednesdays
            .iter()
            .copied()
            .filter(|d| *d > self.today)
            .collect()
    }

    /// First day of the current month.
    fn month_start(&self) -> NaiveDate {
        self.today.with_day(1).unwrap_or(self.today)
    }

    /// What to try, with the dates of this demo.
    fn to_watch(&self) -> Vec<String> {
        let coming = self.coming_wednesdays();
        let date = |day: &NaiveDate| day.format("%d/%m/%Y").to_string();
        let mut lines = Vec::new();
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
        lines
    }

    fn setup(&self) -> Result<Setup, AppError> {
        let wallet = WalletId::from_uuid(derive_id("wallet", WALLET));
        let quinsac = StructureId::from_uuid(derive_id("structure", QUINSAC));
        let latresne = StructureId::from_uuid(derive_id("structure", LATRESNE));
        let deadline = Deadline {
            days_before: 2,
            at: at(18, 0),
        };
        let activity = |key: &str,
                        structure: StructureId,
                        label: &str,
                        unit: Unit,
                        ages: (u8, u8),
                        pricing: Pricing,
                        incompatible: &[&str]| Activity {
            key: key.to_owned(),
            id: activity_id(key),
            structure,
            label: label.to_owned(),
            unit,
            quantity_per_day: 1,
            age_min: ages.0,
            age_max: ages.1,
            pricing,
            capacity: 24,
            waitlist_size: 6,
            booking_deadline: deadline,
            cancellation_deadline: deadline,
            incompatible_with: {
                let mut ids: Vec<ActivityId> =
                    incompatible.iter().map(|k| activity_id(k)).collect();
                ids.sort();
                ids
            },
        };
        let flat = |text: &str| Pricing::Flat {
            amount: money(text),
        };
        let mut matin_6_12 = activity(
            MATIN_6_12,
            quinsac,
            "CDC - ALSH 6-12 Matin",
            Unit::Matin,
            (6, 12),
            flat("10.35"),
            &[JOURNEE_6_12],
        );
        matin_6_12.capacity = MATIN_6_12_CAPACITY;
        matin_6_12.waitlist_size = MATIN_6_12_WAITLIST;
        let mut journee_3_6 = activity(
            JOURNEE_3_6,
            quinsac,
            "CDC - ALSH 3-6 Journée",
            Unit::Journee,
            (3, 6),
            flat("6.85"),
            &[MATIN_3_6],
        );
        journee_3_6.quantity_per_day = 2;
        let mut apres_midi_6_12 = activity(
            APRES_MIDI_6_12,
            quinsac,
            "CDC - ALSH 6-12 Après-midi",
            Unit::ApresMidi,
            (6, 12),
            flat("8.40"),
            &[JOURNEE_6_12],
        );
        apres_midi_6_12.capacity = APRES_MIDI_6_12_CAPACITY;
        apres_midi_6_12.waitlist_size = APRES_MIDI_6_12_WAITLIST;
        apres_midi_6_12.cancellation_deadline = Deadline {
            days_before: APRES_MIDI_6_12_CANCELLATION_DAYS,
            at: at(18, 0),
        };
        let activities = vec![
            matin_6_12,
            apres_midi_6_12,
            activity(
                JOURNEE_6_12,
                quinsac,
                "CDC - ALSH 6-12 Journée",
                Unit::Journee,
                (6, 12),
                flat("14.85"),
                &[MATIN_6_12, APRES_MIDI_6_12],
            ),
            activity(
                MATIN_3_6,
                quinsac,
                "CDC - ALSH 3-6 Matin",
                Unit::Matin,
                (3, 6),
                flat("4.75"),
                &[JOURNEE_3_6],
            ),
            journee_3_6,
            activity(
                JOURNEE_LATRESNE,
                latresne,
                "CDC - ALSH Latresne Journée",
                Unit::Journee,
                (3, 12),
                Pricing::Quotient {
                    brackets: vec![
                        QuotientBracket {
                            up_to: Some(600),
                            amount: money("9.50"),
                        },
                        QuotientBracket {
                            up_to: Some(1200),
                            amount: money("12.80"),
                        },
                        QuotientBracket {
                            up_to: None,
                            amount: money("15.60"),
                        },
                    ],
                },
                &[],
            ),
        ];
        let quinsac_keys = [
            MATIN_6_12,
            APRES_MIDI_6_12,
            JOURNEE_6_12,
            MATIN_3_6,
            JOURNEE_3_6,
        ];
        let mut period_activities: Vec<ActivityId> =
            quinsac_keys.iter().map(|k| activity_id(k)).collect();
        period_activities.sort();
        let window = |key: &str, first: NaiveDate, last: NaiveDate| BookingWindow {
            id: BookingWindowId::from_uuid(derive_id("booking-window", key)),
            opens_at: paris(first - Days::new(21), 8, 30),
            closes_at: paris(last, 18, 0),
        };
        let last_wednesday = self.today + Days::new(91);
        let holiday_first = self.holiday_week[0];
        let holiday_last = self.holiday_week[4];
        let mut latresne_activities = vec![activity_id(JOURNEE_LATRESNE)];
        latresne_activities.sort();
        let periods = vec![
            Period {
                key: "mercredis".to_owned(),
                id: PeriodId::from_uuid(derive_id("period", "mercredis")),
                label: "Mercredis".to_owned(),
                activities: period_activities.clone(),
                first_day: self.history_start,
                last_day: last_wednesday,
                weekdays: vec![3],
                excluded_days: vec![],
                open_on_public_holidays: false,
                booking: Some(window("mercredis", self.history_start, last_wednesday)),
            },
            Period {
                key: "vacances".to_owned(),
                id: PeriodId::from_uuid(derive_id("period", "vacances")),
                label: "Vacances".to_owned(),
                activities: period_activities,
                first_day: holiday_first,
                last_day: holiday_last,
                weekdays: vec![1, 2, 3, 4, 5],
                excluded_days: vec![],
                open_on_public_holidays: false,
                booking: Some(window("vacances", self.today, holiday_last)),
            },
            Period {
                key: "latresne-vacances".to_owned(),
                id: PeriodId::from_uuid(derive_id("period", "latresne-vacances")),
                label: "Vacances à Latresne".to_owned(),
                activities: latresne_activities,
                first_day: holiday_first,
                last_day: holiday_last,
                weekdays: vec![1, 2, 3, 4, 5],
                excluded_days: vec![],
                open_on_public_holidays: false,
                booking: Some(window("latresne-vacances", self.today, holiday_last)),
            },
        ];
        Ok(Setup {
            organisation: Organisation {
                name: "Communauté de Communes des Portes de l'Entre-deux-Mers".to_owned(),
                address: "51 Chemin du Port de l'Homme - 33360 Latresne".to_owned(),
                phone: "05 56 20 83 60".to_owned(),
                fax: Some("05 56 21 72 64".to_owned()),
                email: Email::parse("accueil@cdc-portesentredeuxmers.fr")
                    .map_err(|e| AppError::corrupt("demo", e))?,
                website: Some("cdc-portesentredeuxmers.fr".to_owned()),
                debt_threshold: money("30.00"),
            },
            wallets: vec![Wallet {
                key: WALLET.to_owned(),
                id: wallet,
                label: "CDC PE2M - APS ET CLSH".to_owned(),
            }],
            structures: vec![
                Structure {
                    key: QUINSAC.to_owned(),
                    id: quinsac,
                    label: "Accueil de Loisirs de Quinsac".to_owned(),
                    wallet,
                    welcome: vec![
                        "Les réservations des mercredis et des vacances sont ouvertes.".to_owned(),
                        "Pensez à renseigner votre adresse mail dans votre profil pour recevoir le compte-rendu de vos réservations.".to_owned(),
                    ],
                },
                Structure {
                    key: LATRESNE.to_owned(),
                    id: latresne,
                    label: "Accueil de Loisirs de Latresne".to_owned(),
                    wallet,
                    welcome: vec!["Accueil des vacances à Latresne : inscriptions ouvertes.".to_owned()],
                },
            ],
            activities,
            periods,
            families: self.families.clone(),
        })
    }

    /// Reservations, transmissions, consumptions and payments, as if the portal had been used.
    fn record_history(&self, command: &mut Command<'_, '_>) -> Result<(), AppError> {
        let dupont = self.family("dupont").clone();
        let martin = self.family("martin").clone();
        let lilou = dupont.children[0].id;
        let antoine = dupont.children[1].id;
        let leo = martin.children[0].id;
        let past = self.past_wednesdays();
        let coming = self.coming_wednesdays();
        let mut history =
            Transmission::new("history", paris(self.history_start - Days::new(1), 2, 0));
        // Past Wednesdays of the previous month: Lilou and Antoine in the morning, Léo MARTIN the
        // whole day (unpaid: his family owes more than the threshold).
        // This month they stayed the whole day, so the family owes a little (less than the
        // threshold: Jean-Paul DUPONT can still book, and "Paiement CB" has something to pay).
        for day in &past {
            if day.month() == self.history_start.month() {
                history.book(&dupont, lilou, MATIN_6_12, *day);
                history.book(&dupont, antoine, MATIN_3_6, *day);
                history.book(&martin, leo, JOURNEE_6_12, *day);
            } else {
                history.book(&dupont, lilou, JOURNEE_6_12, *day);
                history.book(&dupont, antoine, JOURNEE_3_6, *day);
            }
        }
        // Coming: Lilou's mornings on the next two Wednesdays and the next one's afternoon,
        // Antoine two days of the holiday week.
        for day in coming.iter().take(2) {
            history.book(&dupont, lilou, MATIN_6_12, *day);
        }
        if let Some(next) = coming.first() {
            history.book(&dupont, lilou, APRES_MIDI_6_12, *next);
        }
        for day in self.holiday_week.iter().take(2) {
            history.book(&dupont, antoine, JOURNEE_3_6, *day);
        }
        // Days the other families filled (in log order, after Lilou): the second Wednesday's
        // morning is full with one child waiting (rank 1: the promotion to watch) and its
        // afternoon full with room on the waitlist; the third Wednesday is full morning and
        // afternoon, waitlists full.
        let fillers: Vec<(Family, ChildId)> = self
            .families
            .iter()
            .filter(|f| f.login.starts_with("demo-"))
            .flat_map(|f| f.children.iter().map(move |c| (f.clone(), c.id)))
            .collect();
        if let Some(second) = coming.get(1) {
            for (family, child) in fillers.iter().take(MATIN_6_12_CAPACITY as usize) {
                history.book(family, *child, MATIN_6_12, *second);
            }
            for (family, child) in fillers.iter().take(APRES_MIDI_6_12_CAPACITY as usize) {
                history.book(family, *child, APRES_MIDI_6_12, *second);
            }
        }
        if let Some(third) = coming.get(2) {
            for (family, child) in fillers
                .iter()
                .take((MATIN_6_12_CAPACITY + MATIN_6_12_WAITLIST) as usize)
            {
                history.book(family, *child, MATIN_6_12, *third);
            }
            for (family, child) in fillers
                .iter()
                .take((APRES_MIDI_6_12_CAPACITY + APRES_MIDI_6_12_WAITLIST) as usize)
            {
                history.book(family, *child, APRES_MIDI_6_12, *third);
            }
        }
        history.record(command)?;

        // Last night's transmission had nothing new: it dates the "dernière mise à jour". It is
        // the last one that has passed (built at 01:30, the one of yesterday 02:00).
        let mut last_night = Transmission::new("last-night", self.last_night);
        last_night.record(command)?;

        // Pending requests (Non transmis), sent by Jean-Paul DUPONT after last night: Lilou on
        // the fourth Wednesday's morning, and on the third Wednesday's afternoon, which is full
        // with its waitlist full: the récapitulatif forecast a refusal, the next transmission
        // refuses it (« Refusée — liste d'attente complète » in Suivi).
        let mut pending: Vec<(&'static str, NaiveDate, Forecast)> = Vec::new();
        if let Some(fourth) = coming.get(3) {
            pending.push((MATIN_6_12, *fourth, Forecast::PlaceAvailable));
        }
        if let Some(third) = coming.get(2) {
            pending.push((
                APRES_MIDI_6_12,
                *third,
                Forecast::Refused {
                    reason: RefusalReason::WaitlistFull,
                },
            ));
        }
        if !pending.is_empty() {
            let basket = BasketId::from_uuid(demo_id("basket", "dupont-pending"));
            command.emit(BasketSubmitted {
                basket_id: basket,
                family_id: dupont.id,
                client_request_id: "demo-dupont-pending".to_owned(),
                booking_lines: pending.len() as u32,
                cancellation_lines: 0,
            })?;
            for (activity, day, forecast) in pending {
                command.emit(BookingRequested {
                    request_id: RequestId::from_uuid(demo_id(
                        "request",
                        &format!("pending-{lilou}-{activity}-{day}"),
                    )),
                    basket_id: basket,
                    family_id: dupont.id,
                    child_id: lilou,
                    activity_id: activity_id(activity),
                    day,
                    forecast,
                })?;
            }
        }

        // Consumptions of the past days (what the nightly job records), at the prices in force.
        let wallet = WalletId::from_uuid(derive_id("wallet", WALLET));
        let price_of = |activity: &str| match activity {
            MATIN_6_12 => ("10.35", 1),
            APRES_MIDI_6_12 => ("8.40", 1),
            MATIN_3_6 => ("4.75", 1),
            JOURNEE_6_12 => ("14.85", 1),
            JOURNEE_3_6 => ("6.85", 2),
            _ => ("0.00", 1),
        };
        let mut billed_this_month = false;
        for booking in history.accepted.iter().filter(|b| b.day < self.today) {
            let (price, quantity) = price_of(booking.activity);
            let unit_price = money(price);
            billed_this_month |= booking.day >= self.month_start();
            command.emit(ConsumptionRecorded {
                consumption_id: ConsumptionId::from_uuid(demo_id(
                    "consumption",
                    &booking.reservation.to_string(),
                )),
                family_id: booking.family,
                wallet_id: wallet,
                child_id: booking.child,
                activity_id: activity_id(booking.activity),
                day: booking.day,
                unit_price,
                quantity,
                amount: unit_price.times(quantity),
                reservation_id: Some(booking.reservation),
            })?;
        }
        if !billed_this_month {
            // Early in the month no Wednesday has passed yet: Antoine came on the first day of
            // the month without a reservation (a consumption the desk records), so « le mois en
            // cours » has its line.
            let (price, quantity) = price_of(MATIN_3_6);
            let unit_price = money(price);
            let day = self.month_start();
            command.emit(ConsumptionRecorded {
                consumption_id: ConsumptionId::from_uuid(demo_id(
                    "consumption",
                    &format!("{antoine}-{MATIN_3_6}-{day}"),
                )),
                family_id: dupont.id,
                wallet_id: wallet,
                child_id: antoine,
                activity_id: activity_id(MATIN_3_6),
                day,
                unit_price,
                quantity,
                amount: unit_price.times(quantity),
                reservation_id: None,
            })?;
        }

        // Two cheques at the desk, as in the seed's "Historique des règlements".
        let cheques = [
            (
                "789456",
                "90.00",
                self.history_start
                    .with_day(15)
                    .unwrap_or(self.history_start),
            ),
            (
                "124456",
                "50.00",
                self.today
                    .with_day(self.today.day().min(10))
                    .unwrap_or(self.today),
            ),
        ];
        for (number, amount, paid_on) in cheques {
            let payment = PaymentId::from_uuid(demo_id("payment", number));
            registry::save_payment_details(
                command.conn(),
                payment.0,
                &PaymentDetails {
                    piece_number: Some(number.to_owned()),
                    payer_name: Some(dupont.payer_name.clone()),
                    bank_name: Some("LBP".to_owned()),
                },
            )?;
            command.emit(PaymentRecorded {
                payment_id: payment,
                family_id: dupont.id,
                wallet_id: wallet,
                amount: money(amount),
                mode: PaymentMode::Cheque,
                paid_on,
            })?;
        }
        Ok(())
    }
}

/// A booking the demo's past transmission accepted (or waitlisted).
struct Booking {
    family: FamilyId,
    child: ChildId,
    activity: &'static str,
    day: NaiveDate,
    reservation: ReservationId,
}

/// Requests decided by one transmission, as the booking engine decides them: in order, accepted
/// while places remain, then waitlisted while the waitlist has room.
struct Transmission {
    id: TransmissionId,
    cut_off: chrono::DateTime<Utc>,
    requests: Vec<(FamilyId, ChildId, &'static str, NaiveDate)>,
    accepted: Vec<Booking>,
}

impl Transmission {
    fn new(key: &str, cut_off: chrono::DateTime<Utc>) -> Self {
        Transmission {
            id: TransmissionId::from_uuid(demo_id("transmission", key)),
            cut_off,
            requests: Vec::new(),
            accepted: Vec::new(),
        }
    }

    fn book(&mut self, family: &Family, child: ChildId, activity: &'static str, day: NaiveDate) {
        self.requests.push((family.id, child, activity, day));
    }

    fn record(&mut self, command: &mut Command<'_, '_>) -> Result<(), AppError> {
        // Baskets, one per family, before the transmission.
        // In the order their first request was booked: the log order decides who gets a place.
        let mut by_family: Vec<FamilyId> = Vec::new();
        for request in &self.requests {
            if !by_family.contains(&request.0) {
                by_family.push(request.0);
            }
        }
        let mut request_ids = Vec::new();
        for family in &by_family {
            let lines: Vec<_> = self.requests.iter().filter(|r| r.0 == *family).collect();
            let basket = BasketId::from_uuid(demo_id("basket", &format!("{}-{family}", self.id)));
            command.emit(BasketSubmitted {
                basket_id: basket,
                family_id: *family,
                client_request_id: format!("demo-{}-{family}", self.id),
                booking_lines: lines.len() as u32,
                cancellation_lines: 0,
            })?;
            for (family, child, activity, day) in lines {
                let request =
                    RequestId::from_uuid(demo_id("request", &format!("{child}-{activity}-{day}")));
                command.emit(BookingRequested {
                    request_id: request,
                    basket_id: basket,
                    family_id: *family,
                    child_id: *child,
                    activity_id: activity_id(activity),
                    day: *day,
                    forecast: Forecast::PlaceAvailable,
                })?;
                request_ids.push((request, *family, *child, *activity, *day));
            }
        }
        let position = command
            .conn()
            .query_row("SELECT position FROM chain_head", [], |row| {
                row.get::<_, i64>(0)
            })?;
        command.emit(TransmissionStarted {
            transmission_id: self.id,
            cut_off: self.cut_off,
            up_to_position: position as u64,
        })?;
        let mut counts = TransmissionCounts::default();
        let mut taken: Vec<(&'static str, NaiveDate, u32)> = Vec::new();
        for (request, family, child, activity, day) in request_ids {
            counts.received += 1;
            counts.new_requests += 1;
            let reservation =
                ReservationId::from_uuid(demo_id("reservation", &request.to_string()));
            let seats = match taken
                .iter_mut()
                .find(|(a, d, _)| *a == activity && *d == day)
            {
                Some(entry) => {
                    entry.2 += 1;
                    entry.2
                }
                None => {
                    taken.push((activity, day, 1));
                    1
                }
            };
            let capacity = capacity(activity);
            if seats <= capacity {
                counts.accepted += 1;
                command.emit(BookingAccepted {
                    request_id: request,
                    reservation_id: reservation,
                    family_id: family,
                    child_id: child,
                    activity_id: activity_id(activity),
                    day,
                    transmission_id: self.id,
                })?;
                self.accepted.push(Booking {
                    family,
                    child,
                    activity,
                    day,
                    reservation,
                });
            } else {
                counts.waitlisted += 1;
                command.emit(BookingWaitlisted {
                    request_id: request,
                    reservation_id: reservation,
                    family_id: family,
                    child_id: child,
                    activity_id: activity_id(activity),
                    day,
                    rank: seats - capacity,
                    transmission_id: self.id,
                })?;
            }
        }
        command.emit(TransmissionCompleted {
            transmission_id: self.id,
            counts,
        })?;
        Ok(())
    }
}

fn families(today: NaiveDate) -> Vec<Family> {
    let quinsac = StructureId::from_uuid(derive_id("structure", QUINSAC));
    let latresne = StructureId::from_uuid(derive_id("structure", LATRESNE));
    let family = |login: &str,
                  title: &str,
                  payer: &str,
                  email: Option<&str>,
                  quotient: Option<u32>,
                  children: &[(&str, &str, &str, u32)]| Family {
        login: login.to_owned(),
        id: FamilyId::from_uuid(derive_id("family", login)),
        title: Some(title.to_owned()),
        payer_name: payer.to_owned(),
        // Literals of this file only; each is a valid address.
        email: email.and_then(|e| Email::parse(e).ok()),
        phone: None,
        quotient,
        structures: {
            let mut s = vec![quinsac, latresne];
            s.sort();
            s
        },
        dossier_complete: true,
        missing_items: vec![],
        children: children
            .iter()
            .map(|(key, first, last, age)| Child {
                key: (*key).to_owned(),
                id: ChildId::from_uuid(derive_id("child", &format!("{login}/{key}"))),
                first_name: (*first).to_owned(),
                last_name: (*last).to_owned(),
                birth_date: years_before(today, *age) - Days::new(40),
            })
            .collect(),
    };
    let mut bernard = family(
        "bernard",
        "M.",
        "BERNARD Luc",
        Some("luc.bernard@example.org"),
        Some(540),
        &[("emma", "Emma", "BERNARD", 8)],
    );
    bernard.dossier_complete = false;
    bernard.missing_items = vec![
        "Fiche sanitaire".to_owned(),
        "Attestation d'assurance".to_owned(),
    ];
    let mut all = vec![
        family(
            "dupont",
            "M.",
            "DUPONT Jean-Paul",
            Some("carteplus@wanadoo.fr"),
            Some(850),
            &[
                ("lilou", "Lilou", "DUPONT", 9),
                ("antoine", "Antoine", "DUPONT", 5),
            ],
        ),
        family(
            "martin",
            "Mme",
            "MARTIN Sophie",
            Some("sophie.martin@example.org"),
            None,
            &[("leo", "Léo", "MARTIN", 10)],
        ),
        bernard,
    ];
    for (n, name) in ["PETIT", "DURAND", "LEROY", "MOREAU", "SIMON"]
        .iter()
        .enumerate()
    {
        // An address, so the mail of a waitlist promotion has someone to go to.
        let email = format!("claire.{}@example.org", name.to_lowercase());
        all.push(family(
            &format!("demo-{}", name.to_lowercase()),
            "Mme",
            &format!("{name} Claire"),
            Some(&email),
            Some(700 + 100 * n as u32),
            &[("aine", "Jules", name, 11), ("cadet", "Inès", name, 7)],
        ));
    }
    all
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::sync::Arc;

    use chrono::{DateTime, TimeZone};
    use domain::booking::DayState;

    use super::*;
    use crate::FixedClock;
    use crate::booking::{self, LineRequest};

    /// The demo built with the clock stopped at `local`, Paris time.
    fn demo_at(local: &str) -> (tempfile::TempDir, App) {
        let now = chrono::NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M")
            .map(|t| {
                chrono_tz::Europe::Paris
                    .from_local_datetime(&t)
                    .earliest()
                    .expect("the test instants exist in Paris")
                    .with_timezone(&Utc)
            })
            .expect("test instants are valid");
        let dir = tempfile::tempdir().expect("temporary directory");
        let app = App::open(dir.path().join("demo.db"), Arc::new(FixedClock(now))).expect("open");
        build(&app).expect("the demo builds");
        (dir, app)
    }

    fn family(login: &str) -> FamilyId {
        FamilyId::from_uuid(derive_id("family", login))
    }

    fn lilou() -> ChildId {
        ChildId::from_uuid(derive_id("child", "dupont/lilou"))
    }

    fn last_cut_off(app: &App) -> Option<DateTime<Utc>> {
        app.query(|conn| Ok(projections::booking::last_transmission(conn)?))
            .expect("query")
            .map(|t| t.cut_off)
    }

    /// The dates the demo must look alive at: the 1st, the 15th, the last day of a month, a
    /// Sunday, 31 December, 01:30 Paris, and a May whose 1st and 8th are Wednesdays (holidays).
    const DATES: [&str; 8] = [
        "2026-10-01 09:00",
        "2026-10-15 14:00",
        "2026-09-30 20:00",
        "2026-11-01 11:00",
        "2025-12-31 10:00",
        "2026-11-25 01:30",
        "2026-06-01 01:30",
        "2024-04-30 19:00",
    ];

    #[test]
    fn built_at_0130_the_last_transmission_is_last_night_not_tonight() {
        // Given the clock at 01:30 Paris, before tonight's 02:00 transmission
        let (_dir, app) = demo_at("2026-11-25 01:30");
        // When the demo is built
        // Then « Dernière mise à jour » is yesterday's 02:00, not a time still to come
        let cut_off = last_cut_off(&app).expect("the demo has transmissions");
        assert!(cut_off <= app.now(), "{cut_off} is after {}", app.now());
        assert_eq!(
            cut_off,
            domain::deadline::paris_instant(
                NaiveDate::from_ymd_opt(2026, 11, 24)
                    .expect("valid")
                    .and_time(at(2, 0))
            )
        );
        // And a transmission run now records its decisions instead of finding nothing to do
        let report = booking::transmit(&app, app.now()).expect("transmits");
        assert!(report.transmission_id.is_some(), "{report:?}");
        assert_eq!(report.previous_cut_off, Some(cut_off));
    }

    #[test]
    fn the_last_update_is_never_in_the_future() {
        // Given the demo at 01:30, and a transmission run with a cut-off tomorrow
        let (_dir, app) = demo_at("2026-11-25 01:30");
        let tomorrow = app.now() + chrono::Duration::days(1);
        booking::transmit(&app, tomorrow).expect("transmits");
        // When the header reads « Dernière mise à jour »
        let shown = app
            .query(|conn| booking::last_update(conn, app.now()))
            .expect("query");
        // Then it is not after now
        assert_eq!(shown, Some(app.now()));
        // And a cut-off before the last one is refused, with the reason
        let refused = booking::transmit(&app, app.now());
        assert!(
            matches!(&refused, Err(AppError::Booking(r)) if r.to_string().contains("antérieure")),
            "{refused:?}"
        );
    }

    #[test]
    fn whatever_the_day_it_is_built_the_demo_shows_what_the_guide_describes() {
        for local in DATES {
            // Given the demo built at this date
            let (_dir, app) = demo_at(local);
            let today = app.today();
            let dupont = family("dupont");
            let this_month = today.with_day(1).expect("valid");
            let previous_month = this_month - Months::new(1);
            let end_of_next_month = this_month + Months::new(2) - Days::new(1);

            // Then « Dernière mise à jour » is not in the future
            let cut_off = last_cut_off(&app).expect("transmitted");
            assert!(cut_off <= app.now(), "{local}: {cut_off}");

            // And « Historique des consommations » has lines this month and the month before
            for month in [this_month, previous_month] {
                let history =
                    crate::money::consumption_history(&app, dupont, month).expect("history");
                assert!(
                    !history.lines.is_empty(),
                    "{local}: no consumption in {month}"
                );
                assert!(history.lines.iter().all(|l| l.day <= today), "{local}");
            }

            // And Lilou's calendar shows the six colour states within this month and the next
            let calendar =
                crate::portal::days(&app, dupont, lilou(), this_month, end_of_next_month, None)
                    .expect("calendar");
            let seen: BTreeSet<String> = calendar
                .iter()
                .flat_map(|d| &d.cells)
                .map(|c| format!("{:?}", c.state))
                .collect();
            for state in [
                DayState::Closed,
                DayState::Open,
                DayState::Booked,
                DayState::BookedLocked,
                DayState::FullWaitlistOpen,
                DayState::Full,
            ] {
                assert!(
                    seen.contains(&format!("{state:?}")),
                    "{local}: {state:?} missing from Lilou's calendar: {seen:?}"
                );
            }

            // When the transmission runs (its cut-off is on the log's clock)
            let report = booking::transmit(&app, Utc::now()).expect("transmits");
            // Then one of Lilou's requests is refused, and Suivi says why
            assert_eq!(report.counts.refused, 1, "{local}: {report:?}");
            let lines = crate::listing::reservations(&app, dupont).expect("Suivi");
            let refused: Vec<_> = lines
                .iter()
                .filter(|l| l.state == domain::booking::ReservationState::Refused)
                .collect();
            assert_eq!(refused.len(), 1, "{local}: {lines:?}");
            assert!(
                refused[0]
                    .reason
                    .as_deref()
                    .is_some_and(|r| r.contains("liste d'attente")),
                "{local}: {refused:?}"
            );

            // When Jean-Paul DUPONT cancels Lilou's morning of the second Wednesday, which a
            // child waits for, and the cancellation is transmitted
            let second = World::new(today, app.now()).coming_wednesdays()[1];
            let place = lines
                .iter()
                .find(|l| l.day == second && l.state == domain::booking::ReservationState::Accepted)
                .and_then(|l| l.reservation_id)
                .expect("Lilou holds the second Wednesday's morning");
            booking::submit_basket(
                &app,
                "family:dupont",
                dupont,
                "test-cancel",
                vec![LineRequest::Cancel {
                    reservation_id: ReservationId(place),
                }],
            )
            .expect("the cancellation is in time");
            let report = booking::transmit(&app, Utc::now()).expect("transmits");
            // Then the waiting child gets the place and the family is told by mail (the
            // transmission's report)
            assert_eq!(report.counts.promoted, 1, "{local}: {report:?}");
            let mails = app
                .query(|conn| Ok(mail::list(conn, mail::OutboxFilter::All)?))
                .expect("outbox");
            assert!(
                mails
                    .iter()
                    .any(|m| m.recipient == "claire.moreau@example.org"),
                "{local}: {mails:?}"
            );
        }
    }
}
