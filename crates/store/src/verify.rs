//! Recomputing the hash chain, one event at a time (usable on a database or on an export).

use crate::event::StoredEvent;
use crate::hash::{GENESIS_HASH, HashInput, chain_hash};
use crate::read::Head;

/// Where and why the chain is broken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainBreak {
    pub position: u64,
    pub reason: String,
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

    /// Checks the next event: its position follows the previous one and its hash is the chain's.
    pub fn check(&mut self, event: &StoredEvent) -> Result<(), ChainBreak> {
        if event.position != self.next_position {
            return Err(ChainBreak {
                position: self.next_position,
                reason: format!(
                    "position {} is missing (the log jumps to {})",
                    self.next_position, event.position
                ),
            });
        }
        let event_id = event.event_id.to_string();
        let expected = chain_hash(
            &self.previous,
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
        );
        if expected != event.hash {
            return Err(ChainBreak {
                position: event.position,
                reason: "the row does not match its hash (changed after it was written)".to_owned(),
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
                reason: format!(
                    "the head records position {} but the log ends at position {last}",
                    head.position
                ),
            });
        }
        if head.hash != self.previous {
            return ChainReport::Broken(ChainBreak {
                position: last,
                reason: "the last event's hash differs from the recorded head".to_owned(),
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
