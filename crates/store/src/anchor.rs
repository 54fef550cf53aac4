//! Anchors: the head of the log (position, hash, instant) signed with an Ed25519 key kept outside
//! the database, one JSON line per anchor in an anchors file kept (and mailed) elsewhere.
//!
//! The hash chain alone proves nothing against someone who can write the file: they can change
//! an event and recompute every hash after it, head included. They cannot sign the rewritten head
//! without the key, so an anchor made before the rewrite no longer matches the hash the log
//! recomputes at its position: [`check`] tells which anchor the log no longer holds.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::EventStore;
use crate::error::StoreError;
use crate::hash::GENESIS_HASH;
use crate::read::Head;
use crate::verify::event_hash;

/// What is signed: a fixed label, then the position, the hash (hex) and the instant, one a line.
const SIGNED_LABEL: &str = "portail-famille/ancre/v1";

/// Why an anchor operation failed. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum AnchorError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0} already exists")]
    KeyExists(PathBuf),
    #[error("{0} is not a key file (64 hexadecimal characters)")]
    KeyMalformed(PathBuf),
    #[error("{path} is readable by other users (mode {mode:o}); it must be 0600")]
    KeyTooOpen { path: PathBuf, mode: u32 },
    #[error("not a public key (64 hexadecimal characters, or a file holding them)")]
    PublicKeyMalformed,
    #[error("line {line}: {detail}")]
    Line { line: usize, detail: String },
    #[error("no random source: {0}")]
    Random(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> AnchorError + '_ {
    move |source| AnchorError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The private key. Kept in its own file (mode 0600), never in the database.
pub struct AnchorKey {
    signing: SigningKey,
}

impl AnchorKey {
    /// Creates a new key in `path` (which must not exist), readable by its owner only.
    pub fn create(path: &Path) -> Result<AnchorKey, AnchorError> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|error| AnchorError::Random(error.to_string()))?;
        let key = AnchorKey {
            signing: SigningKey::from_bytes(&seed),
        };
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(path).map_err(|error| {
            if error.kind() == std::io::ErrorKind::AlreadyExists {
                AnchorError::KeyExists(path.to_path_buf())
            } else {
                AnchorError::Io {
                    path: path.to_path_buf(),
                    source: error,
                }
            }
        })?;
        writeln!(file, "{}", hex::encode(seed)).map_err(io(path))?;
        file.sync_all().map_err(io(path))?;
        Ok(key)
    }

    /// Reads the key in `path`; refuses a file other users can read.
    pub fn load(path: &Path) -> Result<AnchorKey, AnchorError> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path)
                .map_err(io(path))?
                .permissions()
                .mode()
                & 0o777;
            if mode & 0o077 != 0 {
                return Err(AnchorError::KeyTooOpen {
                    path: path.to_path_buf(),
                    mode,
                });
            }
        }
        let text = std::fs::read_to_string(path).map_err(io(path))?;
        let seed = hex::decode(text.trim())
            .ok()
            .and_then(|bytes| <[u8; 32]>::try_from(bytes.as_slice()).ok())
            .ok_or_else(|| AnchorError::KeyMalformed(path.to_path_buf()))?;
        Ok(AnchorKey {
            signing: SigningKey::from_bytes(&seed),
        })
    }

    /// The public key, for the auditor.
    pub fn public(&self) -> PublicKey {
        PublicKey(self.signing.verifying_key())
    }

    /// Signs `head` as of `instant`.
    pub fn sign(&self, head: &Head, instant: DateTime<Utc>) -> Anchor {
        let hash = hex::encode(head.hash);
        let instant = instant.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let signature = self
            .signing
            .sign(&signed_bytes(head.position, &hash, &instant));
        Anchor {
            position: head.position,
            hash,
            instant,
            signature: hex::encode(signature.to_bytes()),
            key_id: self.public().key_id(),
        }
    }
}

/// The public half, which verifies anchors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl PublicKey {
    /// Reads 64 hexadecimal characters, or a file holding them (as `--new-key` writes `FILE.pub`).
    pub fn parse_or_read(text: &str) -> Result<PublicKey, AnchorError> {
        let from_hex = |hex_text: &str| {
            hex::decode(hex_text.trim())
                .ok()
                .and_then(|bytes| <[u8; 32]>::try_from(bytes.as_slice()).ok())
                .and_then(|bytes| VerifyingKey::from_bytes(&bytes).ok())
                .map(PublicKey)
        };
        if let Some(key) = from_hex(text) {
            return Ok(key);
        }
        let path = Path::new(text);
        let content = std::fs::read_to_string(path).map_err(|_| AnchorError::PublicKeyMalformed)?;
        let first = content.split_whitespace().next().unwrap_or("");
        from_hex(first).ok_or(AnchorError::PublicKeyMalformed)
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0.to_bytes())
    }

    /// The first 16 hexadecimal characters of the key's sha256: names the key in each anchor.
    pub fn key_id(&self) -> String {
        let digest = Sha256::digest(self.0.to_bytes());
        hex::encode(&digest[..8])
    }
}

