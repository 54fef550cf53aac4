//! What a setup file says, parsed and validated: typed values only, ids already derived.
//!
//! Produced by [`super::file::parse_setup`]; turned into events and registry rows by
//! [`super::import`]. Every entity has a human `key` in the file; its id is derived from the key
//! ([`domain::ids::derive_id`]), so importing the same file again finds the same entities.

use chrono::{DateTime, NaiveDate, Utc};
use domain::ids::*;
use domain::values::{Deadline, Pricing, Unit};
use domain::{Email, Money};

#[derive(Clone, Debug, PartialEq)]
pub struct Setup {
    pub organisation: Organisation,
    pub wallets: Vec<Wallet>,
    pub structures: Vec<Structure>,
    pub activities: Vec<Activity>,
    pub periods: Vec<Period>,
    pub families: Vec<Family>,
    /// The staff accounts of the back office (`[[staff]]`).
    pub staff: Vec<StaffEntry>,
}

/// The organisation's contact block (shown in mails and the portal footer) and its rules.
#[derive(Clone, Debug, PartialEq)]
pub struct Organisation {
    pub name: String,
    pub address: String,
    pub phone: String,
    pub fax: Option<String>,
    pub email: Email,
    pub website: Option<String>,
    /// Booking is blocked when a family owes at least this much (default 30.00).
    pub debt_threshold: Money,
    /// The pieces of every family's file (dossier), in the order the desk shows them; a
    /// family's `missing` items are among them, or added after them.
    pub dossier_items: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Wallet {
    pub key: String,
    pub id: WalletId,
    pub label: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Structure {
    pub key: String,
    pub id: StructureId,
    pub label: String,
    pub wallet: WalletId,
    /// Messages shown on the login page ("des informations peuvent être données par la structure").
    pub welcome: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Activity {
    pub key: String,
    pub id: ActivityId,
    pub structure: StructureId,
    pub label: String,
    pub unit: Unit,
    /// How long a place lasts, in minutes (`duree`); `None`: the unit's default.
    pub unit_minutes: Option<u32>,
    pub quantity_per_day: u32,
    pub age_min: u8,
    pub age_max: u8,
    pub pricing: Pricing,
    pub capacity: u32,
    pub waitlist_size: u32,
    pub booking_deadline: Deadline,
    pub cancellation_deadline: Deadline,
    /// Symmetric: if A lists B, B is incompatible with A too (the parser completes both sides).
    pub incompatible_with: Vec<ActivityId>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Period {
    pub key: String,
    pub id: PeriodId,
    pub label: String,
    pub activities: Vec<ActivityId>,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    /// ISO weekdays, 1 = Monday … 7 = Sunday, sorted, no duplicates.
    pub weekdays: Vec<u8>,
    pub excluded_days: Vec<NaiveDate>,
    pub open_on_public_holidays: bool,
    pub booking: Option<BookingWindow>,
}

/// When the days of a period can be booked (given in Paris local time in the file).
#[derive(Clone, Debug, PartialEq)]
pub struct BookingWindow {
    pub id: BookingWindowId,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Family {
    /// The login identifier; also the family's key in the file.
    pub login: String,
    pub id: FamilyId,
    /// "M.", "Mme"… as written before the payer's name in mails.
    pub title: Option<String>,
    /// "DUPONT Jean-Paul".
    pub payer_name: String,
    pub email: Option<Email>,
    pub phone: Option<String>,
    pub quotient: Option<u32>,
    pub structures: Vec<StructureId>,
    pub dossier_complete: bool,
    pub missing_items: Vec<String>,
    pub children: Vec<Child>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Child {
    pub key: String,
    pub id: ChildId,
    pub first_name: String,
    pub last_name: String,
    pub birth_date: NaiveDate,
}

/// A staff account of the setup file: its key is its identifiant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffEntry {
    pub key: String,
    pub id: StaffId,
    pub name: String,
    pub email: Option<Email>,
    pub roles: Vec<domain::staff::Role>,
    /// Where accueil and direction act.
    pub structures: Vec<StructureId>,
}
