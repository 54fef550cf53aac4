//! The audit commands: events export and export check, verify (chain, read models, anchors),
//! anchor, replay.

mod anchor;
mod export;
mod replay;
mod verify;

pub(crate) use anchor::anchor;
pub(crate) use export::{export, import_check};
pub(crate) use replay::replay;
pub(crate) use verify::{check_store, verify};
