//! The event catalog contract: `events-schema/` describes every (type, version) of `CATALOG`,
//! the golden samples of every version still decode, and what the domain writes today matches
//! the current schemas.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use domain::event::*;
use domain::ids::*;
use domain::staff::Role;
use domain::values::*;
use domain::{CATALOG, Event, EventTypeInfo, Money};
use proptest::prelude::*;
use serde_json::{Value, json};
use uuid::Uuid;

const SCHEMA_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../events-schema");

/// Words that must not appear in a property name: personal data lives in registry tables.
const PERSONAL_DATA_WORDS: &[&str] = &[
    "name", "email", "mail", "phone", "tel", "birth", "payer", "bank", "password", "address",
];

// ---------------------------------------------------------------- files

fn schema_dir() -> PathBuf {
    PathBuf::from(SCHEMA_DIR)
}

fn schema_path(event_type: &str, version: u32) -> PathBuf {
    schema_dir().join(format!("{event_type}.v{version}.json"))
}

fn golden_path(event_type: &str, version: u32) -> PathBuf {
    schema_dir()
        .join("golden")
        .join(format!("{event_type}.v{version}.json"))
}

fn read_json(path: &Path) -> Value {
    let text =
        fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

fn schema(event_type: &str, version: u32) -> Value {
    read_json(&schema_path(event_type, version))
}

fn golden(event_type: &str, version: u32) -> Value {
    read_json(&golden_path(event_type, version))
}

/// Every (type, version) of the catalog.
fn catalog_versions() -> BTreeSet<(String, u32)> {
    CATALOG
        .iter()
        .flat_map(|info| {
            info.versions
                .iter()
                .map(|v| (info.event_type.to_owned(), *v))
        })
        .collect()
}

/// The files of `dir` that are not directories, split into `<Type>.v<N>.json` names and the rest.
fn versioned_json_files(dir: &Path, ignore: &[&str]) -> (BTreeSet<(String, u32)>, Vec<String>) {
    let mut versioned = BTreeSet::new();
    let mut others = Vec::new();
    for entry in fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
    {
        let entry = entry.expect("directory entry");
        if entry.file_type().expect("file type").is_dir() {
            continue;
        }
        let file_name = entry.file_name().to_string_lossy().into_owned();
        if ignore.contains(&file_name.as_str()) {
            continue;
        }
        let parsed = file_name.strip_suffix(".json").and_then(|stem| {
            let (event_type, version) = stem.rsplit_once(".v")?;
            Some((event_type.to_owned(), version.parse::<u32>().ok()?))
        });
        match parsed {
            Some(key) => {
                versioned.insert(key);
            }
            None => others.push(file_name),
        }
    }
    (versioned, others)
}

// ---------------------------------------------------------------- validation

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .unwrap_or_else(|e| panic!("schema {} does not compile: {e}", schema["$id"]))
}

fn validator_for(event_type: &str, version: u32) -> jsonschema::Validator {
    validator(&schema(event_type, version))
}

/// The validation errors of `instance`, one line each (empty: valid).
fn errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("at '{}': {e}", e.instance_path()))
        .collect()
}

fn current(info: &EventTypeInfo) -> u32 {
    info.current_version()
}

// ---------------------------------------------------------------- a. files match the catalog

#[test]
fn every_catalog_version_has_a_schema_and_a_golden_and_no_file_is_orphan() {
    let expected = catalog_versions();
    let (schemas, other_files) = versioned_json_files(&schema_dir(), &["README.md"]);
    let (goldens, other_goldens) = versioned_json_files(&schema_dir().join("golden"), &[]);

    let mut problems = Vec::new();
    for (event_type, version) in expected.difference(&schemas) {
        problems.push(format!(
            "missing schema events-schema/{event_type}.v{version}.json"
        ));
    }
    for (event_type, version) in expected.difference(&goldens) {
        problems.push(format!(
            "missing golden events-schema/golden/{event_type}.v{version}.json"
        ));
    }
    for (event_type, version) in schemas.difference(&expected) {
        problems.push(format!(
            "orphan schema events-schema/{event_type}.v{version}.json (not in CATALOG)"
        ));
    }
    for (event_type, version) in goldens.difference(&expected) {
        problems.push(format!(
            "orphan golden events-schema/golden/{event_type}.v{version}.json (not in CATALOG)"
        ));
    }
    for file in other_files {
        problems.push(format!("unexpected file events-schema/{file}"));
    }
    for file in other_goldens {
        problems.push(format!("unexpected file events-schema/golden/{file}"));
    }
    assert!(
        problems.is_empty(),
        "events-schema/ does not match CATALOG:\n{}",
        problems.join("\n")
    );
}

/// Every `$ref` in `node`, wherever it is.
fn refs(node: &Value, out: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("$ref", Value::String(target)) => out.push(target.clone()),
                    _ => refs(value, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| refs(item, out)),
        _ => {}
    }
}

