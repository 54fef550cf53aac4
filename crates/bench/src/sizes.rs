//! The sizes of a run: the (default), `--quick`, and the smoke test's.

use std::path::Path;
use std::time::Duration;

use crate::fixture::{self, Spec, World};
use crate::pages::Load;
use crate::rush::RushSpec;
use crate::server::Mode;

#[derive(Clone, Copy, Debug)]
pub struct Sizes {
    pub append_events: u64,
    pub submitters: u64,
    pub transmit_requests: u64,
    pub families: u64,
    /// Requests of the shared world (330,000 make a log of ~1,000,000 events once decided).
    pub world_requests: u64,
    pub rush_families: u64,
    pub rush_seconds: f64,
    /// Places per day of the rush activity (its waitlist a fifth of it): below the ~570
    /// requests per day of 1,000 families clicking 12 of 22 days, above the point where most
    /// families would find every day full and click nothing.
    pub rush_capacity: u64,
    pub connections: u32,
    pub wrk_seconds: u32,
    pub settle_seconds: u64,
    pub one_core: bool,
    pub smoke: bool,
}

/// The seed of the rush's arrivals and clicks.
pub const SEED: u64 = 17;

impl Sizes {
    pub fn full() -> Sizes {
        Sizes {
            append_events: 1_000_000,
            submitters: 64,
            transmit_requests: 100_000,
            families: 5_000,
            world_requests: 330_000,
            rush_families: 1_000,
            rush_seconds: 60.0,
            rush_capacity: 400,
            connections: 32,
            wrk_seconds: 8,
            settle_seconds: 10,
            one_core: false,
            smoke: false,
        }
    }

    pub fn quick() -> Sizes {
        Sizes {
            append_events: 100_000,
            transmit_requests: 20_000,
            families: 1_000,
            world_requests: 50_000,
            rush_families: 200,
            rush_seconds: 20.0,
            rush_capacity: 80,
            wrk_seconds: 4,
            settle_seconds: 3,
            ..Sizes::full()
        }
    }

    #[cfg(test)]
    pub fn smoke() -> Sizes {
        Sizes {
            append_events: 1_000,
            submitters: 8,
            transmit_requests: 1_000,
            families: 24,
            world_requests: 1_000,
            rush_families: 6,
            rush_seconds: 1.0,
            rush_capacity: 3,
            connections: 4,
            wrk_seconds: 1,
            settle_seconds: 0,
            one_core: false,
            smoke: true,
        }
    }

    /// The shared world: kept in `keep` (reused when it is there already, the rush adding its
    /// bookings to it), else in a scratch directory deleted when the guard is dropped.
    pub fn world(&self, keep: Option<&Path>) -> anyhow::Result<(Option<tempfile::TempDir>, World)> {
        let spec = Spec {
            families: self.families,
            requests: self.world_requests,
            rush_capacity: self.rush_capacity,
            transmit: true,
        };
        match keep {
            Some(dir) => Ok((None, fixture::kept(dir, spec)?)),
            None => {
                let dir = tempfile::tempdir_in(crate::scratch_dir())?;
                let world = fixture::build(dir.path(), spec)?;
                Ok((Some(dir), world))
            }
        }
    }

    /// How `pages` and `memory` serve: the release binary on every core.
    pub fn mode(&self) -> Mode {
        if self.smoke {
            Mode::InProcess
        } else {
            Mode::Binary { one_core: false }
        }
    }

    /// How the rush serves: pinned to core 0 with `--one-core`.
    pub fn rush_mode(&self) -> Mode {
        match self.mode() {
            Mode::Binary { .. } => Mode::Binary {
                one_core: self.one_core,
            },
            Mode::InProcess => Mode::InProcess,
        }
    }

    pub fn load(&self) -> Load {
        Load {
            connections: self.connections,
            seconds: self.wrk_seconds,
            smoke: self.smoke,
        }
    }

    pub fn settle(&self) -> Duration {
        Duration::from_secs(self.settle_seconds)
    }

    pub fn rush(&self) -> RushSpec {
        RushSpec {
            families: self.rush_families,
            arrival_seconds: self.rush_seconds,
            settle_seconds: self.settle_seconds,
            seed: SEED,
        }
    }
}
