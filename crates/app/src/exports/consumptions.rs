//! Consumptions of a month per régie and activity, for the accountant: how many, what quantity,
//! what amount; a total per régie and for the month. The lines are the families' consumption
//! histories (`projections::consumptions`, what `app::money::consumption_history` shows), so
//! the totals are theirs to the cent.

use std::collections::{BTreeMap, HashMap};

use documents::csv::Cell;
use domain::Money;
use domain::ids::{ActivityId, WalletId};
use rusqlite::Connection;

use super::scope::ScopedStructure;
use super::{ExportMonth, Sheet, csv_failed};
use crate::AppError;

const HEADER: [&str; 6] = [
    "Régie",
    "Structure",
    "Activité",
    "Consommations",
    "Quantité facturée",
    "Montant",
];

/// One activity of one régie for the month.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ConsumptionTotal {
    pub wallet: String,
    pub structure: String,
    pub activity: String,
    pub count: u64,
    pub quantity: u64,
    pub amount: Money,
}

/// The month's consumptions of the structures' activities, by régie, structure and activity.
pub(crate) fn totals(
    conn: &Connection,
    month: ExportMonth,
    structures: &[ScopedStructure],
) -> Result<Vec<ConsumptionTotal>, AppError> {
    let scoped: HashMap<_, _> = structures.iter().map(|s| (s.id, s)).collect();
    let activities: HashMap<ActivityId, (String, &ScopedStructure)> =
        projections::activities(conn, month.first_day())?
            .into_iter()
            .filter_map(|a| {
                let structure = scoped.get(&a.structure_id)?;
                Some((a.activity_id, (a.label, *structure)))
            })
            .collect();
    let wallets: HashMap<WalletId, String> = projections::wallets(conn)?
        .into_iter()
        .map(|w| (w.wallet_id, w.label))
        .collect();
    let mut sums: BTreeMap<(WalletId, ActivityId), (u64, u64, Money)> = BTreeMap::new();
    for family in projections::families(conn, month.first_day())? {
        let rows =
            projections::consumptions(conn, family.family_id, month.first_day(), month.end())?;
        for row in rows
            .into_iter()
            .filter(|r| activities.contains_key(&r.activity_id))
        {
            let sum = sums
                .entry((row.wallet_id, row.activity_id))
                .or_insert((0, 0, Money::ZERO));
            sum.0 += 1;
            sum.1 += u64::from(row.quantity);
            sum.2 = sum.2 + row.amount;
        }
    }
    let mut totals: Vec<ConsumptionTotal> = sums
        .into_iter()
        .filter_map(|((wallet, activity), (count, quantity, amount))| {
            let (label, structure) = activities.get(&activity)?;
            Some(ConsumptionTotal {
                wallet: wallets.get(&wallet).cloned().unwrap_or_default(),
                structure: structure.label.clone(),
                activity: label.clone(),
                count,
                quantity,
                amount,
            })
        })
        .collect();
    totals.sort_by(|a, b| {
        (&a.wallet, &a.structure, &a.activity).cmp(&(&b.wallet, &b.structure, &b.activity))
    });
    Ok(totals)
}

/// The sheet: the lines, a « Total <régie> » after each régie's, then « Total ».
pub(super) fn sheet(
    conn: &Connection,
    month: ExportMonth,
    structures: &[ScopedStructure],
) -> Result<Sheet, AppError> {
    let totals = totals(conn, month, structures)?;
    let total_row = |label: String, chosen: &[&ConsumptionTotal]| {
        vec![
            Cell::text(label),
            Cell::Empty,
            Cell::Empty,
            Cell::Count(chosen.iter().map(|t| t.count).sum()),
            Cell::Count(chosen.iter().map(|t| t.quantity).sum()),
            Cell::Money(chosen.iter().map(|t| t.amount).sum()),
        ]
    };
    let mut rows = Vec::new();
    let mut wallets: Vec<&str> = totals.iter().map(|t| t.wallet.as_str()).collect();
    wallets.dedup();
    for wallet in wallets {
        let chosen: Vec<&ConsumptionTotal> = totals.iter().filter(|t| t.wallet == wallet).collect();
        for line in &chosen {
            rows.push(vec![
                Cell::text(&line.wallet),
                Cell::text(&line.structure),
                Cell::text(&line.activity),
                Cell::Count(line.count),
                Cell::Count(line.quantity),
                Cell::Money(line.amount),
            ]);
        }
        rows.push(total_row(format!("Total {wallet}"), &chosen));
    }
    let all: Vec<&ConsumptionTotal> = totals.iter().collect();
    rows.push(total_row("Total".to_owned(), &all));
    Ok(Sheet {
        bytes: documents::csv::sheet(&HEADER, &rows).map_err(csv_failed)?,
        lines: totals.len(),
    })
}
