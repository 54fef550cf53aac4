//! An event made ready for the log before it reaches the writer: its id as text and its payload
//! and metadata in canonical JSON, the very bytes stored and hashed. [`crate::EventStore::append`]
//! prepares on the submitter's thread, so the single writer only places, hashes and inserts.

use uuid::Uuid;

use crate::canonical::canonical_json;
use crate::error::StoreError;
use crate::event::NewEvent;

/// A [`NewEvent`] with its canonical texts computed.
#[derive(Clone, Debug)]
pub(crate) struct PreparedEvent {
    pub(crate) event_id: Uuid,
    pub(crate) event_id_text: String,
    pub(crate) event_type: String,
    pub(crate) schema_version: u32,
    /// Canonical JSON of the payload.
    pub(crate) payload: String,
    /// Canonical JSON of the metadata.
    pub(crate) metadata: String,
    pub(crate) tags: Vec<String>,
}

impl PreparedEvent {
    pub(crate) fn new(event: NewEvent) -> Result<PreparedEvent, StoreError> {
        let metadata = canonical_json(&serde_json::to_value(&event.metadata)?);
        Ok(PreparedEvent {
            event_id: event.event_id,
            event_id_text: event.event_id.to_string(),
            event_type: event.event_type,
            schema_version: event.schema_version,
            payload: canonical_json(&event.payload),
            metadata,
            tags: event.tags,
        })
    }

    /// Every event of a command, prepared.
    pub(crate) fn all(events: Vec<NewEvent>) -> Result<Vec<PreparedEvent>, StoreError> {
        events.into_iter().map(PreparedEvent::new).collect()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::event::Metadata;

    #[test]
    fn the_prepared_texts_are_the_canonical_json_of_the_event() {
        let event = NewEvent {
            event_id: Uuid::from_u128(7),
            event_type: "Essai".to_owned(),
            schema_version: 2,
            payload: json!({"b": 1, "a": {"d": "é", "c": [true, null]}}),
            metadata: Metadata {
                client_request_id: Some("form-1".to_owned()),
                ..Metadata::actor("family:x")
            },
            tags: vec!["child-1".to_owned()],
        };
        let prepared = PreparedEvent::new(event.clone()).expect("prepared");
        assert_eq!(prepared.payload, r#"{"a":{"c":[true,null],"d":"é"},"b":1}"#);
        assert_eq!(
            prepared.metadata,
            r#"{"actor":"family:x","client_request_id":"form-1"}"#
        );
        assert_eq!(prepared.event_id_text, event.event_id.to_string());
        assert_eq!(prepared.tags, event.tags);
    }
}
