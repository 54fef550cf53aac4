//! Tests of the mail crate: templates against the seed's examples, the outbox, the worker with the
//! file transport, a failing transport and a real SMTP conversation on loopback.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::Mutex;
use std::thread::JoinHandle;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use domain::wording::french_date_with_year as french_date;
use mail::templates::{
    ContactBlock, LineOutcome, PromotionNotice, ReportLine, TransmissionReport, email_confirmation,
    password_reset, transmission_report, waitlist_promotion,
};
use mail::{
    FileTransport, MailError, MailKind, Mailbox, OutboxFilter, OutboxStatus, OutgoingMail,
    SmtpConfig, SmtpSecurity, SmtpTransport, Transport, TransportError,
};
use store::{EventStore, StoreOptions};
use tempfile::TempDir;

// ---------------------------------------------------------------------------------------------
// helpers

fn contact() -> ContactBlock {
    ContactBlock {
        name: "Communauté de Communes des Portes de l'Entre-deux-Mers".to_owned(),
        address: "51 Chemin du Port de l'Homme - 33360 Latresne".to_owned(),
        phone: "05 56 20 83 60".to_owned(),
        fax: Some("05 56 21 72 64".to_owned()),
        email: "accueil@cdc-portesentredeuxmers.fr".to_owned(),
        website: Some("cdc-portesentredeuxmers.fr".to_owned()),
    }
}

const CONTACT_TEXT: &str = "\
Communauté de Communes des Portes de l'Entre-deux-Mers
51 Chemin du Port de l'Homme - 33360 Latresne
Tél. : 05 56 20 83 60 Fax : 05 56 21 72 64
Courriel : accueil@cdc-portesentredeuxmers.fr
Site internet : cdc-portesentredeuxmers.fr
";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn report() -> TransmissionReport {
    TransmissionReport {
        addressee: "M. DUPONT Jean-Paul".to_owned(),
        structure: "Accueil de Loisirs de Quinsac".to_owned(),
        received: 0,
        new_requests: 0,
        cancellation_requests: 0,
        accepted: 0,
        waitlisted: 0,
        cancelled: 0,
        refused: 0,
        lines: Vec::new(),
        contact: contact(),
        portal_url: None,
    }
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 3, 22, 0, 0).unwrap()
}

fn sender() -> Mailbox {
    "Portail Famille <portail@cdc-portesentredeuxmers.fr>"
        .parse()
        .unwrap()
}

fn open_store() -> (TempDir, EventStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = EventStore::open(dir.path().join("portail.db"), StoreOptions::default()).unwrap();
    store.write(|tx| mail::install(tx.connection())).unwrap();
    (dir, store)
}

fn outgoing(dedup_key: &str, recipient: &str) -> OutgoingMail {
    let mut r = report();
    r.accepted = 2;
    let (subject, body) = transmission_report(&r);
    OutgoingMail {
        kind: MailKind::TransmissionReport,
        dedup_key: dedup_key.to_owned(),
        recipient: recipient.to_owned(),
        subject,
        body,
    }
}

fn enqueue(store: &EventStore, mail: OutgoingMail, now: DateTime<Utc>) -> Result<bool, MailError> {
    store
        .write(move |tx| mail::enqueue(tx.connection(), &mail, now))
        .map_err(MailError::from)
}

fn entries(store: &EventStore, filter: OutboxFilter) -> Vec<mail::OutboxEntry> {
    store
        .read(|conn| Ok(mail::list(conn, filter)))
        .unwrap()
        .unwrap()
}

/// A transport that always refuses, counting its calls.
struct FailingTransport(Mutex<usize>);

impl Transport for FailingTransport {
    fn send(&self, _: &lettre::Message) -> Result<(), TransportError> {
        *self.0.lock().unwrap() += 1;
        Err(TransportError::Other("relais injoignable".to_owned()))
    }
    fn describe(&self) -> String {
        "échec".to_owned()
    }
}

