/// Failures of the mail crate. The first four are caused by the data given to it (a caller's bug
/// or a bad address typed by someone); the others are failures of the database.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("the recipient {0:?} is not a plausible e-mail address")]
    InvalidRecipient(String),
    /// A line break (or another control character) in text that would go into a mail header:
    /// refused, because it could inject headers.
    #[error("the {field} of a mail contains a line break or a control character")]
    HeaderInjection { field: &'static str },
    #[error("a mail needs a non-empty dedup_key")]
    EmptyDedupKey,
    #[error("the mail could not be built: {0}")]
    Message(String),
    #[error("outbox row {mail_id} is malformed: {detail}")]
    Malformed { mail_id: String, detail: String },
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error(transparent)]
    Store(#[from] store::StoreError),
}

impl From<store::WriteError<MailError>> for MailError {
    fn from(error: store::WriteError<MailError>) -> Self {
        match error {
            store::WriteError::Rejected(mail) => mail,
            store::WriteError::Store(store) => MailError::Store(store),
        }
    }
}
