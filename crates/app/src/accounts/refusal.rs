//! Why an account request was refused: typed until it is shown (wording in
//! `crate::wording::accounts`).

/// A refusal of the accounts area (log-in, activation, recovery, profile, session).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountRefusal {
    /// Unknown identifiant, wrong password or no password yet: one answer for the three.
    LoginRejected,
    /// Too many failures: wait this many seconds.
    Throttled {
        seconds: i64,
    },
    WrongActivationCode,
    PasswordTooShort,
    PasswordTooLong,
    PasswordTooObvious,
    PasswordsDiffer,
    WrongCurrentPassword,
    UnknownAccount,
    InvalidEmail,
    /// A reset or confirmation link spent, expired, replaced or unknown.
    DeadLink,
    SessionEnded,
    QuestionLength,
    AnswerLength,
    AnswerInQuestion,
}

impl From<AccountRefusal> for crate::AppError {
    fn from(refusal: AccountRefusal) -> Self {
        crate::AppError::Account(refusal)
    }
}
