//! The French wording of the user interface (web pages and CLI), one file per area: typed
//! refusals are turned into sentences here and nowhere else. Mails keep theirs in
//! `mail::templates`.

mod accounts;
pub(crate) mod attendance;
mod audit;
pub(crate) mod boards;
pub mod booking;
pub(crate) mod console;
pub(crate) mod days;
mod demo;
pub(crate) mod desk;
mod documents;
pub(crate) mod exports;
mod listing;
mod maintenance;
mod money;
mod opening;
mod portal;
pub(crate) mod staff;
