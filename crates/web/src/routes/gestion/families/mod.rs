//! `/gestion/familles…`: the desk's search and the family's file with its forms.

mod actions;
mod letter;
mod page;
mod search;
mod sections;

use app::AppError;
use app::desk::DeskRefusal;
use app::money::MoneyRefusal;

use crate::{WebError, blocking};

pub(super) use actions::{dossier, quotient, reset_link, unlock};
pub(super) use letter::activation_letter;
pub(super) use page::file_page;
pub(super) use search::search;

/// Runs desk work off the async runtime; an unknown family or payment is the French 404 (as
/// an id of the wrong shape), every other refusal its page.
pub(super) async fn desk_blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, WebError> {
    blocking(move || Ok(work()))
        .await?
        .map_err(|error| match error {
            AppError::Desk(DeskRefusal::UnknownFamily)
            | AppError::Money(MoneyRefusal::DeskPaymentNotFound | MoneyRefusal::UnknownFamily) => {
                WebError::NotFound
            }
            other => WebError::from(other),
        })
}
