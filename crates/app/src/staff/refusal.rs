//! Why a staff request was refused: typed until it is shown (wording in
//! `crate::wording::staff`).

use domain::staff::Permission;

/// A refusal of the staff area.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StaffRefusal {
    /// The member's roles do not grant this (on this structure).
    NotAllowed(Permission),
    /// No active staff account has this identifiant.
    UnknownLogin,
}

impl From<StaffRefusal> for crate::AppError {
    fn from(refusal: StaffRefusal) -> Self {
        crate::AppError::Staff(refusal)
    }
}
