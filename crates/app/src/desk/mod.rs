//! The desk (`/gestion`): what staff do for a family, each use case taking the member who acts
//! (`crate::staff::Acting`) and asking its rights inside the command.

pub mod phone;
