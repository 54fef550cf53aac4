//! Canonical JSON: the one byte form of a JSON value that the store keeps and hashes.
//!
//! Compact, object keys sorted by their UTF-8 bytes, strings escaped as serde_json does, numbers
//! as serde_json prints them. Independent of serde_json's `preserve_order` feature, so that an
//! auditor re-serializing an exported payload gets the very bytes that were hashed.

use serde_json::Value;

pub fn canonical_json(value: &Value) -> String {
    let mut out = String::with_capacity(128);
    write_value(value, &mut out);
    out
}

fn write_value(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(number) => out.push_str(&number.to_string()),
        Value::String(text) => write_string(text, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(key, out);
                out.push(':');
                write_value(item, out);
            }
            out.push('}');
        }
    }
}

fn write_string(text: &str, out: &mut String) {
    // serde_json's escaping of a plain string cannot fail.
    match serde_json::to_string(text) {
        Ok(escaped) => out.push_str(&escaped),
        Err(_) => out.push_str("\"\""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_keys_at_every_depth_and_is_stable_through_a_round_trip() {
        let value: Value =
            serde_json::from_str(r#"{"b":1,"a":{"z":[true,null,"é\n"],"c":"2.50"}}"#)
                .expect("valid json");
        let text = canonical_json(&value);
        assert_eq!(text, r#"{"a":{"c":"2.50","z":[true,null,"é\n"]},"b":1}"#);
        let again: Value = serde_json::from_str(&text).expect("valid json");
        assert_eq!(canonical_json(&again), text);
    }
}
