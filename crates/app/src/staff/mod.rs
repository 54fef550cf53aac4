//! Staff accounts of the back office (`/gestion`): who they are, what they may do, their
//! sessions. REFERENCE §F.
//!
//! Rights are `domain::staff` roles; every staff use case takes an [`Acting`] and asks it
//! before it writes ([`Acting::require`], inside the command's transaction), so the desk, the
//! CLI with `--as LOGIN` and the operator on the server obey the same table. Names, e-mails and
//! secrets live in `staff.sql`'s tables, never in events.

mod acting;
mod member;
mod refusal;
mod session;
mod totp;

use rusqlite::Connection;

use crate::AppError;

pub use crate::wording::staff::{permission_label, role_label};
pub use acting::Acting;
pub use member::{StaffMember, member, member_by_login, members};
pub use refusal::StaffRefusal;
pub use session::{
    STAFF_ABSOLUTE, STAFF_IDLE, StaffSession, Stage, close_staff_session, purge_staff_sessions,
    staff_session,
};
pub(crate) use session::{open_staff_session, set_stage};
pub use totp::{TOTP_DIGITS, TOTP_PERIOD, TotpSecret, time_step};

pub(crate) fn install(conn: &Connection) -> Result<(), AppError> {
    conn.execute_batch(include_str!("staff.sql"))?;
    Ok(())
}
