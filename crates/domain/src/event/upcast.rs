//! Upcasters: turn a stored payload of an older schema version into the current shape.
//!
//! Each step is a pure function of the JSON of version n to the JSON of version n+1; they are
//! chained until the current version. Golden samples of every version under
//! `events-schema/golden/` prove each step in the tests.

use serde_json::{Value, json};

use super::EventTypeInfo;

pub(super) fn to_current(info: &EventTypeInfo, mut version: u32, mut payload: Value) -> Value {
    while version < info.current_version() {
        payload = step(info.event_type, version, payload);
        version += 1;
    }
    payload
}

fn step(event_type: &str, from_version: u32, payload: Value) -> Value {
    match (event_type, from_version) {
        ("ActivityDefined", 1) => activity_defined_v1_to_v2(payload),
        ("ActivityDefined", 3) => activity_defined_v3_to_v4(payload),
        // Amounts normalised to two decimals: the fields are the same, and `Money` reads an
        // amount written `"5"` or `"5.5"` by an earlier release as 5.00 and 5.50 (tolerant
        // read); re-encoded, it is written `"5.00"`, as the new version's schema requires.
        ("ActivityDefined", 2)
        | ("OrganisationConfigured", 1)
        | ("ActivityPriceChanged", 1)
        | ("ConsumptionRecorded", 1)
        | ("PaymentRecorded", 1)
        | ("PaymentCancelled", 1)
        | ("OnlinePaymentStarted", 1)
        | ("OnlinePaymentConfirmed", 1) => payload,
        // Unknown steps leave the payload as it is; decoding then reports the mismatch.
        _ => payload,
    }
}

/// v3 knew no duration: `unit_minutes: null`, the unit's default.
fn activity_defined_v3_to_v4(mut payload: Value) -> Value {
    if let Some(object) = payload.as_object_mut() {
        object
            .entry("unit_minutes".to_owned())
            .or_insert(Value::Null);
    }
    payload
}

/// v1 priced every activity with one flat `price`; v2 has `pricing`, flat or by quotient bracket.
fn activity_defined_v1_to_v2(mut payload: Value) -> Value {
    if let Some(object) = payload.as_object_mut()
        && let Some(price) = object.remove("price")
    {
        object.insert(
            "pricing".to_owned(),
            json!({ "kind": "flat", "amount": price }),
        );
    }
    payload
}
