//! What a family can download: the years of its attestations, the span of its statements, the
//! receipts of its payments.

use chrono::NaiveDate;
use domain::Money;
use domain::ids::FamilyId;
use uuid::Uuid;

use super::compose::{Addressee, addressee, euros};
use super::{END, EPOCH, Requester};
use crate::wording::desk::payment_mode_label;
use crate::{App, AppError};

/// A payment that has a receipt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentChoice {
    pub payment_id: Uuid,
    pub paid_on: NaiveDate,
    /// « Chèque ».
    pub mode: String,
    pub amount: Money,
    /// « 12,50 € ».
    pub amount_text: String,
    pub cancelled: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentChoices {
    pub family_id: FamilyId,
    pub addressee: Addressee,
    /// Years with consumptions or payments, latest first.
    pub years: Vec<i32>,
    /// The first and last day with a consumption or a payment (the statement form's defaults).
    pub span: Option<(NaiveDate, NaiveDate)>,
    /// Latest first.
    pub payments: Vec<PaymentChoice>,
}

/// The documents `family` can have; a staff look is a line of the access log.
pub fn document_choices(
    app: &App,
    who: &Requester,
    family: FamilyId,
) -> Result<DocumentChoices, AppError> {
    let who = who.clone();
    let today = app.today();
    app.execute(&who.actor_text(), move |command| {
        let now = command.now();
        let conn = command.conn();
        who.admit(conn, family, today, now)?;
        let payments = projections::payments(conn, family, EPOCH, END)?;
        let consumptions = projections::consumptions(conn, family, EPOCH, END)?;
        let mut days: Vec<NaiveDate> = payments.iter().map(|p| p.paid_on).collect();
        days.extend(consumptions.iter().map(|c| c.day));
        days.sort();
        let mut years: Vec<i32> = days.iter().map(chrono::Datelike::year).collect();
        years.dedup();
        years.reverse();
        let mut choices = Vec::with_capacity(payments.len());
        for p in payments.into_iter().rev() {
            choices.push(PaymentChoice {
                payment_id: p.payment_id,
                paid_on: p.paid_on,
                mode: payment_mode_label(crate::money::parse_mode(&p.mode)?).to_owned(),
                amount: p.amount,
                amount_text: euros(p.amount),
                cancelled: p.cancelled,
            });
        }
        Ok(DocumentChoices {
            family_id: family,
            addressee: addressee(conn, family)?,
            years,
            span: days.first().copied().zip(days.last().copied()),
            payments: choices,
        })
    })
}
