//! Staff accounts of the back office (`/gestion`): who they are, what they may do, their
//! sessions. REFERENCE §F.
//!
//! Rights are `domain::staff` roles; every staff use case takes an [`Acting`] and asks it
//! before it writes ([`Acting::require`], inside the command's transaction), so the desk, the
//! CLI with `--as LOGIN` and the operator on the server obey the same table. Names, e-mails and
//! secrets live in `staff.sql`'s tables, never in events.

mod access_log;
mod accounts;
mod acting;
mod activation;
mod enrolment;
mod listing;
mod login;
mod member;
mod recovery_codes;
mod refusal;
mod rows;
mod second_factor;
mod session;
mod totp;

#[cfg(test)]
mod login_tests;
#[cfg(test)]
mod tests;

use rusqlite::Connection;

use crate::AppError;

pub use crate::wording::staff::{not_allowed_text, permission_label, role_label};
pub use access_log::{
    ACCESS_LOG_MONTHS, Access, AccessKind, access_log, purge_access_log, record_access,
};
pub use accounts::{
    NewStaffAccount, change_account, disable_account, new_activation_code, open_account,
    parse_login, staff_id_of,
};
pub(crate) use accounts::{change_in, open_demo_account, open_in, update_contact};
pub use acting::Acting;
pub use activation::activate_staff;
pub use enrolment::{Enrolment, EnrolmentOutcome, TOTP_ISSUER, confirm_enrolment, enrolment};
pub use listing::{
    StaffAccountRow, StaffStructure, active_member, staff_accounts, staff_by_login,
    structure_by_key,
};
pub use login::{StaffLoginOutcome, staff_login};
pub use member::{StaffMember, member, member_by_login, members};
pub use recovery_codes::RECOVERY_CODES;
pub use refusal::StaffRefusal;
pub use second_factor::{SecondFactorOutcome, second_factor};
pub(crate) use session::open_staff_session;
pub use session::{
    STAFF_ABSOLUTE, STAFF_IDLE, StaffSession, Stage, close_staff_session, purge_staff_sessions,
    staff_session,
};
pub use totp::{TOTP_DIGITS, TOTP_PERIOD, TotpSecret, time_step};

pub(crate) fn install(conn: &Connection) -> Result<(), AppError> {
    conn.execute_batch(include_str!("staff.sql"))?;
    Ok(())
}
