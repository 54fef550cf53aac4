use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

/// What the caller expects of a stream before appending.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExpectedVersion {
    /// Append whatever the stream's version.
    Any,
    /// The stream must not exist yet.
    NoStream,
    /// The stream must be exactly at this version (its last event's `stream_version`).
    Exact(u64),
}

impl fmt::Display for ExpectedVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExpectedVersion::Any => f.write_str("any"),
            ExpectedVersion::NoStream => f.write_str("no stream"),
            ExpectedVersion::Exact(n) => write!(f, "{n}"),
        }
    }
}

/// Who did what, for the audit trail. No personal data: actors are ids or role names.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    /// `family:<id>`, `staff:<login>`, `system:transmission`…
    pub actor: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub causation_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_request_id: Option<String>,
    /// Rules the actor set aside for this command (an exception staff approved), as the
    /// rules' codes (`day_closed`, `age_out_of_range`…). Absent when no rule was set aside.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<String>,
}

impl Metadata {
    pub fn actor(actor: impl Into<String>) -> Self {
        Metadata {
            actor: actor.into(),
            ..Metadata::default()
        }
    }
}

/// An event to append.
#[derive(Clone, Debug, PartialEq)]
pub struct NewEvent {
    /// Chosen by the caller (UUIDv7), so that a retried command appends nothing twice.
    pub event_id: Uuid,
    pub event_type: String,
    pub schema_version: u32,
    pub payload: Value,
    pub metadata: Metadata,
    /// Cross-stream tags, e.g. `activity-…`.
    pub tags: Vec<String>,
}

/// An event as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredEvent {
    pub position: u64,
    pub event_id: Uuid,
    pub stream_id: String,
    pub stream_version: u64,
    pub event_type: String,
    pub schema_version: u32,
    /// The canonical JSON text exactly as stored and hashed.
    pub payload: String,
    /// The canonical JSON text of the metadata exactly as stored and hashed.
    pub metadata: String,
    /// UTC, as stored (`YYYY-MM-DDTHH:MM:SS.ffffffZ`).
    pub recorded_at: String,
    pub hash: [u8; 32],
}

impl StoredEvent {
    pub fn payload_json(&self) -> Result<Value, serde_json::Error> {
        serde_json::from_str(&self.payload)
    }

    pub fn metadata_json(&self) -> Result<Value, serde_json::Error> {
        serde_json::from_str(&self.metadata)
    }

    pub fn recorded_at_utc(&self) -> Option<DateTime<Utc>> {
        DateTime::parse_from_rfc3339(&self.recorded_at)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    }

    /// The JSON line of `portail events export`.
    pub fn to_export_json(&self) -> Result<Value, serde_json::Error> {
        Ok(serde_json::json!({
            "position": self.position,
            "event_id": self.event_id,
            "stream": self.stream_id,
            "version": self.stream_version,
            "type": self.event_type,
            "schema_version": self.schema_version,
            "recorded_at": self.recorded_at,
            "payload": self.payload_json()?,
            "metadata": self.metadata_json()?,
            "hash": hex::encode(self.hash),
        }))
    }
}

/// Result of an append: where the events are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Appended {
    /// Positions of the events, in the order given.
    pub positions: Vec<u64>,
    /// The stream's version after the append.
    pub stream_version: u64,
    /// True when every event was already stored (an idempotent retry): nothing was written.
    pub already_stored: bool,
}
