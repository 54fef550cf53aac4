//! The workspace's integration suite: one binary, so everything links once.
#![forbid(unsafe_code)]
// Test code: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used)]

mod attendance;
mod booking;
mod catalog;
mod given;
mod money;
mod online_payment;
mod phone;
mod rebuild;
mod rules;
mod setup_import;
mod sql;
mod store;
mod support;