/// The unfolded value of header `name` in an RFC 5322 text, RFC 2047 words decoded
/// (`=?utf-8?b?…?=` and `=?utf-8?q?…?=`).
fn header(message: &str, name: &str) -> Option<String> {
    let head = message.split("\r\n\r\n").next()?;
    let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
    let prefix = format!("{}:", name.to_ascii_lowercase());
    let line = unfolded
        .split("\r\n")
        .find(|line| line.to_ascii_lowercase().starts_with(&prefix))?;
    let value = line[prefix.len()..].trim();
    let mut out: Vec<u8> = Vec::new();
    let mut previous_encoded = false;
    for (i, token) in value.split(' ').enumerate() {
        let lower = token.to_ascii_lowercase();
        if lower.starts_with("=?utf-8?") && token.ends_with("?=") && token.len() > 12 {
            let encoding = lower.as_bytes()[8];
            let text = &token[10..token.len() - 2];
            let bytes = if encoding == b'b' {
                base64_decode(text)
            } else {
                qp_decode(&text.replace('_', " "))
            };
            if i > 0 && !previous_encoded {
                out.push(b' ');
            }
            out.extend(bytes);
            previous_encoded = true;
        } else {
            if i > 0 {
                out.push(b' ');
            }
            out.extend(token.as_bytes());
            previous_encoded = false;
        }
    }
    Some(String::from_utf8(out).unwrap())
}

/// The body of an RFC 5322 text, decoded from its Content-Transfer-Encoding.
fn body(message: &str) -> String {
    let (_, raw) = message.split_once("\r\n\r\n").unwrap();
    let encoding = header(message, "Content-Transfer-Encoding")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let bytes = match encoding.as_str() {
        "quoted-printable" => qp_decode(raw),
        "base64" => base64_decode(raw),
        _ => raw.as_bytes().to_vec(),
    };
    String::from_utf8(bytes).unwrap().replace("\r\n", "\n")
}

