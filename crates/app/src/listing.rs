//! What the staff listing commands show: read models joined with the registry, in shapes ready
//! for a table or for `--json` (snake_case keys, money as decimal strings).

use domain::Money;
use domain::values::{Deadline, Pricing};
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
        projections::queries::structures(conn)?
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
        projections::queries::activities(conn, today)?
            .into_iter()
            .map(|a| {
                let (price, prices) = match &a.pricing {
                    Pricing::Flat { amount } => (
                        Some(*amount),
                        vec![PriceListing {
                            up_to: None,
                            price: *amount,
                        }],
                    ),
                    Pricing::Quotient { brackets } => (
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
        let rows = projections::queries::families(conn, today)?;
        let mut listed = Vec::with_capacity(rows.len());
        for account in registry::family_accounts(conn)? {
            let Some(row) = rows.iter().find(|r| r.family_id == account.family_id) else {
                continue;
            };
            let wallets: Vec<WalletBalance> =
                projections::queries::balances(conn, account.family_id)?
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
                email: account.email.clone(),
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
