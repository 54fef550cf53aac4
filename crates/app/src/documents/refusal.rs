//! Why a document is not issued (the words: `crate::wording::documents`).

/// A document request refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DocumentRefusal {
    /// No such family, or not the one asking: the same answer (a 404 on the web).
    UnknownFamily,
    /// No such payment for this family: the same answer for another family's.
    UnknownPayment,
    /// A year outside 2000–2100.
    InvalidYear { typed: String },
    /// A statement's period that does not parse or ends before it starts.
    InvalidPeriod { from: String, to: String },
}

impl From<DocumentRefusal> for crate::AppError {
    fn from(refusal: DocumentRefusal) -> Self {
        crate::AppError::Document(refusal)
    }
}
