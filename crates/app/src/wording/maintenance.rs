//! The wording of maintenance refusals.

use std::fmt;

use crate::maintenance::MaintenanceRefusal;

impl fmt::Display for MaintenanceRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MaintenanceRefusal::RebuildStopped { reason } => f.write_str(reason),
        }
    }
}
