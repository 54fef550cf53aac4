//! Files handed to people, rendered from typed figures: [`csv`] for spreadsheets, [`pdf`] for
//! attestations, receipts and statements, [`ical`] for the families' calendar feed. The figures
//! come from `app`; this crate only lays them out, so the web page, the CLI and the tests produce
//! byte-for-byte the same file.
#![forbid(unsafe_code)]

pub mod csv;
pub mod ical;
pub mod pdf;