fn qp_decode(text: &str) -> Vec<u8> {
    let text = text.replace("=\r\n", "");
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

fn base64_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let mut buffer = 0u32;
    let mut bits = 0;
    for c in text.bytes() {
        let Some(value) = ALPHABET.iter().position(|&a| a == c) else {
            continue; // padding, line breaks
        };
        buffer = (buffer << 6) | value as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// templates

#[test]
fn transmission_report_reproduces_the_first_seed_example_with_a_detail() {
    let mut r = report();
    r.received = 45;
    r.new_requests = 44;
    r.cancellation_requests = 1;
    r.accepted = 14;
    r.waitlisted = 17;
    r.cancelled = 1;
    r.portal_url = Some("https://portail.cdc-portesentredeuxmers.fr".to_owned());
    // Given out of order: the detail is sorted by day, then child.
    r.lines = vec![
        ReportLine {
            child: "DUPONT Lilou".to_owned(),
            activity: "CDC - ALSH 6-12 Matin".to_owned(),
            day: day(2026, 3, 11),
            outcome: LineOutcome::Waitlisted { rank: 2 },
        },
        ReportLine {
            child: "DUPONT Lilou".to_owned(),
            activity: "CDC - ALSH 6-12 Matin".to_owned(),
            day: day(2026, 3, 4),
            outcome: LineOutcome::Accepted,
        },
        ReportLine {
            child: "DUPONT Antoine".to_owned(),
            activity: "CDC - ALSH 3-6 Matin".to_owned(),
            day: day(2026, 3, 4),
            outcome: LineOutcome::Cancelled,
        },
        ReportLine {
            child: "DUPONT Antoine".to_owned(),
            activity: "CDC - ALSH 3-6 Journée".to_owned(),
            day: day(2026, 4, 15),
            outcome: LineOutcome::Refused {
                reason: "complet, liste d'attente complète".to_owned(),
            },
        },
        ReportLine {
            child: "DUPONT Antoine".to_owned(),
            activity: "CDC - ALSH 3-6 Matin".to_owned(),
            day: day(2026, 3, 11),
            outcome: LineOutcome::Promoted,
        },
    ];
    let (subject, body) = transmission_report(&r);
    assert_eq!(
        subject,
        "Compte rendu de vos réservations – Accueil de Loisirs de Quinsac"
    );
    let expected = format!(
        "\
M. DUPONT Jean-Paul

Veuillez trouver ci-dessous un compte rendu des modifications apportées à vos demandes de réservation sur la structure : Accueil de Loisirs de Quinsac

- 45 mouvements sur vos demandes de réservations ont été reçus, dont :

* 44 nouvelles demandes de réservation
* 1 demande d'annulation

- 14 réservations ont été acceptées
- 17 réservations ont été mises en liste d'attente
- 1 réservation a été annulée

Détail :
- DUPONT Antoine, mercredi 4 mars 2026, CDC - ALSH 3-6 Matin : annulée
- DUPONT Lilou, mercredi 4 mars 2026, CDC - ALSH 6-12 Matin : acceptée
- DUPONT Antoine, mercredi 11 mars 2026, CDC - ALSH 3-6 Matin : acceptée (place libérée en liste d'attente)
- DUPONT Lilou, mercredi 11 mars 2026, CDC - ALSH 6-12 Matin : liste d'attente (rang 2)
- DUPONT Antoine, mercredi 15 avril 2026, CDC - ALSH 3-6 Journée : refusée (complet, liste d'attente complète)

Vous pouvez consulter l'état de vos réservations sur notre site Internet.
https://portail.cdc-portesentredeuxmers.fr

{CONTACT_TEXT}"
    );
    assert_eq!(body, expected);
}

#[test]
fn transmission_report_reproduces_the_second_seed_example() {
    let mut r = report();
    r.refused = 6;
    r.accepted = 4;
    let (_, body) = transmission_report(&r);
    let expected = format!(
        "\
M. DUPONT Jean-Paul

Veuillez trouver ci-dessous un compte rendu des modifications apportées à vos demandes de réservation sur la structure : Accueil de Loisirs de Quinsac

- 4 réservations ont été acceptées
- 6 réservations ont été refusées

Vous pouvez consulter l'état de vos réservations sur notre site Internet.

{CONTACT_TEXT}"
    );
    assert_eq!(body, expected);
}

#[test]
fn transmission_report_agrees_in_number() {
    let mut r = report();
    r.received = 1;
    r.new_requests = 1;
    r.accepted = 1;
    r.waitlisted = 1;
    r.cancelled = 1;
    r.refused = 1;
    let (_, body) = transmission_report(&r);
    for line in [
        "- 1 mouvement sur vos demandes de réservations a été reçu, dont :\n\n* 1 nouvelle demande de réservation\n\n",
        "- 1 réservation a été acceptée\n",
        "- 1 réservation a été mise en liste d'attente\n",
        "- 1 réservation a été annulée\n",
        "- 1 réservation a été refusée\n",
    ] {
        assert!(body.contains(line), "{line:?} missing from\n{body}");
    }
    assert!(!body.contains("annulation"), "zero counts are not written");

    r.received = 3;
    r.new_requests = 0;
    r.cancellation_requests = 3;
    r.accepted = 2;
    r.waitlisted = 3;
    r.cancelled = 2;
    r.refused = 0;
    let (_, body) = transmission_report(&r);
    for line in [
        "- 3 mouvements sur vos demandes de réservations ont été reçus, dont :\n\n* 3 demandes d'annulation\n\n",
        "- 2 réservations ont été acceptées\n",
        "- 3 réservations ont été mises en liste d'attente\n",
        "- 2 réservations ont été annulées\n",
    ] {
        assert!(body.contains(line), "{line:?} missing from\n{body}");
    }
    assert!(!body.contains("nouvelle"));
    assert!(!body.contains("refusée"));
    assert!(!body.contains("Détail"), "no detail section without lines");
}

#[test]
fn dates_are_written_in_french() {
    for (date, text) in [
        (day(2026, 3, 4), "mercredi 4 mars 2026"),
        (day(2026, 3, 1), "dimanche 1er mars 2026"),
        (day(2026, 2, 2), "lundi 2 février 2026"),
        (day(2026, 8, 15), "samedi 15 août 2026"),
        (day(2026, 12, 31), "jeudi 31 décembre 2026"),
    ] {
        assert_eq!(french_date(date), text);
    }
}

#[test]
fn contact_block_leaves_out_what_is_missing() {
    let mut c = contact();
    assert_eq!(c.render(), CONTACT_TEXT);
    c.fax = None;
    c.website = None;
    assert_eq!(
        c.render(),
        "Communauté de Communes des Portes de l'Entre-deux-Mers\n\
         51 Chemin du Port de l'Homme - 33360 Latresne\n\
         Tél. : 05 56 20 83 60\n\
         Courriel : accueil@cdc-portesentredeuxmers.fr\n"
    );
}

#[test]
fn waitlist_promotion_tells_what_was_accepted_and_asks_to_cancel_if_unneeded() {
    let notice = PromotionNotice {
        addressee: "M. DUPONT Jean-Paul".to_owned(),
        structure: "Accueil de Loisirs de Quinsac".to_owned(),
        child: "DUPONT Lilou".to_owned(),
        activity: "CDC - ALSH 6-12 Matin".to_owned(),
        day: day(2026, 3, 11),
        contact: contact(),
        portal_url: Some("https://portail.example.fr".to_owned()),
    };
    let (subject, body) = waitlist_promotion(&notice);
    assert_eq!(
        subject,
        "Place attribuée sur liste d'attente – Accueil de Loisirs de Quinsac"
    );
    let expected = format!(
        "\
M. DUPONT Jean-Paul

Une place s'est libérée sur la structure : Accueil de Loisirs de Quinsac

La réservation de DUPONT Lilou pour le mercredi 11 mars 2026, CDC - ALSH 6-12 Matin, qui était en liste d'attente, a été acceptée.

Si cette place ne vous intéresse plus, pensez à l'annuler le plus tôt possible afin d'en faire bénéficier les autres enfants.

Vous pouvez consulter l'état de vos réservations sur notre site Internet.
https://portail.example.fr

{CONTACT_TEXT}"
    );
    assert_eq!(body, expected);
}

#[test]
fn account_mails_carry_the_link_and_no_password() {
    let link = "https://portail.example.fr/mot-de-passe/4f1c2a9e";
    let (subject, body) = password_reset("M. DUPONT Jean-Paul", link, 60, &contact());
    assert_eq!(subject, "Réinitialisation de votre mot de passe");
    assert!(body.starts_with("M. DUPONT Jean-Paul\n\n"));
    assert!(body.contains(&format!("{link}\n")));
    assert!(body.contains("valable que 60 minutes"));
    assert!(body.contains("ne sert qu'une fois"));
    assert!(body.ends_with(CONTACT_TEXT));
    let (_, body) = password_reset("M. DUPONT Jean-Paul", link, 1, &contact());
    assert!(body.contains("valable que 1 minute :"));

    let link = "https://portail.example.fr/confirmer/77aa";
    let (subject, body) = email_confirmation("Mme MARTIN Claire", link, &contact());
    assert_eq!(subject, "Confirmation de votre adresse électronique");
    assert!(body.starts_with("Mme MARTIN Claire\n\n"));
    assert!(body.contains(&format!("{link}\n")));
    assert!(body.ends_with(CONTACT_TEXT));
    assert!(!body.contains("mot de passe"));
}

// ---------------------------------------------------------------------------------------------
// outbox

#[test]
fn enqueuing_the_same_dedup_key_twice_makes_one_mail() {
    let (_dir, store) = open_store();
    let mail = outgoing(
        "transmission_report:run-1:family-1:quinsac",
        "parent@example.fr",
    );
    assert!(enqueue(&store, mail.clone(), t0()).unwrap());
    assert!(!enqueue(&store, mail.clone(), t0() + chrono::Duration::hours(1)).unwrap());
    let mut other = mail;
    other.dedup_key = "transmission_report:run-2:family-1:quinsac".to_owned();
    assert!(enqueue(&store, other, t0()).unwrap());
    let all = entries(&store, OutboxFilter::All);
    assert_eq!(all.len(), 2);
    assert!(all.iter().all(|e| e.status == OutboxStatus::Pending));
    assert_eq!(entries(&store, OutboxFilter::Pending).len(), 2);
    assert!(entries(&store, OutboxFilter::Sent).is_empty());
    assert!(entries(&store, OutboxFilter::Failed).is_empty());
}

#[test]
fn enqueue_refuses_header_injection_and_implausible_recipients() {
    let (_dir, store) = open_store();
    let mut mail = outgoing("k1", "parent@example.fr");
    mail.subject = "Compte rendu\r\nBcc: victime@example.fr".to_owned();
    assert!(matches!(
        enqueue(&store, mail, t0()),
        Err(MailError::HeaderInjection { field: "subject" })
    ));
    let mut mail = outgoing("k2", "parent@example.fr");
    mail.subject = "Compte rendu\n".to_owned();
    assert!(matches!(
        enqueue(&store, mail, t0()),
        Err(MailError::HeaderInjection { field: "subject" })
    ));
    assert!(matches!(
        enqueue(
            &store,
            outgoing("k3", "parent@example.fr\r\nBcc: x@y.fr"),
            t0()
        ),
        Err(MailError::HeaderInjection { field: "recipient" })
    ));
    for bad in [
        "",
        "pas-une-adresse",
        "parent@localhost",
        "@example.fr",
        "parent@@example.fr",
        "Jean <parent@example.fr>",
        "parent @example.fr",
    ] {
        assert!(
            matches!(
                enqueue(&store, outgoing("k4", bad), t0()),
                Err(MailError::InvalidRecipient(_))
            ),
            "{bad:?} accepted"
        );
    }
    assert!(matches!(
        enqueue(&store, outgoing(" ", "parent@example.fr"), t0()),
        Err(MailError::EmptyDedupKey)
    ));
    assert!(entries(&store, OutboxFilter::All).is_empty());
}

#[test]
fn a_mail_rolls_back_with_the_decision_that_caused_it() {
    let (_dir, store) = open_store();
    let mail = outgoing("k1", "parent@example.fr");
    let result = store.write(move |tx| {
        mail::enqueue(tx.connection(), &mail, t0())?;
        Err::<(), MailError>(MailError::Message("the decision was refused".to_owned()))
    });
    assert!(result.is_err());
    assert!(entries(&store, OutboxFilter::All).is_empty());
}

// ---------------------------------------------------------------------------------------------
// worker

#[test]
fn flush_with_the_file_transport_writes_eml_files_and_sends_each_mail_once() {
    let (dir, store) = open_store();
    enqueue(&store, outgoing("k1", "parent@example.fr"), t0()).unwrap();
    enqueue(&store, outgoing("k2", "autre.parent@example.fr"), t0()).unwrap();
    let outbox_dir = dir.path().join("outbox");
    let transport = FileTransport::new(&outbox_dir);
    assert!(transport.describe().contains("outbox"));

    let now = t0() + chrono::Duration::seconds(5);
    let report = mail::flush(&store, &transport, &sender(), now, 100).unwrap();
    assert_eq!(
        (report.sent, report.failed, report.still_pending),
        (2, 0, 0)
    );

    let sent = entries(&store, OutboxFilter::Sent);
    assert_eq!(sent.len(), 2);
    for entry in &sent {
        assert_eq!(entry.status, OutboxStatus::Sent);
        assert_eq!(entry.sent_at, Some(now));
        assert_eq!(entry.attempts, 0);
        let eml =
            std::fs::read_to_string(outbox_dir.join(format!("{}.eml", entry.mail_id))).unwrap();
        assert_eq!(
            header(&eml, "Message-ID").unwrap(),
            format!("<{}@portail-famille>", entry.mail_id)
        );
        assert_eq!(header(&eml, "To").unwrap(), entry.recipient);
        assert_eq!(
            header(&eml, "From").unwrap(),
            "\"Portail Famille\" <portail@cdc-portesentredeuxmers.fr>"
        );
        assert_eq!(
            header(&eml, "Subject").unwrap(),
            "Compte rendu de vos réservations – Accueil de Loisirs de Quinsac"
        );
        assert_eq!(header(&eml, "Auto-Submitted").unwrap(), "auto-generated");
        assert!(
            header(&eml, "Content-Type")
                .unwrap()
                .to_ascii_lowercase()
                .contains("charset=utf-8")
        );
        let text = body(&eml);
        assert!(
            text.starts_with("M. DUPONT Jean-Paul\n\nVeuillez trouver"),
            "{text}"
        );
        assert!(text.contains("- 2 réservations ont été acceptées\n"));
        // lettre ends a single-part body with one more CRLF.
        assert!(
            text.trim_end().ends_with(CONTACT_TEXT.trim_end()),
            "{eml:?}"
        );
    }
    let files = std::fs::read_dir(&outbox_dir).unwrap().count();
    assert_eq!(files, 2, "no partial file is left behind");

    let again = mail::flush(
        &store,
        &transport,
        &sender(),
        now + chrono::Duration::days(1),
        100,
    )
    .unwrap();
    assert_eq!((again.sent, again.failed, again.still_pending), (0, 0, 0));
    assert_eq!(std::fs::read_dir(&outbox_dir).unwrap().count(), 2);

    // What `portail mail outbox --json` prints.
    let json = serde_json::to_value(&sent[0]).unwrap();
    assert_eq!(json["kind"], "transmission_report");
    assert_eq!(json["status"], "sent");
    assert!(json["sent_at"].is_string());
    assert!(json["last_error"].is_null());
    assert!(json.get("body").is_none());
}

#[test]
fn flush_respects_the_limit() {
    let (dir, store) = open_store();
    for i in 0..5 {
        enqueue(
            &store,
            outgoing(&format!("k{i}"), "parent@example.fr"),
            t0(),
        )
        .unwrap();
    }
    let transport = FileTransport::new(dir.path().join("outbox"));
    let report = mail::flush(&store, &transport, &sender(), t0(), 3).unwrap();
    assert_eq!(
        (report.sent, report.failed, report.still_pending),
        (3, 0, 2)
    );
    let report = mail::flush(&store, &transport, &sender(), t0(), 3).unwrap();
    assert_eq!(
        (report.sent, report.failed, report.still_pending),
        (2, 0, 0)
    );
}

#[test]
fn a_failed_send_is_retried_after_the_backoff() {
    let (dir, store) = open_store();
    enqueue(&store, outgoing("k1", "parent@example.fr"), t0()).unwrap();
    let failing = FailingTransport(Mutex::new(0));
    let report = mail::flush(&store, &failing, &sender(), t0(), 10).unwrap();
    assert_eq!(
        (report.sent, report.failed, report.still_pending),
        (0, 1, 1)
    );

    let [entry] = entries(&store, OutboxFilter::All).try_into().unwrap();
    assert_eq!(entry.attempts, 1);
    assert_eq!(entry.next_attempt_at, t0() + chrono::Duration::minutes(1));
    assert_eq!(entry.sent_at, None);
    assert_eq!(entry.status, OutboxStatus::Pending);
    assert!(entry.last_error.unwrap().contains("relais injoignable"));

    // Not due yet.
    let transport = FileTransport::new(dir.path().join("outbox"));
    let early = mail::flush(
        &store,
        &transport,
        &sender(),
        t0() + chrono::Duration::seconds(59),
        10,
    )
    .unwrap();
    assert_eq!((early.sent, early.failed, early.still_pending), (0, 0, 1));

    let later = t0() + chrono::Duration::seconds(61);
    let retried = mail::flush(&store, &transport, &sender(), later, 10).unwrap();
    assert_eq!(
        (retried.sent, retried.failed, retried.still_pending),
        (1, 0, 0)
    );
    let [entry] = entries(&store, OutboxFilter::Sent).try_into().unwrap();
    assert_eq!(entry.sent_at, Some(later));
    assert_eq!(*failing.0.lock().unwrap(), 1);
}

#[test]
fn the_worker_gives_up_after_max_attempts_until_staff_retries() {
    assert_eq!(mail::backoff(0), chrono::Duration::minutes(1));
    assert_eq!(mail::backoff(1), chrono::Duration::minutes(2));
    assert_eq!(mail::backoff(8), chrono::Duration::minutes(256));
    assert_eq!(mail::backoff(9), chrono::Duration::hours(6));
    assert_eq!(mail::backoff(u32::MAX), chrono::Duration::hours(6));

    let (dir, store) = open_store();
    enqueue(&store, outgoing("k1", "parent@example.fr"), t0()).unwrap();
    let failing = FailingTransport(Mutex::new(0));
    let mut now = t0();
    for attempt in 0..mail::MAX_ATTEMPTS {
        let report = mail::flush(&store, &failing, &sender(), now, 10).unwrap();
        assert_eq!(report.failed, 1, "attempt {attempt}");
        now += mail::backoff(attempt);
    }
    assert_eq!(*failing.0.lock().unwrap(), mail::MAX_ATTEMPTS as usize);
    let [entry] = entries(&store, OutboxFilter::Failed).try_into().unwrap();
    assert_eq!(entry.status, OutboxStatus::Failed);
    assert_eq!(entry.attempts, mail::MAX_ATTEMPTS);
    assert!(entries(&store, OutboxFilter::Pending).is_empty());

    let idle = mail::flush(
        &store,
        &failing,
        &sender(),
        now + chrono::Duration::days(7),
        10,
    )
    .unwrap();
    assert_eq!((idle.sent, idle.failed, idle.still_pending), (0, 0, 0));

    let mail_id = entry.mail_id.clone();
    let later = now + chrono::Duration::days(7);
    assert!(
        store
            .write(move |tx| mail::retry(tx.connection(), &mail_id, later))
            .unwrap()
    );
    let transport = FileTransport::new(dir.path().join("outbox"));
    let report = mail::flush(&store, &transport, &sender(), later, 10).unwrap();
    assert_eq!(
        (report.sent, report.failed, report.still_pending),
        (1, 0, 0)
    );

    // Retention: sent mails can be purged.
    let purged = store
        .write(move |tx| mail::purge_sent(tx.connection(), later + chrono::Duration::seconds(1)))
        .unwrap();
    assert_eq!(purged, 1);
    assert!(entries(&store, OutboxFilter::All).is_empty());
}

// ---------------------------------------------------------------------------------------------
// SMTP

/// What the fake server heard.
#[derive(Debug, Default)]
struct Received {
    commands: Vec<String>,
    mail_from: String,
    rcpt_to: Vec<String>,
    data: String,
}

/// A one-connection SMTP server on 127.0.0.1 speaking enough of RFC 5321 for lettre.
fn fake_smtp_server() -> (u16, JoinHandle<Received>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut writer = stream.try_clone().unwrap();
        let mut reader = BufReader::new(stream);
        let mut received = Received::default();
        writer.write_all(b"220 fake.test ESMTP\r\n").unwrap();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap() == 0 {
                break;
            }
            let command = line.trim_end().to_owned();
            let upper = command.to_ascii_uppercase();
            received.commands.push(command.clone());
            if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                writer
                    .write_all(b"250-fake.test\r\n250 8BITMIME\r\n")
                    .unwrap();
            } else if upper.starts_with("MAIL FROM:") {
                received.mail_from = command["MAIL FROM:".len()..].trim().to_owned();
                writer.write_all(b"250 OK\r\n").unwrap();
            } else if upper.starts_with("RCPT TO:") {
                received
                    .rcpt_to
                    .push(command["RCPT TO:".len()..].trim().to_owned());
                writer.write_all(b"250 OK\r\n").unwrap();
            } else if upper == "DATA" {
                writer
                    .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    .unwrap();
                loop {
                    let mut data_line = String::new();
                    assert!(
                        reader.read_line(&mut data_line).unwrap() > 0,
                        "connection closed in DATA"
                    );
                    if data_line == ".\r\n" {
                        break;
                    }
                    // Undo dot-stuffing.
                    let data_line = data_line.strip_prefix('.').unwrap_or(&data_line);
                    received.data.push_str(data_line);
                }
                writer.write_all(b"250 OK queued\r\n").unwrap();
            } else if upper == "QUIT" {
                writer.write_all(b"221 Bye\r\n").unwrap();
                break;
            } else if upper == "RSET" || upper == "NOOP" {
                writer.write_all(b"250 OK\r\n").unwrap();
            } else {
                writer
                    .write_all(b"502 Command not implemented\r\n")
                    .unwrap();
            }
        }
        received
    });
    (port, handle)
}

