//! The table of read models: their names, versions, SQL files and projectors, and what can be
//! read off it (the tables each owns, the models older than the code).

use domain::Event;
use rusqlite::{Connection, OptionalExtension, params};

use crate::ProjectionError;

/// A read model.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Projection {
    pub name: &'static str,
    /// Raise it when the projector or the tables change: the model must then be rebuilt.
    pub version: u32,
    pub schema: &'static str,
    pub(crate) apply: fn(&Connection, u64, &Event) -> Result<(), ProjectionError>,
}

/// Every read model, in the order they are applied.
pub(crate) const PROJECTIONS: &[Projection] = &[
    Projection {
        name: "setup",
        version: 2,
        schema: include_str!("../../../projections/setup.sql"),
        apply: crate::setup::apply,
    },
    Projection {
        name: "families",
        version: 1,
        schema: include_str!("../../../projections/families.sql"),
        apply: crate::families::apply,
    },
    Projection {
        name: "booking",
        version: 1,
        schema: include_str!("../../../projections/booking.sql"),
        apply: crate::booking::apply,
    },
    Projection {
        name: "money",
        version: 2,
        schema: include_str!("../../../projections/money.sql"),
        apply: crate::money::apply,
    },
    Projection {
        name: "attendance",
        version: 1,
        schema: include_str!("../../../projections/attendance.sql"),
        apply: crate::attendance::apply,
    },
];

/// The read-model tables, in the order their SQL files create them.
pub fn tables() -> Vec<&'static str> {
    let mut tables = Vec::new();
    for projection in PROJECTIONS {
        for line in projection.schema.lines() {
            if let Some(rest) = line.trim().strip_prefix("CREATE TABLE IF NOT EXISTS ")
                && let Some(name) = rest.split_whitespace().next()
            {
                tables.push(name);
            }
        }
    }
    tables
}

/// The tables a projection owns, from its SQL file.
pub(crate) fn tables_of(projection: &Projection) -> Vec<&'static str> {
    projection
        .schema
        .lines()
        .filter_map(|line| line.trim().strip_prefix("CREATE TABLE IF NOT EXISTS "))
        .filter_map(|rest| rest.split_whitespace().next())
        .collect()
}

/// Read models whose stored version is older than the code's: `(name, stored, code)`.
pub fn stale(conn: &Connection) -> Result<Vec<(&'static str, u32, u32)>, ProjectionError> {
    let mut out = Vec::new();
    for projection in PROJECTIONS {
        let stored: Option<u32> = conn
            .prepare_cached("SELECT version FROM projection_checkpoints WHERE name = ?1")?
            .query_row(params![projection.name], |row| row.get(0))
            .optional()?;
        if let Some(stored) = stored
            && stored < projection.version
        {
            out.push((projection.name, stored, projection.version));
        }
    }
    Ok(out)
}
