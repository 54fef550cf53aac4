//! The demo's staff: one enrolled account per role, with a fixed password and a TOTP secret
//! derived from its identifiant, so a tester (or a test) computes its codes.

use domain::ids::derive_id;
use domain::staff::Role;

use super::catalogue::Site;
use crate::staff::{NewStaffAccount, TotpSecret, open_demo_account};
use crate::{AppError, Command, credentials};

/// A demo staff account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DemoStaff {
    pub login: &'static str,
    pub password: &'static str,
    pub name: &'static str,
    pub role: Role,
}

pub const DEMO_STAFF: [DemoStaff; 4] = [
    DemoStaff {
        login: "accueil",
        password: "portail-demo-accueil",
        name: "Claire Accueil",
        role: Role::Accueil,
    },
    DemoStaff {
        login: "direction",
        password: "portail-demo-direction",
        name: "Paul Direction",
        role: Role::Direction,
    },
    DemoStaff {
        login: "regie",
        password: "portail-demo-regie",
        name: "Inès Régie",
        role: Role::Regie,
    },
    DemoStaff {
        login: "admin",
        password: "portail-demo-admin",
        name: "Marc Administration",
        role: Role::Administration,
    },
];

impl DemoStaff {
    /// The account's TOTP secret (the same in every demo).
    pub fn totp_secret(&self) -> TotpSecret {
        TotpSecret::derived(derive_id("demo-staff-totp", self.login).as_bytes())
    }
}

/// The demo staff's password hashes (argon2id, computed before the command).
pub(super) fn password_hashes() -> Result<Vec<String>, AppError> {
    DEMO_STAFF
        .iter()
        .map(|s| credentials::hash_password(s.password))
        .collect()
}

/// Opens the four demo accounts, enrolled, with their passwords.
pub(super) fn open_demo_staff(
    command: &mut Command<'_, '_>,
    hashes: &[String],
) -> Result<(), AppError> {
    for (staff, hash) in DEMO_STAFF.iter().zip(hashes) {
        let structures = if staff.role.is_scoped() {
            vec![Site::Quinsac.id(), Site::Latresne.id()]
        } else {
            Vec::new()
        };
        let account = NewStaffAccount {
            login: staff.login.to_owned(),
            name: staff.name.to_owned(),
            email: None,
            roles: vec![staff.role],
            structures,
        };
        open_demo_account(command, &account, hash, &staff.totp_secret())?;
    }
    Ok(())
}
