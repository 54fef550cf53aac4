//! The access-control walk: every route that takes an id, with another family's ids.

use crate::support::{Server, held, text};

/// What dupont's pages show and another family must never see.
const DUPONT_SECRETS: [&str; 3] = ["DUPONT", "Lilou", "Antoine"];

#[test]
fn every_route_with_another_family_s_ids_is_a_404_and_shows_and_writes_nothing() {
    let _quiet = crate::support::shared();
    // Given the demo, and dupont's children, requests, places and days as the CLI lists them
    let server = Server::demo();
    let dupont = server.cli_json(&["families", "list", "--json"]);
    let dupont = dupont
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["login"] == "dupont")
        .unwrap()
        .clone();
    let children: Vec<String> = dupont["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    let listed = server.cli_json(&["reservations", "list", "--family", "dupont", "--json"]);
    let listed = listed.as_array().unwrap();
    let requests: Vec<String> = listed
        .iter()
        .filter_map(|r| r["request_id"].as_str().map(str::to_owned))
        .collect();
    let places: Vec<String> = listed
        .iter()
        .filter_map(|r| r["reservation_id"].as_str().map(str::to_owned))
        .collect();
    let mut days: Vec<(String, String)> = listed
        .iter()
        .map(|r| {
            (
                r["activity_id"].as_str().unwrap().to_owned(),
                r["day"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    days.dedup();
    days.truncate(4);
    assert!(children.len() == 2 && !requests.is_empty() && !places.is_empty());
    // Controls: dupont himself reaches his child's calendar
    let mut owner = server.logged_in("dupont");
    let page = owner.get(&format!("/reservations/{}", children[0]));
    assert_eq!(page.status, 200);
    assert!(text(&page.body).contains("Lilou"));

    let families = server.cli_json(&["families", "list", "--json"]);
    let own_child = |login: &str| {
        families
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["login"] == login)
            .unwrap()["children"][0]["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let head = server.last_position();
    let mut tries = 0;
    let mut mixed = 0;
    for intruder in ["martin", "bernard"] {
        let mut browser = server.logged_in(intruder);
        browser.get("/accueil");
        let mut check = |what: String, page: crate::support::Page| {
            tries += 1;
            assert!(
                matches!(page.status, 404 | 422),
                "{intruder}: {what} answered {}",
                page.status
            );
            let shown = text(&page.body);
            for secret in DUPONT_SECRETS {
                assert!(!shown.contains(secret), "{intruder}: {what} shows {secret}");
            }
        };
        for child in &children {
            for path in [
                format!("/reservations/{child}"),
                format!("/reservations/{child}?mois=2026-12"),
            ] {
                let page = browser.get(&path);
                check(format!("GET {path}"), page);
            }
            for (activity, day) in &days {
                let path = format!("/reservations/{child}/jour/{day}");
                let page = browser.get(&path);
                check(format!("GET {path}"), page);
                for action in ["reserver", "retirer", "annuler"] {
                    browser.get("/accueil");
                    let path = format!("/reservations/{child}/panier");
                    let page = browser.post(
                        &path,
                        &[
                            ("action", action),
                            ("activite", activity),
                            ("jour", day),
                            ("mois", &day[..7]),
                            ("vue", "jour"),
                        ],
                    );
                    check(format!("POST {path} action={action}"), page);
                }
            }
        }
        for request in &requests {
            let path = format!("/reservations/resultat?demande={request}");
            let page = browser.get(&path);
            check(format!("GET {path}"), page);
            browser.get("/suivi");
            let page = browser.post("/suivi/retirer", &[("demande", request)]);
            check(format!("POST /suivi/retirer demande={request}"), page);
        }
        for place in &places {
            browser.get("/suivi");
            let page = browser.post("/suivi/annuler", &[("reservation", place)]);
            check(format!("POST /suivi/annuler reservation={place}"), page);
        }
        // The intruder's own child with dupont's place as the reference: nothing of dupont's
        // moves (checked at the end), nothing of dupont's is shown
        let mine = own_child(intruder);
        for (place, (activity, day)) in places.iter().zip(&days) {
            browser.get(&format!("/reservations/{mine}/jour/{day}"));
            let page = browser.post(
                &format!("/reservations/{mine}/panier"),
                &[
                    ("action", "annuler"),
                    ("activite", activity),
                    ("jour", day),
                    ("reference", place),
                    ("vue", "jour"),
                ],
            );
            mixed += 1;
            let shown = text(&page.body);
            for secret in DUPONT_SECRETS {
                assert!(
                    !shown.contains(secret),
                    "{intruder}: own child + dupont's place shows {secret}"
                );
            }
        }
        // A wallet that is not the family's, and secrets that are nobody's.
        let random = uuid::Uuid::new_v4().simple().to_string();
        browser.get("/paiement");
        let page = browser.post(
            "/paiement",
            &[
                ("porte_monnaie", &random),
                ("montant", "10.00"),
                ("email", "intrus@example.org"),
            ],
        );
        check("POST /paiement another wallet".to_owned(), page);
        for path in [
            format!("/reinitialisation/{random}{random}"),
            format!("/reservations/{random}"),
        ] {
            let page = browser.get(&path);
            check(format!("GET {path}"), page);
        }
        // A well-formed confirmation link that is nobody's: the form, then the refusal
        let path = format!("/profil/confirmation/{random}{random}");
        let page = browser.get(&path);
        assert!(
            !text(&page.body).contains("DUPONT"),
            "{intruder}: GET {path}"
        );
        let link = format!("{random}{random}");
        let page = browser.post("/profil/confirmation", &[("lien", &link)]);
        check(
            "POST /profil/confirmation with nobody's link".to_owned(),
            page,
        );
        // The basket of the intruder holds nothing of dupont's.
        let summary = browser.get("/reservations/recapitulatif");
        let shown = text(&summary.body);
        for secret in DUPONT_SECRETS {
            assert!(!shown.contains(secret), "{intruder}: basket shows {secret}");
        }
    }
    // Nothing was written by any of it, and dupont's places are all still there
    assert_eq!(server.last_position(), head, "the walk recorded something");
    let after = server.cli_json(&["reservations", "list", "--family", "dupont", "--json"]);
    assert_eq!(after.as_array().unwrap(), listed);
    held("access-control walk", tries + mixed);
}