#[test]
fn every_schema_is_a_closed_standalone_draft_2020_12_schema() {
    let mut problems = Vec::new();
    for (event_type, version) in catalog_versions() {
        let schema = schema(&event_type, version);
        let file = format!("{event_type}.v{version}.json");
        if let Err(e) = jsonschema::meta::validate(&schema) {
            problems.push(format!("{file}: not a valid JSON Schema: {e}"));
        }
        if schema["$schema"] != json!("https://json-schema.org/draft/2020-12/schema") {
            problems.push(format!("{file}: $schema is not draft 2020-12"));
        }
        let id = format!("https://portail-famille.example/events/{file}");
        if schema["$id"] != json!(id) {
            problems.push(format!("{file}: $id should be {id}, is {}", schema["$id"]));
        }
        for key in ["title", "description"] {
            if schema[key]
                .as_str()
                .is_none_or(|text| text.trim().is_empty())
            {
                problems.push(format!("{file}: no {key}"));
            }
        }
        if schema["type"] != json!("object") || schema["additionalProperties"] != json!(false) {
            problems.push(format!(
                "{file}: the payload must be a closed object (additionalProperties: false)"
            ));
        }
        let properties: BTreeSet<&str> = schema["properties"]
            .as_object()
            .map(|p| p.keys().map(String::as_str).collect())
            .unwrap_or_default();
        let required: BTreeSet<&str> = schema["required"]
            .as_array()
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if properties.is_empty() || properties != required {
            problems.push(format!(
                "{file}: every property must be required (nullable if optional); properties {properties:?}, required {required:?}"
            ));
        }
        let mut targets = Vec::new();
        refs(&schema, &mut targets);
        for target in targets {
            let local = target
                .strip_prefix("#/$defs/")
                .is_some_and(|name| schema["$defs"].get(name).is_some());
            if !local {
                problems.push(format!(
                    "{file}: $ref {target} is not a local #/$defs/ entry"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ---------------------------------------------------------------- b. goldens

#[test]
fn every_golden_validates_decodes_and_round_trips() {
    let mut problems = Vec::new();
    for info in CATALOG {
        let current_validator = validator_for(info.event_type, current(info));
        for &version in info.versions {
            let file = format!("golden/{}.v{version}.json", info.event_type);
            let golden = golden(info.event_type, version);
            for error in errors(&validator_for(info.event_type, version), &golden) {
                problems.push(format!(
                    "{file} does not match {}.v{version}.json {error}",
                    info.event_type
                ));
            }
            let decoded = match Event::decode(info.event_type, version, golden.clone()) {
                Ok(event) => event,
                Err(e) => {
                    problems.push(format!("{file} does not decode: {e}"));
                    continue;
                }
            };
            let encoded = decoded.encode();
            if encoded.event_type != info.event_type || encoded.schema_version != current(info) {
                problems.push(format!(
                    "{file} re-encodes as {} v{}",
                    encoded.event_type, encoded.schema_version
                ));
            }
            if version == current(info) {
                if encoded.payload != golden {
                    problems.push(format!(
                        "{file} does not round trip:\n  golden:     {golden}\n  re-encoded: {}",
                        encoded.payload
                    ));
                }
            } else {
                for error in errors(&current_validator, &encoded.payload) {
                    problems.push(format!(
                        "{file} upcast and re-encoded does not match {}.v{}.json {error}",
                        info.event_type,
                        current(info)
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// `golden/old-forms/`: payloads earlier releases wrote in a form their version's main golden
/// does not show. Each is `<Type>.v<N>.json` of a catalog version, matches that version's schema,
/// decodes, and re-encodes in the current version's shape.
#[test]
fn old_forms_validate_decode_and_re_encode_in_the_current_shape() {
    let dir = schema_dir().join("golden").join("old-forms");
    let (forms, others) = versioned_json_files(&dir, &[]);
    assert!(
        others.is_empty(),
        "unexpected files in golden/old-forms: {others:?}"
    );
    assert!(!forms.is_empty(), "golden/old-forms is empty");
    let catalog = catalog_versions();
    let mut problems = Vec::new();
    for (event_type, version) in forms {
        let file = format!("golden/old-forms/{event_type}.v{version}.json");
        if !catalog.contains(&(event_type.clone(), version)) {
            problems.push(format!("{file}: not a catalog version"));
            continue;
        }
        let payload = read_json(&dir.join(format!("{event_type}.v{version}.json")));
        for error in errors(&validator_for(&event_type, version), &payload) {
            problems.push(format!("{file} does not match its schema {error}"));
        }
        let info = domain::event::catalog_entry(&event_type).expect("checked above");
        match Event::decode(&event_type, version, payload) {
            Ok(event) => {
                for error in errors(
                    &validator_for(&event_type, current(info)),
                    &event.encode().payload,
                ) {
                    problems.push(format!(
                        "{file} re-encoded does not match the current schema {error}"
                    ));
                }
            }
            Err(e) => problems.push(format!("{file} does not decode: {e}")),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_desk_payment_of_5_written_by_an_earlier_release_reads_as_5_00() {
    // Given a PaymentRecorded v1 stored before amounts were normalised
    let old = read_json(
        &schema_dir()
            .join("golden")
            .join("old-forms")
            .join("PaymentRecorded.v1.json"),
    );
    assert_eq!(old["amount"], json!("5"));
    // When it is decoded and written again
    let event = Event::decode("PaymentRecorded", 1, old).expect("an old payment still decodes");
    let Event::PaymentRecorded(payment) = &event else {
        panic!("decoded as {event:?}");
    };
    // Then it is 5.00 €, written with two decimals in the current version
    assert_eq!(payment.amount, eur("5.00"));
    let encoded = event.encode();
    assert_eq!(encoded.schema_version, 2);
    assert_eq!(encoded.payload["amount"], json!("5.00"));
    // And the current schema refuses an amount without its two decimals
    let mut unnormalised = encoded.payload.clone();
    unnormalised["amount"] = json!("5");
    assert!(!errors(&validator_for("PaymentRecorded", 2), &unnormalised).is_empty());
}

#[test]
fn activity_defined_v1_price_becomes_flat_pricing() {
    let v1 = golden("ActivityDefined", 1);
    let v2_shape_of_v1 = {
        let mut payload = v1.clone();
        let object = payload.as_object_mut().expect("an object");
        let price = object.remove("price").expect("v1 has a price");
        object.insert(
            "pricing".to_owned(),
            json!({ "kind": "flat", "amount": price }),
        );
        payload
    };
    let Event::ActivityDefined(activity) =
        Event::decode("ActivityDefined", 1, v1).expect("v1 decodes")
    else {
        panic!("ActivityDefined v1 decoded as another event");
    };
    assert_eq!(
        activity.pricing,
        Pricing::Flat {
            amount: eur("10.35")
        }
    );
    assert_eq!(Event::from(activity).encode().payload, v2_shape_of_v1);
}

// ---------------------------------------------------------------- c. what the domain writes today

fn uuid(n: u16) -> Uuid {
    Uuid::from_u128(
        0x0194_a3f1_0000_7000_8000_0000_0000_0000 | (u128::from(n) << 64) | u128::from(n),
    )
}

fn eur(text: &str) -> Money {
    Money::parse(text).expect("a valid amount")
}

fn day(month: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, month, d).expect("a valid day")
}

fn instant(month: u32, d: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, month, d, hour, minute, 0)
        .single()
        .expect("a valid instant")
}

fn deadline(days_before: u16, hour: u32, minute: u32) -> Deadline {
    Deadline {
        days_before,
        at: NaiveTime::from_hms_opt(hour, minute, 0).expect("a valid time"),
    }
}

/// Every variant of a fieldless enum carried by events. The exhaustive `match` breaks the build
/// when a variant is added, until it is listed here (and so sampled and checked against the
/// schemas' `enum` lists).
macro_rules! every {
    ($enum:ident: $($variant:ident),+ $(,)?) => {{
        let _exhaustive = |value: $enum| match value {
            $( $enum::$variant => () ),+
        };
        [$( $enum::$variant ),+]
    }};
}

fn all_units() -> [Unit; 5] {
    every!(Unit: Matin, ApresMidi, Journee, Repas, Soir)
}

fn all_payment_modes() -> [PaymentMode; 7] {
    every!(PaymentMode: Cheque, Cash, Card, DirectDebit, Transfer, Cesu, Ancv)
}

fn all_access_assistances() -> [AccessAssistance; 3] {
    every!(AccessAssistance: LoginUnlocked, ResetLinkSent, ActivationCodeIssued)
}

fn all_refusal_reasons() -> [RefusalReason; 4] {
    every!(RefusalReason: WaitlistFull, Full, IncompatibleSameDay, DayClosed)
}

fn all_cancellation_causes() -> [CancellationCause; 3] {
    every!(CancellationCause: FamilyRequest, Staff, DayClosed)
}

fn all_online_payment_failures() -> [OnlinePaymentFailure; 3] {
    every!(OnlinePaymentFailure: Refused, Cancelled, Expired)
}

/// Every staff role (exhaustive match: a new role breaks the build here).
fn all_roles() -> [Role; 4] {
    for role in Role::ALL {
        match role {
            Role::Accueil | Role::Direction | Role::Regie | Role::Administration => {}
        }
    }
    Role::ALL
}

/// One value of each kind of `Forecast` (exhaustive match: a new kind breaks the build here).
fn all_forecast_kinds() -> Vec<Forecast> {
    let all = vec![
        Forecast::PlaceAvailable,
        Forecast::Waitlisted { expected_rank: 2 },
        Forecast::Refused {
            reason: RefusalReason::Full,
        },
    ];
    for forecast in &all {
        match forecast {
            Forecast::PlaceAvailable | Forecast::Waitlisted { .. } | Forecast::Refused { .. } => {}
        }
    }
    all
}

/// One value of each kind of `Pricing` (exhaustive match: a new kind breaks the build here).
fn all_pricing_kinds() -> Vec<Pricing> {
    let all = vec![
        Pricing::Flat {
            amount: eur("10.35"),
        },
        Pricing::Quotient {
            brackets: vec![
                QuotientBracket {
                    up_to: Some(450),
                    amount: eur("4.15"),
                },
                QuotientBracket {
                    up_to: None,
                    amount: eur("10.35"),
                },
            ],
        },
    ];
    for pricing in &all {
        match pricing {
            Pricing::Flat { .. } | Pricing::Quotient { .. } => {}
        }
    }
    all
}

/// Realistic events of every type; nested enums (pricing, forecast, reasons, modes, outcomes)
/// and optional fields appear in each of their forms.
pub(crate) fn samples() -> Vec<Event> {
    let organisation = OrganisationId::from_uuid(uuid(1));
    let wallet = WalletId::from_uuid(uuid(2));
    let structure = StructureId::from_uuid(uuid(3));
    let other_structure = StructureId::from_uuid(uuid(4));
    let matin = ActivityId::from_uuid(uuid(5));
    let journee = ActivityId::from_uuid(uuid(6));
    let period = PeriodId::from_uuid(uuid(7));
    let window = BookingWindowId::from_uuid(uuid(8));
    let family = FamilyId::from_uuid(uuid(9));
    let child = ChildId::from_uuid(uuid(10));
    let basket = BasketId::from_uuid(uuid(11));
    let request = RequestId::from_uuid(uuid(12));
    let cancel_request = RequestId::from_uuid(uuid(13));
    let reservation = ReservationId::from_uuid(uuid(14));
    let transmission = TransmissionId::from_uuid(uuid(15));
    let payment = PaymentId::from_uuid(uuid(16));
    let online_payment = OnlinePaymentId::from_uuid(uuid(17));

    let activity = ActivityDefined {
        activity_id: matin,
        structure_id: structure,
        label: "CDC - ALSH 6-12 Matin".to_owned(),
        unit: Unit::Matin,
        quantity_per_day: 1,
        age_min: 6,
        age_max: 12,
        pricing: Pricing::Flat {
            amount: eur("10.35"),
        },
        capacity: 24,
        waitlist_size: 6,
        booking_deadline: deadline(7, 12, 0),
        cancellation_deadline: deadline(2, 18, 0),
        incompatible_with: vec![journee],
    };
    let booking = BookingRequested {
        request_id: request,
        basket_id: basket,
        family_id: family,
        child_id: child,
        activity_id: matin,
        day: day(1, 14),
        forecast: Forecast::PlaceAvailable,
    };
    let refused = BookingRefused {
        request_id: request,
        family_id: family,
        child_id: child,
        activity_id: journee,
        day: day(1, 14),
        reason: RefusalReason::WaitlistFull,
        transmission_id: transmission,
    };
    let cancelled = ReservationCancelled {
        reservation_id: reservation,
        family_id: family,
        activity_id: matin,
        day: day(1, 21),
        cause: CancellationCause::FamilyRequest,
        request_id: Some(cancel_request),
        transmission_id: Some(transmission),
    };
    let promoted = WaitlistPromoted {
        reservation_id: reservation,
        family_id: family,
        child_id: child,
        activity_id: matin,
        day: day(1, 14),
        previous_rank: 1,
        transmission_id: Some(transmission),
    };
    let consumption = ConsumptionRecorded {
        consumption_id: ConsumptionId::from_uuid(uuid(18)),
        family_id: family,
        wallet_id: wallet,
        child_id: child,
        activity_id: journee,
        day: day(1, 14),
        unit_price: eur("6.85"),
        quantity: 2,
        amount: eur("6.85").times(2),
        reservation_id: Some(reservation),
    };
    let absence = AbsenceRecorded {
        absence_id: AbsenceId::from_uuid(uuid(19)),
        family_id: family,
        child_id: child,
        activity_id: matin,
        day: day(1, 21),
        justified: true,
        reservation_id: Some(reservation),
    };
    let presence = PresenceRecorded {
        presence_id: PresenceId::from_uuid(uuid(40)),
        family_id: family,
        child_id: child,
        activity_id: matin,
        day: day(1, 21),
        reservation_id: Some(reservation),
    };
    let desk_payment = PaymentRecorded {
        payment_id: payment,
        family_id: family,
        wallet_id: wallet,
        amount: eur("50"),
        mode: PaymentMode::Cheque,
        paid_on: day(1, 12),
    };
    let failed = OnlinePaymentFailed {
        online_payment_id: online_payment,
        family_id: family,
        operation_id: "6f1c2a9e0b7d4e3f8a5c1d2e3f4a5b6c".to_owned(),
        outcome: OnlinePaymentFailure::Refused,
        provider_result: "R".to_owned(),
    };

    let mut events: Vec<Event> = vec![
        OrganisationConfigured {
            organisation_id: organisation,
            debt_threshold: eur("50.00"),
        }
        .into(),
        WalletDefined {
            wallet_id: wallet,
            label: "Régie Enfance CDC".to_owned(),
        }
        .into(),
        StructureDefined {
            structure_id: structure,
            wallet_id: wallet,
            label: "Accueil de Loisirs de Quinsac".to_owned(),
        }
        .into(),
        activity.clone().into(),
        ActivityDefined {
            activity_id: journee,
            label: "CDC - ALSH 3-6 Journée".to_owned(),
            unit: Unit::Journee,
            quantity_per_day: 2,
            age_min: 3,
            age_max: 6,
            pricing: Pricing::Quotient {
                brackets: vec![
                    QuotientBracket {
                        up_to: Some(450),
                        amount: eur("4.15"),
                    },
                    QuotientBracket {
                        up_to: Some(800),
                        amount: eur("5.20"),
                    },
                    QuotientBracket {
                        up_to: None,
                        amount: eur("6.85"),
                    },
                ],
            },
            waitlist_size: 0,
            incompatible_with: vec![matin],
            ..activity.clone()
        }
        .into(),
        ActivityCapacityChanged {
            activity_id: matin,
            effective_from: day(3, 4),
            capacity: 28,
            waitlist_size: 4,
        }
        .into(),
        ActivityPriceChanged {
            activity_id: matin,
            effective_from: day(9, 2),
            pricing: Pricing::Flat {
                amount: eur("10.60"),
            },
        }
        .into(),
        OpeningPeriodDefined {
            period_id: period,
            label: "Mercredis janvier-février 2026".to_owned(),
            activity_ids: vec![matin, journee],
            first_day: day(1, 7),
            last_day: day(2, 18),
            weekdays: vec![3],
            excluded_days: vec![day(2, 11)],
            open_on_public_holidays: false,
        }
        .into(),
        BookingWindowDefined {
            window_id: window,
            period_id: period,
            opens_at: Utc
                .with_ymd_and_hms(2025, 12, 1, 7, 0, 0)
                .single()
                .expect("a valid instant"),
            closes_at: instant(2, 11, 22, 59),
        }
        .into(),
        FamilyRegistered {
            family_id: family,
            structure_ids: vec![structure],
        }
        .into(),
        FamilyStructuresChanged {
            family_id: family,
            structure_ids: vec![structure, other_structure],
        }
        .into(),
        ChildRegistered {
            family_id: family,
            child_id: child,
        }
        .into(),
        FamilyQuotientSet {
            family_id: family,
            effective_from: day(1, 1),
            quotient: Some(612),
        }
        .into(),
        FamilyQuotientSet {
            family_id: family,
            effective_from: day(9, 1),
            quotient: None,
        }
        .into(),
        FamilyDossierUpdated {
            family_id: family,
            complete: false,
            missing_items: vec![
                "Fiche sanitaire".to_owned(),
                "Attestation d'assurance".to_owned(),
            ],
        }
        .into(),
        FamilyDossierUpdated {
            family_id: family,
            complete: true,
            missing_items: vec![],
        }
        .into(),
        BasketSubmitted {
            basket_id: basket,
            family_id: family,
            client_request_id: "0194a3f1-3b02-7c4d-8e5f-6a7b8c9d0e1f".to_owned(),
            booking_lines: 3,
            cancellation_lines: 1,
        }
        .into(),
        booking.clone().into(),
        BookingRequested {
            forecast: Forecast::Waitlisted { expected_rank: 2 },
            ..booking.clone()
        }
        .into(),
        BookingRequested {
            forecast: Forecast::Refused {
                reason: RefusalReason::IncompatibleSameDay,
            },
            ..booking
        }
        .into(),
        CancellationRequested {
            request_id: cancel_request,
            basket_id: basket,
            family_id: family,
            reservation_id: reservation,
        }
        .into(),
        RequestWithdrawn {
            request_id: request,
            family_id: family,
        }
        .into(),
        TransmissionStarted {
            transmission_id: transmission,
            cut_off: instant(1, 7, 11, 0),
            up_to_position: 1842,
        }
        .into(),
        TransmissionCompleted {
            transmission_id: transmission,
            counts: TransmissionCounts {
                received: 12,
                new_requests: 10,
                cancellation_requests: 2,
                accepted: 7,
                waitlisted: 2,
                cancelled: 2,
                refused: 1,
                promoted: 1,
            },
        }
        .into(),
        BookingAccepted {
            request_id: request,
            reservation_id: reservation,
            family_id: family,
            child_id: child,
            activity_id: matin,
            day: day(1, 14),
            transmission_id: transmission,
        }
        .into(),
        BookingWaitlisted {
            request_id: request,
            reservation_id: reservation,
            family_id: family,
            child_id: child,
            activity_id: matin,
            day: day(1, 14),
            rank: 2,
            transmission_id: transmission,
        }
        .into(),
        cancelled.clone().into(),
        ReservationCancelled {
            cause: CancellationCause::Staff,
            request_id: None,
            transmission_id: None,
            ..cancelled
        }
        .into(),
        promoted.clone().into(),
        WaitlistPromoted {
            transmission_id: None,
            ..promoted
        }
        .into(),
        ActivityDayClosed {
            activity_id: matin,
            day: day(1, 14),
        }
        .into(),
        WaitlistReordered {
            reservation_id: reservation,
            activity_id: matin,
            day: day(1, 14),
            from_rank: 2,
            to_rank: 1,
        }
        .into(),
        consumption.clone().into(),
        ConsumptionRecorded {
            reservation_id: None,
            ..consumption
        }
        .into(),
        absence.clone().into(),
        AbsenceRecorded {
            justified: false,
            reservation_id: None,
            ..absence
        }
        .into(),
        presence.clone().into(),
        PresenceRecorded {
            reservation_id: None,
            ..presence
        }
        .into(),
        PaymentCancelled {
            payment_id: payment,
            family_id: family,
            wallet_id: wallet,
            amount: eur("50.00"),
        }
        .into(),
        OnlinePaymentStarted {
            online_payment_id: online_payment,
            family_id: family,
            wallet_id: wallet,
            amount: eur("35.00"),
            provider: "payfip".to_owned(),
            operation_id: "6f1c2a9e0b7d4e3f8a5c1d2e3f4a5b6c".to_owned(),
            started_at: instant(3, 26, 17, 42),
        }
        .into(),
        OnlinePaymentConfirmed {
            online_payment_id: online_payment,
            family_id: family,
            wallet_id: wallet,
            amount: eur("35.00"),
            operation_id: "6f1c2a9e0b7d4e3f8a5c1d2e3f4a5b6c".to_owned(),
            provider_result: "P".to_owned(),
            paid_on: day(3, 26),
        }
        .into(),
        StaffAccountOpened {
            staff_id: StaffId::from_uuid(uuid(18)),
            roles: all_roles().to_vec(),
            structure_ids: vec![structure, other_structure],
        }
        .into(),
        StaffAccountChanged {
            staff_id: StaffId::from_uuid(uuid(18)),
            roles: vec![Role::Accueil],
            structure_ids: vec![],
        }
        .into(),
        StaffAccountDisabled {
            staff_id: StaffId::from_uuid(uuid(18)),
        }
        .into(),
    ];
    for assistance in all_access_assistances() {
        events.push(
            FamilyAccessAssisted {
                family_id: family,
                assistance,
            }
            .into(),
        );
    }
    for reason in all_refusal_reasons() {
        events.push(
            BookingRefused {
                reason,
                ..refused.clone()
            }
            .into(),
        );
    }
    for mode in all_payment_modes() {
        events.push(
            PaymentRecorded {
                mode,
                ..desk_payment.clone()
            }
            .into(),
        );
    }
    for outcome in all_online_payment_failures() {
        events.push(
            OnlinePaymentFailed {
                outcome,
                ..failed.clone()
            }
            .into(),
        );
    }
    for unit in all_units() {
        events.push(
            ActivityDefined {
                unit,
                ..activity.clone()
            }
            .into(),
        );
    }
    events
}

#[test]
fn samples_cover_every_catalog_type() {
    let sampled: BTreeSet<&str> = samples().iter().map(Event::event_type).collect();
    let catalog: BTreeSet<&str> = CATALOG.iter().map(|info| info.event_type).collect();
    let without_sample: Vec<_> = catalog.difference(&sampled).collect();
    assert!(
        without_sample.is_empty(),
        "add a realistic value of these event types to samples() in tests/suite/catalog.rs: {without_sample:?}"
    );
    assert_eq!(sampled, catalog);
}

#[test]
fn samples_encode_to_payloads_the_current_schema_accepts_and_decode_back() {
    let validators: BTreeMap<&str, jsonschema::Validator> = CATALOG
        .iter()
        .map(|info| {
            (
                info.event_type,
                validator_for(info.event_type, current(info)),
            )
        })
        .collect();
    let mut problems = Vec::new();
    for event in samples() {
        let encoded = event.encode();
        assert_eq!(encoded.event_type, event.event_type());
        assert_eq!(encoded.schema_version, event.info().current_version());
        let file = format!("{}.v{}.json", encoded.event_type, encoded.schema_version);
        for error in errors(&validators[encoded.event_type], &encoded.payload) {
            problems.push(format!("{file} rejects {}: {error}", encoded.payload));
        }
        match Event::decode(
            encoded.event_type,
            encoded.schema_version,
            encoded.payload.clone(),
        ) {
            Ok(decoded) if decoded == event => {}
            Ok(decoded) => problems.push(format!(
                "{} decodes as another value:\n  {event:?}\n  {decoded:?}",
                encoded.payload
            )),
            Err(e) => problems.push(format!("{} does not decode: {e}", encoded.payload)),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The strings serde writes for these values: the enum value itself, or the `kind` tag.
fn serde_tags(values: impl IntoIterator<Item = Value>) -> BTreeSet<String> {
    values
        .into_iter()
        .map(|json| {
            let tag = if json.is_object() {
                &json["kind"]
            } else {
                &json
            };
            tag.as_str().expect("a string or a `kind` tag").to_owned()
        })
        .collect()
}

/// The serde tags of every value of `$values`.
macro_rules! tags_of {
    ($values:expr) => {
        serde_tags(
            $values
                .iter()
                .map(|value| serde_json::to_value(value).expect("serializes")),
        )
    };
}

/// The values a schema's `$defs` entry allows: its `enum`, or the `kind` constants of its `oneOf`.
fn schema_tags(def: &Value) -> BTreeSet<String> {
    match (def.get("enum"), def.get("oneOf")) {
        (Some(Value::Array(values)), _) => values
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        (_, Some(Value::Array(kinds))) => kinds
            .iter()
            .filter_map(|kind| kind["properties"]["kind"]["const"].as_str())
            .map(str::to_owned)
            .collect(),
        _ => BTreeSet::new(),
    }
}

#[test]
fn schema_enums_are_exactly_what_serde_writes() {
    let expected: Vec<(&str, BTreeSet<String>)> = vec![
        ("unit", tags_of!(all_units())),
        ("payment_mode", tags_of!(all_payment_modes())),
        ("refusal_reason", tags_of!(all_refusal_reasons())),
        ("cancellation_cause", tags_of!(all_cancellation_causes())),
        (
            "online_payment_failure",
            tags_of!(all_online_payment_failures()),
        ),
        ("forecast", tags_of!(all_forecast_kinds())),
        ("pricing", tags_of!(all_pricing_kinds())),
        ("role", tags_of!(all_roles())),
    ];
    let mut problems = Vec::new();
    for (def, serde_values) in &expected {
        let mut found = false;
        for (event_type, version) in catalog_versions() {
            let schema = schema(&event_type, version);
            let Some(shape) = schema["$defs"].get(*def) else {
                continue;
            };
            found = true;
            let allowed = schema_tags(shape);
            if &allowed != serde_values {
                problems.push(format!(
                    "{event_type}.v{version}.json#/$defs/{def} allows {allowed:?}, serde writes {serde_values:?}"
                ));
            }
        }
        if !found {
            problems.push(format!(
                "no schema has a $defs/{def} any more: update this test"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

proptest! {
    /// Whatever amounts the domain computes (unit price × quantity, rounded to the cent) are
    /// written in the shape the schema promises.
    #[test]
    fn computed_amounts_match_the_money_pattern(cents in -1_000_000i64..1_000_000, quantity in 0u32..100) {
        let unit_price = Money::from_cents(cents);
        let event: Event = ConsumptionRecorded {
            consumption_id: ConsumptionId::from_uuid(uuid(18)),
            family_id: FamilyId::from_uuid(uuid(9)),
            wallet_id: WalletId::from_uuid(uuid(2)),
            child_id: ChildId::from_uuid(uuid(10)),
            activity_id: ActivityId::from_uuid(uuid(6)),
            day: day(1, 14),
            unit_price,
            quantity,
            amount: unit_price.times(quantity),
            reservation_id: None,
        }
        .into();
        let payload = event.encode().payload;
        let info = domain::event::catalog_entry("ConsumptionRecorded").expect("in the catalog");
        let validator = validator_for("ConsumptionRecorded", current(info));
        let problems = errors(&validator, &payload);
        prop_assert!(problems.is_empty(), "{payload}: {problems:?}");
    }
}

// ---------------------------------------------------------------- d. README

/// The (type, version) rows of the catalog table of `events-schema/README.md`, with their
/// meaning and emitter.
fn readme_rows() -> Vec<(String, u32, String, String)> {
    let path = schema_dir().join("README.md");
    let text =
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut lines = text.lines().skip_while(|line| {
        let cells: Vec<&str> = line
            .trim()
            .trim_matches('|')
            .split('|')
            .map(str::trim)
            .collect();
        cells != ["Type", "Version", "Meaning", "Emitted by"]
    });
    assert!(
        lines.next().is_some(),
        "README.md has no `| Type | Version | Meaning | Emitted by |` table"
    );
    let separator = lines.next().unwrap_or_default();
    assert!(
        separator.trim_start().starts_with("| ---"),
        "README.md table has no separator row"
    );
    lines
        .take_while(|line| line.trim_start().starts_with('|'))
        .map(|line| {
            let cells: Vec<&str> = line
                .trim()
                .trim_matches('|')
                .split('|')
                .map(str::trim)
                .collect();
            assert_eq!(
                cells.len(),
                4,
                "README.md row does not have 4 cells: {line}"
            );
            let version = cells[1]
                .trim_start_matches('v')
                .parse()
                .unwrap_or_else(|_| panic!("README.md row has no version number: {line}"));
            (
                cells[0].to_owned(),
                version,
                cells[2].to_owned(),
                cells[3].to_owned(),
            )
        })
        .collect()
}

#[test]
fn readme_table_has_exactly_one_row_per_catalog_version() {
    let rows = readme_rows();
    let mut seen = BTreeMap::new();
    for (event_type, version, _, _) in &rows {
        *seen.entry((event_type.clone(), *version)).or_insert(0) += 1;
    }
    let duplicated: Vec<_> = seen
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(key, _)| key)
        .collect();
    let listed: BTreeSet<(String, u32)> = seen.keys().cloned().collect();
    let expected = catalog_versions();
    let missing: Vec<_> = expected.difference(&listed).collect();
    let unknown: Vec<_> = listed.difference(&expected).collect();
    assert!(
        duplicated.is_empty() && missing.is_empty() && unknown.is_empty(),
        "events-schema/README.md table out of step with CATALOG: missing rows {missing:?}, rows not in CATALOG {unknown:?}, duplicated rows {duplicated:?}"
    );

    // The current version's row says what CATALOG says.
    for info in CATALOG {
        let (_, _, meaning, emitted_by) = rows
            .iter()
            .find(|(t, v, _, _)| t == info.event_type && *v == current(info))
            .expect("checked above");
        assert_eq!(
            meaning,
            info.meaning,
            "README.md meaning of {} v{}",
            info.event_type,
            current(info)
        );
        assert_eq!(
            emitted_by,
            info.emitted_by,
            "README.md emitter of {} v{}",
            info.event_type,
            current(info)
        );
    }
}

// ---------------------------------------------------------------- e. no personal data

fn personal_data_word(name: &str) -> Option<&'static str> {
    let lower = name.to_lowercase();
    PERSONAL_DATA_WORDS
        .iter()
        .copied()
        .find(|word| lower.contains(word))
}

/// Property names declared anywhere in a schema (`properties`, `required`, `$defs` names),
/// with the JSON pointer where they are declared.
fn schema_property_names(node: &Value, at: &str, out: &mut Vec<(String, String)>) {
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                let here = format!("{at}/{key}");
                match (key.as_str(), value) {
                    ("properties" | "$defs", Value::Object(named)) => {
                        out.extend(named.keys().map(|name| (name.clone(), here.clone())));
                    }
                    ("required", Value::Array(names)) => {
                        out.extend(
                            names
                                .iter()
                                .filter_map(Value::as_str)
                                .map(|name| (name.to_owned(), here.clone())),
                        );
                    }
                    _ => {}
                }
                schema_property_names(value, &here, out);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                schema_property_names(item, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// Object keys anywhere in a payload.
fn payload_keys(node: &Value, at: &str, out: &mut Vec<(String, String)>) {
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                out.push((key.clone(), at.to_owned()));
                payload_keys(value, &format!("{at}/{key}"), out);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                payload_keys(item, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn no_schema_or_golden_names_personal_data() {
    // The detector itself works, so an empty result means something.
    let mut planted = Vec::new();
    schema_property_names(
        &json!({ "$defs": { "x": { "properties": { "payer_Name": {} }, "required": ["payer_Name"] } } }),
        "",
        &mut planted,
    );
    assert!(
        planted
            .iter()
            .any(|(name, _)| personal_data_word(name).is_some())
    );
    assert_eq!(personal_data_word("label"), None);

    let mut problems = Vec::new();
    for (event_type, version) in catalog_versions() {
        let mut names = Vec::new();
        schema_property_names(&schema(&event_type, version), "", &mut names);
        assert!(
            !names.is_empty(),
            "{event_type}.v{version}.json declares no property"
        );
        for (name, at) in names {
            if let Some(word) = personal_data_word(&name) {
                problems.push(format!(
                    "{event_type}.v{version}.json#{at}: `{name}` looks like personal data ({word})"
                ));
            }
        }
        let mut keys = Vec::new();
        payload_keys(&golden(&event_type, version), "", &mut keys);
        for (name, at) in keys {
            if let Some(word) = personal_data_word(&name) {
                problems.push(format!("golden/{event_type}.v{version}.json#{at}: `{name}` looks like personal data ({word})"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "personal data belongs in registry tables, keyed by the ids events carry:\n{}",
        problems.join("\n")
    );
}

// ---------------------------------------------------------------- f. validation is really on

fn with(mut payload: Value, pointer: &str, value: Value) -> Value {
    *payload
        .pointer_mut(pointer)
        .unwrap_or_else(|| panic!("no {pointer} in the payload")) = value;
    payload
}

fn without(mut payload: Value, field: &str) -> Value {
    payload
        .as_object_mut()
        .expect("an object")
        .remove(field)
        .unwrap_or_else(|| panic!("no field {field}"));
    payload
}

#[test]
fn schemas_reject_wrong_payloads() {
    let activity = golden("ActivityDefined", 2);
    let consumption = golden("ConsumptionRecorded", 1);
    let payment = golden("PaymentRecorded", 1);
    let cancelled = golden("ReservationCancelled", 1);
    let requested = golden("BookingRequested", 1);
    let mut extra_field = activity.clone();
    extra_field
        .as_object_mut()
        .expect("an object")
        .insert("child_first_name".to_owned(), json!("Léa"));

    let cases: Vec<(&str, &str, u32, Value)> = vec![
        ("an extra field", "ActivityDefined", 2, extra_field),
        (
            "the v1 shape (price)",
            "ActivityDefined",
            2,
            golden("ActivityDefined", 1),
        ),
        (
            "a float amount",
            "ConsumptionRecorded",
            1,
            with(consumption.clone(), "/amount", json!(13.7)),
        ),
        (
            "three decimals",
            "ConsumptionRecorded",
            1,
            with(consumption.clone(), "/unit_price", json!("6.855")),
        ),
        (
            "a comma decimal",
            "PaymentRecorded",
            1,
            with(payment.clone(), "/amount", json!("50,00")),
        ),
        (
            "a mode label",
            "PaymentRecorded",
            1,
            with(payment.clone(), "/mode", json!("Chèque")),
        ),
        (
            "a French date",
            "PaymentRecorded",
            1,
            with(payment.clone(), "/paid_on", json!("12/01/2026")),
        ),
        (
            "an impossible date",
            "PaymentRecorded",
            1,
            with(payment, "/paid_on", json!("2026-02-30")),
        ),
        (
            "a non-uuid id",
            "ConsumptionRecorded",
            1,
            with(consumption.clone(), "/family_id", json!("family-42")),
        ),
        (
            "a negative quantity",
            "ConsumptionRecorded",
            1,
            with(consumption, "/quantity", json!(-2)),
        ),
        (
            "an omitted optional field",
            "ReservationCancelled",
            1,
            without(cancelled, "request_id"),
        ),
        (
            "a unit label",
            "ActivityDefined",
            2,
            with(activity.clone(), "/unit", json!("Matin")),
        ),
        (
            "a deadline with seconds",
            "ActivityDefined",
            2,
            with(activity.clone(), "/booking_deadline/at", json!("12:00:00")),
        ),
        (
            "an unknown pricing kind",
            "ActivityDefined",
            2,
            with(activity.clone(), "/pricing/kind", json!("free")),
        ),
        (
            "a bracket without up_to",
            "ActivityDefined",
            2,
            with(
                activity,
                "/pricing/brackets/2",
                json!({ "amount": "10.35" }),
            ),
        ),
        (
            "a forecast field of another kind",
            "BookingRequested",
            1,
            with(
                requested,
                "/forecast",
                json!({ "kind": "place_available", "expected_rank": 1 }),
            ),
        ),
    ];
    let mut accepted = Vec::new();
    for (what, event_type, version, payload) in &cases {
        if validator_for(event_type, *version).is_valid(payload) {
            accepted.push(format!(
                "{event_type}.v{version}.json accepts {what}: {payload}"
            ));
        }
    }
    assert!(
        accepted.is_empty(),
        "schemas too lax:\n{}",
        accepted.join("\n")
    );
}
