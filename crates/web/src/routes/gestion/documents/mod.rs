//! `/gestion/familles/{family}/documents…`: the family's documents issued by staff with
//! IssueAttestations in the family's structures; every look is a line of the access log.

mod files;
mod list;

pub(super) use files::{childcare, receipt, statement};
pub(super) use list::documents;
