//! The demo organisation as a setup file would describe it: imported through the same path as a
//! staff setup file.

use chrono::{Days, NaiveDate};
use domain::Email;
use domain::ids::{ActivityId, BookingWindowId, PeriodId, derive_id};
use domain::values::Deadline;

use super::catalogue::{self, DemoActivity, Site};
use super::world::{WEDNESDAYS_AHEAD, World, at, money, paris};
use crate::AppError;
use crate::setup::model::{
    Activity, BookingWindow, Organisation, Period, Setup, Structure, Wallet,
};

impl World {
    /// The setup a staff file would give for this world.
    pub(super) fn setup(&self) -> Result<Setup, AppError> {
        Ok(Setup {
            organisation: organisation()?,
            wallets: vec![wallet()],
            structures: structures(),
            activities: DemoActivity::ALL.into_iter().map(activity).collect(),
            periods: self.periods(),
            families: self.households.all(),
            staff: Vec::new(),
        })
    }

    /// The Wednesdays from the start of the history, the holiday week at Quinsac and at
    /// Latresne (booked from today).
    fn periods(&self) -> Vec<Period> {
        let last_wednesday = self.today + WEDNESDAYS_AHEAD;
        let holiday_first = self.holiday_week[0];
        let holiday_last = self.holiday_week[4];
        let rows = [
            PeriodRow {
                key: "mercredis",
                label: "Mercredis",
                site: Site::Quinsac,
                days: (self.history_start, last_wednesday),
                weekdays: &[3],
                booked_from: self.history_start,
            },
            PeriodRow {
                key: "vacances",
                label: "Vacances",
                site: Site::Quinsac,
                days: (holiday_first, holiday_last),
                weekdays: &[1, 2, 3, 4, 5],
                booked_from: self.today,
            },
            PeriodRow {
                key: "latresne-vacances",
                label: "Vacances à Latresne",
                site: Site::Latresne,
                days: (holiday_first, holiday_last),
                weekdays: &[1, 2, 3, 4, 5],
                booked_from: self.today,
            },
        ];
        rows.into_iter().map(period).collect()
    }
}

/// A row of the periods table.
struct PeriodRow {
    key: &'static str,
    label: &'static str,
    /// Every activity of the site is open in the period.
    site: Site,
    /// First and last day.
    days: (NaiveDate, NaiveDate),
    /// ISO weekdays.
    weekdays: &'static [u8],
    /// The booking window opens three weeks before this day.
    booked_from: NaiveDate,
}

fn organisation() -> Result<Organisation, AppError> {
    Ok(Organisation {
        name: "Communauté de Communes des Portes de l'Entre-deux-Mers".to_owned(),
        address: "51 Chemin du Port de l'Homme - 33360 Latresne".to_owned(),
        phone: "05 56 20 83 60".to_owned(),
        fax: Some("05 56 21 72 64".to_owned()),
        email: Email::parse("accueil@cdc-portesentredeuxmers.fr")
            .map_err(|e| AppError::corrupt("demo", e))?,
        website: Some("cdc-portesentredeuxmers.fr".to_owned()),
        debt_threshold: money("30.00"),
        dossier_items: vec![
            "Fiche sanitaire".to_owned(),
            "Attestation d'assurance".to_owned(),
            "Justificatif de quotient familial".to_owned(),
        ],
    })
}

fn wallet() -> Wallet {
    Wallet {
        key: catalogue::WALLET.to_owned(),
        id: catalogue::wallet_id(),
        label: "CDC PE2M - APS ET CLSH".to_owned(),
    }
}

fn structures() -> Vec<Structure> {
    vec![
        Structure {
            key: Site::Quinsac.key().to_owned(),
            id: Site::Quinsac.id(),
            label: "Accueil de Loisirs de Quinsac".to_owned(),
            wallet: catalogue::wallet_id(),
            welcome: vec![
                "Les réservations des mercredis et des vacances sont ouvertes.".to_owned(),
                "Pensez à renseigner votre adresse mail dans votre profil pour recevoir le compte-rendu de vos réservations.".to_owned(),
            ],
        },
        Structure {
            key: Site::Latresne.key().to_owned(),
            id: Site::Latresne.id(),
            label: "Accueil de Loisirs de Latresne".to_owned(),
            wallet: catalogue::wallet_id(),
            welcome: vec!["Accueil des vacances à Latresne : inscriptions ouvertes.".to_owned()],
        },
    ]
}

fn activity(offer: DemoActivity) -> Activity {
    let deadline = |days_before: u16| Deadline {
        days_before,
        at: at(18, 0),
    };
    let (age_min, age_max) = offer.ages();
    Activity {
        key: offer.key().to_owned(),
        id: offer.id(),
        structure: offer.site().id(),
        label: offer.label().to_owned(),
        unit: offer.unit(),
        unit_minutes: Some(offer.unit_minutes()),
        quantity_per_day: offer.quantity_per_day(),
        age_min,
        age_max,
        pricing: offer.pricing(),
        capacity: offer.capacity(),
        waitlist_size: offer.waitlist_size(),
        booking_deadline: deadline(offer.booking_days_before()),
        cancellation_deadline: deadline(offer.cancellation_days_before()),
        incompatible_with: sorted_ids(offer.incompatible_with().iter().copied()),
    }
}

fn sorted_ids(activities: impl Iterator<Item = DemoActivity>) -> Vec<ActivityId> {
    let mut ids: Vec<ActivityId> = activities.map(DemoActivity::id).collect();
    ids.sort();
    ids
}

/// A period closed on public holidays, booked until its last day.
fn period(row: PeriodRow) -> Period {
    let (first_day, last_day) = row.days;
    Period {
        key: row.key.to_owned(),
        id: PeriodId::from_uuid(derive_id("period", row.key)),
        label: row.label.to_owned(),
        activities: sorted_ids(
            DemoActivity::ALL
                .into_iter()
                .filter(|offer| offer.site() == row.site),
        ),
        first_day,
        last_day,
        weekdays: row.weekdays.to_vec(),
        excluded_days: vec![],
        open_on_public_holidays: false,
        booking: Some(window(row.key, row.booked_from, last_day)),
    }
}

fn window(key: &str, first: NaiveDate, last: NaiveDate) -> BookingWindow {
    BookingWindow {
        id: BookingWindowId::from_uuid(derive_id("booking-window", key)),
        opens_at: paris(first - Days::new(21), 8, 30),
        closes_at: paris(last, 18, 0),
    }
}
