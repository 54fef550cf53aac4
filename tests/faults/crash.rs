//! `serve` killed (SIGKILL) again and again while parents book through the real forms: every
//! acknowledged booking is in the log exactly once, the file and the chain are sound, and no
//! mail leaves twice.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support::{
    BookingForm, Browser, Server, SmtpSink, assert_audit_verifies, booking_forms, demo_db,
    free_port, integrity_check, portail, smtp_env,
};

/// Parents booking at once.
const PARENTS: usize = 8;

/// How many kills: `PORTAIL_CRASH_KILLS` (the long run uses 500), 20 by default.
fn kills() -> usize {
    std::env::var("PORTAIL_CRASH_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20)
}

/// A basket the portal acknowledged: its « Valider » answered 303.
#[derive(Debug, Clone)]
struct Acknowledged {
    /// The form's id, the client request id the log keeps in `BasketSubmitted`.
    formulaire: String,
    /// The receipt listed the line as requested (not « impossible : … »).
    recorded: bool,
}

/// A small deterministic sequence (no clock, no dependency): the same run every time.
fn lives(count: usize) -> Vec<Duration> {
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    (0..count)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            Duration::from_millis(150 + x % 1200)
        })
        .collect()
}

/// Waits until the portal answers again (it is being restarted).
fn until_up(browser: &mut Browser, running: &AtomicBool) -> bool {
    while running.load(Ordering::SeqCst) {
        if browser.try_get("/sante").is_ok_and(|p| p.status == 200) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

/// One parent: puts a day in the basket, validates it and records the 303 with the form's id
/// (`formulaire`, the request's identity) and whether the receipt took the line; then withdraws
/// the requests still « Non transmis » from « Suivi », so the days can be booked again. After a
/// failed request it waits for the restart, empties the basket and starts the line again, except
/// a failed « Valider », which is sent again with the same form id (the portal must record it
/// once).
fn parent(
    base: String,
    forms: Vec<BookingForm>,
    running: Arc<AtomicBool>,
    acknowledged: Arc<Mutex<Vec<Acknowledged>>>,
) {
    let mut browser = Browser::new(&base);
    while running.load(Ordering::SeqCst) && browser.try_login("dupont").is_err() {
        until_up(&mut browser, &running);
    }
    let mut queue = forms.into_iter().cycle();
    while running.load(Ordering::SeqCst) {
        let Some(form) = queue.next() else {
            return;
        };
        let outcome = (|| -> Result<(), String> {
            browser.try_get(&form.action.replace("/panier", ""))?;
            let added = browser.try_post(&form.action, &form.fields)?;
            if added.status != 303 {
                return Ok(());
            }
            let summary = browser.try_get("/reservations/recapitulatif")?;
            let Some(formulaire) = summary.input_values("formulaire").into_iter().next() else {
                return Ok(());
            };
            let fields = [("formulaire".to_owned(), formulaire.clone())];
            let mut answer = browser.try_post("/reservations/recapitulatif", &fields);
            while answer.is_err() && until_up(&mut browser, &running) {
                // The token of the page read before the kill is still good: same session.
                answer = browser.try_post("/reservations/recapitulatif", &fields);
            }
            let answer = answer?;
            if answer.status != 303 {
                return Ok(());
            }
            // The receipt tells whether the line went in or was refused (the day already
            // asked by another parent, clashing activities of one day, a passed deadline).
            let mut receipt = browser.try_get(&answer.location);
            while receipt.is_err() && until_up(&mut browser, &running) {
                receipt = browser.try_get(&answer.location);
            }
            let receipt = receipt?;
            let recorded = receipt.status == 200 && !receipt.body.contains("impossible : ");
            acknowledged.lock().unwrap().push(Acknowledged {
                formulaire,
                recorded,
            });
            if recorded {
                // Every request still « Non transmis » (its own and the others'), so pending
                // requests never pile up: a request withdrawn twice is a 422, nothing more.
                let follow_up = browser.try_get("/suivi")?;
                for (action, fields) in follow_up.forms() {
                    if action == "/suivi/retirer" {
                        browser.try_post(&action, &fields)?;
                    }
                }
            }
            Ok(())
        })();
        if outcome.is_err() && until_up(&mut browser, &running) {
            let _ = browser
                .try_get("/reservations")
                .and_then(|_| browser.try_post("/reservations/abandonner", &[]));
        }
    }
}

/// Another family changing its address again and again: each change queues a confirmation mail,
/// which the mail worker of the next life of serve sends (it flushes at start, then every 30 s).
fn mailer(base: String, running: Arc<AtomicBool>) -> usize {
    let mut browser = Browser::new(&base);
    let mut changed = 0;
    let mut n = 0;
    while running.load(Ordering::SeqCst) {
        if browser.try_login("martin").is_err() {
            until_up(&mut browser, &running);
            continue;
        }
        while running.load(Ordering::SeqCst) {
            n += 1;
            let address = format!("sophie.martin+{n}@exemple.fr");
            let answer = browser.try_get("/profil").and_then(|_| {
                browser.try_post(
                    "/profil/courriel",
                    &[
                        ("courriel".to_owned(), address),
                        ("actuel".to_owned(), "portail-demo-martin".to_owned()),
                    ],
                )
            });
            match answer {
                Ok(page) if page.status == 303 => changed += 1,
                Ok(_) => {}
                Err(_) => {
                    until_up(&mut browser, &running);
                }
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }
    changed
}

#[test]
fn serve_killed_under_parallel_parents_loses_nothing_acknowledged_and_sends_no_mail_twice() {
    let kills = kills();
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path(), "crash");
    let sink = SmtpSink::start(0);
    let env = smtp_env(sink.port);
    let port = free_port();

    // Given the portal over the demo, the days a parent may book, shared out among 8 parents
    let mut server = Server::start(&db, port, &env);
    let mut scout = Browser::new(&server.base());
    scout.login("dupont");
    let forms = booking_forms(&mut scout, 4);
    assert!(
        forms.len() >= PARENTS * 4,
        "only {} days to book",
        forms.len()
    );
    let running = Arc::new(AtomicBool::new(true));
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let parents: Vec<_> = (0..PARENTS)
        .map(|i| {
            let share: Vec<BookingForm> = forms.iter().skip(i).step_by(PARENTS).cloned().collect();
            let (base, running, acknowledged) = (
                server.base(),
                Arc::clone(&running),
                Arc::clone(&acknowledged),
            );
            std::thread::spawn(move || parent(base, share, running, acknowledged))
        })
        .collect();
    let mailer = {
        let (base, running) = (server.base(), Arc::clone(&running));
        std::thread::spawn(move || mailer(base, running))
    };

    // When serve is killed `kills` times at uneven instants, restarted after each kill, while
    // every fifth life a staff transmission runs beside it (another process writing the same file)
    for (round, life) in lives(kills).into_iter().enumerate() {
        let transmission = (round % 5 == 4).then(|| {
            // The first one for real (its report mails); then dry runs, which take the same
            // write transaction and roll it back, so the days stay bookable in long runs.
            let dry_run: &[&str] = if round == 4 { &[] } else { &["--dry-run"] };
            std::process::Command::new(crate::support::portail_bin())
                .arg("--db")
                .arg(&db)
                .arg("transmit")
                .args(dry_run)
                .current_dir(dir.path())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap()
        });
        std::thread::sleep(life);
        server.kill();
        if let Some(mut transmission) = transmission {
            let _ = transmission.wait();
        }
        server = Server::start(&db, port, &env);
    }
    // The last life lets the mail worker send what is due, then the parents stop
    std::thread::sleep(Duration::from_secs(2));
    running.store(false, Ordering::SeqCst);
    for parent in parents {
        parent.join().unwrap();
    }
    let changes = mailer.join().unwrap();
    assert!(changes > 0, "no address change went through");
    server.kill();

    let acknowledged = acknowledged.lock().unwrap().clone();
    let recorded = acknowledged.iter().filter(|a| a.recorded).count();
    assert!(
        recorded >= kills.min(20),
        "too few bookings were acknowledged to prove anything: {recorded}"
    );
    // Then every acknowledged basket is in the log exactly once (a refused one not at all),
    // and no basket twice
    let mut baskets: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for line in crate::support::stdout(&portail(&db, &["events", "export"])).lines() {
        let event: serde_json::Value = serde_json::from_str(line).unwrap();
        if event["type"] == "BasketSubmitted" {
            let id = event["payload"]["client_request_id"]
                .as_str()
                .unwrap()
                .to_owned();
            let lines = event["payload"]["booking_lines"].as_u64().unwrap();
            baskets.entry(id).or_default().push(lines);
        }
    }
    for ack in &acknowledged {
        let expected: Vec<u64> = if ack.recorded { vec![1] } else { vec![] };
        assert_eq!(
            baskets.get(&ack.formulaire).cloned().unwrap_or_default(),
            expected,
            "acknowledged basket {ack:?}"
        );
    }
    for (id, events) in &baskets {
        assert_eq!(
            events.len(),
            1,
            "basket {id} recorded {} times",
            events.len()
        );
    }
    // And the file is sound, the chain and the read models verify
    assert_eq!(integrity_check(&db), "ok");
    assert_audit_verifies(&db);
    // And no mail reached the SMTP server twice
    let ids = sink.message_ids();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "a mail was sent twice: {ids:?}");
    report(
        &db,
        kills,
        (recorded, acknowledged.len() - recorded),
        ids.len(),
        started.elapsed(),
    );
}

/// The figures of the run, for docs/reliability.md (`-- --nocapture` shows them).
fn report(db: &Path, kills: usize, acknowledged: (usize, usize), mails: usize, took: Duration) {
    let head = crate::support::stdout(&portail(db, &["events", "export"]))
        .lines()
        .count();
    println!(
        "crash: {kills} SIGKILLs of serve, {PARENTS} parents, {} acknowledged baskets each in the log \
         once, {} acknowledged refusals absent from it, {head} events, integrity_check ok, audit verify ok, \
         {mails} mails delivered, none twice ({:.0} s)",
        acknowledged.0,
        acknowledged.1,
        took.as_secs_f64()
    );
}
