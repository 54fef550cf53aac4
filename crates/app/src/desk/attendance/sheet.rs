//! The sheet of one structure and day: per activity held that day, the children expected (the
//! accepted places) with their last mark, and the children marked without a place.

use chrono::NaiveDate;
use domain::attendance::Mark;
use domain::ids::{ActivityId, ChildId, FamilyId, ReservationId, StructureId};
use domain::staff::Permission;
use rusqlite::Connection;

use super::AttendanceRefusal;
use crate::staff::Acting;
use crate::{App, AppError, registry};

/// A structure whose attendance the member may take.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttendanceStructure {
    pub structure_id: StructureId,
    pub label: String,
    /// One of its activities is open on the day asked.
    pub open: bool,
}

/// The attendance sheet of a structure and day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sheet {
    pub structure_id: StructureId,
    pub structure_label: String,
    pub day: NaiveDate,
    /// The activities of the structure open that day (or with a child on them), by label.
    pub activities: Vec<SheetActivity>,
}

/// One activity of the sheet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SheetActivity {
    pub activity_id: ActivityId,
    pub label: String,
    /// The children, by last then first name.
    pub rows: Vec<SheetRow>,
}

/// One child on the sheet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SheetRow {
    pub child_id: ChildId,
    pub family_id: FamilyId,
    pub first_name: String,
    pub last_name: String,
    /// Whole years on the day.
    pub age: u32,
    /// The payer's name, as the family is known at the desk.
    pub family_name: String,
    /// The accepted place; `None` for a child who came without one.
    pub place: Option<ReservationId>,
    /// The last mark; `None` while not taken yet.
    pub mark: Option<Mark>,
}

/// The structures on which `by` may take the attendance, each saying whether it opens on
/// `day`: in the order of the member's account, then by label.
pub fn attendance_structures(
    app: &App,
    by: &Acting,
    day: NaiveDate,
) -> Result<Vec<AttendanceStructure>, AppError> {
    let by = by.clone();
    app.query(move |conn| {
        let activities = projections::activities(conn, day)?;
        let periods = projections::periods(conn)?;
        let mut structures = Vec::new();
        for structure in projections::structures(conn)?
            .into_iter()
            .filter(|s| by.may_in(Permission::TakeAttendance, s.structure_id))
        {
            let mut open = false;
            for activity in activities
                .iter()
                .filter(|a| a.structure_id == structure.structure_id)
            {
                open |= crate::booking::activity_on_day_among(
                    conn,
                    activity.activity_id,
                    day,
                    &periods,
                )?
                .is_some_and(|on_day| on_day.open);
            }
            structures.push(AttendanceStructure {
                structure_id: structure.structure_id,
                label: structure.label,
                open,
            });
        }
        let listed = by
            .rights()
            .map(|r| r.structures.clone())
            .unwrap_or_default();
        structures.sort_by_key(|s| {
            (
                listed
                    .iter()
                    .position(|id| *id == s.structure_id)
                    .unwrap_or(usize::MAX),
                s.label.clone(),
            )
        });
        Ok(structures)
    })
}

/// The sheet of `structure` on `day`. `by` needs `TakeAttendance` on the structure.
pub fn attendance_sheet(
    app: &App,
    by: &Acting,
    structure: StructureId,
    day: NaiveDate,
) -> Result<Sheet, AppError> {
    by.require(Permission::TakeAttendance, Some(structure))?;
    app.query(move |conn| read_sheet(conn, structure, day))
}

fn read_sheet(
    conn: &Connection,
    structure: StructureId,
    day: NaiveDate,
) -> Result<Sheet, AppError> {
    let Some(structure_row) = projections::structures(conn)?
        .into_iter()
        .find(|s| s.structure_id == structure)
    else {
        return Err(AttendanceRefusal::UnknownStructure.into());
    };
    let places = projections::accepted_places(conn, day)?;
    let marks = projections::marks_of_day(conn, day)?;
    let periods = projections::periods(conn)?;
    let mut activities = Vec::new();
    for activity in projections::activities(conn, day)?
        .into_iter()
        .filter(|a| a.structure_id == structure)
    {
        let mut rows = Vec::new();
        for place in places
            .iter()
            .filter(|p| p.activity_id == activity.activity_id)
        {
            let mark = marks
                .iter()
                .find(|m| m.child_id == place.child_id && m.activity_id == place.activity_id)
                .map(|m| m.mark);
            rows.extend(row(
                conn,
                place.child_id,
                day,
                Some(place.reservation_id),
                mark,
            )?);
        }
        for walk_in in marks
            .iter()
            .filter(|m| m.activity_id == activity.activity_id && m.reservation_id.is_none())
            .filter(|m| {
                !places
                    .iter()
                    .any(|p| p.child_id == m.child_id && p.activity_id == m.activity_id)
            })
        {
            rows.extend(row(conn, walk_in.child_id, day, None, Some(walk_in.mark))?);
        }
        let open =
            crate::booking::activity_on_day_among(conn, activity.activity_id, day, &periods)?
                .is_some_and(|on_day| on_day.open);
        if open || !rows.is_empty() {
            rows.sort_by(|a, b| {
                (a.last_name.to_lowercase(), a.first_name.to_lowercase())
                    .cmp(&(b.last_name.to_lowercase(), b.first_name.to_lowercase()))
            });
            activities.push(SheetActivity {
                activity_id: activity.activity_id,
                label: activity.label,
                rows,
            });
        }
    }
    activities.sort_by(|a, b| a.label.cmp(&b.label));
    Ok(Sheet {
        structure_id: structure,
        structure_label: structure_row.label,
        day,
        activities,
    })
}

/// A child's row, from the registry (`None` when the registry no longer knows the child).
fn row(
    conn: &Connection,
    child: ChildId,
    day: NaiveDate,
    place: Option<ReservationId>,
    mark: Option<Mark>,
) -> Result<Option<SheetRow>, AppError> {
    let Some(profile) = registry::child(conn, child)? else {
        return Ok(None);
    };
    let family_name = registry::family_account(conn, profile.family_id)?
        .map(|account| account.payer_name)
        .unwrap_or_default();
    Ok(Some(SheetRow {
        child_id: child,
        family_id: profile.family_id,
        age: domain::calendar::age_on(profile.birth_date, day),
        first_name: profile.first_name,
        last_name: profile.last_name,
        family_name,
        place,
        mark,
    }))
}
