//! PayFiP callbacks forged, replayed and concurrent: a real payment is credited once.

use rust_decimal::Decimal;

use crate::support::{Browser, Server, held, owned};

fn balance(server: &Server) -> Decimal {
    let json = server.cli_json(&["balance", "--family", "dupont", "--json"]);
    json["balance"].as_str().unwrap().parse().unwrap()
}

fn confirmed(server: &Server) -> usize {
    let out = crate::support::portail_ok(
        &server.db,
        &["events", "export", "--type", "OnlinePaymentConfirmed"],
    );
    out.lines().filter(|l| !l.trim().is_empty()).count()
}

fn notify(server: &Server, operation: &str) -> u16 {
    let mut browser = Browser::new(server);
    browser
        .post_raw("/paiement/notification", &owned(&[("idOp", operation)]))
        .status
}

#[test]
fn forged_replayed_and_concurrent_notifications_credit_a_real_payment_exactly_once() {
    let _quiet = crate::support::shared();
    let server = Server::demo();
    let before = balance(&server);
    let confirmed_before = confirmed(&server);
    let mut tries = 0;

    // Forged: unknown operations credit nothing and tell nothing
    for forged in ["0000000000", "inconnu", &"9".repeat(200), "' OR 1=1 --"] {
        let status = notify(&server, forged);
        tries += 1;
        assert_eq!(
            status, 200,
            "the provider is answered OK whatever: {forged}"
        );
    }
    assert_eq!(balance(&server), before, "a forged notification credited");
    assert_eq!(confirmed(&server), confirmed_before);

    // Given a real card payment of 12.50 started through the form and paid on the simulator
    let mut dupont = server.logged_in("dupont");
    let form = dupont.get("/paiement");
    let wallet = form.input_values("porte_monnaie")[0].clone();
    let page = dupont.post(
        "/paiement",
        &[
            ("porte_monnaie", &wallet),
            ("montant", "12.50"),
            ("email", "carteplus@wanadoo.fr"),
        ],
    );
    assert_eq!(page.status, 303, "{}", page.body);
    let redirect = page.location().to_owned();
    let operation = redirect
        .split("idop=")
        .nth(1)
        .expect("the simulator's address carries the operation")
        .split('&')
        .next()
        .unwrap()
        .to_owned();
    let mut simulator = Browser::new(&server);
    let path = redirect.trim_start_matches(&server.base).to_owned();
    let sim_page = simulator.get(&path);
    assert_eq!(sim_page.status, 200, "{}", sim_page.body);
    let action = path.split('?').next().unwrap().to_owned();
    let chosen = simulator.post_raw(&action, &owned(&[("idop", &operation), ("choix", "P")]));
    assert!(matches!(chosen.status, 302 | 303), "{}", chosen.body);

    // When 20 copies of its notification arrive at once, then a replay
    let threads: Vec<_> = (0..20)
        .map(|_| {
            let (base, operation) = (server.base.clone(), operation.clone());
            std::thread::spawn(move || {
                ureq::post(format!("{base}/paiement/notification"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .send(format!("idOp={operation}"))
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0)
            })
        })
        .collect();
    for thread in threads {
        assert_eq!(thread.join().unwrap(), 200);
        tries += 1;
    }
    assert_eq!(notify(&server, &operation), 200);
    // and the browser comes back twice
    let back = chosen
        .location()
        .trim_start_matches(&server.base)
        .to_owned();
    for _ in 0..2 {
        let page = dupont.get(&back);
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Paiement accepté"), "{}", page.body);
    }
    tries += 3;

    // Then the wallet is credited once, one confirmation in the log, and /solde shows it
    assert_eq!(balance(&server) - before, Decimal::new(1250, 2));
    assert_eq!(confirmed(&server), confirmed_before + 1);
    let solde = dupont.get("/solde");
    let expected = format!("Crédit disponible {} €", before + Decimal::new(1250, 2));
    assert!(
        crate::support::text(&solde.body).contains(&expected),
        "/solde lacks {expected}: {}",
        crate::support::text(&solde.body)
    );
    held("payment callbacks forged/duplicated/concurrent", tries);
}
