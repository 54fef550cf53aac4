//! Staff rights: roles as sets of permissions, written once here (REFERENCE §F). The desk's
//! one extractor, the CLI's `--as` and the tests all ask [`StaffRights::may`] or
//! [`StaffRights::may_in`]; nothing else decides who may do what.
//!
//! `accueil` and `direction` act on the structures listed on the account; `regie` and
//! `administration` act on the whole organisation.

use serde::{Deserialize, Serialize};

use crate::ids::StructureId;

/// A staff role, as written in the setup file and on the CLI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The desk: families, their files, desk payments, phone bookings, attendance.
    Accueil,
    /// A centre's director: attendance, deadline overrides, the boards.
    Direction,
    /// The régisseur: payments, their cancellation, reconciliation, money exports.
    Regie,
    /// Staff accounts, setup import, transmission, rebuild, the access log.
    Administration,
}

/// One thing a staff member may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Search families and open a family's file (each opening is written to the access log).
    ViewFamilies,
    /// Tick the items of a family's file, change its quotient familial.
    UpdateFamilyFile,
    /// Unlock a throttled log-in, send a password-reset mail, print a new activation letter.
    AssistFamilyAccess,
    /// Record a payment at the desk and print its receipt.
    RecordPayment,
    /// Cancel a desk payment, with a reason.
    CancelPayment,
    /// Reconcile card payments with the provider.
    ReconcilePayments,
    /// Export the money figures (journal, consumptions).
    ExportMoney,
    /// Book and cancel for a family on the phone (the parent's basket and rules).
    BookByPhone,
    /// Accept a booking past its deadline, with a reason (never past capacity).
    OverrideDeadline,
    /// Take the daily attendance sheet.
    TakeAttendance,
    /// See the occupancy and waitlist boards, the charts and the transmission console (its dry
    /// run included).
    ViewBoards,
    /// Act on an activity's day: change the capacity from a date, promote a waitlisted child by
    /// hand, move a child on the waitlist, close the day exceptionally (each with a reason).
    ManageDays,
    /// Export the attendance hours for the CAF and the families with incomplete files.
    ExportAttendance,
    /// Issue a family's attestations, receipts and statements of account.
    IssueAttestations,
    /// See the mail outbox and send a mail again.
    ManageOutbox,
    /// Open, change and disable staff accounts.
    ManageStaff,
    /// Import the setup file.
    ImportSetup,
    /// Run the transmission.
    RunTransmission,
    /// Rebuild the read models.
    RunRebuild,
    /// Read the log of staff accesses to families' files.
    ViewAccessLog,
}

impl Role {
    /// Every role, in the order of the docs' table.
    pub const ALL: [Role; 4] = [
        Role::Accueil,
        Role::Direction,
        Role::Regie,
        Role::Administration,
    ];

    /// The code written in the setup file and on the CLI.
    pub fn code(self) -> &'static str {
        match self {
            Role::Accueil => "accueil",
            Role::Direction => "direction",
            Role::Regie => "regie",
            Role::Administration => "administration",
        }
    }

    /// Reads a role code (case and accents of « régie » forgiven).
    pub fn parse(text: &str) -> Option<Role> {
        let text = text.trim().to_lowercase().replace('é', "e");
        Role::ALL.into_iter().find(|role| role.code() == text)
    }

    /// The permissions the role grants.
    pub fn permissions(self) -> &'static [Permission] {
        use Permission::*;
        match self {
            Role::Accueil => &[
                ViewFamilies,
                UpdateFamilyFile,
                AssistFamilyAccess,
                RecordPayment,
                BookByPhone,
                TakeAttendance,
                IssueAttestations,
            ],
            Role::Direction => &[
                ViewFamilies,
                BookByPhone,
                OverrideDeadline,
                TakeAttendance,
                ViewBoards,
                ManageDays,
                ExportAttendance,
            ],
            Role::Regie => &[
                ViewFamilies,
                RecordPayment,
                CancelPayment,
                ReconcilePayments,
                ExportMoney,
                ExportAttendance,
                IssueAttestations,
                ViewBoards,
            ],
            Role::Administration => &[
                ManageStaff,
                ImportSetup,
                RunTransmission,
                RunRebuild,
                ViewAccessLog,
                ViewBoards,
                ManageDays,
                ManageOutbox,
            ],
        }
    }

    /// Whether the role acts only on the structures listed on the account.
    pub fn is_scoped(self) -> bool {
        matches!(self, Role::Accueil | Role::Direction)
    }
}

