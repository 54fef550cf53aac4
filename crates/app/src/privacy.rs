//! RGPD: what the portal knows about a family, for the family to download (REFERENCE §C). Built
//! from the registry (personal data) and the read models (what the log says about the family).

use chrono::NaiveDate;
use domain::ids::FamilyId;
use serde::Serialize;

use crate::booking::{self, FollowUpLine};
use crate::money::{self, ConsumptionLine, PaymentLine, WalletStatement};
use crate::{App, AppError, registry};

#[derive(Clone, Debug, Serialize)]
pub struct AccountData {
    pub login: String,
    pub title: Option<String>,
    pub payer_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// The recovery question (never the answer, stored hashed; never the password).
    pub recovery_question: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ChildData {
    pub first_name: String,
    pub last_name: String,
    pub birth_date: NaiveDate,
}

/// Everything the portal holds about one family.
#[derive(Clone, Debug, Serialize)]
pub struct FamilyData {
    pub exported_at: String,
    pub account: AccountData,
    pub children: Vec<ChildData>,
    pub wallets: Vec<WalletStatement>,
    pub reservations: Vec<FollowUpLine>,
    pub consumptions: Vec<ConsumptionLine>,
    pub payments: Vec<PaymentLine>,
    /// The numbers of the attestations, statements and receipts issued to the family.
    pub documents: Vec<IssuedDocument>,
    /// When the family's calendar feed address was created (its secret is never kept).
    pub agenda_feed_since: Option<String>,
}

/// One document issued to the family: its number, who first issued it and when.
#[derive(Clone, Debug, Serialize)]
pub struct IssuedDocument {
    pub number: String,
    pub issued_by: String,
    pub issued_at: String,
}

pub fn family_data(app: &App, family: FamilyId) -> Result<FamilyData, AppError> {
    let profile = crate::accounts::profile(app, family)?;
    let children = app.query(move |conn| registry::children_of(conn, family))?;
    let mut consumptions = Vec::new();
    let mut payments = Vec::new();
    let today = app.today();
    for month in money::consumption_history(app, family, today)?.months_with_data {
        if let Ok(first) = NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d") {
            consumptions.extend(money::consumption_history(app, family, first)?.lines);
        }
    }
    for month in money::payment_history(app, family, today)?.months_with_data {
        if let Ok(first) = NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d") {
            payments.extend(money::payment_history(app, family, first)?.lines);
        }
    }
    let documents = app
        .query(move |conn| crate::documents::numbers_of(conn, family))?
        .into_iter()
        .map(|n| IssuedDocument {
            number: n.text,
            issued_by: n.issued_by,
            issued_at: n
                .issued_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        })
        .collect();
    let agenda_feed_since = crate::agenda::agenda_feed(app, family, None)?
        .since
        .map(|since| since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    Ok(FamilyData {
        exported_at: app.now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        account: AccountData {
            login: profile.account.login,
            title: profile.account.title,
            payer_name: profile.account.payer_name,
            email: profile.account.email.map(String::from),
            phone: profile.account.phone,
            recovery_question: profile.question,
        },
        children: children
            .into_iter()
            .map(|c| ChildData {
                first_name: c.first_name,
                last_name: c.last_name,
                birth_date: c.birth_date,
            })
            .collect(),
        wallets: money::statement(app, family, true, true)?,
        reservations: booking::follow_up(app, family, domain::booking::DeadlineRule::Applies)?,
        consumptions,
        payments,
        documents,
        agenda_feed_since,
    })
}
