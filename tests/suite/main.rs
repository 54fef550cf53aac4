//! The workspace's integration suite: one binary, so everything links once.
#![forbid(unsafe_code)]

mod catalog;
mod sql;
mod store;
mod support;
