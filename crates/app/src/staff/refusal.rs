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
    /// The identifiant is not 2 to 40 of `a-z 0-9 . - _`.
    InvalidLogin,
    /// A staff account or a family already uses this identifiant.
    LoginTaken,
    /// The account needs a name.
    NameMissing,
    /// The account needs at least one role.
    NoRole,
    /// Accueil and direction act on structures: at least one is needed.
    NoStructure,
    /// A structure given is not in the setup.
    UnknownStructure,
    /// The account is disabled.
    AccountDisabled,
    /// A member cannot disable their own account.
    OwnAccount,
    /// The TOTP code (or recovery code) is wrong, already used or too old.
    WrongCode,
}

impl From<StaffRefusal> for crate::AppError {
    fn from(refusal: StaffRefusal) -> Self {
        crate::AppError::Staff(refusal)
    }
}