impl Permission {
    /// Every permission, in the order of the docs' table.
    pub const ALL: [Permission; 20] = [
        Permission::ViewFamilies,
        Permission::UpdateFamilyFile,
        Permission::AssistFamilyAccess,
        Permission::RecordPayment,
        Permission::CancelPayment,
        Permission::ReconcilePayments,
        Permission::ExportMoney,
        Permission::BookByPhone,
        Permission::OverrideDeadline,
        Permission::TakeAttendance,
        Permission::ViewBoards,
        Permission::ManageDays,
        Permission::ExportAttendance,
        Permission::IssueAttestations,
        Permission::ManageOutbox,
        Permission::ManageStaff,
        Permission::ImportSetup,
        Permission::RunTransmission,
        Permission::RunRebuild,
        Permission::ViewAccessLog,
    ];
}

/// What a staff account may do: its roles and the structures its scoped roles act on.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffRights {
    pub roles: Vec<Role>,
    pub structures: Vec<StructureId>,
}

impl StaffRights {
    /// Whether some role grants `permission` (on at least one structure for a scoped role).
    pub fn may(&self, permission: Permission) -> bool {
        self.roles.iter().any(|role| {
            role.permissions().contains(&permission)
                && (!role.is_scoped() || !self.structures.is_empty())
        })
    }

    /// Whether some role grants `permission` on `structure`.
    pub fn may_in(&self, permission: Permission, structure: StructureId) -> bool {
        self.roles.iter().any(|role| {
            role.permissions().contains(&permission)
                && (!role.is_scoped() || self.structures.contains(&structure))
        })
    }

    /// Whether `permission` is granted on the whole organisation (by an unscoped role).
    pub fn may_everywhere(&self, permission: Permission) -> bool {
        self.roles
            .iter()
            .any(|role| !role.is_scoped() && role.permissions().contains(&permission))
    }

    /// The structures on which `permission` is granted, among `all`.
    pub fn structures_for(
        &self,
        permission: Permission,
        all: impl IntoIterator<Item = StructureId>,
    ) -> Vec<StructureId> {
        all.into_iter()
            .filter(|structure| self.may_in(permission, *structure))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn structure(n: u128) -> StructureId {
        StructureId::from_uuid(Uuid::from_u128(n))
    }

    #[test]
    fn a_desk_agent_acts_on_the_families_of_its_structures_only() {
        let agent = StaffRights {
            roles: vec![Role::Accueil],
            structures: vec![structure(1)],
        };
        assert!(agent.may(Permission::RecordPayment));
        assert!(agent.may_in(Permission::TakeAttendance, structure(1)));
        assert!(!agent.may_in(Permission::TakeAttendance, structure(2)));
        assert!(!agent.may(Permission::CancelPayment));
        assert!(!agent.may(Permission::ManageStaff));
    }

    #[test]
    fn a_scoped_role_without_structures_grants_nothing() {
        let agent = StaffRights {
            roles: vec![Role::Accueil],
            structures: vec![],
        };
        assert!(!agent.may(Permission::ViewFamilies));
    }

    #[test]
    fn the_regie_acts_everywhere_and_roles_add_up() {
        let regisseur = StaffRights {
            roles: vec![Role::Regie, Role::Direction],
            structures: vec![structure(1)],
        };
        assert!(regisseur.may_in(Permission::CancelPayment, structure(9)));
        assert!(regisseur.may_everywhere(Permission::ViewFamilies));
        assert!(regisseur.may_in(Permission::OverrideDeadline, structure(1)));
        assert!(!regisseur.may_in(Permission::OverrideDeadline, structure(9)));
    }

    #[test]
    fn every_permission_belongs_to_some_role_and_codes_read_back() {
        for permission in Permission::ALL {
            assert!(
                Role::ALL
                    .iter()
                    .any(|r| r.permissions().contains(&permission)),
                "{permission:?} is granted by no role"
            );
        }
        for role in Role::ALL {
            assert_eq!(Role::parse(role.code()), Some(role));
        }
        assert_eq!(Role::parse(" Régie "), Some(Role::Regie));
        assert_eq!(Role::parse("admin"), None);
    }
}
