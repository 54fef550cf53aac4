//! Property-based fuzzing of every decoder a stranger (or a damaged file) can feed: the
//! portal's forms over HTTP, the setup importer, the event decoder and the PayFiP response
//! parser. Any input gives a typed answer or error, never a panic (nor a 500).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use payment::PaymentProvider;
use proptest::prelude::*;
use serde_json::Value;

use crate::support::{Browser, Server, demo_db, free_port};

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Any JSON value, nested a few levels.
fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
        "[0-9]{1,6}(\\.[0-9]{1,3})?".prop_map(Value::String),
        Just(Value::String(
            "00000000-0000-0000-0000-000000000000".to_owned()
        )),
        Just(Value::String("2026-12-02".to_owned())),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    "[a-z_]{1,12}",
                    Just("family_id".to_owned()),
                    Just("amount".to_owned()),
                    Just("day".to_owned()),
                ],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn event_type() -> impl Strategy<Value = String> {
    let names: Vec<String> = domain::event::CATALOG
        .iter()
        .map(|info| info.event_type.to_owned())
        .collect();
    prop_oneof![
        3 => prop::sample::select(names),
        1 => ".{0,20}",
    ]
}

proptest! {
    #![proptest_config(config())]

    /// The event decoder: any type, version and payload → an event or a `DecodeError`.
    #[test]
    fn the_event_decoder_answers_any_type_version_and_payload_with_a_typed_result(
        event_type in event_type(),
        version in 0u32..6,
        payload in json(),
    ) {
        let _ = domain::event::Event::decode(&event_type, version, payload);
    }

    /// The event decoder on a real payload with one field replaced by anything.
    #[test]
    fn the_event_decoder_answers_a_real_payload_with_one_field_replaced(
        index in any::<prop::sample::Index>(),
        value in json(),
    ) {
        let sample = &samples()[index.index(samples().len())];
        let mut payload = sample.2.clone();
        if let Some(object) = payload.as_object_mut()
            && !object.is_empty()
        {
            let key = object.keys().nth(index.index(object.len())).unwrap().clone();
            object.insert(key, value);
        }
        let _ = domain::event::Event::decode(&sample.0, sample.1, payload);
    }

    /// The setup importer: any text → a setup or `file:line: message` errors.
    #[test]
    fn the_setup_parser_answers_any_text_with_a_typed_result(text in "(?s).{0,400}") {
        let _ = app::setup::file::parse_setup(&text, "fuzz.toml");
    }

    /// The setup importer on the example file cut, or with bytes replaced.
    #[test]
    fn the_setup_parser_answers_a_damaged_example_with_a_typed_result(
        cut in any::<prop::sample::Index>(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<char>()), 0..8),
    ) {
        let example = example_setup();
        let mut chars: Vec<char> = example.chars().collect();
        for (at, c) in edits {
            let i = at.index(chars.len());
            chars[i] = c;
        }
        let len = chars.len();
        let text: String = chars.into_iter().take(cut.index(len + 1)).collect();
        let _ = app::setup::file::parse_setup(&text, "fuzz.toml");
    }

    /// The PayFiP response parser: any HTTP body → a status or a `ProviderError`.
    #[test]
    fn the_payfip_parser_answers_any_response_with_a_typed_result(body in payfip_body()) {
        let fake = fake_payfip();
        *fake.0.lock().unwrap() = body;
        let _ = fake.1.detail("0123456789abcdef");
    }
}

/// A few real stored events of the demo: (type, version, payload).
fn samples() -> &'static [(String, u32, Value)] {
    static SAMPLES: std::sync::OnceLock<Vec<(String, u32, Value)>> = std::sync::OnceLock::new();
    SAMPLES.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let db = demo_db(dir.path(), "samples");
        let export = crate::support::stdout(&crate::support::portail(&db, &["events", "export"]));
        export
            .lines()
            .map(|line| {
                let event: Value = serde_json::from_str(line).unwrap();
                (
                    event["type"].as_str().unwrap().to_owned(),
                    u32::try_from(event["schema_version"].as_u64().unwrap()).unwrap(),
                    event["payload"].clone(),
                )
            })
            .collect()
    })
}

fn example_setup() -> &'static str {
    static EXAMPLE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    EXAMPLE.get_or_init(|| {
        std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../docs/examples/setup.toml"
        ))
        .unwrap()
    })
}

/// SOAP envelopes near the real ones, fields filled with anything, and plain garbage.
fn payfip_body() -> impl Strategy<Value = String> {
    let field = prop_oneof![".{0,10}", "[PRA]", "[0-9]{0,6}", Just("&amp;<".to_owned())];
    let names = prop::sample::select(vec![
        "resultrans",
        "montant",
        "dattrans",
        "heurtrans",
        "idOp",
        "numauto",
        "refdet",
        "exer",
        "numcli",
        "saisie",
        "code",
        "faultcode",
        "faultstring",
    ]);
    let envelope = prop::collection::vec((names, field), 0..8).prop_map(|items| {
        let inner: String = items
            .iter()
            .map(|(name, value)| format!("<{name}>{value}</{name}>"))
            .collect();
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><S:Envelope xmlns:S=\"{}\"><S:Body>\
             <ns2:recupererDetailPaiementSecuriseResponse xmlns:ns2=\"{}\"><return>{inner}\
             </return></ns2:recupererDetailPaiementSecuriseResponse></S:Body></S:Envelope>",
            payment::payfip::SOAP_ENVELOPE_NS,
            payment::payfip::PAYFIP_SERVICE_NS
        )
    });
    let fault = (".{0,6}", ".{0,20}").prop_map(|(code, text)| {
        format!(
            "<S:Envelope xmlns:S=\"{}\"><S:Body><S:Fault><faultcode>S:Server</faultcode>\
             <detail><x:E xmlns:x=\"{}\"><code>{code}</code><libelle>{text}</libelle></x:E>\
             </detail></S:Fault></S:Body></S:Envelope>",
            payment::payfip::SOAP_ENVELOPE_NS,
            payment::payfip::PAYFIP_SERVICE_NS
        )
    });
    let cut = (envelope.clone(), any::<prop::sample::Index>())
        .prop_map(|(text, at)| text.chars().take(at.index(text.len() + 1)).collect());
    prop_oneof![
        envelope,
        fault,
        cut,
        "(?s).{0,200}",
        "<[a-zA-Z:<>/ =\"]{0,80}"
    ]
}

