//! What the staff listing commands show: read models joined with the registry, in shapes ready
//! for a table or for `--json` (snake_case keys, money as decimal strings).

use chrono::NaiveDate;
use domain::Money;
use domain::ids::{FamilyId, StructureId};
use domain::values::{Deadline, Pricing};
use rusqlite::Connection;
use serde::Serialize;
use uuid::Uuid;

use crate::registry;
use crate::{App, AppError};

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StructureListing {
    pub id: Uuid,
    pub key: Option<String>,
    pub label: String,
    pub wallet_id: Uuid,
    pub wallet: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PriceListing {
    /// Upper bound of the quotient familial bracket (`None`: the highest bracket, or a flat price).
    pub up_to: Option<u32>,
    pub price: Money,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ActivityListing {
    pub id: Uuid,
    pub key: Option<String>,
    pub structure_id: Uuid,
    pub structure: String,
    pub label: String,
    pub unit: String,
    pub quantity_per_day: u32,
    pub age_min: u8,
    pub age_max: u8,
    /// The flat price, or `None` when priced by quotient familial (see `prices`).
    pub price: Option<Money>,
    /// Every bracket (one line without bound for a flat price).
    pub prices: Vec<PriceListing>,
    pub capacity: u32,
    pub waitlist: u32,
    /// "J-2 18:00".
    pub booking_deadline: String,
    pub cancellation_deadline: String,
    pub incompatible_with: Vec<Uuid>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChildListing {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub birth_date: chrono::NaiveDate,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WalletBalance {
    pub wallet_id: Uuid,
    pub balance: Money,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FamilyListing {
    pub id: Uuid,
    pub login: String,
    pub payer: String,
    pub email: Option<String>,
    pub children: Vec<ChildListing>,
    pub structures: Vec<Uuid>,
    pub dossier_complete: bool,
    pub missing_items: Vec<String>,
    pub quotient: Option<u32>,
    /// Sum of the family's wallet balances (negative: the family owes it).
    pub balance: Money,
    pub wallets: Vec<WalletBalance>,
}

/// "J-2 18:00".
pub fn deadline_text(deadline: &Deadline) -> String {
    format!("J-{} {}", deadline.days_before, deadline.at.format("%H:%M"))
}

pub fn structures(app: &App) -> Result<Vec<StructureListing>, AppError> {
    app.query(|conn| {
        projections::structures(conn)?
            .into_iter()
            .map(|s| {
                Ok(StructureListing {
                    id: s.structure_id.0,
                    key: registry::key_of_id(conn, "structure", s.structure_id.0)?,
                    label: s.label,
                    wallet_id: s.wallet_id.0,
                    wallet: s.wallet_label,
                })
            })
            .collect()
    })
}

pub fn activities(app: &App) -> Result<Vec<ActivityListing>, AppError> {
    let today = app.today();
    app.query(move |conn| {
        projections::activities(conn, today)?
            .into_iter()
            .map(|a| {
                let (price, prices) = match &a.pricing {
                    None => (None, Vec::new()),
                    Some(Pricing::Flat { amount }) => (
                        Some(*amount),
                        vec![PriceListing {
                            up_to: None,
                            price: *amount,
                        }],
                    ),
                    Some(Pricing::Quotient { brackets }) => (
                        None,
                        brackets
                            .iter()
                            .map(|b| PriceListing {
                                up_to: b.up_to,
                                price: b.amount,
                            })
                            .collect(),
                    ),
                };
                Ok(ActivityListing {
                    id: a.activity_id.0,
                    key: registry::key_of_id(conn, "activity", a.activity_id.0)?,
                    structure_id: a.structure_id.0,
                    structure: a.structure_label,
                    label: a.label,
                    unit: a.unit.label().to_owned(),
                    quantity_per_day: a.quantity_per_day,
                    age_min: a.age_min,
                    age_max: a.age_max,
                    price,
                    prices,
                    capacity: a.capacity,
                    waitlist: a.waitlist_size,
                    booking_deadline: deadline_text(&a.booking_deadline),
                    cancellation_deadline: deadline_text(&a.cancellation_deadline),
                    incompatible_with: a.incompatible_with.iter().map(|id| id.0).collect(),
                })
            })
            .collect()
    })
}

pub fn families(app: &App) -> Result<Vec<FamilyListing>, AppError> {
    let today = app.today();
    app.query(move |conn| {
        let rows = projections::families(conn, today)?;
        let mut listed = Vec::with_capacity(rows.len());
        for account in registry::family_accounts(conn)? {
            let Some(row) = rows.iter().find(|r| r.family_id == account.family_id) else {
                continue;
            };
            let wallets: Vec<WalletBalance> = projections::balances(conn, account.family_id)?
                .into_iter()
                .map(|b| WalletBalance {
                    wallet_id: b.wallet_id.0,
                    balance: b.balance,
                })
                .collect();
            listed.push(FamilyListing {
                id: account.family_id.0,
                login: account.login.clone(),
                payer: account.addressee(),
                email: account.email.clone().map(String::from),
                children: registry::children_of(conn, account.family_id)?
                    .into_iter()
                    .map(|c| ChildListing {
                        id: c.child_id.0,
                        first_name: c.first_name,
                        last_name: c.last_name,
                        birth_date: c.birth_date,
                    })
                    .collect(),
                structures: row.structures.iter().map(|s| s.0).collect(),
                dossier_complete: row.dossier_complete,
                missing_items: row.missing_items.clone(),
                quotient: row.quotient,
                balance: wallets.iter().map(|w| w.balance).sum(),
                wallets,
            });
        }
        Ok(listed)
    })
}

/// One line of a family's reservations (the Suivi), for staff and for the portal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReservationListing {
    /// The reservation's id once decided (what `reservations cancel` takes), else the request's.
    pub id: Uuid,
    pub request_id: Uuid,
    pub reservation_id: Option<Uuid>,
    pub child_id: Uuid,
    pub child: String,
    pub activity_id: Uuid,
    pub activity: String,
    pub day: chrono::NaiveDate,
    /// Pending, accepted, waitlisted, refused or cancelled.
    #[serde(serialize_with = "projections::booking::serialize_state")]
    pub state: domain::booking::ReservationState,
    pub rank: Option<u32>,
    /// Why it was refused, in French.
    pub reason: Option<String>,
    /// A cancellation of this place waits for the transmission.
    pub cancellation_pending: bool,
}

pub fn reservations(
    app: &App,
    family: domain::ids::FamilyId,
) -> Result<Vec<ReservationListing>, AppError> {
    app.query(move |conn| {
        let mut lines = Vec::new();
        for row in projections::booking::follow_up(conn, family)? {
            let child = registry::child(conn, row.child_id)?
                .map(|c| c.display_name())
                .unwrap_or_default();
            let activity = projections::activity(conn, row.activity_id, row.day)?
                .map(|a| a.label)
                .unwrap_or_default();
            lines.push(ReservationListing {
                id: row.reservation_id.map(|r| r.0).unwrap_or(row.request_id.0),
                request_id: row.request_id.0,
                reservation_id: row.reservation_id.map(|r| r.0),
                child_id: row.child_id.0,
                child,
                activity_id: row.activity_id.0,
                activity,
                day: row.day,
                state: row.state,
                rank: row.rank,
                reason: row
                    .reason
                    .map(|r| crate::booking::refusal_text(r).to_owned()),
                cancellation_pending: row.pending_cancellation.is_some(),
            });
        }
        Ok(lines)
    })
}

/// One entry of a waitlist, or a place, of an activity and day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SlotEntry {
    pub reservation_id: Uuid,
    pub family_id: Uuid,
    pub login: Option<String>,
    pub child_id: Uuid,
    pub child: String,
    /// Accepted or waitlisted.
    #[serde(serialize_with = "projections::booking::serialize_state")]
    pub state: domain::booking::ReservationState,
    pub rank: Option<u32>,
}

/// Places and waitlist of an activity and day, with capacity in force.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SlotListing {
    pub activity_id: Uuid,
    pub activity: String,
    pub day: chrono::NaiveDate,
    pub capacity: u32,
    pub waitlist_size: u32,
    pub accepted: u32,
    pub waitlisted: u32,
    pub pending: u32,
    /// The waitlist in rank order.
    pub waitlist: Vec<SlotEntry>,
    pub places: Vec<SlotEntry>,
}

pub fn slot(
    app: &App,
    activity: domain::ids::ActivityId,
    day: chrono::NaiveDate,
) -> Result<SlotListing, AppError> {
    app.query(move |conn| {
        let Some(row) = projections::activity(conn, activity, day)? else {
            return Err(AppError::Booking(
                crate::booking::BookingRefusal::UnknownActivity,
            ));
        };
        let counts = projections::booking::slot_counts(conn, activity, day)?;
        let mut waitlist = Vec::new();
        let mut places = Vec::new();
        for held in projections::booking::slot_reservations(conn, activity, day)? {
            let entry = SlotEntry {
                reservation_id: held.reservation_id.0,
                family_id: held.family_id.0,
                login: registry::family_account(conn, held.family_id)?.map(|a| a.login),
                child_id: held.child_id.0,
                child: registry::child(conn, held.child_id)?
                    .map(|c| c.display_name())
                    .unwrap_or_default(),
                state: held.state,
                rank: held.rank,
            };
            if held.state == domain::booking::ReservationState::Waitlisted {
                waitlist.push(entry);
            } else {
                places.push(entry);
            }
        }
        waitlist.sort_by_key(|e| e.rank);
        Ok(SlotListing {
            activity_id: activity.0,
            activity: row.label,
            day,
            capacity: row.capacity,
            waitlist_size: row.waitlist_size,
            accepted: counts.accepted,
            waitlisted: counts.waitlisted,
            pending: counts.pending,
            waitlist,
            places,
        })
    })
}

/// What staff typed names nothing known (the wording is in `crate::wording::listing`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ListingRefusal {
    UnknownFamily { typed: String },
    UnknownChild { typed: String },
    UnknownActivity { typed: String },
}

/// Resolves what staff type for a family: its id or its login.
pub fn resolve_family(app: &App, text: &str) -> Result<domain::ids::FamilyId, AppError> {
    let text = text.trim().to_owned();
    app.query(move |conn| {
        if let Ok(id) = text.parse::<domain::ids::FamilyId>() {
            return Ok(id);
        }
        registry::family_by_login(conn, &text)?
            .map(|a| a.family_id)
            .ok_or_else(|| {
                AppError::Listing(ListingRefusal::UnknownFamily {
                    typed: text.clone(),
                })
            })
    })
}

/// Resolves a child of `family`: its id, its key in the setup file, or its first name.
pub fn resolve_child(
    app: &App,
    family: domain::ids::FamilyId,
    text: &str,
) -> Result<domain::ids::ChildId, AppError> {
    let text = text.trim().to_owned();
    app.query(move |conn| {
        if let Ok(id) = text.parse::<domain::ids::ChildId>() {
            return Ok(id);
        }
        let login = registry::family_account(conn, family)?
            .map(|a| a.login)
            .unwrap_or_default();
        if let Some(id) = registry::id_of_key(conn, "child", &format!("{login}/{text}"))? {
            return Ok(domain::ids::ChildId(id));
        }
        let children = registry::children_of(conn, family)?;
        let lowered = text.to_lowercase();
        children
            .iter()
            .find(|c| c.first_name.to_lowercase() == lowered)
            .map(|c| c.child_id)
            .ok_or_else(|| {
                AppError::Listing(ListingRefusal::UnknownChild {
                    typed: text.clone(),
                })
            })
    })
}

/// Resolves an activity: its id or its key in the setup file.
pub fn resolve_activity(app: &App, text: &str) -> Result<domain::ids::ActivityId, AppError> {
    let text = text.trim().to_owned();
    app.query(move |conn| {
        if let Ok(id) = text.parse::<domain::ids::ActivityId>() {
            return Ok(id);
        }
        registry::id_of_key(conn, "activity", &text)?
            .map(domain::ids::ActivityId)
            .ok_or_else(|| {
                AppError::Listing(ListingRefusal::UnknownActivity {
                    typed: text.clone(),
                })
            })
    })
}

/// Every family account, by login: its id and its login.
pub fn family_logins(app: &App) -> Result<Vec<(FamilyId, String)>, AppError> {
    app.query(|conn| {
        Ok(registry::family_accounts(conn)?
            .into_iter()
            .map(|account| (account.family_id, account.login))
            .collect())
    })
}

/// The login of `family`'s account, if it has one.
pub fn family_login(app: &App, family: FamilyId) -> Result<Option<String>, AppError> {
    app.query(move |conn| Ok(registry::family_account(conn, family)?.map(|a| a.login)))
}

/// How the portal's header names `family`'s account holder; `None` without an account.
pub fn family_addressee(conn: &Connection, family: FamilyId) -> Result<Option<String>, AppError> {
    Ok(registry::family_account(conn, family)?.map(|account| account.addressee()))
}

/// The sender of the organisation's mails: `"Name" <email>` from its contact block.
pub fn default_sender(app: &App) -> Result<String, AppError> {
    app.query(|conn| {
        Ok(match registry::organisation(conn)? {
            Some(profile) => {
                format!(
                    "\"{}\" <{}>",
                    profile.name.replace(['"', '\\'], ""),
                    profile.email
                )
            }
            _ => "Portail Famille <portail@localhost>".to_owned(),
        })
    })
}

/// The structures a family may consult, by name (the portal's « Modifier » list).
pub fn family_structures(
    conn: &Connection,
    family: FamilyId,
    today: NaiveDate,
) -> Result<Vec<(StructureId, String)>, AppError> {
    let Some(row) = projections::family(conn, family, today)? else {
        return Ok(Vec::new());
    };
    let mut structures: Vec<(StructureId, String)> = projections::structures(conn)?
        .into_iter()
        .filter(|s| row.structures.contains(&s.structure_id))
        .map(|s| (s.structure_id, s.label))
        .collect();
    structures.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(structures)
}
