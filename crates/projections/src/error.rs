//! Why a projection failed.

use store::StoreError;

/// Why a projection failed. Always a bug or a broken database, never a user's doing.
#[derive(Debug, thiserror::Error)]
pub enum ProjectionError {
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("event at position {position} cannot be read: {source}")]
    Decode {
        position: u64,
        source: domain::DecodeError,
    },
    #[error("read model {table} holds a malformed value: {detail}")]
    Malformed { table: &'static str, detail: String },
}

impl ProjectionError {
    pub(crate) fn malformed(table: &'static str, detail: impl std::fmt::Display) -> Self {
        ProjectionError::Malformed {
            table,
            detail: detail.to_string(),
        }
    }
}
