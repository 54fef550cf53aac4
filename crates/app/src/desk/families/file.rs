//! The family's file as the desk sees it: contacts, children, quotient, file items, money,
//! Suivi and waitlists. Opening it is written to the RGPD access log.

use chrono::{Months, NaiveDate};
use domain::Email;
use domain::booking::ReservationState;
use domain::ids::{ChildId, FamilyId, StructureId};
use domain::staff::Permission;

use super::DeskRefusal;
use crate::booking::FollowUpLine;
use crate::money::{ConsumptionLine, History, PaymentLine, WalletStatement};
use crate::registry;
use crate::staff::Acting;
use crate::{App, AppError};

/// A child of the family.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileChild {
    pub child_id: ChildId,
    pub first_name: String,
    pub last_name: String,
    pub birth_date: NaiveDate,
    /// Whole years today.
    pub age: u32,
}

/// One piece of the file (dossier) and whether it was received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DossierItem {
    pub label: String,
    pub received: bool,
}

/// A quotient familial from its effective day on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuotientPeriod {
    pub effective_from: NaiveDate,
    /// `None`: unknown (the highest bracket).
    pub quotient: Option<u32>,
    /// The one in force today.
    pub current: bool,
}

/// Everything the desk shows of one family.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FamilyFile {
    pub family_id: FamilyId,
    pub login: String,
    /// « M. BERNARD Luc ».
    pub addressee: String,
    pub email: Option<Email>,
    pub phone: Option<String>,
    pub structures: Vec<(StructureId, String)>,
    pub children: Vec<FileChild>,
    /// Quotient in force today.
    pub quotient: Option<u32>,
    /// Every quotient given, by effective day (the current one marked).
    pub quotients: Vec<QuotientPeriod>,
    /// The organisation's pieces (`[organisation] dossier_items`) then any other the family
    /// lacks, each received or not.
    pub dossier: Vec<DossierItem>,
    pub dossier_complete: bool,
    pub wallets: Vec<WalletStatement>,
    /// This month's and last month's consumptions.
    pub consumptions: Vec<History<ConsumptionLine>>,
    /// This month's and last month's payments.
    pub payments: Vec<History<PaymentLine>>,
    pub follow_up: Vec<FollowUpLine>,
}

impl FamilyFile {
    /// The Suivi lines of children on a waitlist, with their rank.
    pub fn waitlisted(&self) -> impl Iterator<Item = &FollowUpLine> {
        self.follow_up
            .iter()
            .filter(|line| line.state == ReservationState::Waitlisted)
    }
}

/// The items a page shows: the organisation's list, received unless missing, then the missing
/// items the list does not name.
pub(super) fn dossier_items(organisation: &[String], missing: &[String]) -> Vec<DossierItem> {
    let mut items: Vec<DossierItem> = organisation
        .iter()
        .map(|label| DossierItem {
            label: label.clone(),
            received: !missing.contains(label),
        })
        .collect();
    for label in missing {
        if !organisation.contains(label) {
            items.push(DossierItem {
                label: label.clone(),
                received: false,
            });
        }
    }
    items
}

/// The family's structures, after checking that `by` may `permission` on one of them.
pub(super) fn family_structures(
    conn: &rusqlite::Connection,
    by: &Acting,
    permission: Permission,
    family: FamilyId,
    today: NaiveDate,
) -> Result<projections::FamilyRow, AppError> {
    let row = projections::family(conn, family, today)?.ok_or(DeskRefusal::UnknownFamily)?;
    by.require_any(permission, &row.structures)?;
    Ok(row)
}

/// Opens the family's file: `by` needs `ViewFamilies` on one of its structures; the opening is
/// written to the access log in the same call.
pub fn family_file(app: &App, by: &Acting, family: FamilyId) -> Result<FamilyFile, AppError> {
    let acting = by.clone();
    app.execute(&by.actor_text(), move |command| {
        let today = domain::deadline::paris_day(command.now());
        family_structures(
            command.conn(),
            &acting,
            Permission::ViewFamilies,
            family,
            today,
        )?;
        crate::staff::record_access(
            command.conn(),
            &acting,
            family,
            crate::staff::AccessKind::FamilyFile,
            command.now(),
        )
    })?;
    let mut file = read_file(app, family)?;
    let month = app.today();
    let previous = month.checked_sub_months(Months::new(1)).unwrap_or(month);
    for day in [month, previous] {
        file.consumptions
            .push(crate::money::consumption_history(app, family, day)?);
        file.payments
            .push(crate::money::payment_history(app, family, day)?);
    }
    file.wallets = crate::money::statement(app, family, true, true)?;
    file.follow_up =
        crate::booking::follow_up(app, family, domain::booking::DeadlineRule::Applies)?;
    Ok(file)
}

fn read_file(app: &App, family: FamilyId) -> Result<FamilyFile, AppError> {
    let today = app.today();
    app.query(move |conn| {
        let row = projections::family(conn, family, today)?.ok_or(DeskRefusal::UnknownFamily)?;
        let account = registry::family_account(conn, family)?.ok_or(DeskRefusal::UnknownFamily)?;
        let labels = projections::structures(conn)?;
        let quotients = projections::quotients(conn, family)?;
        let current = quotients.iter().rposition(|q| q.effective_from <= today);
        Ok(FamilyFile {
            family_id: family,
            login: account.login.clone(),
            addressee: account.addressee(),
            email: account.email,
            phone: account.phone,
            structures: labels
                .into_iter()
                .filter(|s| row.structures.contains(&s.structure_id))
                .map(|s| (s.structure_id, s.label))
                .collect(),
            children: registry::children_of(conn, family)?
                .into_iter()
                .map(|c| FileChild {
                    age: domain::calendar::age_on(c.birth_date, today),
                    child_id: c.child_id,
                    first_name: c.first_name,
                    last_name: c.last_name,
                    birth_date: c.birth_date,
                })
                .collect(),
            quotient: row.quotient,
            quotients: quotients
                .iter()
                .enumerate()
                .map(|(i, q)| QuotientPeriod {
                    effective_from: q.effective_from,
                    quotient: q.quotient,
                    current: Some(i) == current,
                })
                .collect(),
            dossier: dossier_items(&registry::dossier_items(conn)?, &row.missing_items),
            dossier_complete: row.dossier_complete,
            wallets: Vec::new(),
            consumptions: Vec::new(),
            payments: Vec::new(),
            follow_up: Vec::new(),
        })
    })
}
