//! A child who came without a place: the staff consumption of the CLI (held to the opening and
//! age rules, refused when broken) and a presence mark, in one command.

use chrono::NaiveDate;
use domain::event::payloads::ConsumptionRecorded;
use domain::ids::{ActivityId, ChildId, FamilyId, StructureId};
use domain::staff::Permission;

use super::{AttendanceRefusal, presence_in, refuse_future_day};
use crate::money::{Breaches, consumption_in, require_attendance};
use crate::staff::Acting;
use crate::{App, AppError, registry};

/// The most children a search proposes.
const CANDIDATES: usize = 20;

/// A child a search for a walk-in proposes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WalkInCandidate {
    pub child_id: ChildId,
    pub family_id: FamilyId,
    pub first_name: String,
    pub last_name: String,
    pub age: u32,
}

/// The children of the structure's families whose first or last name contains `typed` (case
/// and accents forgiven), by last then first name; none for an empty search. `by` needs
/// `TakeAttendance` on the structure.
pub fn walk_in_candidates(
    app: &App,
    by: &Acting,
    structure: StructureId,
    day: NaiveDate,
    typed: &str,
) -> Result<Vec<WalkInCandidate>, AppError> {
    by.require(Permission::TakeAttendance, Some(structure))?;
    let wanted = fold(typed.trim());
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    app.query(move |conn| {
        let mut found = Vec::new();
        for family in projections::families(conn, day)?
            .into_iter()
            .filter(|f| f.structures.contains(&structure))
        {
            for child in registry::children_of(conn, family.family_id)? {
                let name = fold(&format!("{} {}", child.first_name, child.last_name));
                if name.contains(&wanted) {
                    found.push(WalkInCandidate {
                        child_id: child.child_id,
                        family_id: child.family_id,
                        age: domain::calendar::age_on(child.birth_date, day),
                        first_name: child.first_name,
                        last_name: child.last_name,
                    });
                }
            }
        }
        found.sort_by(|a, b| {
            (fold(&a.last_name), fold(&a.first_name))
                .cmp(&(fold(&b.last_name), fold(&b.first_name)))
        });
        found.truncate(CANDIDATES);
        Ok(found)
    })
}

/// Records a child who came on `activity` and `day` without a place: the consumption (the
/// CLI's rules: an opening day, the activity's ages; every breach refused) and the presence.
/// `by` needs `TakeAttendance` on the activity's structure.
pub fn add_walk_in(
    app: &App,
    by: &Acting,
    child: ChildId,
    activity: ActivityId,
    day: NaiveDate,
) -> Result<ConsumptionRecorded, AppError> {
    let by_in = by.clone();
    app.execute(&by.actor_text(), move |command| {
        require_attendance(command, &by_in, activity, day)?;
        refuse_future_day(command, day)?;
        let Some(profile) = registry::child(command.conn(), child)? else {
            return Err(AttendanceRefusal::UnknownChild.into());
        };
        let structure =
            projections::activity(command.conn(), activity, day)?.map(|a| a.structure_id);
        let family_structures = projections::family(command.conn(), profile.family_id, day)?
            .map(|f| f.structures)
            .unwrap_or_default();
        if !structure.is_some_and(|s| family_structures.contains(&s)) {
            return Err(AttendanceRefusal::ChildNotInStructure {
                first_name: profile.first_name,
            }
            .into());
        }
        if projections::accepted_reservation(command.conn(), child, activity, day)?.is_some() {
            return Err(AttendanceRefusal::AlreadyExpected {
                first_name: profile.first_name,
            }
            .into());
        }
        let family = profile.family_id;
        let (recorded, _) =
            consumption_in(command, family, child, activity, day, Breaches::Refuse)?;
        presence_in(command, family, child, activity, day, None)?;
        Ok(recorded)
    })
}

/// Lower case without the accents of French names: « Lilou » finds « LILOU » and « Léa » « lea ».
fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            'ÿ' => 'y',
            other => other,
        })
        .collect()
}
