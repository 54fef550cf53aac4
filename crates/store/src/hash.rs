//! The hash chain. Documented in `docs/ARCHITECTURE.md` so an auditor can recompute it offline.

use sha2::{Digest, Sha256};

/// The hash "before" position 1.
pub const GENESIS_HASH: [u8; 32] = [0; 32];

/// The fields of one row that the chain covers.
#[derive(Clone, Copy, Debug)]
pub struct HashInput<'a> {
    pub position: u64,
    pub event_id: &'a str,
    pub stream_id: &'a str,
    pub stream_version: u64,
    pub event_type: &'a str,
    pub schema_version: u32,
    /// Canonical JSON text.
    pub payload: &'a str,
    /// Canonical JSON text.
    pub metadata: &'a str,
    pub recorded_at: &'a str,
}

/// `sha256(previous ‖ canonical bytes of the row)`. The canonical bytes are the fields in the
/// order of [`HashInput`]: integers as 8 bytes big-endian, texts as their UTF-8 length (8 bytes
/// big-endian) followed by their bytes.
pub fn chain_hash(previous: &[u8; 32], row: &HashInput<'_>) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(previous);
    hasher.update(row.position.to_be_bytes());
    text(&mut hasher, row.event_id);
    text(&mut hasher, row.stream_id);
    hasher.update(row.stream_version.to_be_bytes());
    text(&mut hasher, row.event_type);
    hasher.update(u64::from(row.schema_version).to_be_bytes());
    text(&mut hasher, row.payload);
    text(&mut hasher, row.metadata);
    text(&mut hasher, row.recorded_at);
    hasher.finalize().into()
}

fn text(hasher: &mut Sha256, value: &str) {
    hasher.update((value.len() as u64).to_be_bytes());
    hasher.update(value.as_bytes());
}
