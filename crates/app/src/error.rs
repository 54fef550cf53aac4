//! Errors of the application layer.

use crate::accounts::AccountRefusal;
use crate::setup::file::SetupError;

/// What went wrong in an application service.
///
/// `Account`, `RuleRefused`, `Money`, `Audit`, `Booking`, `Portal`, `Listing`, `Demo`,
/// `Maintenance`, `Staff`, `Attendance`, `Days`, `Setup` and `StaleReadModels` are caused by the user and carry a French
/// message (worded in `crate::wording`); nothing was written.
/// The others are ours: the caller logs them with an incident id.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// An account request refused (log-in, recovery, profile, session).
    #[error("{0}")]
    Account(AccountRefusal),
    /// The read models were built by an older version: `portail rebuild` first.
    #[error("{0}")]
    StaleReadModels(StaleReadModels),
    /// The activity's rules refuse it (a closed day, a child outside the ages), every breach
    /// listed; staff may record it anyway as an approved exception (`--force`), which the
    /// event's metadata keeps.
    #[error("{}", rule_messages(.0))]
    RuleRefused(Vec<domain::booking::LineRefusal>),
    /// A money command refused (consumptions, absences, payments, card payments).
    #[error("{0}")]
    Money(crate::money::MoneyRefusal),
    /// An audit command refused (an anchor key or anchors file that cannot be used).
    #[error("{0}")]
    Audit(crate::audit::AuditRefusal),
    /// A booking command refused (its words: `crate::wording::booking`).
    #[error("{0}")]
    Booking(crate::booking::BookingRefusal),
    /// A page of the portal refuses a click or an address.
    #[error("{0}")]
    Portal(crate::portal::PortalRefusal),
    /// What staff typed names no family, child or activity.
    #[error("{0}")]
    Listing(crate::listing::ListingRefusal),
    /// The demo world is built only in an empty database.
    #[error("{0}")]
    Demo(DemoRefusal),
    /// A maintenance command refused (a rebuild that cannot run).
    #[error("{0}")]
    Maintenance(crate::maintenance::MaintenanceRefusal),
    /// A staff request refused (a permission missing, an unknown identifiant).
    #[error("{0}")]
    Staff(crate::staff::StaffRefusal),
    /// A desk request on a family refused (an unknown file item, a quotient that does not
    /// parse, a reset link without an address).
    #[error("{0}")]
    Desk(crate::desk::DeskRefusal),
    /// An attendance request refused (the daily sheet's marks and walk-ins).
    #[error("{0}")]
    Attendance(crate::desk::AttendanceRefusal),
    /// A staff action on a day refused (capacity, promotion, waitlist move, closing).
    #[error("{0}")]
    Days(crate::days::DayRefusal),
    /// A console request refused (an unknown transmission or mail, a mail still pending).
    #[error("{0}")]
    Console(crate::console::ConsoleRefusal),
    /// A setup file is invalid (`file:line: message`).
    #[error(transparent)]
    Setup(#[from] SetupError),
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error(transparent)]
    Append(#[from] store::AppendError),
    #[error(transparent)]
    Projection(#[from] projections::ProjectionError),
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error(transparent)]
    Mail(#[from] mail::MailError),
    #[error("{table} holds a malformed value: {detail}")]
    Corrupt { table: &'static str, detail: String },
}

impl AppError {
    pub(crate) fn corrupt(table: &'static str, detail: impl std::fmt::Display) -> Self {
        AppError::Corrupt {
            table,
            detail: detail.to_string(),
        }
    }

    /// True when the disk (or the database's page limit) is full: nothing was written and the
    /// same request succeeds once space returns, so it is told as « try again later ».
    pub fn is_storage_full(&self) -> bool {
        match self {
            AppError::Store(error)
            | AppError::Append(store::AppendError::Store(error))
            | AppError::Projection(projections::ProjectionError::Store(error))
            | AppError::Mail(mail::MailError::Store(error)) => error.is_storage_full(),
            AppError::Sqlite(error)
            | AppError::Projection(projections::ProjectionError::Sqlite(error))
            | AppError::Mail(mail::MailError::Sqlite(error)) => store::is_sqlite_full(error),
            _ => false,
        }
    }

    /// True when the user caused it (and can fix it); false when it is our failure.
    pub fn is_user_error(&self) -> bool {
        matches!(
            self,
            AppError::Account(_)
                | AppError::RuleRefused(_)
                | AppError::Money(_)
                | AppError::Audit(_)
                | AppError::Booking(_)
                | AppError::Portal(_)
                | AppError::Listing(_)
                | AppError::Demo(_)
                | AppError::Maintenance(_)
                | AppError::Staff(_)
                | AppError::Desk(_)
                | AppError::Attendance(_)
                | AppError::Days(_)
                | AppError::Console(_)
                | AppError::Setup(_)
                | AppError::StaleReadModels(_)
        )
    }
}

/// Why the demo world is not built (the wording is in `crate::wording::demo`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DemoRefusal {
    /// The database already holds events.
    DatabaseNotEmpty,
}

/// The read models older than the code, as `App::open` found them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaleReadModels(pub Vec<StaleModel>);

/// One read model older than the code: its name, the version it was built with, the code's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaleModel {
    pub name: &'static str,
    pub stored: u32,
    pub code: u32,
}

fn rule_messages(refusals: &[domain::booking::LineRefusal]) -> String {
    refusals
        .iter()
        .map(domain::booking::LineRefusal::message)
        .collect::<Vec<_>>()
        .join(" ")
}

impl From<store::WriteError<AppError>> for AppError {
    fn from(error: store::WriteError<AppError>) -> Self {
        match error {
            store::WriteError::Rejected(error) => error,
            store::WriteError::Store(error) => AppError::Store(error),
        }
    }
}
