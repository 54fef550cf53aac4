//! Why the portal's pages refuse a parent's click or address; the French wording is in
//! `crate::wording`.

use crate::AppError;

/// A refusal of the portal's pages, typed until it is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PortalRefusal {
    /// The basket already holds its most lines.
    BasketFull { max: usize },
    /// The child of the address is not the family's.
    ChildNotInFamily,
    /// The family of the session has no account row.
    UnknownFamily,
}

impl From<PortalRefusal> for AppError {
    fn from(refusal: PortalRefusal) -> Self {
        AppError::Portal(refusal)
    }
}
