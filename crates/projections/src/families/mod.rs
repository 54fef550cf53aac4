//! The families read model (`projections/families.sql`): families, their structures, children,
//! quotients and dossier state (no personal data: see the registry).

mod project;
mod query;

pub(crate) use project::apply;
pub use query::{FamilyRow, QuotientRow, families, family, quotients};
