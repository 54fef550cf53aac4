//! Recomputing the hash chain, one event at a time (usable on a database or on an export).

use rusqlite::Connection;

use crate::error::StoreError;
use crate::event::StoredEvent;
use crate::hash::{GENESIS_HASH, HashInput, chain_hash};
use crate::read::{self, Head};

/// Where and why the chain is broken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainBreak {
    pub position: u64,
    pub reason: BreakReason,
}

/// Why the chain is broken at a position. Typed: each surface words it in its own language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BreakReason {
    /// The position is missing: the log jumps from the one before to `found`.
    Missing { found: u64 },
    /// The row does not match its hash: it was changed after it was written.
    RowChanged,
    /// The kept head records `head` but the log ends at `last` (a tail removed or added).
    HeadPosition { head: u64, last: u64 },
    /// The last event's hash differs from the kept head.
    HeadHash,
}

impl BreakReason {
    /// A stable code, for JSON reports.
    pub fn code(self) -> &'static str {
        match self {
            BreakReason::Missing { .. } => "missing_position",
            BreakReason::RowChanged => "row_changed",
            BreakReason::HeadPosition { .. } => "head_position",
            BreakReason::HeadHash => "head_hash",
        }
    }
}

impl std::fmt::Display for BreakReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BreakReason::Missing { found } => {
                write!(f, "the position is missing (the log jumps to {found})")
            }
            BreakReason::RowChanged => {
                write!(
                    f,
                    "the row does not match its hash (changed after it was written)"
                )
            }
            BreakReason::HeadPosition { head, last } => write!(
                f,
                "the head records position {head} but the log ends at position {last}"
            ),
            BreakReason::HeadHash => {
                write!(f, "the last event's hash differs from the recorded head")
            }
        }
    }
}

impl std::fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "chain broken at position {}: {}",
            self.position, self.reason
        )
    }
}

/// Result of a chain verification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChainReport {
    Intact { events: u64, head: [u8; 32] },
    Broken(ChainBreak),
}

/// Checks events in position order against the chain.
#[derive(Clone, Debug)]
pub struct ChainVerifier {
    next_position: u64,
    previous: [u8; 32],
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self::new()
    }
}

impl ChainVerifier {
    pub fn new() -> Self {
        ChainVerifier {
            next_position: 1,
            previous: GENESIS_HASH,
        }
    }

    /// A verifier that trusts `previous` as the hash of `position` and checks from the next one
    /// (the tail check; position 0 with [`GENESIS_HASH`] is [`ChainVerifier::new`]).
    pub fn after(position: u64, previous: [u8; 32]) -> Self {
        ChainVerifier {
            next_position: position + 1,
            previous,
        }
    }

    /// Checks the next event: its position follows the previous one and its hash is the chain's.
    pub fn check(&mut self, event: &StoredEvent) -> Result<(), ChainBreak> {
        if event.position != self.next_position {
            return Err(ChainBreak {
                position: self.next_position,
                reason: BreakReason::Missing {
                    found: event.position,
                },
            });
        }
        let expected = event_hash(&self.previous, event);
        if expected != event.hash {
            return Err(ChainBreak {
                position: event.position,
                reason: BreakReason::RowChanged,
            });
        }
        self.previous = expected;
        self.next_position += 1;
        Ok(())
    }

    /// Compares the end of the chain with the stored head.
    pub fn finish(&self, head: &Head) -> ChainReport {
        let last = self.next_position - 1;
        if head.position != last {
            return ChainReport::Broken(ChainBreak {
                position: head.position.max(last + 1),
                reason: BreakReason::HeadPosition {
                    head: head.position,
                    last,
                },
            });
        }
        if head.hash != self.previous {
            return ChainReport::Broken(ChainBreak {
                position: last,
                reason: BreakReason::HeadHash,
            });
        }
        ChainReport::Intact {
            events: last,
            head: self.previous,
        }
    }

    /// The hash after the last checked event.
    pub fn last_hash(&self) -> [u8; 32] {
        self.previous
    }

    /// Number of events checked.
    pub fn checked(&self) -> u64 {
        self.next_position - 1
    }
}

/// The chain hash of `event` after `previous`, recomputed from its fields (its stored hash aside).
pub(crate) fn event_hash(previous: &[u8; 32], event: &StoredEvent) -> [u8; 32] {
    let event_id = event.event_id.to_string();
    chain_hash(
        previous,
        &HashInput {
            position: event.position,
            event_id: &event_id,
            stream_id: &event.stream_id,
            stream_version: event.stream_version,
            event_type: &event.event_type,
            schema_version: event.schema_version,
            payload: &event.payload,
            metadata: &event.metadata,
            recorded_at: &event.recorded_at,
        },
    )
}

/// The cheap check: the kept head against the end of the log, and the last `last` events
/// recomputed from the stored hash of the event before them. Runs in one read transaction on
/// `conn`, so it sees one state of the log. An edit further back is found by the full
/// verification ([`crate::EventStore::verify_chain`]), which `audit verify` and anchoring run.
pub(crate) fn verify_tail(conn: &Connection, last: u64) -> Result<ChainReport, StoreError> {
    let tx = conn.unchecked_transaction()?;
    let head = read::head(&tx)?;
    let end: i64 = tx
        .prepare_cached("SELECT COALESCE(MAX(position), 0) FROM events")?
        .query_row([], |row| row.get(0))?;
    let end = end as u64;
    if end != head.position {
        return Ok(ChainReport::Broken(ChainBreak {
            position: if end > head.position {
                head.position + 1
            } else {
                head.position
            },
            reason: BreakReason::HeadPosition {
                head: head.position,
                last: end,
            },
        }));
    }
    let from = head.position.saturating_sub(last.max(1)) + 1;
    let mut verifier = if from <= 1 {
        ChainVerifier::new()
    } else {
        let before: Option<Vec<u8>> = tx
            .prepare_cached("SELECT hash FROM events WHERE position = ?1")?
            .query_row([from as i64 - 1], |row| row.get(0))
            .map(Some)
            .or_else(|error| match error {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                other => Err(other),
            })?;
        match before.and_then(|hash| <[u8; 32]>::try_from(hash.as_slice()).ok()) {
            Some(hash) => ChainVerifier::after(from - 1, hash),
            None => {
                return Ok(ChainReport::Broken(ChainBreak {
                    position: from - 1,
                    reason: BreakReason::Missing { found: from },
                }));
            }
        }
    };
    let mut next = from;
    while next <= head.position {
        let page = read::range(&tx, next, head.position, 512)?;
        let Some(last_read) = page.last().map(|e| e.position) else {
            break;
        };
        for event in &page {
            if let Err(broken) = verifier.check(event) {
                return Ok(ChainReport::Broken(broken));
            }
        }
        next = last_read + 1;
    }
    let report = verifier.finish(&head);
    tx.finish()?;
    Ok(report)
}
