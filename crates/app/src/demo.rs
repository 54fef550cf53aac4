//! The demo world: the seed guide's organisation and families, dated relative to today so the
//! portal always looks alive. Built only into an empty database, through the same import as a
//! staff setup file; the history (reservations, consumptions, payments) is then recorded as the
//! booking engine and the desk would have recorded it.
//!
//! Same date, same content: every id is derived from a key, so two demos built on the same day
//! hold the same events (their event ids and instants aside).

use chrono::{Datelike, Days, Months, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use domain::Money;
use domain::event::payloads::*;
use domain::ids::*;
use domain::values::*;
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
}

/// Builds the demo world dated around `app.today()`. Refuses a database that holds any event.
pub fn build(app: &App) -> Result<DemoReport, AppError> {
    if app.store.head()?.position > 0 {
        return Err(AppError::Refused(
            "La base n'est pas vide : la démonstration ne se construit que dans une base neuve (--db nouveau-fichier.db)."
                .to_owned(),
        ));
    }
    let today = app.today();
    let world = World::new(today);
    let mut import_report = import::import(app, world.setup(), import::from_the_start())?;
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
    chrono_tz::Europe::Paris
        .from_local_datetime(&day.and_time(at(hour, minute)))
        .latest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&day.and_time(at(hour, minute))))
}

fn years_before(day: NaiveDate, years: u32) -> NaiveDate {
    day.checked_sub_months(Months::new(12 * years))
        .unwrap_or(day)
}

/// The demo's dates and entities.
struct World {
    today: NaiveDate,
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

fn activity_id(key: &str) -> ActivityId {
    ActivityId::from_uuid(derive_id("activity", key))
}

fn demo_id(kind: &str, key: &str) -> Uuid {
    derive_id(&format!("demo-{kind}"), key)
}

impl World {
    fn new(today: NaiveDate) -> World {
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

    fn setup(&self) -> Setup {
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
        let activities = vec![
            matin_6_12,
            activity(
                APRES_MIDI_6_12,
                quinsac,
                "CDC - ALSH 6-12 Après-midi",
                Unit::ApresMidi,
                (6, 12),
                flat("8.40"),
                &[JOURNEE_6_12],
            ),
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
        Setup {
            organisation: Organisation {
                name: "Communauté de Communes des Portes de l'Entre-deux-Mers".to_owned(),
                address: "51 Chemin du Port de l'Homme - 33360 Latresne".to_owned(),
                phone: "05 56 20 83 60".to_owned(),
                fax: Some("05 56 21 72 64".to_owned()),
                email: "accueil@cdc-portesentredeuxmers.fr".to_owned(),
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
        }
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
        // Coming: Lilou on the next two Wednesdays, Antoine two days of the holiday week.
        for day in coming.iter().take(2) {
            history.book(&dupont, lilou, MATIN_6_12, *day);
        }
        for day in self.holiday_week.iter().take(2) {
            history.book(&dupont, antoine, JOURNEE_3_6, *day);
        }
        // Days the other families filled: the 5th coming Wednesday is full with the waitlist
        // open, the 6th full with the waitlist full.
        let fillers: Vec<(Family, ChildId)> = self
            .families
            .iter()
            .filter(|f| f.login.starts_with("demo-"))
            .flat_map(|f| f.children.iter().map(move |c| (f.clone(), c.id)))
            .collect();
        if let (Some(full_open), Some(full_closed)) = (coming.get(4), coming.get(5)) {
            for (family, child) in fillers.iter().take(MATIN_6_12_CAPACITY as usize) {
                history.book(family, *child, MATIN_6_12, *full_open);
            }
            for (family, child) in fillers
                .iter()
                .take((MATIN_6_12_CAPACITY + MATIN_6_12_WAITLIST) as usize)
            {
                history.book(family, *child, MATIN_6_12, *full_closed);
            }
        }
        history.record(command)?;

        // Last night's transmission had nothing new: it dates the "dernière mise à jour".
        let mut last_night = Transmission::new("last-night", paris(self.today, 2, 0));
        last_night.record(command)?;

        // Pending requests (Non transmis): Lilou on the 3rd and 4th coming Wednesdays.
        let pending: Vec<NaiveDate> = coming.iter().skip(2).take(2).copied().collect();
        if !pending.is_empty() {
            let basket = BasketId::from_uuid(demo_id("basket", "dupont-pending"));
            command.emit(BasketSubmitted {
                basket_id: basket,
                family_id: dupont.id,
                client_request_id: "demo-dupont-pending".to_owned(),
                booking_lines: pending.len() as u32,
                cancellation_lines: 0,
            })?;
            for day in pending {
                command.emit(BookingRequested {
                    request_id: RequestId::from_uuid(demo_id(
                        "request",
                        &format!("pending-{lilou}-{day}"),
                    )),
                    basket_id: basket,
                    family_id: dupont.id,
                    child_id: lilou,
                    activity_id: activity_id(MATIN_6_12),
                    day,
                    forecast: Forecast::PlaceAvailable,
                })?;
            }
        }

        // Consumptions of the past days (what the nightly job records), at the prices in force.
        let wallet = WalletId::from_uuid(derive_id("wallet", WALLET));
        for booking in history.accepted.iter().filter(|b| b.day < self.today) {
            let (price, quantity) = match booking.activity {
                MATIN_6_12 => ("10.35", 1),
                MATIN_3_6 => ("4.75", 1),
                JOURNEE_6_12 => ("14.85", 1),
                JOURNEE_3_6 => ("6.85", 2),
                _ => ("0.00", 1),
            };
            let unit_price = money(price);
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
        let mut by_family: Vec<FamilyId> = self.requests.iter().map(|r| r.0).collect();
        by_family.sort();
        by_family.dedup();
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
            let capacity = if activity == MATIN_6_12 {
                MATIN_6_12_CAPACITY
            } else {
                24
            };
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
        email: email.map(str::to_owned),
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
        all.push(family(
            &format!("demo-{}", name.to_lowercase()),
            "Mme",
            &format!("{name} Claire"),
            None,
            Some(700 + 100 * n as u32),
            &[("aine", "Jules", name, 11), ("cadet", "Inès", name, 7)],
        ));
    }
    all
}
