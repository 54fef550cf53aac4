//! The « attestation de frais de garde » of a year: what the family paid for the care of each
//! child under 6 on 1 January (tax credit), the year's payments allocated to the year's
//! consumptions by `domain::attestation::paid_per_child`.

use chrono::NaiveDate;
use documents::pdf::{Block, Column, Document, Table};
use domain::Money;
use domain::attestation::{Credit, Debit, paid_per_child, under_six_on_new_year};
use domain::ids::{ChildId, FamilyId};
use mail::templates::ContactBlock;
use rusqlite::Connection;

use super::compose::{Addressee, addressee, day_text, euros, frame};
use super::numbers::{DocumentKind, DocumentNumber, number_document};
use super::{DocumentRefusal, Requester};
use crate::{App, AppError, registry};

/// One child named by the attestation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChildcareLine {
    pub child_id: ChildId,
    /// « DUPONT Lilou ».
    pub name: String,
    pub birth_date: NaiveDate,
    /// The part of the year's payments that went to this child's care.
    pub paid: Money,
}

/// The figures of the attestation, computed once for the PDF, the page and the CLI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChildcareAttestation {
    pub year: i32,
    pub number: DocumentNumber,
    pub contact: ContactBlock,
    pub addressee: Addressee,
    /// The children under 6 on 1 January of the year who consumed during it, by birth date.
    pub children: Vec<ChildcareLine>,
    pub total: Money,
}

/// `2026` from what was typed: a year from 2000 to 2100.
pub fn parse_year(text: &str) -> Result<i32, DocumentRefusal> {
    match text.trim().parse::<i32>() {
        Ok(year) if (2000..=2100).contains(&year) => Ok(year),
        _ => Err(DocumentRefusal::InvalidYear {
            typed: text.to_owned(),
        }),
    }
}

/// The attestation of `family` for `year`, numbered once (`FG-<year>-<n>`).
pub fn childcare_attestation(
    app: &App,
    who: &Requester,
    family: FamilyId,
    year: i32,
) -> Result<ChildcareAttestation, AppError> {
    let year = parse_year(&year.to_string())?;
    let who = who.clone();
    let today = app.today();
    app.execute(&who.actor_text(), move |command| {
        let now = command.now();
        let conn = command.conn();
        who.admit(conn, family, today, now)?;
        let children = children_paid(conn, family, year)?;
        let number = number_document(
            conn,
            family,
            DocumentKind::Childcare,
            &year.to_string(),
            year,
            &who.actor_text(),
            now,
        )?;
        Ok(ChildcareAttestation {
            year,
            number,
            contact: crate::notify::contact_block(conn)?,
            addressee: addressee(conn, family)?,
            total: children.iter().map(|c| c.paid).sum(),
            children,
        })
    })
}

/// The year's payments and consumptions, allocated; only the children under 6 kept.
fn children_paid(
    conn: &Connection,
    family: FamilyId,
    year: i32,
) -> Result<Vec<ChildcareLine>, AppError> {
    let bounds = NaiveDate::from_ymd_opt(year, 1, 1).zip(NaiveDate::from_ymd_opt(year + 1, 1, 1));
    let Some((from, to)) = bounds else {
        return Err(DocumentRefusal::InvalidYear {
            typed: year.to_string(),
        }
        .into());
    };
    let credits: Vec<Credit> = projections::payments(conn, family, from, to)?
        .into_iter()
        .filter(|p| !p.cancelled)
        .map(|p| Credit {
            wallet: p.wallet_id,
            day: p.paid_on,
            amount: p.amount,
        })
        .collect();
    let debits: Vec<Debit> = projections::consumptions(conn, family, from, to)?
        .into_iter()
        .map(|c| Debit {
            wallet: c.wallet_id,
            child: c.child_id,
            day: c.day,
            amount: c.amount,
        })
        .collect();
    let mut lines = Vec::new();
    for (child, paid) in paid_per_child(&credits, &debits) {
        let Some(profile) = registry::child(conn, child)? else {
            continue;
        };
        if under_six_on_new_year(profile.birth_date, year) {
            lines.push(ChildcareLine {
                child_id: child,
                name: profile.display_name(),
                birth_date: profile.birth_date,
                paid,
            });
        }
    }
    lines.sort_by(|a, b| (a.birth_date, &a.name).cmp(&(b.birth_date, &b.name)));
    Ok(lines)
}

impl ChildcareAttestation {
    /// The document, as the PDF and the printable page lay it out.
    pub fn document(&self) -> Document {
        let year = self.year;
        let mut blocks = vec![Block::Paragraph(format!(
            "{} atteste que {} (identifiant {}) a payé, pendant l'année {year}, pour l'accueil de \
             loisirs de ses enfants âgés de moins de 6 ans au 1er janvier {year}, les sommes \
             suivantes.",
            self.contact.name, self.addressee.name, self.addressee.login
        ))];
        if self.children.is_empty() {
            blocks.push(Block::Paragraph(format!(
                "Aucun enfant de moins de 6 ans au 1er janvier {year} n'a été accueilli pendant \
                 l'année : aucune somme n'est attestée."
            )));
        } else {
            blocks.push(Block::Table(Table {
                columns: vec![
                    Column::left("Enfant", 0.45),
                    Column::left("Date de naissance", 0.3),
                    Column::right("Montant payé", 0.25),
                ],
                rows: self
                    .children
                    .iter()
                    .map(|c| vec![c.name.clone(), day_text(c.birth_date), euros(c.paid)])
                    .collect(),
                total: Some(vec!["Total".to_owned(), String::new(), euros(self.total)]),
            }));
        }
        blocks.push(Block::Paragraph(format!(
            "Les règlements de l'année {year} sont imputés aux consommations de l'année par régie, \
             dans l'ordre des jours, les plus anciennes d'abord ; une somme réglée d'avance ou \
             restant due n'est pas comptée."
        )));
        blocks.push(Block::Paragraph(
            "Attestation délivrée pour faire valoir ce que de droit, au titre du crédit d'impôt \
             pour frais de garde des jeunes enfants."
                .to_owned(),
        ));
        frame(
            format!("Attestation de frais de garde — année {year}"),
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
