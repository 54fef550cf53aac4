//! The desk's families: search, the family's file, and what staff change in it.

mod access;
mod dossier;
mod file;
mod quotient;
mod refusal;
mod search;

pub use access::{ActivationLetter, issue_activation_code, send_family_reset_link, unlock_login};
pub use dossier::update_dossier;
pub use file::{DossierItem, FamilyFile, FileChild, QuotientPeriod, family_file};
pub use quotient::{parse_effective_day, parse_quotient, set_quotient};
pub use refusal::DeskRefusal;
pub use search::{FamilyHit, FamilySearch, SEARCH_LIMIT, search_families};

#[cfg(test)]
mod tests;
