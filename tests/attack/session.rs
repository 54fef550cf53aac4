//! Session fixation and logout.

use crate::support::{Server, held, text};

#[test]
fn a_cookie_planted_before_log_in_is_never_the_session_and_logout_kills_the_old_cookie() {
    let _quiet = crate::support::shared();
    let server = Server::demo();
    let mut tries = 0;
    for round in 0..5 {
        // Given a browser whose cookies an attacker chose before the log-in
        let mut browser = server.browser();
        let planted_session = format!("{round:02}").repeat(32);
        let planted_visitor = format!("{round:x}").repeat(32);
        browser
            .cookies
            .insert("pf_session".into(), planted_session.clone());
        browser
            .cookies
            .insert("pf_visiteur".into(), planted_visitor.clone());

        // When the parent logs in
        browser.login("dupont", "portail-demo-dupont");
        tries += 1;

        // Then the session is a new one, and the visitor id too
        let session = browser.session().expect("a session cookie");
        assert_ne!(session, planted_session, "fixed session kept");
        assert_ne!(
            browser.cookies.get("pf_visiteur"),
            Some(&planted_visitor),
            "fixed visitor kept"
        );
        assert_eq!(browser.get("/accueil").status, 200);
        // The planted cookie opens nothing
        let mut attacker = server.browser();
        attacker
            .cookies
            .insert("pf_session".into(), planted_session.clone());
        let page = attacker.get("/solde");
        assert_ne!(page.status, 200, "the planted cookie opens /solde");
        assert!(!text(&page.body).contains("DUPONT"));

        // A second log-in in the same browser gives yet another session
        browser.login("dupont", "portail-demo-dupont");
        let second = browser.session().unwrap();
        assert_ne!(second, session, "a log-in over a session keeps it");
        let mut old = server.browser();
        old.cookies.insert("pf_session".into(), session.clone());
        assert_ne!(
            old.get("/solde").status,
            200,
            "the previous session still works"
        );

        // When the parent logs out
        browser.get("/accueil");
        let page = browser.post("/deconnexion", &[]);
        assert_eq!(page.status, 303);
        // Then the old cookie, replayed, no longer opens anything
        let mut replay = server.browser();
        replay.cookies.insert("pf_session".into(), second.clone());
        for path in ["/accueil", "/solde", "/profil", "/suivi"] {
            let page = replay.get(path);
            tries += 1;
            assert_ne!(page.status, 200, "{path} after logout");
            assert!(!text(&page.body).contains("DUPONT"), "{path} after logout");
        }
    }
    held("session fixation and logout", tries);
}
