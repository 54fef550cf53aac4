//! Why a console request is refused (its words: `crate::wording::console`).

/// A console request refused; nothing was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConsoleRefusal {
    /// No completed transmission has this id.
    UnknownTransmission,
    /// No mail of the outbox has this id.
    UnknownMail,
    /// « Transmettre maintenant » sent without its confirmation box ticked.
    NotConfirmed,
    /// A chart's period ends before it begins.
    PeriodBackwards,
    /// A chart's period is longer than `crate::charts::MAX_MONTHS`.
    PeriodTooLong,
    /// The mail is not sent yet and the worker still tries it: nothing to send again.
    MailStillPending,
}
