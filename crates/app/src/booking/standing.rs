//! Whether a family may book now: its debt against the threshold and its file, and whether a
//! click may put a day in the basket at all.

use chrono::NaiveDate;
use domain::Money;
use domain::booking::{self as rules, AccountStanding};
use domain::ids::{ActivityId, FamilyId};
use rusqlite::Connection;

use super::BookingRefusal;
use crate::lookup::activity_on_day;
use crate::{App, AppError};

/// Why a family may not book now, with the organisation's threshold the notice states.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BookingBlock {
    pub blocked: rules::Blocked,
    /// The configured debt threshold (`[organisation] debt_threshold`).
    pub threshold: Money,
}

/// Why the family may not book now (debt at or above the threshold, incomplete file); `None`
/// when it may.
pub fn booking_blocked(app: &App, family: FamilyId) -> Result<Option<BookingBlock>, AppError> {
    let today = app.today();
    app.query(move |conn| {
        let Some(row) = projections::family(conn, family, today)? else {
            return Err(AppError::Booking(BookingRefusal::UnknownFamily));
        };
        let standing = account_standing(conn, family, &row)?;
        Ok(rules::account_block(&standing).map(|blocked| BookingBlock {
            blocked,
            threshold: standing.threshold,
        }))
    })
}

/// What the family owes and whether its file is complete.
pub fn account_standing(
    conn: &Connection,
    family: FamilyId,
    row: &projections::FamilyRow,
) -> Result<AccountStanding, AppError> {
    let owed: Money = projections::balances(conn, family)?
        .iter()
        .map(|b| AccountStanding::owed_from_balance(b.balance))
        .sum();
    Ok(AccountStanding {
        owed,
        threshold: projections::debt_threshold(conn)?,
        dossier_complete: row.dossier_complete,
        missing_items: row.missing_items.clone(),
    })
}

/// Whether a click may put the booking of `activity` on `day` in a basket: the activity's
/// opening calendar opens the day (`LineRefusal::DayClosed` otherwise — a day outside every
/// period of the organisation, or a closed day). Every other rule is judged, with its reason,
/// by the récapitulatif and the final « Valider ».
pub fn basket_booking_allowed(
    app: &App,
    activity: ActivityId,
    day: NaiveDate,
) -> Result<(), AppError> {
    app.query(move |conn| match activity_on_day(conn, activity, day)? {
        Some(on_day) => {
            rules::day_open(&on_day).map_err(|refusal| AppError::RuleRefused(vec![refusal]))
        }
        None => Err(AppError::RuleRefused(vec![rules::LineRefusal::DayClosed])),
    })
}
