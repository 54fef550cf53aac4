//! Log-in and recovery: an existing and an unknown identifiant get the same answer (status, body
//! without the token, timing at the median), and both are throttled alike.

use std::time::{Duration, Instant};

use crate::support::{Browser, Page, Server, held};

/// The body with the identifiant typed and the CSRF token replaced by placeholders, and the
/// digits masked (the wait a throttled answer announces counts down by the second).
fn shape(page: &Page, login: &str, mask_digits: bool) -> (u16, String) {
    let body = page.without_token().replace(login, "<identifiant>");
    let body = if mask_digits {
        body.chars()
            .map(|c| if c.is_ascii_digit() { '9' } else { c })
            .collect()
    } else {
        body
    };
    (page.status, body)
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// One log-in attempt from a fresh browser (its own address), timed.
fn attempt(server: &Server, login: &str) -> (Page, Duration) {
    let mut browser = Browser::new(server);
    browser.get("/connexion");
    let started = Instant::now();
    let page = browser.post(
        "/connexion",
        &[
            ("identifiant", login),
            ("mot_de_passe", "pas-le-bon-mot-de-passe"),
        ],
    );
    (page, started.elapsed())
}

#[test]
fn log_in_answers_the_same_for_an_existing_and_an_unknown_identifiant_in_the_same_time() {
    let _quiet = crate::support::alone();
    // Given the demo's accounts that have a password (each failure cleared by a good log-in
    // before the next round, so none reaches the account throttle) and as many unknown ones
    let server = Server::demo();
    const ROUNDS: usize = 21;
    const BATCHES: usize = 3;
    // warm up (connections, pages)
    attempt(&server, "echauffement");

    // When each is tried with a wrong password, alternating, in batches of ROUNDS pairs: a real
    // difference (a skipped hash is tens of ms) shows in every batch, the noise of a shared
    // machine does not, so one batch within the bound is enough
    let mut gaps = Vec::new();
    let mut tries = 0;
    for batch in 0..BATCHES {
        let (mut known_times, mut unknown_times) = (Vec::new(), Vec::new());
        for n in 0..ROUNDS {
            let login = ["dupont", "martin", "bernard"][n % 3];
            let unknown = format!("inconnu-{batch}-{n}");
            // alternate which goes first, so an order effect cancels out
            let ((known, known_time), (other, other_time)) = if n % 2 == 0 {
                let known = attempt(&server, login);
                (known, attempt(&server, &unknown))
            } else {
                let other = attempt(&server, &unknown);
                (attempt(&server, login), other)
            };
            Browser::new(&server).login(login, &format!("portail-demo-{login}"));
            known_times.push(known_time);
            unknown_times.push(other_time);
            tries += 2;
            // Then the same status and the same page
            assert_eq!(known.status, 401, "{login}: {}", known.status);
            assert_eq!(shape(&known, login, false), shape(&other, &unknown, false));
        }
        // The median of the paired differences (each pair measured back to back, so a load
        // that comes and goes weighs on both), and the medians themselves for the report
        let mut pairs: Vec<f64> = known_times
            .iter()
            .zip(&unknown_times)
            .map(|(k, u)| (k.as_secs_f64() - u.as_secs_f64()) * 1000.0)
            .collect();
        pairs.sort_by(f64::total_cmp);
        let gap = pairs[pairs.len() / 2];
        let (known, unknown) = (median(known_times), median(unknown_times));
        println!(
            "log-in timing, batch {batch}: median existing {:.1} ms, unknown {:.1} ms, median paired difference {gap:.1} ms ({ROUNDS} pairs)",
            known.as_secs_f64() * 1000.0,
            unknown.as_secs_f64() * 1000.0
        );
        gaps.push(gap);
        if gap.abs() < 25.0 {
            break;
        }
    }
    assert!(
        gaps.iter().any(|gap| gap.abs() < 25.0),
        "timing tells the accounts apart in every batch: {gaps:.1?} ms"
    );

    // And past the free failures both are throttled the same way
    let (mut last_known, mut last_unknown) = (None, None);
    for _ in 0..5 {
        last_known = Some(attempt(&server, "dupont").0);
        last_unknown = Some(attempt(&server, "personne-inconnue").0);
        tries += 2;
    }
    let (known, unknown) = (last_known.unwrap(), last_unknown.unwrap());
    assert_eq!(known.status, 429);
    assert_eq!(
        shape(&known, "dupont", true),
        shape(&unknown, "personne-inconnue", true)
    );
    assert_eq!(
        known.header("retry-after").is_some(),
        unknown.header("retry-after").is_some()
    );
    held("log-in throttling with identical answers", tries);
}

#[test]
fn recovery_answers_the_same_for_an_existing_and_an_unknown_identifiant() {
    let _quiet = crate::support::alone();
    let server = Server::demo();
    const ROUNDS: usize = 15;
    let question = |page: &Page| {
        let needle = "<label for=\"reponse\">";
        page.body.find(needle).map(|i| {
            let rest = &page.body[i + needle.len()..];
            rest[..rest.find("</label>").unwrap_or(0)].to_owned()
        })
    };
    let ask = |path: &str, who: &str| {
        let mut browser = Browser::new(&server);
        browser.get("/mot-de-passe-oublie");
        let started = Instant::now();
        let page = browser.post(path, &[("identifiant", who)]);
        (page, started.elapsed())
    };
    let mut tries = 0;
    for path in ["/mot-de-passe-oublie/lien", "/mot-de-passe-oublie"] {
        let (mut known_times, mut unknown_times) = (Vec::new(), Vec::new());
        let mut statuses = Vec::new();
        // Three accounts and three unknown identifiants, each asked as often
        for n in 0..ROUNDS {
            let login = ["dupont", "martin", "bernard"][n % 3];
            let unknown = format!("quelqu-un-{}", n % 3);
            let ((known, known_time), (other, other_time)) = if n % 2 == 0 {
                let known = ask(path, login);
                (known, ask(path, &unknown))
            } else {
                let other = ask(path, &unknown);
                (ask(path, login), other)
            };
            known_times.push(known_time);
            unknown_times.push(other_time);
            statuses.push(known.status);
            tries += 2;
            let (mut a, mut b) = (shape(&known, login, true), shape(&other, &unknown, true));
            if let (Some(qa), Some(qb)) = (question(&known), question(&other)) {
                a.1 = a.1.replace(&qa, "<question>");
                b.1 = b.1.replace(&qb, "<question>");
            }
            assert_eq!(a, b, "{path}: {login} and {unknown} answered differently");
        }
        let (known, unknown) = (median(known_times), median(unknown_times));
        let gap = known.as_secs_f64() * 1000.0 - unknown.as_secs_f64() * 1000.0;
        println!(
            "recovery timing {path}: median existing {:.1} ms, unknown {:.1} ms, difference {gap:.1} ms ({ROUNDS} each, statuses {statuses:?})",
            known.as_secs_f64() * 1000.0,
            unknown.as_secs_f64() * 1000.0
        );
        assert!(
            gap.abs() < 25.0,
            "{path}: timing tells the accounts apart: {gap:.1} ms"
        );
    }
    held("recovery with identical answers", tries);
}
