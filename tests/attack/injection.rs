//! Injection: XSS payloads in every field a person writes come back escaped, in pages and in
//! mails; CR/LF never reaches a mail header.

use crate::support::{Browser, Page, Server, held};

const PAYLOADS: [&str; 5] = [
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "'><svg onload=alert(1)>",
    "</textarea><script>alert(2)</script>",
];

/// What must never come back raw.
fn assert_escaped(page: &Page, what: &str) {
    let body = page.body.to_ascii_lowercase();
    for raw in [
        "<script>alert",
        "<img src=x",
        "<svg onload",
        "href=\"javascript:",
        "src=\"javascript:",
        "</textarea><script",
    ] {
        assert!(!body.contains(raw), "{what}: {raw} came back raw");
    }
}

/// The header block of a mail (up to the first blank line).
fn headers(mail: &str) -> String {
    let end = mail
        .find("\r\n\r\n")
        .or_else(|| mail.find("\n\n"))
        .unwrap_or(mail.len());
    mail[..end].to_owned()
}

#[test]
fn payloads_in_every_field_come_back_escaped_and_never_reach_a_mail_header() {
    let _quiet = crate::support::shared();
    let server = Server::demo();
    let mut dupont = server.logged_in("dupont");
    let mut tries = 0;
    let crlf = [
        "victime@example.org\r\nBcc: pirate@evil.example",
        "victime@example.org\nBcc: pirate@evil.example",
        "victime@example.org%0d%0aBcc: pirate@evil.example",
        "\"pirate\r\nBcc: pirate@evil.example\"@example.org",
    ];
    for payload in PAYLOADS {
        let email_like = format!("{payload}@example.org");
        // Anonymous forms: log-in, recovery, activation identifiants
        let mut visitor = Browser::new(&server);
        for (form, path, fields) in [
            (
                "/connexion",
                "/connexion",
                vec![("identifiant", payload), ("mot_de_passe", "x")],
            ),
            (
                "/mot-de-passe-oublie",
                "/mot-de-passe-oublie",
                vec![("identifiant", payload)],
            ),
            (
                "/mot-de-passe-oublie",
                "/mot-de-passe-oublie/lien",
                vec![("identifiant", payload)],
            ),
            (
                "/mot-de-passe-oublie",
                "/mot-de-passe-oublie/reponse",
                vec![("identifiant", payload), ("reponse", payload)],
            ),
            (
                "/activation",
                "/activation",
                vec![
                    ("identifiant", payload),
                    ("code", payload),
                    ("nouveau", payload),
                    ("confirmation", payload),
                ],
            ),
        ] {
            visitor.get(form);
            let page = visitor.post(path, &fields);
            tries += 1;
            assert_escaped(&page, &format!("POST {path}"));
        }
        // Query parameters people can craft into a link
        let encoded = crate::support::form_encode(&[("q".into(), payload.into())]);
        let value = encoded.trim_start_matches("q=");
        for path in [
            format!("/connexion?fait={value}"),
            format!("/reservations?mois={value}"),
            format!("/suivi?mois={value}&enfant={value}"),
            format!("/historique/consommations?mois={value}"),
            format!("/solde?choix={value}&confirmees={value}"),
            format!("/paiement/retour?idOp={value}"),
            format!("/reinitialisation/{value}"),
        ] {
            let page = dupont.get(&path);
            tries += 1;
            assert_escaped(&page, &format!("GET {path}"));
        }
        // The parent's own fields: question and answer, e-mail, payment e-mail
        dupont.get("/profil/modifier");
        let page = dupont.post(
            "/profil/question",
            &[
                ("question", payload),
                ("reponse", payload),
                ("actuel", "portail-demo-dupont"),
            ],
        );
        tries += 1;
        assert_escaped(&page, "POST /profil/question");
        for path in ["/profil", "/profil/modifier", "/profil/donnees"] {
            let page = dupont.get(path);
            tries += 1;
            assert_escaped(&page, &format!("GET {path} after the question"));
        }
        // The question shown to whoever asks to recover dupont's account
        let mut stranger = Browser::new(&server);
        stranger.get("/mot-de-passe-oublie");
        let page = stranger.post("/mot-de-passe-oublie", &[("identifiant", "dupont")]);
        tries += 1;
        assert_escaped(&page, "the recovery question");
        for courriel in [payload, email_like.as_str()] {
            dupont.get("/profil/modifier");
            let page = dupont.post(
                "/profil/courriel",
                &[("courriel", courriel), ("actuel", "portail-demo-dupont")],
            );
            tries += 1;
            assert_escaped(&page, "POST /profil/courriel");
            let form = dupont.get("/paiement");
            let wallet = form.input_values("porte_monnaie")[0].clone();
            let page = dupont.post(
                "/paiement",
                &[
                    ("porte_monnaie", &wallet),
                    ("montant", "5.00"),
                    ("email", courriel),
                ],
            );
            tries += 1;
            assert_escaped(&page, "POST /paiement");
        }
    }
    // CR/LF in the e-mail fields: refused or neutralised
    for courriel in crlf {
        dupont.get("/profil/modifier");
        let page = dupont.post(
            "/profil/courriel",
            &[("courriel", courriel), ("actuel", "portail-demo-dupont")],
        );
        tries += 1;
        assert_escaped(&page, "POST /profil/courriel with CR/LF");
        let form = dupont.get("/paiement");
        let wallet = form.input_values("porte_monnaie")[0].clone();
        let page = dupont.post(
            "/paiement",
            &[
                ("porte_monnaie", &wallet),
                ("montant", "5.00"),
                ("email", courriel),
            ],
        );
        tries += 1;
        assert_escaped(&page, "POST /paiement with CR/LF");
    }
    // The address kept is never one with a line break in it
    let families = server.cli_json(&["families", "list", "--json"]);
    for family in families.as_array().unwrap() {
        let email = family["email"].as_str().unwrap_or_default();
        assert!(
            !email.contains(['\r', '\n']),
            "a line break was stored: {email:?}"
        );
    }
    // Mails that do leave: an e-mail change and a recovery link, after all of the above
    dupont.get("/profil/modifier");
    let page = dupont.post(
        "/profil/courriel",
        &[
            ("courriel", "nouvelle.adresse@example.org"),
            ("actuel", "portail-demo-dupont"),
        ],
    );
    assert!(matches!(page.status, 200 | 303), "{}", page.status);
    let mut stranger = Browser::new(&server);
    stranger.get("/mot-de-passe-oublie");
    stranger.post("/mot-de-passe-oublie/lien", &[("identifiant", "dupont")]);
    // Then the mails that left (confirmation links, recovery links…) carry nothing raw and no
    // injected header
    server.send_mails();
    let mails = server.mails();
    for mail in &mails {
        let head = headers(mail).to_ascii_lowercase();
        assert!(
            !head.contains("pirate@evil.example"),
            "injected header:\n{head}"
        );
        assert!(!head.contains("\nbcc:"), "injected Bcc:\n{head}");
        let lower = mail.to_ascii_lowercase();
        assert!(
            !lower.contains("<script>alert"),
            "raw script in a mail:\n{mail}"
        );
        assert!(!lower.contains("<img src=x"), "raw img in a mail:\n{mail}");
    }
    assert!(
        mails.len() >= 2,
        "the confirmation and the link were mailed"
    );
    println!("injection: {} mails checked", mails.len());
    held("injection (XSS, CR/LF into mail headers)", tries);
}
