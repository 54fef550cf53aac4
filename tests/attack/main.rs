//! Black-box attacks against the real `portail serve --demo` binary on a loopback port: each
//! module one attack family, each test asserting what must hold and printing
//! `attack <name>: <tries> tries, held` for the reliability report.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod access;
mod csrf;
mod injection;
mod limits;
mod overbooking;
mod payment;
mod session;
mod support;
mod throttle;
