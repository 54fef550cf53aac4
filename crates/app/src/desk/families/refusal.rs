//! Why a desk request on a family was refused: typed until it is shown (wording in
//! `crate::wording::desk`).

/// A refusal of the desk's family pages; nothing was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeskRefusal {
    /// No such family (or an id of the wrong shape).
    UnknownFamily,
    /// A file item that is not one of the family's.
    UnknownDossierItem { item: String },
    /// A quotient familial that is not a whole number from 0 to 100 000.
    InvalidQuotient { typed: String },
    /// The day a quotient applies from is no day.
    InvalidEffectiveDay { typed: String },
    /// A reset link goes by mail and the family has no address.
    NoEmailAddress,
    /// A reset link was mailed a few minutes ago: one mail at a time.
    ResetLinkRecentlySent,
}

impl From<DeskRefusal> for crate::AppError {
    fn from(refusal: DeskRefusal) -> Self {
        crate::AppError::Desk(refusal)
    }
}
