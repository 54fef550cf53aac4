//! Phone bookings: staff book and cancel for a family with the parent's basket, rules and
//! récapitulatif, recorded under the member's actor. The basket is kept in the staff session,
//! for one family at a time (another family empties it); a director may set the deadlines aside
//! with a reason (`crate::booking::submit_staff_basket`).

mod basket;
mod clicks;
mod family;

pub use basket::{PhoneBasket, abandon_phone_basket, phone_basket};
pub use clicks::{add_phone_cancellation, phone_click, validate_phone_basket};
pub use family::{PhoneFamily, phone_family};

#[cfg(test)]
mod tests;
