//! Why an export is refused (its words: `crate::wording::exports`).

/// An export request that cannot be served; nothing was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExportRefusal {
    /// The month is not `YYYY-MM`.
    InvalidMonth { typed: String },
    /// No structure has this key or id.
    UnknownStructure { typed: String },
}

impl From<ExportRefusal> for crate::AppError {
    fn from(refusal: ExportRefusal) -> Self {
        crate::AppError::Export(refusal)
    }
}
