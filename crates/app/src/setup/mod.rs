//! The staff setup file: parse, validate, import.

pub mod file;
pub mod import;
pub mod model;
mod periods;
mod staff;
mod toml_reader;
mod values;
