use crate::event::ExpectedVersion;
use crate::verify::ChainBreak;

/// Failures of the store itself (SQLite, IO, a broken invariant). Never caused by a user.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("stored JSON is invalid: {0}")]
    Json(#[from] serde_json::Error),
    #[error("SQLite {found} is too old: the event store needs {required} or later")]
    SqliteTooOld { found: String, required: String },
    #[error(
        "the database was written by a newer version of Portail Famille (schema {found}, this build knows {known})"
    )]
    SchemaTooNew { found: u32, known: u32 },
    #[error("stored row at position {position} is malformed: {detail}")]
    Malformed { position: u64, detail: String },
    #[error("the transaction could not be committed: {0}")]
    Commit(String),
    #[error("the writer thread has stopped")]
    WriterGone,
    #[error("a command panicked inside the writer; its changes were rolled back")]
    CommandPanicked,
    #[error("could not start the writer thread: {0}")]
    Spawn(#[from] std::io::Error),
    #[error("{0}")]
    Io(std::io::Error),
    /// The disk, or the database's page limit, is full (`SQLITE_FULL`): the transaction was
    /// rolled back, nothing was written, and the same write succeeds once space returns.
    #[error("the disk is full: nothing was written")]
    StorageFull,
    #[error("the append-only guard {0} could not be installed")]
    GuardMissing(String),
    #[error("{0}: nothing is appended to a broken chain (restore the last good backup)")]
    ChainBroken(ChainBreak),
}

impl StoreError {
    /// True when the failure is a full disk (or page limit): temporary, nothing was written.
    pub fn is_storage_full(&self) -> bool {
        match self {
            StoreError::StorageFull => true,
            StoreError::Sqlite(error) => is_sqlite_full(error),
            _ => false,
        }
    }
}

/// True when SQLite answered `SQLITE_FULL` (disk full, or `PRAGMA max_page_count` reached).
pub fn is_sqlite_full(error: &rusqlite::Error) -> bool {
    error.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull)
}

/// Why an append was refused. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum AppendError {
    #[error("stream {stream} is at version {actual}, expected {expected}")]
    Conflict {
        stream: String,
        expected: ExpectedVersion,
        actual: u64,
    },
    #[error("event {event_id} is already stored with other content (or only part of the batch is)")]
    EventIdReused { event_id: uuid::Uuid },
    #[error("nothing to append")]
    Empty,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for AppendError {
    fn from(error: rusqlite::Error) -> Self {
        AppendError::Store(StoreError::Sqlite(error))
    }
}

/// Outcome of [`crate::EventStore::write`] when it fails: the command refused (its own error),
/// or the store could not commit.
#[derive(Debug, thiserror::Error)]
pub enum WriteError<E> {
    #[error("command refused: {0}")]
    Rejected(E),
    #[error(transparent)]
    Store(StoreError),
}