/// One HTTP server answering every request with the body in the mutex (status 200), and a
/// provider pointed at it. Shared by every case.
fn fake_payfip() -> &'static (Arc<Mutex<String>>, payment::PayfipProvider) {
    static FAKE: std::sync::OnceLock<(Arc<Mutex<String>>, payment::PayfipProvider)> =
        std::sync::OnceLock::new();
    FAKE.get_or_init(|| {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let body = Arc::new(Mutex::new(String::new()));
        let answer = Arc::clone(&body);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut length = 0usize;
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
                    if line == "\r\n" {
                        break;
                    }
                    if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = value.trim().parse().unwrap_or(0);
                    }
                    line.clear();
                }
                let mut request = vec![0u8; length];
                let _ = reader.read_exact(&mut request);
                let text = answer.lock().unwrap().clone();
                let mut stream = stream;
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\n\
                     Content-Length: {}\r\nConnection: close\r\n\r\n{text}",
                    text.len()
                );
            }
        });
        let provider =
            payment::PayfipProvider::new(payment::PayfipConfig::simulator(&base, 2026)).unwrap();
        (body, provider)
    })
}

/// Every form the portal accepts, with the field names its pages use.
const ROUTES: [&str; 18] = [
    "/connexion",
    "/activation",
    "/mot-de-passe-oublie",
    "/mot-de-passe-oublie/lien",
    "/mot-de-passe-oublie/reponse",
    "/reinitialisation",
    "/profil/mot-de-passe",
    "/profil/courriel",
    "/profil/question",
    "/profil/confirmation",
    "/paiement",
    "/paiement/notification",
    "/reservations/abandonner",
    "/reservations/recapitulatif",
    "/suivi/retirer",
    "/suivi/annuler",
    "/structure",
    "/reservations/00000000-0000-0000-0000-000000000000/panier",
];

const FIELDS: [&str; 16] = [
    "identifiant",
    "mot_de_passe",
    "formulaire",
    "jour",
    "activite",
    "action",
    "demande",
    "porte_monnaie",
    "montant",
    "email",
    "courriel",
    "reponse",
    "question",
    "idOp",
    "jeton",
    "nouveau",
];

/// A form body: garbage bytes, or `name=value` pairs with raw, percent-encoded or invalid
/// (`%FF`, `%C3`) values.
fn form_body() -> impl Strategy<Value = Vec<u8>> {
    let value = prop_oneof![
        ".{0,20}".prop_map(|s| s.into_bytes()),
        prop::collection::vec(any::<u8>(), 0..20),
        Just(b"%FF%FE".to_vec()),
        Just(b"%C3".to_vec()),
        Just(b"%00".to_vec()),
        Just(b"2026-12-16".to_vec()),
        Just(b"<script>alert(1)</script>".to_vec()),
    ];
    let pairs = prop::collection::vec((prop::sample::select(FIELDS.to_vec()), value), 0..6)
        .prop_map(|pairs| {
            let mut body = Vec::new();
            for (i, (name, value)) in pairs.into_iter().enumerate() {
                if i > 0 {
                    body.push(b'&');
                }
                body.extend_from_slice(name.as_bytes());
                body.push(b'=');
                body.extend_from_slice(&value);
            }
            body
        });
    prop_oneof![3 => pairs, 1 => prop::collection::vec(any::<u8>(), 0..200)]
}

#[test]
fn every_form_of_the_portal_answers_any_body_without_a_server_error() {
    // Given the portal over the demo and a logged-in parent
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path(), "forms");
    let server = Server::start(&db, free_port(), &[]);
    let mut dupont = Browser::new(&server.base());
    dupont.login("dupont");
    dupont.get("/accueil");
    let token = dupont.csrf.clone().unwrap();
    let mut runner = proptest::test_runner::TestRunner::new(config());
    let strategy = (
        prop::sample::select(ROUTES.to_vec()),
        form_body(),
        prop::bool::weighted(0.8),
        prop::sample::select(vec![
            "application/x-www-form-urlencoded",
            "application/x-www-form-urlencoded; charset=latin1",
            "text/plain",
            "multipart/form-data; boundary=x",
        ]),
    );
    // When any body is posted to any form (with the session's token four times in five)
    runner
        .run(&strategy, |(route, mut body, with_token, content_type)| {
            if with_token {
                body.extend_from_slice(format!("&jeton={token}").as_bytes());
            }
            let mut browser = dupont.clone();
            let page = browser
                .try_post_bytes(route, content_type, &body)
                .map_err(|e| TestCaseError::fail(format!("{route}: {e}")))?;
            // Then the answer is a page or a refusal, never a server error
            prop_assert!(
                page.status < 500 || page.status == 503,
                "{route} answered {} to {:?}",
                page.status,
                String::from_utf8_lossy(&body)
            );
            Ok(())
        })
        .unwrap();
    // And the portal still answers
    let health = dupont.try_get("/sante").unwrap();
    assert_eq!(health.status, 200);
    server.kill();
    crate::support::assert_audit_verifies(&db);
}
