//! Dependencies down under the running `serve`: the SMTP relay stopped (bookings still commit,
//! the mails leave once it is back) and PayFiP unreachable or silent (a clear French message,
//! nothing recorded, nothing credited).

use std::net::TcpListener;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::support::{
    Browser, Server, SmtpSink, assert_audit_verifies, booking_forms, demo_db, free_port, portail,
    smtp_env, stderr, stdout,
};

fn head(db: &Path) -> u64 {
    stdout(&portail(db, &["events", "export"])).lines().count() as u64
}

fn outbox(db: &Path) -> Vec<serde_json::Value> {
    let output = portail(db, &["mail", "outbox", "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    serde_json::from_str(&stdout(&output)).unwrap()
}

#[test]
fn with_the_smtp_relay_down_bookings_commit_and_the_mails_leave_once_it_is_back() {
    // Given the portal whose SMTP relay does not answer (nothing listens on its port)
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path(), "smtp");
    let smtp_port = free_port();
    let env = smtp_env(smtp_port);
    let server = Server::start(&db, free_port(), &env);
    let mut dupont = Browser::new(&server.base());
    dupont.login("dupont");

    // When a parent books a day, Then the booking commits and « Suivi » shows it
    // (a day far enough ahead for the deadline)
    let form = booking_forms(&mut dupont, 2).pop().unwrap();
    dupont.get(form.action.trim_end_matches("/panier"));
    assert_eq!(
        dupont.try_post(&form.action, &form.fields).unwrap().status,
        303
    );
    let summary = dupont.get("/reservations/recapitulatif");
    let formulaire = summary.input_values("formulaire").remove(0);
    let answer = dupont.post(
        "/reservations/recapitulatif",
        &[("formulaire", &formulaire)],
    );
    assert_eq!(answer.status, 303, "{}", answer.text());
    let receipt = dupont.get(&answer.location);
    assert!(!receipt.text().contains("impossible"), "{}", receipt.text());
    let child = form
        .action
        .trim_start_matches("/reservations/")
        .trim_end_matches("/panier");
    let booked = crate::support::reservations(&db, "dupont")
        .into_iter()
        .filter(|r| {
            r["child_id"] == child
                && r["activity_id"] == form.field("activite").as_str()
                && r["day"] == form.field("jour").as_str()
        })
        .count();
    assert_eq!(booked, 1, "the booking is in the log once");
    assert!(dupont.get("/suivi").text().contains("Non transmis"));

    // When staff's transmission writes its report mails and they are sent while the relay is down
    let transmitted = portail(&db, &["transmit"]);
    assert!(transmitted.status.success(), "{}", stderr(&transmitted));
    let queued = outbox(&db).len();
    assert!(queued > 0, "the transmission wrote no mail");
    let mut send = std::process::Command::new(crate::support::portail_bin());
    send.arg("--db")
        .arg(&db)
        .args(["mail", "send"])
        .current_dir(dir.path());
    for (key, value) in &env {
        send.env(key, value);
    }
    let down = send.output().unwrap();
    // Then nothing is lost: every mail is still waiting
    let unsent: Vec<_> = outbox(&db)
        .into_iter()
        .filter(|m| m["sent_at"].is_null())
        .collect();
    assert_eq!(unsent.len(), queued, "{}{}", stdout(&down), stderr(&down));

    // When the relay is back on the same port, Then the mails leave (the serve's worker or the
    // next `portail mail send` once the one-minute back-off has passed), each once
    let sink = SmtpSink::start(smtp_port);
    let started = Instant::now();
    while sink.message_ids().len() < queued {
        assert!(
            started.elapsed() < Duration::from_secs(150),
            "{} of {queued} mails left after the relay came back",
            sink.message_ids().len()
        );
        std::thread::sleep(Duration::from_secs(2));
        if started.elapsed() > Duration::from_secs(62) {
            let _ = send.output();
        }
    }
    std::thread::sleep(Duration::from_secs(1));
    let mut ids = sink.message_ids();
    assert_eq!(ids.len(), queued, "{ids:?}");
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), queued, "a mail was sent twice");
    server.kill();
    assert_audit_verifies(&db);
}

/// A parent asks to pay 20.00 € by card while PayFiP's endpoint is `endpoint`.
fn pay_while(endpoint: &str) -> (crate::support::Page, u64, u64, Duration) {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path(), "payfip");
    let env = [
        ("PORTAIL_PAYFIP_NUMCLI", "000000".to_owned()),
        ("PORTAIL_PAYFIP_MODE", "T".to_owned()),
        ("PORTAIL_PAYFIP_ENDPOINT", endpoint.to_owned()),
    ];
    let server = Server::start(&db, free_port(), &env);
    let mut dupont = Browser::new(&server.base());
    dupont.login("dupont");
    let form = dupont.get("/paiement");
    assert_eq!(form.status, 200, "{}", form.text());
    let wallet = form.input_values("porte_monnaie").remove(0);
    let before = head(&db);
    let asked = Instant::now();
    let answer = dupont.post(
        "/paiement",
        &[
            ("porte_monnaie", &wallet),
            ("montant", "20.00"),
            ("email", "jp.dupont@exemple.fr"),
        ],
    );
    let took = asked.elapsed();
    server.kill();
    let after = head(&db);
    assert_audit_verifies(&db);
    (answer, before, after, took)
}

#[test]
fn with_payfip_unreachable_or_silent_the_parent_reads_why_and_nothing_is_recorded() {
    // Given PayFiP's endpoint on a closed port, When the parent asks to pay
    let closed = format!("http://127.0.0.1:{}/ws", free_port());
    let (answer, before, after, _) = pay_while(&closed);
    // Then a French message says the payment could not start, and nothing was recorded
    assert_eq!(answer.status, 422, "{}", answer.text());
    assert!(
        answer
            .text()
            .contains("Le paiement en ligne n'a pas pu démarrer"),
        "{}",
        answer.text()
    );
    assert_eq!(after, before, "nothing recorded, nothing credited");

    // Given PayFiP accepting the connection and never answering
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}/ws", silent.local_addr().unwrap());
    let (answer, before, after, took) = pay_while(&endpoint);
    drop(silent);
    // Then the parent waits no longer than the provider's timeout, reads the same message,
    // and nothing was recorded
    assert!(took < Duration::from_secs(25), "the parent waited {took:?}");
    assert_eq!(answer.status, 422, "{}", answer.text());
    assert!(
        answer
            .text()
            .contains("Le paiement en ligne n'a pas pu démarrer"),
        "{}",
        answer.text()
    );
    assert_eq!(after, before, "nothing recorded, nothing credited");
}
