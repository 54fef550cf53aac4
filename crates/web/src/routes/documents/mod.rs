//! The parent's own documents (`/documents…`), linked from « Solde et Paiement »: the family is
//! the session's, never the request's; another family's payment answers 404.

mod files;
mod list;

pub(super) use files::{childcare, receipt, statement};
pub(super) use list::documents;
