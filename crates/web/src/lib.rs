//! The HTTP side of Portail Famille: the parents' portal and the jobs `portail serve` runs.
//!
//! Handlers are thin: they parse the request into typed values, call the `app` services on the
//! blocking pool (the store and the payment adapter are synchronous; password hashing on its own
//! bounded pool) and render maud views. No business rule lives here.
//!
//! Every response carries the security headers (strict CSP without inline script or style, no
//! framing, nosniff, no-store); every POST but the provider's notification carries a CSRF token
//! checked by one middleware before any handler runs; panics become a French 500 page with an
//! incident id. The router is built by [`router`], so tests drive it with
//! `tower::ServiceExt::oneshot`.
#![forbid(unsafe_code)]

mod config;
mod documents;
mod error;
mod extract;
mod hashing;
mod jobs;
mod layout;
mod middleware;
mod pages;
mod routes;
mod session;
mod staff;
mod staff_layout;
mod state;

pub use config::WebConfig;
pub use error::WebError;
pub use hashing::{HashingPool, Paused};
pub use jobs::{NightlyReport, chain_watch, mail_worker, nightly, nightly_anchor, run_nightly};
pub use middleware::catch_panics;
pub use routes::router;
pub use session::{CSRF_FIELD, SESSION_COOKIE, VISITOR_COOKIE};
pub use staff::STAFF_COOKIE;
pub use state::{Services, Shared};

use state::blocking;

/// Largest request body accepted (forms are small; a basket of 62 lines is a few KiB).
pub const BODY_LIMIT: usize = 64 * 1024;
