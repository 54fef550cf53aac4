//! The receipt of one payment (desk or card): number, date, mode, amount in figures and words.

use chrono::NaiveDate;
use documents::pdf::{Block, Column, Document, Table};
use domain::Money;
use domain::ids::FamilyId;
use domain::values::PaymentMode;
use mail::templates::ContactBlock;
use uuid::Uuid;

use super::compose::{Addressee, addressee, day_text, euros, frame};
use super::numbers::{DocumentKind, DocumentNumber, number_document};
use super::{DocumentRefusal, Requester};
use crate::desk::amount_in_words;
use crate::wording::desk::payment_mode_label;
use crate::{App, AppError, registry};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentReceipt {
    pub payment_id: Uuid,
    pub number: DocumentNumber,
    /// The desk's receipt number (« 2026-00012 ») of a desk payment.
    pub desk_number: Option<String>,
    pub contact: ContactBlock,
    pub addressee: Addressee,
    /// The régie credited.
    pub regie: String,
    pub paid_on: NaiveDate,
    pub mode: PaymentMode,
    pub amount: Money,
    /// « cent vingt-trois euros et quarante-cinq centimes ».
    pub amount_in_words: String,
    pub cancelled: bool,
}

/// The receipt of `payment`, one of `family`'s (another family's answers as unknown),
/// numbered once (`RC-<year>-<n>`).
pub fn payment_receipt(
    app: &App,
    who: &Requester,
    family: FamilyId,
    payment: Uuid,
) -> Result<PaymentReceipt, AppError> {
    let who = who.clone();
    let today = app.today();
    app.execute(&who.actor_text(), move |command| {
        let now = command.now();
        let conn = command.conn();
        who.admit(conn, family, today, now)?;
        let row = projections::payments(conn, family, super::EPOCH, super::END)?
            .into_iter()
            .find(|p| p.payment_id == payment)
            .ok_or(DocumentRefusal::UnknownPayment)?;
        let regie = projections::wallets(conn)?
            .into_iter()
            .find(|w| w.wallet_id == row.wallet_id)
            .map(|w| w.label)
            .unwrap_or_default();
        let number = number_document(
            conn,
            family,
            DocumentKind::Receipt,
            &payment.to_string(),
            chrono::Datelike::year(&row.paid_on),
            &who.actor_text(),
            now,
        )?;
        Ok(PaymentReceipt {
            payment_id: payment,
            number,
            desk_number: registry::receipt_number(conn, payment)?
                .map(|n| format!("{}-{:05}", n.year, n.sequence)),
            contact: crate::notify::contact_block(conn)?,
            addressee: addressee(conn, family)?,
            regie,
            paid_on: row.paid_on,
            mode: crate::money::parse_mode(&row.mode)?,
            amount: row.amount,
            amount_in_words: amount_in_words(row.amount),
            cancelled: row.cancelled,
        })
    })
}

impl PaymentReceipt {
    pub fn document(&self) -> Document {
        let mut rows = vec![
            vec!["Date du règlement".to_owned(), day_text(self.paid_on)],
            vec!["Mode".to_owned(), payment_mode_label(self.mode).to_owned()],
            vec!["Régie".to_owned(), self.regie.clone()],
        ];
        if let Some(desk) = &self.desk_number {
            rows.push(vec!["Reçu de l'accueil".to_owned(), desk.clone()]);
        }
        let mut blocks = vec![
            Block::Paragraph(format!(
                "{} a reçu de {} (identifiant {}) la somme de {} ({}).",
                self.contact.name,
                self.addressee.name,
                self.addressee.login,
                euros(self.amount),
                self.amount_in_words
            )),
            Block::Table(Table {
                columns: vec![Column::left("Règlement", 0.4), Column::left("", 0.6)],
                rows,
                total: Some(vec!["Montant".to_owned(), euros(self.amount)]),
            }),
        ];
        if self.cancelled {
            blocks.push(Block::Heading(
                "Ce règlement a été annulé : il n'est plus porté au crédit du compte.".to_owned(),
            ));
        }
        frame(
            "Reçu de règlement".to_owned(),
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
