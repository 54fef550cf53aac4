//! Rebuild equals live on a generated log of 100,000 events covering every event type.

use std::sync::Arc;

use app::{App, SystemClock};
use domain::Event;
use serde_json::Value;
use uuid::Uuid;

/// Every UUID of the payload replaced by one derived from it and `cycle`, so each cycle of the
/// samples speaks of new entities.
fn fresh_ids(value: &mut Value, cycle: u64) {
    match value {
        Value::String(text) => {
            if let Ok(id) = Uuid::parse_str(text) {
                let mixed = id.as_u128() ^ (u128::from(cycle) << 64 | u128::from(cycle));
                *text = Uuid::from_u128(mixed).to_string();
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| fresh_ids(v, cycle)),
        Value::Object(map) => map.values_mut().for_each(|v| fresh_ids(v, cycle)),
        _ => {}
    }
}

#[test]
fn rebuild_equals_live_for_100000_events_of_every_type() {
    let samples = crate::catalog::samples();
    let types: std::collections::BTreeSet<&str> = samples.iter().map(|e| e.event_type()).collect();
    assert_eq!(
        types.len(),
        domain::CATALOG.len(),
        "the samples cover every event type"
    );
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("generated.db");
    let app = App::open(&db, Arc::new(SystemClock)).unwrap();
    const TOTAL: u64 = 100_000;
    let mut written = 0u64;
    while written < TOTAL {
        let batch: Vec<Event> = (written..(written + 5_000).min(TOTAL))
            .map(|n| {
                let sample = &samples[(n % samples.len() as u64) as usize];
                let encoded = sample.encode();
                let mut payload = encoded.payload;
                fresh_ids(&mut payload, n / samples.len() as u64);
                Event::decode(encoded.event_type, encoded.schema_version, payload).unwrap()
            })
            .collect();
        written += batch.len() as u64;
        app.execute("test:generated", move |command| {
            for event in batch {
                command.emit(event)?;
            }
            Ok(())
        })
        .unwrap();
    }
    assert_eq!(app.store.head().unwrap().position, TOTAL);
    assert_eq!(
        projections::verify_read_models(&app.store).unwrap(),
        projections::ReadModelCheck::Identical {
            events: TOTAL,
            tables: projections::tables().len()
        }
    );
    // The blue/green rebuild swaps in the same rows.
    let before = app.query(|conn| Ok(projections::snapshot(conn)?)).unwrap();
    let report = projections::rebuild(&app.store, &db, &[], 10_000, &mut |_| {}).unwrap();
    assert_eq!(report.replayed, TOTAL);
    let after = app.query(|conn| Ok(projections::snapshot(conn)?)).unwrap();
    assert_eq!(projections::first_difference(&before, &after), None);
}
