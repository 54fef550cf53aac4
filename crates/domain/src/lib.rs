//! The pure domain of Portail Famille.
//!
//! Architecture invariant: nothing in this crate does IO, reads a clock or knows SQL or HTTP.
//! Time is always passed in. What is persisted is the event catalog in [`event`]; its JSON shape
//! is the contract described by `events-schema/` at the root of the repository.
#![forbid(unsafe_code)]

pub mod actor;
pub mod attendance;
pub mod attestation;
pub mod booking;
pub mod calendar;
pub mod deadline;
pub mod email;
pub mod event;
pub mod ids;
pub mod money;
pub mod pricing;
pub mod staff;
pub mod values;
pub mod wording;

pub use actor::Actor;
pub use email::{Email, EmailError};
pub use event::{CATALOG, DecodeError, EncodedEvent, Event, EventTypeInfo};
pub use money::{Money, MoneyError, Standing};
