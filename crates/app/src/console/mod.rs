//! The transmission console and the mail outbox of the back office (`/gestion/transmission`,
//! `/gestion/courriels`): the past transmissions with the mails they produced, the outbox paged
//! with « Renvoyer ». The dry run and « Transmettre maintenant » are `crate::booking`'s
//! `dry_run_transmission` and `transmit_by`, the CLI's.

mod history;
mod outbox;
mod refusal;
#[cfg(test)]
mod tests;

pub use crate::wording::console::{mail_kind_text, mail_status_text, ran_by_text};
pub use history::{PastTransmission, RanBy, TransmissionDetail, past_transmissions, transmission};
pub use outbox::{OUTBOX_PAGE, OutboxPage, outbox_page, resend_mail};
pub use refusal::ConsoleRefusal;
