//! What the pages show of a basket before it is validated: the récapitulatif with its
//! estimated costs, and each line in words.

use chrono::{DateTime, NaiveDate, Utc};
use domain::Money;
use domain::booking::DeadlineRule;
use domain::ids::{BasketId, ChildId, FamilyId};
use projections::booking as bq;
use rusqlite::Connection;
use serde::Serialize;
use uuid::Uuid;

use super::lines::evaluate;
use super::{LineOutcome, LineRequest};
use crate::lookup::Lookup;
use crate::money::Prices;
use crate::{App, AppError, registry};

/// The récapitulatif: what « Valider » would answer for these lines now, recording nothing.
/// Each booking line carries its estimated cost.
/// `deadline`: whether a director would set the deadlines aside.
pub fn preview_basket(
    app: &App,
    family: FamilyId,
    lines: Vec<LineRequest>,
    deadline: DeadlineRule,
) -> Result<Vec<PreviewLine>, AppError> {
    let now = app.now();
    app.query(move |conn| preview_in(conn, now, family, &lines, deadline))
}

/// The récapitulatif as judged on `conn` at `now`.
pub(crate) fn preview_in(
    conn: &Connection,
    now: DateTime<Utc>,
    family: FamilyId,
    lines: &[LineRequest],
    deadline: DeadlineRule,
) -> Result<Vec<PreviewLine>, AppError> {
    let basket_id = BasketId::from_uuid(Uuid::nil());
    let (outcomes, _) = evaluate(conn, now, (family, basket_id), lines, deadline)?;
    let mut prices = Prices::new(family);
    let mut preview = Vec::with_capacity(outcomes.len());
    for (line, outcome) in outcomes {
        let cost = match (&line, &outcome) {
            (
                LineRequest::Book {
                    activity_id, day, ..
                },
                LineOutcome::Requested { forecast, .. },
            ) if forecast.may_cost() => Some(prices.of(conn, *activity_id, *day)?.amount),
            (LineRequest::Cancel { reservation_id }, LineOutcome::CancellationRequested { .. }) => {
                match bq::reservation_by_id(conn, *reservation_id)? {
                    Some(row) => Some(-prices.of(conn, row.activity_id, row.day)?.amount),
                    None => None,
                }
            }
            _ => None,
        };
        preview.push(PreviewLine {
            line,
            outcome,
            cost,
        });
    }
    Ok(preview)
}

/// « Coût estimé total » of the récapitulatif: the lines that may cost money (a place, a
/// waitlist that may become one, a cancellation giving its price back); a line that will be
/// refused or cannot be recorded has no cost.
pub fn estimated_total(preview: &[PreviewLine]) -> Money {
    preview.iter().filter_map(|line| line.cost).sum()
}

/// One line of the récapitulatif.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PreviewLine {
    pub line: LineRequest,
    pub outcome: LineOutcome,
    /// Estimated cost of a booking (negative: a cancellation gives it back); none when the line
    /// cannot be recorded or its forecast is a refusal (it will cost nothing).
    pub cost: Option<Money>,
}

/// A basket line in words: who, what, which day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LineLabel {
    pub child_id: ChildId,
    pub child: String,
    pub activity: String,
    pub day: NaiveDate,
    pub cancellation: bool,
}

/// Describes basket lines for the pages; a line naming something not the family's is `None`.
pub fn describe_lines(
    app: &App,
    family: FamilyId,
    lines: Vec<LineRequest>,
) -> Result<Vec<Option<LineLabel>>, AppError> {
    app.query(move |conn| {
        let mut cache = Lookup::default();
        let mut out = Vec::with_capacity(lines.len());
        for line in &lines {
            let (child, activity, day, cancellation) = match line {
                LineRequest::Book {
                    child_id,
                    activity_id,
                    day,
                } => (*child_id, *activity_id, *day, false),
                LineRequest::Cancel { reservation_id } => {
                    match bq::reservation_by_id(conn, *reservation_id)?
                        .filter(|r| r.family_id == family)
                    {
                        Some(row) => (row.child_id, row.activity_id, row.day, true),
                        None => {
                            out.push(None);
                            continue;
                        }
                    }
                }
            };
            let Some(profile) = registry::child(conn, child)?.filter(|c| c.family_id == family)
            else {
                out.push(None);
                continue;
            };
            let activity = cache
                .activity(conn, activity, day)?
                .map(|a| a.label.clone())
                .unwrap_or_default();
            out.push(Some(LineLabel {
                child_id: child,
                child: profile.display_name(),
                activity,
                day,
                cancellation,
            }));
        }
        Ok(out)
    })
}
