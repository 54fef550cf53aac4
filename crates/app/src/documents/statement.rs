//! The statement of account (« relevé de compte ») for a period: the balance on the first day,
//! the consumptions and payments of the period, the balance on the last day — the ledger's
//! figures (payments − consumptions, a cancelled payment counting for nothing).

use chrono::{Datelike, NaiveDate};
use documents::pdf::{Block, Column, Document, Table};
use domain::Money;
use domain::ids::FamilyId;
use mail::templates::ContactBlock;
use rusqlite::Connection;

use super::compose::{Addressee, addressee, day_text, euros, frame};
use super::numbers::{DocumentKind, DocumentNumber, number_document};
use super::{DocumentRefusal, EPOCH, Requester};
use crate::wording::desk::payment_mode_label;
use crate::{App, AppError, registry};

/// One line of the statement: a consumption (debit) or a payment (credit).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementLine {
    pub day: NaiveDate,
    /// « Journée — DUPONT Lilou », « Règlement (Chèque) », « … annulé ».
    pub label: String,
    pub debit: Option<Money>,
    pub credit: Option<Money>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountStatement {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub number: DocumentNumber,
    pub contact: ContactBlock,
    pub addressee: Addressee,
    /// The balance before `from` (negative: owed).
    pub opening: Money,
    pub lines: Vec<StatementLine>,
    pub debits: Money,
    pub credits: Money,
    /// opening + credits − debits: the balance at the end of `to`.
    pub closing: Money,
}

/// The period from what was typed (`YYYY-MM-DD`), its last day not before its first.
pub fn parse_period(from: &str, to: &str) -> Result<(NaiveDate, NaiveDate), DocumentRefusal> {
    let refused = || DocumentRefusal::InvalidPeriod {
        from: from.to_owned(),
        to: to.to_owned(),
    };
    let first: NaiveDate = from.trim().parse().map_err(|_| refused())?;
    let last: NaiveDate = to.trim().parse().map_err(|_| refused())?;
    if last < first || first < EPOCH || last >= super::END {
        return Err(refused());
    }
    Ok((first, last))
}

/// The statement of `family` from `from` to `to` included, numbered once (`RL-<year>-<n>`).
pub fn account_statement(
    app: &App,
    who: &Requester,
    family: FamilyId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<AccountStatement, AppError> {
    let (from, to) = parse_period(&from.to_string(), &to.to_string())?;
    let who = who.clone();
    let today = app.today();
    app.execute(&who.actor_text(), move |command| {
        let now = command.now();
        let conn = command.conn();
        who.admit(conn, family, today, now)?;
        let opening = balance_before(conn, family, from)?;
        let lines = lines(conn, family, from, to)?;
        let debits: Money = lines.iter().filter_map(|l| l.debit).sum();
        let credits: Money = lines.iter().filter_map(|l| l.credit).sum();
        let number = number_document(
            conn,
            family,
            DocumentKind::Statement,
            &format!("{from}/{to}"),
            from.year(),
            &who.actor_text(),
            now,
        )?;
        Ok(AccountStatement {
            from,
            to,
            number,
            contact: crate::notify::contact_block(conn)?,
            addressee: addressee(conn, family)?,
            opening,
            closing: opening + credits - debits,
            lines,
            debits,
            credits,
        })
    })
}

fn balance_before(conn: &Connection, family: FamilyId, day: NaiveDate) -> Result<Money, AppError> {
    let paid: Money = projections::payments(conn, family, EPOCH, day)?
        .iter()
        .filter(|p| !p.cancelled)
        .map(|p| p.amount)
        .sum();
    let consumed: Money = projections::consumptions(conn, family, EPOCH, day)?
        .iter()
        .map(|c| c.amount)
        .sum();
    Ok(paid - consumed)
}

fn lines(
    conn: &Connection,
    family: FamilyId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<StatementLine>, AppError> {
    let end = to.succ_opt().unwrap_or(to);
    let mut lines = Vec::new();
    for c in projections::consumptions(conn, family, from, end)? {
        let activity = projections::activity(conn, c.activity_id, c.day)?
            .map(|a| a.label)
            .unwrap_or_default();
        let child = registry::child(conn, c.child_id)?
            .map(|p| p.display_name())
            .unwrap_or_default();
        lines.push(StatementLine {
            day: c.day,
            label: format!("{activity} — {child}"),
            debit: Some(c.amount),
            credit: None,
        });
    }
    for p in projections::payments(conn, family, from, end)? {
        let mode = crate::money::parse_mode(&p.mode).map(payment_mode_label)?;
        lines.push(StatementLine {
            day: p.paid_on,
            label: if p.cancelled {
                format!("Règlement ({mode}) de {}, annulé", euros(p.amount))
            } else {
                format!("Règlement ({mode})")
            },
            debit: None,
            credit: (!p.cancelled).then_some(p.amount),
        });
    }
    lines.sort_by_key(|l| (l.day, l.credit.is_some()));
    Ok(lines)
}

impl AccountStatement {
    pub fn document(&self) -> Document {
        let money = |m: Option<Money>| m.map(euros).unwrap_or_default();
        // A debt opens in the debit column, a credit in the credit column.
        let (opening_debit, opening_credit) = if self.opening.is_negative() {
            (euros(Money::ZERO - self.opening), String::new())
        } else {
            (String::new(), euros(self.opening))
        };
        let mut rows = vec![vec![
            day_text(self.from),
            "Solde au début de la période".to_owned(),
            opening_debit,
            opening_credit,
        ]];
        for line in &self.lines {
            rows.push(vec![
                day_text(line.day),
                line.label.clone(),
                money(line.debit),
                money(line.credit),
            ]);
        }
        let blocks = vec![
            Block::Paragraph(format!(
                "Relevé du compte de {} du {} au {} : consommations (débit) et règlements (crédit).",
                self.addressee.name,
                day_text(self.from),
                day_text(self.to)
            )),
            Block::Table(Table {
                columns: vec![
                    Column::left("Date", 0.2),
                    Column::left("Libellé", 0.44),
                    Column::right("Débit", 0.18),
                    Column::right("Crédit", 0.18),
                ],
                rows,
                total: Some(vec![
                    String::new(),
                    "Total de la période".to_owned(),
                    euros(self.debits),
                    euros(self.credits),
                ]),
            }),
            Block::Paragraph(format!(
                "Solde au {} : {} ({}).",
                day_text(self.to),
                euros(self.closing),
                if self.closing.is_negative() {
                    "montant dû"
                } else {
                    "en votre faveur"
                }
            )),
        ];
        frame(
            format!(
                "Relevé de compte du {} au {}",
                day_text(self.from),
                day_text(self.to)
            ),
            &self.number,
            &self.contact,
            &self.addressee,
            blocks,
        )
    }

    pub fn pdf(&self) -> Vec<u8> {
        documents::pdf::render(&self.document())
    }
}
