//! What a transmission decided, as data: one [`DecisionLine`] per decision, named (structure,
//! activity, family, child) for the staff's screens, and the counts per structure and per slot
//! drawn from them. The console and the CLI render it; nothing here is worded.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use domain::booking::Decision;
use domain::ids::{ActivityId, ChildId, FamilyId, StructureId};
use domain::values::RefusalReason;
use rusqlite::Connection;
use serde::Serialize;

use crate::AppError;
use crate::lookup::Lookup;
use crate::registry;

/// What became of one request (or, for a promotion, of one waitlisted place).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum Outcome {
    Accepted,
    Waitlisted { rank: u32 },
    Refused { reason: RefusalReason },
    Cancelled,
    Promoted,
}

/// One decision of a run, with the names staff read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DecisionLine {
    pub structure_id: StructureId,
    pub structure: String,
    pub activity_id: ActivityId,
    pub activity: String,
    pub day: NaiveDate,
    pub family_id: FamilyId,
    /// The payer as the mails address them (« M. DUPONT Jean-Paul »).
    pub family: String,
    pub child_id: ChildId,
    pub child: String,
    pub outcome: Outcome,
}

/// The decisions of a run counted by kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DecisionCounts {
    pub accepted: u32,
    pub waitlisted: u32,
    pub refused: u32,
    pub promoted: u32,
    pub cancelled: u32,
}

impl DecisionCounts {
    fn add(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Accepted => self.accepted += 1,
            Outcome::Waitlisted { .. } => self.waitlisted += 1,
            Outcome::Refused { .. } => self.refused += 1,
            Outcome::Promoted => self.promoted += 1,
            Outcome::Cancelled => self.cancelled += 1,
        }
    }

    /// Counts of `lines`.
    pub fn of<'a>(lines: impl IntoIterator<Item = &'a DecisionLine>) -> DecisionCounts {
        let mut counts = DecisionCounts::default();
        for line in lines {
            counts.add(line.outcome);
        }
        counts
    }
}

/// The counts of one structure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StructureCounts {
    pub structure_id: StructureId,
    pub structure: String,
    pub counts: DecisionCounts,
}

/// The counts of one activity on one day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SlotCounts {
    pub structure: String,
    pub activity_id: ActivityId,
    pub activity: String,
    pub day: NaiveDate,
    pub counts: DecisionCounts,
}

/// The counts per structure, in the order of their names.
pub fn by_structure(lines: &[DecisionLine]) -> Vec<StructureCounts> {
    let mut groups: BTreeMap<(&str, StructureId), DecisionCounts> = BTreeMap::new();
    for line in lines {
        groups
            .entry((&line.structure, line.structure_id))
            .or_default()
            .add(line.outcome);
    }
    groups
        .into_iter()
        .map(|((structure, structure_id), counts)| StructureCounts {
            structure_id,
            structure: structure.to_owned(),
            counts,
        })
        .collect()
}

/// The counts per activity and day, by structure, day then activity.
pub fn by_slot(lines: &[DecisionLine]) -> Vec<SlotCounts> {
    let mut groups: BTreeMap<(&str, NaiveDate, &str, ActivityId), DecisionCounts> = BTreeMap::new();
    for line in lines {
        groups
            .entry((&line.structure, line.day, &line.activity, line.activity_id))
            .or_default()
            .add(line.outcome);
    }
    groups
        .into_iter()
        .map(
            |((structure, day, activity, activity_id), counts)| SlotCounts {
                structure: structure.to_owned(),
                activity_id,
                activity: activity.to_owned(),
                day,
                counts,
            },
        )
        .collect()
}

/// The line of `decision`, its names looked up once per run.
pub(super) fn line_of(
    conn: &Connection,
    decision: &Decision,
    cache: &mut Lookup,
) -> Result<DecisionLine, AppError> {
    let (activity_id, day) = decision.slot();
    let (structure_id, structure, activity) = match cache.activity(conn, activity_id, day)? {
        Some(a) => (a.structure_id, a.structure_label.clone(), a.label.clone()),
        None => return Err(AppError::corrupt("transmission line", activity_id)),
    };
    let family_id = decision.family_id();
    let family = registry::family_account(conn, family_id)?
        .map(|account| account.addressee())
        .unwrap_or_else(|| family_id.to_string());
    let child_id = decision.child_id();
    Ok(DecisionLine {
        structure_id,
        structure,
        activity_id,
        activity,
        day,
        family_id,
        family,
        child_id,
        child: cache.child_name(conn, child_id)?,
        outcome: outcome_of(decision),
    })
}

fn outcome_of(decision: &Decision) -> Outcome {
    match decision {
        Decision::Accepted { .. } => Outcome::Accepted,
        Decision::Waitlisted { rank, .. } => Outcome::Waitlisted { rank: *rank },
        Decision::Refused { reason, .. } => Outcome::Refused { reason: *reason },
        Decision::Cancelled { .. } => Outcome::Cancelled,
        Decision::Promoted { .. } => Outcome::Promoted,
    }
}
