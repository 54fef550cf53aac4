//! The transmission console (`/gestion/transmission`, `…/{transmission}`) and the mail outbox
//! (`/gestion/courriels`, `…/{mail}/renvoi`): the pages of `app::console`, the dry run and
//! « Transmettre maintenant » of `app::booking`.

mod counts;
mod detail;
mod outbox;
mod transmission;

pub(super) use detail::detail;
pub(super) use outbox::{outbox, resend};
pub(super) use transmission::{console, transmit};

use app::AppError;
use app::console::ConsoleRefusal;
use domain::ids::TransmissionId;

use crate::extract::FromPath;
use crate::{WebError, blocking};

impl FromPath for TransmissionId {
    type Raw = String;
    fn from_path(raw: String) -> Option<TransmissionId> {
        raw.parse().ok()
    }
}

/// The id of a mail of the outbox, in a path.
pub(crate) struct MailId(uuid::Uuid);

impl FromPath for MailId {
    type Raw = String;
    fn from_path(raw: String) -> Option<MailId> {
        raw.parse().ok().map(MailId)
    }
}

/// `work` on the blocking pool; an unknown transmission or mail is the French 404.
async fn console_blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, WebError> {
    blocking(move || Ok(work()))
        .await?
        .map_err(|error| match error {
            AppError::Console(
                ConsoleRefusal::UnknownTransmission | ConsoleRefusal::UnknownMail,
            ) => WebError::NotFound,
            other => WebError::from(other),
        })
}
