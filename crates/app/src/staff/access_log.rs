//! The RGPD access log (« journalisation des accès », CNIL): one row each time a staff member
//! opens a family's file, kept six months, shown to administration.

use chrono::{DateTime, Months, Utc};
use domain::ids::{FamilyId, StaffId};
use domain::staff::Permission;
use rusqlite::{Connection, params};

use super::Acting;
use crate::accounts::{instant, stamp};
use crate::{App, AppError};

/// How long an access stays in the log.
pub const ACCESS_LOG_MONTHS: u32 = 6;

/// What a staff member looked at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccessKind {
    /// The family's file page (contacts, children, file, money, bookings).
    FamilyFile,
    /// A receipt or a letter printed for the family.
    FamilyDocument,
}

impl AccessKind {
    fn column(self) -> &'static str {
        match self {
            AccessKind::FamilyFile => "family_file",
            AccessKind::FamilyDocument => "family_document",
        }
    }

    fn from_column(text: &str) -> Result<AccessKind, AppError> {
        match text {
            "family_file" => Ok(AccessKind::FamilyFile),
            "family_document" => Ok(AccessKind::FamilyDocument),
            other => Err(AppError::corrupt("staff_access_log", other)),
        }
    }
}

/// Appends one access to the log, in the caller's transaction (the look and its trace commit
/// together). The operator on the server (`staff:cli`) is logged under the nil id.
pub fn record_access(
    conn: &Connection,
    by: &Acting,
    family: FamilyId,
    kind: AccessKind,
    at: DateTime<Utc>,
) -> Result<(), AppError> {
    let staff = by
        .actor()
        .staff()
        .map_or_else(|| uuid::Uuid::nil().to_string(), |id| id.to_string());
    conn.prepare_cached(
        "INSERT INTO staff_access_log (at, staff_id, family_id, what) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![stamp(at), staff, family.to_string(), kind.column()])?;
    Ok(())
}

/// One line of the access log, as administration reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Access {
    pub at: DateTime<Utc>,
    /// `None`: the operator on the server.
    pub staff_id: Option<StaffId>,
    /// The member's name and identifiant, when the account still exists.
    pub staff: Option<(String, String)>,
    pub family_id: FamilyId,
    /// The family's addressee (« M. DUPONT Jean-Paul »), when the family still exists.
    pub family: Option<String>,
    pub kind: AccessKind,
}

/// A page of the access log, newest first: `limit` lines after skipping `offset`, and the total.
pub fn access_log(
    app: &App,
    by: &Acting,
    offset: u32,
    limit: u32,
) -> Result<(Vec<Access>, u64), AppError> {
    by.require(Permission::ViewAccessLog, None)?;
    app.query(move |conn| {
        let total: i64 =
            conn.query_row("SELECT count(*) FROM staff_access_log", [], |r| r.get(0))?;
        let total = u64::try_from(total).unwrap_or_default();
        let mut statement = conn.prepare_cached(
            "SELECT l.at, l.staff_id, s.name, s.login, l.family_id, l.what
             FROM staff_access_log l LEFT JOIN staff_accounts s ON s.staff_id = l.staff_id
             ORDER BY l.access_id DESC LIMIT ?1 OFFSET ?2",
        )?;
        let rows = statement.query_map(params![limit, offset], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
            ))
        })?;
        let mut lines = Vec::new();
        for row in rows {
            let (at, staff, name, login, family, what) = row?;
            let corrupt = |e: &dyn std::fmt::Display| AppError::corrupt("staff_access_log", e);
            let staff_uuid: uuid::Uuid = staff.parse().map_err(|e| corrupt(&e))?;
            let family_id: FamilyId = family.parse().map_err(|e| corrupt(&e))?;
            lines.push(Access {
                at: instant(&at, "staff_access_log")?,
                staff_id: (!staff_uuid.is_nil()).then_some(StaffId::from_uuid(staff_uuid)),
                staff: name.zip(login),
                family_id,
                family: crate::listing::family_addressee(conn, family_id)?,
                kind: AccessKind::from_column(&what)?,
            });
        }
        Ok((lines, total))
    })
}

/// Deletes the accesses older than [`ACCESS_LOG_MONTHS`] (nightly); returns how many.
pub fn purge_access_log(app: &App) -> Result<usize, AppError> {
    app.execute("system:gestion", move |command| {
        let now = command.now();
        let cutoff = now
            .checked_sub_months(Months::new(ACCESS_LOG_MONTHS))
            .unwrap_or(now);
        Ok(command
            .conn()
            .prepare_cached("DELETE FROM staff_access_log WHERE at < ?1")?
            .execute(params![stamp(cutoff)])?)
    })
}