/// One anchor: one JSON line of the anchors file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anchor {
    pub position: u64,
    /// The chain hash at `position`, hex.
    pub hash: String,
    /// When it was signed, RFC 3339 UTC.
    pub instant: String,
    /// Ed25519 over the label, position, hash and instant; hex.
    pub signature: String,
    pub key_id: String,
}

impl Anchor {
    /// Whether `public` signed exactly this position, hash and instant.
    pub fn signed_by(&self, public: &PublicKey) -> bool {
        let Some(signature) = hex::decode(&self.signature)
            .ok()
            .and_then(|bytes| <[u8; 64]>::try_from(bytes.as_slice()).ok())
        else {
            return false;
        };
        public
            .0
            .verify(
                &signed_bytes(self.position, &self.hash, &self.instant),
                &Signature::from_bytes(&signature),
            )
            .is_ok()
    }
}

fn signed_bytes(position: u64, hash: &str, instant: &str) -> Vec<u8> {
    format!("{SIGNED_LABEL}\n{position}\n{hash}\n{instant}\n").into_bytes()
}

/// Appends `anchor` as one line to `path` (created if needed), synced.
pub fn append(path: &Path, anchor: &Anchor) -> Result<(), AnchorError> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(io(path))?;
    let mut line = serde_json::to_string(anchor).map_err(StoreError::Json)?;
    line.push('\n');
    file.write_all(line.as_bytes()).map_err(io(path))?;
    file.sync_all().map_err(io(path))?;
    Ok(())
}

/// The anchors of `path`, in file order (blank lines skipped).
pub fn read(path: &Path) -> Result<Vec<Anchor>, AnchorError> {
    let file = std::fs::File::open(path).map_err(io(path))?;
    let mut anchors = Vec::new();
    for (index, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(io(path))?;
        if line.trim().is_empty() {
            continue;
        }
        let anchor = serde_json::from_str(&line).map_err(|error| AnchorError::Line {
            line: index + 1,
            detail: error.to_string(),
        })?;
        anchors.push(anchor);
    }
    Ok(anchors)
}

/// What the log says of one anchor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AnchorOutcome {
    /// Signed by the key, and the hash recomputed from position 1 to its position is the anchored
    /// one: the log up to there is the one that was anchored.
    Holds,
    /// Signed by another key.
    OtherKey,
    /// Not a valid signature of its content by the key (the line was edited).
    BadSignature,
    /// The log recomputed up to the anchor's position gives another hash: rewritten.
    /// (`None`: the position itself is gone from the log.)
    Rewritten { recomputed: Option<String> },
    /// The log ends before the anchor's position: truncated.
    Missing { end: u64 },
}

/// One anchor (its rank in the file, from 1), and what the log says of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnchorCheck {
    pub number: usize,
    pub anchor: Anchor,
    pub outcome: AnchorOutcome,
}

/// Checks every anchor against `store`: its signature by `public`, then the hash recomputed from
/// the events alone (stored hashes are ignored: a rewrite that recomputed them still differs).
pub fn check(
    store: &EventStore,
    anchors: &[Anchor],
    public: &PublicKey,
) -> Result<Vec<AnchorCheck>, StoreError> {
    let mut wanted: Vec<(usize, &Anchor)> = anchors.iter().enumerate().collect();
    wanted.sort_by_key(|(_, anchor)| anchor.position);
    let mut outcomes: Vec<Option<AnchorOutcome>> = vec![None; anchors.len()];
    let mut pending = wanted.iter().peekable();
    // Anchors of an empty log (position 0) hold the genesis hash.
    let mut previous = GENESIS_HASH;
    let mut reached = 0u64;
    let mut settle = |position: u64, hash: &[u8; 32], outcomes: &mut Vec<Option<AnchorOutcome>>| {
        while let Some((index, anchor)) = pending.next_if(|(_, a)| a.position <= position) {
            let recomputed = hex::encode(hash);
            outcomes[*index] = Some(if anchor.position < position {
                AnchorOutcome::Rewritten { recomputed: None }
            } else if recomputed == anchor.hash {
                AnchorOutcome::Holds
            } else {
                AnchorOutcome::Rewritten {
                    recomputed: Some(recomputed),
                }
            });
        }
    };
    settle(0, &previous, &mut outcomes);
    for event in store.read_range(1, Some(u64::MAX), 1024)? {
        let event = event?;
        previous = event_hash(&previous, &event);
        reached = event.position;
        settle(reached, &previous, &mut outcomes);
    }
    Ok(anchors
        .iter()
        .enumerate()
        .map(|(index, anchor)| {
            let outcome = if anchor.key_id != public.key_id() {
                AnchorOutcome::OtherKey
            } else if !anchor.signed_by(public) {
                AnchorOutcome::BadSignature
            } else {
                outcomes[index]
                    .clone()
                    .unwrap_or(AnchorOutcome::Missing { end: reached })
            };
            AnchorCheck {
                number: index + 1,
                anchor: anchor.clone(),
                outcome,
            }
        })
        .collect())
}
