//! « Profil » then « Modifier »: password (current one required), e-mail (confirmed by a link
//! sent to the new address), recovery question. Changes apply at once.

mod agenda;
mod data;
mod edit;
mod email;
mod password;
mod question;
mod view;

use app::accounts;

use crate::session::Parent;
use crate::{Shared, WebError, blocking};

pub use agenda::agenda;
pub use data::download_data;
pub use edit::edit;
pub use email::{change_email, confirm_email, confirm_email_form};
pub use password::change_password;
pub use question::change_question;
pub use view::profile;

async fn load(services: &Shared, parent: &Parent) -> Result<accounts::Profile, WebError> {
    let app = services.app.clone();
    let family = parent.family();
    blocking(move || accounts::profile(&app, family)).await
}
