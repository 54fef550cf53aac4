//! Faults against the real `portail` binary on loopback ports: crashes (SIGKILL of `serve`),
//! a full disk, dependencies down (SMTP, PayFiP), a tampered database, and property-based
//! fuzzing of every decoder a stranger can feed. The figures go to docs/reliability.md.
#![forbid(unsafe_code)]
// Test code: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used)]

mod crash;
mod deps;
mod disk;
mod fuzz;
mod support;
mod tamper;
