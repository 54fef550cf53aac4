//! « Familles »: the desk's search by family name, child's name or identifiant.

use domain::Money;
use domain::booking::{self as rules};
use domain::ids::{FamilyId, StructureId};
use domain::staff::Permission;
use rusqlite::Connection;

use crate::registry::{self, FamilyAccount};
use crate::staff::Acting;
use crate::{App, AppError};

/// At most this many families are listed; the page asks for a closer search beyond.
pub const SEARCH_LIMIT: usize = 50;

/// One family found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FamilyHit {
    pub family_id: FamilyId,
    pub login: String,
    /// « M. BERNARD Luc ».
    pub addressee: String,
    /// « Emma BERNARD », by birth date.
    pub children: Vec<String>,
    /// The labels of the family's structures.
    pub structures: Vec<String>,
    /// Sum of the wallets' balances (negative: the family owes it).
    pub balance: Money,
    /// Booking is blocked (debt at the threshold, or an incomplete file).
    pub blocked: bool,
}

/// What a search found: the first [`SEARCH_LIMIT`] families, and whether there were more.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FamilySearch {
    pub hits: Vec<FamilyHit>,
    pub more: bool,
}

/// The families whose identifiant, payer's name or a child's first or last name contain every
/// word of `text` (case and accents forgiven), among the families of the structures where `by`
/// may `ViewFamilies` (régie and administration: all). An empty text finds nothing.
pub fn search_families(app: &App, by: &Acting, text: &str) -> Result<FamilySearch, AppError> {
    by.require(Permission::ViewFamilies, None)?;
    let words: Vec<String> = domain::wording::fold(text)
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    if words.is_empty() {
        return Ok(FamilySearch {
            hits: Vec::new(),
            more: false,
        });
    }
    let by = by.clone();
    let today = app.today();
    app.query(move |conn| {
        let rows = projections::families(conn, today)?;
        let labels = projections::structures(conn)?;
        let mut hits = Vec::new();
        let mut more = false;
        for account in registry::family_accounts(conn)? {
            let Some(row) = rows.iter().find(|r| r.family_id == account.family_id) else {
                continue;
            };
            if !row
                .structures
                .iter()
                .any(|s| by.may_in(Permission::ViewFamilies, *s))
            {
                continue;
            }
            let children = registry::children_of(conn, account.family_id)?;
            let haystack = domain::wording::fold(&searched_text(&account, &children));
            if !words.iter().all(|w| haystack.contains(w.as_str())) {
                continue;
            }
            if hits.len() == SEARCH_LIMIT {
                more = true;
                break;
            }
            let structures = structure_labels(&labels, &row.structures);
            hits.push(hit(conn, account, children, structures, row)?);
        }
        Ok(FamilySearch { hits, more })
    })
}

fn searched_text(account: &FamilyAccount, children: &[registry::ChildProfile]) -> String {
    let mut text = format!("{} {}", account.login, account.payer_name);
    for child in children {
        text.push(' ');
        text.push_str(&child.first_name);
        text.push(' ');
        text.push_str(&child.last_name);
    }
    text
}

fn structure_labels(
    labels: &[projections::StructureRow],
    structures: &[StructureId],
) -> Vec<String> {
    labels
        .iter()
        .filter(|s| structures.contains(&s.structure_id))
        .map(|s| s.label.clone())
        .collect()
}

fn hit(
    conn: &Connection,
    account: FamilyAccount,
    children: Vec<registry::ChildProfile>,
    structures: Vec<String>,
    row: &projections::FamilyRow,
) -> Result<FamilyHit, AppError> {
    let balance = projections::balances(conn, account.family_id)?
        .iter()
        .map(|b| b.balance)
        .sum();
    let standing = crate::booking::account_standing(conn, account.family_id, row)?;
    Ok(FamilyHit {
        family_id: account.family_id,
        addressee: account.addressee(),
        login: account.login,
        children: children
            .into_iter()
            .map(|c| format!("{} {}", c.first_name, c.last_name))
            .collect(),
        structures,
        balance,
        blocked: rules::account_block(&standing).is_some(),
    })
}
