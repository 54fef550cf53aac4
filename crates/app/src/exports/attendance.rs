//! CAF attendance: hours of presence per child and activity for a month, by age bracket (the
//! age on the first day of the month), with a total per bracket and for the month.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use documents::csv::{Cell, Hours};
use domain::attendance::AgeBracket;
use domain::ids::{ActivityId, ChildId, FamilyId};
use domain::values::UnitDuration;
use rusqlite::Connection;

use super::scope::ScopedStructure;
use super::{ExportMonth, Sheet, csv_failed};
use crate::AppError;
use crate::registry;
use crate::wording::exports::bracket_label;

const HEADER: [&str; 9] = [
    "Enfant",
    "Famille",
    "Date de naissance",
    "Tranche d'âge (âge au 1er du mois)",
    "Structure",
    "Activité",
    "Durée d'une place (heures)",
    "Jours de présence",
    "Heures de présence",
];

/// One child on one activity for the month.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct AttendanceLine {
    pub child: String,
    pub family: String,
    pub birth_date: NaiveDate,
    pub bracket: AgeBracket,
    pub structure: String,
    pub activity: String,
    pub duration: UnitDuration,
    pub days: u64,
}

impl AttendanceLine {
    fn minutes(&self) -> u64 {
        self.days * u64::from(self.duration.minutes())
    }

    fn cells(&self) -> Vec<Cell> {
        vec![
            Cell::text(&self.child),
            Cell::text(&self.family),
            Cell::Day(self.birth_date),
            Cell::text(bracket_label(self.bracket)),
            Cell::text(&self.structure),
            Cell::text(&self.activity),
            Cell::Hours(Hours::from_minutes(u64::from(self.duration.minutes()))),
            Cell::Count(self.days),
            Cell::Hours(Hours::from_minutes(self.minutes())),
        ]
    }
}

/// The month's lines, by bracket, child and activity.
pub(crate) fn lines(
    conn: &Connection,
    month: ExportMonth,
    structures: &[ScopedStructure],
) -> Result<Vec<AttendanceLine>, AppError> {
    let labels: HashMap<_, _> = structures
        .iter()
        .map(|s| (s.id, s.label.as_str()))
        .collect();
    let activities: HashMap<ActivityId, projections::ActivityRow> =
        projections::activities(conn, month.first_day())?
            .into_iter()
            .filter(|a| labels.contains_key(&a.structure_id))
            .map(|a| (a.activity_id, a))
            .collect();
    let mut days: BTreeMap<(ChildId, ActivityId, FamilyId), u64> = BTreeMap::new();
    for presence in projections::presences_between(conn, month.first_day(), month.end())? {
        if activities.contains_key(&presence.activity_id) {
            *days
                .entry((presence.child_id, presence.activity_id, presence.family_id))
                .or_default() += 1;
        }
    }
    let mut lines = Vec::with_capacity(days.len());
    for ((child_id, activity_id, family_id), count) in days {
        let (Some(activity), Some(child)) = (
            activities.get(&activity_id),
            registry::child(conn, child_id)?,
        ) else {
            continue;
        };
        let family = registry::family_account(conn, family_id)?
            .map(|account| account.payer_name)
            .unwrap_or_default();
        lines.push(AttendanceLine {
            child: child.display_name(),
            family,
            birth_date: child.birth_date,
            bracket: AgeBracket::for_month(child.birth_date, month.first_day()),
            structure: labels
                .get(&activity.structure_id)
                .map(|l| (*l).to_owned())
                .unwrap_or_default(),
            activity: activity.label.clone(),
            duration: UnitDuration::of(activity.unit, activity.unit_minutes),
            days: count,
        });
    }
    lines.sort_by(|a, b| {
        (a.bracket, &a.child, &a.activity).cmp(&(b.bracket, &b.child, &b.activity))
    });
    Ok(lines)
}

/// The sheet: the lines, then « Total moins de 6 ans », « Total 6 ans et plus », « Total ».
pub(super) fn sheet(
    conn: &Connection,
    month: ExportMonth,
    structures: &[ScopedStructure],
) -> Result<Sheet, AppError> {
    let lines = lines(conn, month, structures)?;
    let mut rows: Vec<Vec<Cell>> = lines.iter().map(AttendanceLine::cells).collect();
    let total = |label: String, chosen: &[&AttendanceLine]| {
        let mut row = vec![Cell::text(label)];
        row.extend(std::iter::repeat_n(Cell::Empty, 6));
        row.push(Cell::Count(chosen.iter().map(|l| l.days).sum()));
        row.push(Cell::Hours(Hours::from_minutes(
            chosen.iter().map(|l| l.minutes()).sum(),
        )));
        row
    };
    for bracket in AgeBracket::ALL {
        let chosen: Vec<&AttendanceLine> = lines.iter().filter(|l| l.bracket == bracket).collect();
        rows.push(total(format!("Total {}", bracket_label(bracket)), &chosen));
    }
    let all: Vec<&AttendanceLine> = lines.iter().collect();
    rows.push(total("Total".to_owned(), &all));
    Ok(Sheet {
        bytes: documents::csv::sheet(&HEADER, &rows).map_err(csv_failed)?,
        lines: lines.len(),
    })
}