#[test]
fn smtp_delivers_through_a_real_conversation_on_loopback() {
    let (port, server) = fake_smtp_server();
    let transport = SmtpTransport::new(&SmtpConfig {
        host: "127.0.0.1".to_owned(),
        port,
        security: SmtpSecurity::None,
        username: None,
        password: None,
        timeout: Duration::from_secs(10),
    })
    .unwrap();
    assert_eq!(
        transport.describe(),
        format!("SMTP 127.0.0.1:{port} (sans chiffrement)")
    );

    let (_dir, store) = open_store();
    enqueue(&store, outgoing("k1", "parent@example.fr"), t0()).unwrap();
    let report = mail::flush(&store, &transport, &sender(), t0(), 10).unwrap();
    assert_eq!(
        (report.sent, report.failed, report.still_pending),
        (1, 0, 0)
    );

    let received = server.join().unwrap();
    assert!(
        received.commands[0]
            .to_ascii_uppercase()
            .starts_with("EHLO")
    );
    assert_eq!(
        received.mail_from.split_whitespace().next().unwrap(),
        "<portail@cdc-portesentredeuxmers.fr>"
    );
    assert_eq!(received.rcpt_to, vec!["<parent@example.fr>".to_owned()]);
    assert_eq!(
        header(&received.data, "Subject").unwrap(),
        "Compte rendu de vos réservations – Accueil de Loisirs de Quinsac"
    );
    assert_eq!(header(&received.data, "To").unwrap(), "parent@example.fr");
    let [entry] = entries(&store, OutboxFilter::Sent).try_into().unwrap();
    assert_eq!(
        header(&received.data, "Message-ID").unwrap(),
        format!("<{}@portail-famille>", entry.mail_id)
    );
    assert!(body(&received.data).contains("- 2 réservations ont été acceptées\n"));
}

#[test]
fn smtp_config_debug_hides_the_password() {
    let config = SmtpConfig {
        host: "smtp.example.fr".to_owned(),
        port: 587,
        security: SmtpSecurity::StartTls,
        username: Some("portail".to_owned()),
        password: Some("s3cret-de-relais".to_owned()),
        timeout: Duration::from_secs(30),
    };
    assert!(!format!("{config:?}").contains("s3cret"));
    let transport = SmtpTransport::new(&config).unwrap();
    assert_eq!(
        transport.describe(),
        "SMTP smtp.example.fr:587 (STARTTLS, authentifié)"
    );
}
