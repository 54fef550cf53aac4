//! Password hashing (argon2id, ~70 ms of CPU each) on threads of its own, in arrival order.
//!
//! - [`pool`]: one thread per core; the first always hashes, the N-th only while the pages in
//!   flight leave it a core ([`load`] counts them), so hashing takes every core the pages do
//!   not need and a page never waits behind a hash. Jobs wait in one FIFO: the first to press
//!   « Se connecter » is the first verified. The measured hashing time gives each place in line
//!   an honest wait.
//! - [`line`]: the log-ins that could not be verified at once, held in memory under a random
//!   ticket bound to the browser, until the browser comes back for the outcome.

mod line;
mod load;
mod pool;

pub(crate) use line::{LINE_REFRESH_MAX, LineEntry, TicketState};
pub(crate) use load::count_pages;
pub use pool::{HashingPool, Paused};
