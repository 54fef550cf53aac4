//! Why a money command is refused. The French wording is in `crate::wording::money`.

use chrono::NaiveDate;
use domain::Money;

/// A money command refused for a reason the user can act on; nothing was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MoneyRefusal {
    UnknownActivity,
    UnknownFamily,
    /// No price applies to the day (`domain::pricing`).
    Pricing(domain::pricing::PricingError),
    /// Consumptions of `day` are billed once it is over.
    DayNotOver {
        day: NaiveDate,
    },
    ChildNotInFamily,
    /// A justified absence came after the day was billed.
    AlreadyBilled {
        day: NaiveDate,
        first_name: String,
    },
    ConsumptionAlreadyRecorded,
    UnknownPaymentMode {
        typed: String,
    },
    AmountNotPositive,
    InvalidText {
        typed: String,
    },
    WalletNotOfFamily,
    DeskPaymentNotFound,
    PaymentAlreadyCancelled,
    /// A payment's day that is no day.
    InvalidPaymentDay {
        typed: String,
    },
    /// A cancellation says why (`--reason`, the form's « Motif »).
    CancellationReasonRequired,
    /// A typed amount that does not parse (`Money::parse`).
    InvalidAmount(domain::MoneyError),
    UnknownWallet {
        typed: String,
    },
    InvalidMonth {
        typed: String,
    },
    /// No card payment provider is configured.
    CardPaymentUnavailable,
    /// The card payment's wallet is not one of the family's.
    NotYourWallet,
    /// A card payment needs an address and the profile has none.
    EmailRequired,
    /// A card payment outside the provider's bounds.
    AmountOutOfBounds {
        amount: Money,
        minimum: Money,
        maximum: Money,
    },
    /// The provider did not create the operation (its own words).
    PaymentNotStarted {
        detail: String,
    },
    /// The provider did not answer about an operation (its own words).
    ProviderUnavailable {
        detail: String,
    },
}

impl From<MoneyRefusal> for crate::AppError {
    fn from(refusal: MoneyRefusal) -> Self {
        crate::AppError::Money(refusal)
    }
}
