//! What every document shares: the organisation's block, the addressee, the number and date,
//! amounts written « 12,50 € ».

use chrono::{DateTime, Utc};
use documents::pdf::Document;
use domain::Money;
use domain::ids::FamilyId;
use mail::templates::ContactBlock;
use rusqlite::Connection;

use super::{DocumentNumber, DocumentRefusal};
use crate::{AppError, registry};

/// The family a document is addressed to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Addressee {
    /// « M. DUPONT Jean-Paul ».
    pub name: String,
    pub login: String,
}

pub(super) fn addressee(conn: &Connection, family: FamilyId) -> Result<Addressee, AppError> {
    let account = registry::family_account(conn, family)?.ok_or(DocumentRefusal::UnknownFamily)?;
    Ok(Addressee {
        name: account.addressee(),
        login: account.login.clone(),
    })
}

/// « 1 234,50 € » is written « 1234,50 € »: the decimal comma, no sign for a credit.
pub fn euros(amount: Money) -> String {
    format!("{} €", amount.to_string().replace('.', ","))
}

/// « 2 décembre 2026 » (Paris day).
pub(super) fn day_words(instant: DateTime<Utc>) -> String {
    day_text(domain::deadline::paris_day(instant))
}

/// « 2 décembre 2026 ».
pub(super) fn day_text(day: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    let number = match day.day() {
        1 => "1er".to_owned(),
        other => other.to_string(),
    };
    format!(
        "{number} {} {}",
        domain::wording::month_name(day.month()),
        day.year()
    )
}

/// The frame of a document: the issuer's lines, the addressee, the title, number and date.
pub(super) fn frame(
    title: String,
    number: &DocumentNumber,
    contact: &ContactBlock,
    to: &Addressee,
    blocks: Vec<documents::pdf::Block>,
) -> Document {
    Document {
        title,
        number: number.text.clone(),
        issuer: contact
            .render()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_owned)
            .collect(),
        addressee: vec![to.name.clone(), format!("Identifiant : {}", to.login)],
        issued: format!("Émis le {}", day_words(number.issued_at)),
        blocks,
    }
}
