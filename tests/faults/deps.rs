//! Dependencies down under the running `serve`: the SMTP relay stopped (bookings still commit,
//! the mails leave once it is back) and PayFiP unreachable or silent (a clear French message,
//! nothing recorded, nothing credited).

use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
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

/// A TCP relay from a port of its own to `to`, which can be cut: the cut closes the
/// connections in course (kept-alive ones included) and, while cut, every new one at once (for
/// a client: PayFiP unreachable).
struct Relay {
    port: u16,
    open: Arc<AtomicBool>,
    connections: Arc<std::sync::Mutex<Vec<TcpStream>>>,
}

impl Relay {
    fn start(to: u16) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let open = Arc::new(AtomicBool::new(true));
        let relay_open = Arc::clone(&open);
        let connections = Arc::new(std::sync::Mutex::new(Vec::new()));
        let relay_connections = Arc::clone(&connections);
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                if !relay_open.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let Ok(server) = TcpStream::connect(("127.0.0.1", to)) else {
                    continue;
                };
                relay_connections
                    .lock()
                    .unwrap()
                    .extend([client.try_clone().unwrap(), server.try_clone().unwrap()]);
                let pipe = |mut from: TcpStream, mut to: TcpStream| {
                    std::thread::spawn(move || {
                        let _ = std::io::copy(&mut from, &mut to);
                        let _ = to.shutdown(std::net::Shutdown::Write);
                    });
                };
                pipe(client.try_clone().unwrap(), server.try_clone().unwrap());
                pipe(server, client);
            }
        });
        Relay {
            port,
            open,
            connections,
        }
    }

    fn cut(&self, cut: bool) {
        self.open.store(!cut, Ordering::SeqCst);
        if cut {
            for stream in self.connections.lock().unwrap().drain(..) {
                let _ = stream.shutdown(std::net::Shutdown::Both);
            }
        }
    }
}

fn count(db: &Path, event_type: &str) -> usize {
    stdout(&portail(db, &["events", "export"]))
        .lines()
        .filter(|line| {
            serde_json::from_str::<serde_json::Value>(line).unwrap()["type"] == event_type
        })
        .count()
}

#[test]
fn a_card_payment_whose_confirmation_finds_payfip_unreachable_is_credited_once_by_reconciliation() {
    // Given the demo served with its PayFiP simulator, PayFiP (and the portal's callbacks)
    // reached through a relay that can be cut
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path(), "reconcile");
    let port = free_port();
    let relay = Relay::start(port);
    let base_url = format!("http://127.0.0.1:{}", relay.port);
    let server = Server::spawn_with(&db, port, &base_url, &["--demo"], &[]);
    let mut dupont = Browser::new(&server.base());
    dupont.origin = base_url.clone();
    dupont.login("dupont");
    // And a card payment of 20.00 € started at PayFiP
    let form = dupont.get("/paiement");
    let wallet = form.input_values("porte_monnaie").remove(0);
    let started = dupont.post(
        "/paiement",
        &[
            ("porte_monnaie", &wallet),
            ("montant", "20.00"),
            ("email", "jp.dupont@exemple.fr"),
        ],
    );
    assert_eq!(started.status, 303, "{}", started.text());
    let idop = started.location.split("idop=").nth(1).unwrap().to_owned();

    // When PayFiP becomes unreachable, and the parent pays and comes back to the portal
    relay.cut(true);
    let paid = dupont.post(
        "/simulateur-payfip/tpa/paiementws.web",
        &[("idop", &idop), ("choix", "P")],
    );
    assert_eq!(paid.status, 303, "{}", paid.text());
    let back = dupont.get(&format!("/paiement/retour?idOp={idop}"));
    // Then the parent reads that PayFiP does not answer, and nothing is credited
    assert!(
        back.text()
            .contains("Le prestataire de paiement ne répond pas"),
        "{}: {}",
        back.status,
        back.text()
    );
    assert_eq!(count(&db, "OnlinePaymentConfirmed"), 0);
    // And the night's reconciliation, PayFiP still unreachable, credits nothing either
    let endpoint = format!("{base_url}/simulateur-payfip/ws");
    let reconcile = || {
        portail(
            &db,
            &[
                "payments",
                "reconcile",
                "--payfip-endpoint",
                &endpoint,
                "--payfip-numcli",
                "000000",
            ],
        )
    };
    let down = reconcile();
    assert!(
        stdout(&down).contains("0 payé(s)") && stdout(&down).contains("1 erreur(s)"),
        "{}{}",
        stdout(&down),
        stderr(&down)
    );
    assert!(
        stderr(&down).contains("Le prestataire de paiement ne répond pas"),
        "{}",
        stderr(&down)
    );
    assert_eq!(count(&db, "OnlinePaymentConfirmed"), 0);

    // When PayFiP answers again, Then the reconciliation credits the payment, once
    relay.cut(false);
    let up = reconcile();
    assert!(up.status.success(), "{}", stderr(&up));
    assert!(stdout(&up).contains("1 payé(s)"), "{}", stdout(&up));
    assert_eq!(count(&db, "OnlinePaymentConfirmed"), 1);
    let again = reconcile();
    assert!(again.status.success(), "{}", stderr(&again));
    let back = dupont.get(&format!("/paiement/retour?idOp={idop}"));
    assert!(back.text().contains("déjà enregistré"), "{}", back.text());
    assert_eq!(count(&db, "OnlinePaymentConfirmed"), 1);
    server.kill();
    assert_audit_verifies(&db);
}
