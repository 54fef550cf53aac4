//! Histories (consumptions, payments), « Solde et Paiement », the card payment and the
//! provider's callbacks. Amounts come from the server only; the browser never sets a price.

mod history;
mod notification;
mod payment;
mod payment_return;
mod wallet;

pub use history::{consumption_history, payment_history};
pub use notification::payment_notification;
pub use payment::{payment_form, start_payment};
pub use payment_return::payment_return;
pub use wallet::wallet;

/// « Nom Famille » of the wallet and payment pages.
fn family_name(parent: &crate::session::Parent) -> String {
    parent
        .chrome
        .parent
        .as_ref()
        .map(|p| p.name.clone())
        .unwrap_or_default()
}
