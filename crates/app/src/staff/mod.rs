//! Staff accounts of the back office (`/gestion`): who they are, what they may do, their
//! sessions. REFERENCE §F.
//!
//! Rights are `domain::staff` roles; every staff use case takes an [`Acting`] and asks it
//! before it writes ([`Acting::require`], inside the command's transaction), so the desk, the
//! CLI with `--as LOGIN` and the operator on the server obey the same table. Names, e-mails and
//! secrets live in `staff.sql`'s tables, never in events.

mod access_log;
mod acting;
mod member;
mod refusal;
mod session;

#[cfg(test)]
mod tests;

use rusqlite::Connection;

use crate::AppError;

pub use crate::wording::staff::{permission_label, role_label};
pub use access_log::{
    ACCESS_LOG_MONTHS, Access, AccessKind, access_log, purge_access_log, record_access,
};
pub use acting::Acting;
pub use member::{StaffMember, member, member_by_login, members};
pub use refusal::StaffRefusal;
pub use session::{
    STAFF_ABSOLUTE, STAFF_IDLE, StaffSession, Stage, close_staff_session, purge_staff_sessions,
    staff_session,
};
pub(crate) use session::{open_staff_session, set_stage};

pub(crate) fn install(conn: &Connection) -> Result<(), AppError> {
    conn.execute_batch(include_str!("staff.sql"))?;
    Ok(())
}
