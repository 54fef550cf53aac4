//! Log in and out, the welcome page, the structure choice, first activation and password
//! recovery (« Le retrouver »). The existing password is never shown or sent: recovery ends with
//! the parent choosing a new one, and no recovery page depends on whether the identifiant exists.

mod activation;
mod devices;
mod line;
mod login;
mod recovery;
mod reset;
mod structure;
mod welcome;

use maud::{Markup, html};

pub use activation::{activate, activation_form};
pub(crate) use devices::devices_section;
pub use devices::forget_devices;
pub use line::in_line;
pub use login::{login, login_form, logout};
pub use recovery::{answer_question, recovery, recovery_form, send_reset_link};
pub use reset::{reset, reset_form};
pub use structure::{choose_structure, structures};
pub use welcome::{home, welcome};

/// The two fields of a new password, with the policy in words.
pub fn new_password_fields() -> Markup {
    html! {
        div class="field" {
            label for="nouveau" { "Nouveau mot de passe" }
            input id="nouveau" name="nouveau" type="password" autocomplete="new-password" required
                minlength=(app::credentials::MIN_PASSWORD_CHARS) maxlength=(app::credentials::MAX_PASSWORD_CHARS) aria-describedby="nouveau-aide";
            p class="hint" id="nouveau-aide" {
                "Au moins " (app::credentials::MIN_PASSWORD_CHARS) " caractères ; une phrase facile à retenir convient très bien (par exemple : « le chat dort sur la table bleue »)."
            }
        }
        div class="field" {
            label for="confirmation" { "Nouveau mot de passe (confirmation)" }
            input id="confirmation" name="confirmation" type="password" autocomplete="new-password" required maxlength=(app::credentials::MAX_PASSWORD_CHARS);
        }
    }
}
