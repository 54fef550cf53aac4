//! The French wording of the user interface (web and CLI), one module per area; mails keep
//! theirs in `mail::templates`.

mod audit;
pub mod booking;
mod money;
mod portal;
