//! CSRF variants on every POST route: no token, a wrong one, another session's, the visitor's
//! once logged in, a foreign `Origin`, `Sec-Fetch-Site: cross-site`.

use crate::support::{Browser, CSRF_FIELD, Server, held, owned};

/// Every POST route of the router with plausible fields (dupont's own ids).
fn routes(server: &Server, dupont: &mut Browser) -> Vec<(String, Vec<(String, String)>)> {
    let families = server.cli_json(&["families", "list", "--json"]);
    let family = families
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["login"] == "dupont")
        .unwrap();
    let child = family["children"][0]["id"].as_str().unwrap().to_owned();
    let structure = family["structures"][0].as_str().unwrap().to_owned();
    let listed = server.cli_json(&["reservations", "list", "--family", "dupont", "--json"]);
    let place = listed
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|r| r["state"] == "acceptee")
        .unwrap();
    let pending = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["state"] == "non_transmis")
        .unwrap();
    let wallet = server.cli_json(&["structures", "list", "--json"])[0]["wallet_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let summary = dupont.get("/reservations/recapitulatif");
    let form = summary
        .input_values("formulaire")
        .into_iter()
        .next()
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let new = "un-nouveau-mot-de-passe-2026";
    vec![
        (
            "/connexion".into(),
            owned(&[
                ("identifiant", "dupont"),
                ("mot_de_passe", "portail-demo-dupont"),
            ]),
        ),
        ("/deconnexion".into(), vec![]),
        ("/structure".into(), owned(&[("structure", &structure)])),
        (
            "/activation".into(),
            owned(&[
                ("identifiant", "dupont"),
                ("code", "ABCD-EFGH-JKMN"),
                ("nouveau", new),
                ("confirmation", new),
            ]),
        ),
        (
            "/mot-de-passe-oublie".into(),
            owned(&[("identifiant", "dupont")]),
        ),
        (
            "/mot-de-passe-oublie/lien".into(),
            owned(&[("identifiant", "dupont")]),
        ),
        (
            "/mot-de-passe-oublie/reponse".into(),
            owned(&[("identifiant", "dupont"), ("reponse", "Félix")]),
        ),
        (
            "/reinitialisation".into(),
            owned(&[
                ("lien", &"ab".repeat(32)),
                ("nouveau", new),
                ("confirmation", new),
            ]),
        ),
        (
            "/profil/mot-de-passe".into(),
            owned(&[
                ("actuel", "portail-demo-dupont"),
                ("nouveau", new),
                ("confirmation", new),
            ]),
        ),
        (
            "/profil/courriel".into(),
            owned(&[
                ("actuel", "portail-demo-dupont"),
                ("courriel", "pirate@evil.example"),
            ]),
        ),
        (
            "/profil/question".into(),
            owned(&[
                ("actuel", "portail-demo-dupont"),
                ("question", "Couleur ?"),
                ("reponse", "rouge"),
            ]),
        ),
        (
            "/profil/confirmation".into(),
            owned(&[("lien", &"cd".repeat(32))]),
        ),
        (
            "/paiement".into(),
            owned(&[
                ("porte_monnaie", &wallet),
                ("montant", "10.00"),
                ("email", "pirate@evil.example"),
            ]),
        ),
        (
            format!("/reservations/{child}/panier"),
            owned(&[
                ("action", "annuler"),
                ("activite", place["activity_id"].as_str().unwrap()),
                ("jour", place["day"].as_str().unwrap()),
                ("reference", place["reservation_id"].as_str().unwrap()),
                ("vue", "jour"),
            ]),
        ),
        (
            "/reservations/recapitulatif".into(),
            owned(&[("formulaire", &form)]),
        ),
        ("/reservations/abandonner".into(), vec![]),
        (
            "/suivi/retirer".into(),
            owned(&[("demande", pending["request_id"].as_str().unwrap())]),
        ),
        (
            "/suivi/annuler".into(),
            owned(&[("reservation", place["reservation_id"].as_str().unwrap())]),
        ),
    ]
}

/// A forgery: its name, the token sent (if any), extra request headers.
type Variant<'a> = (&'a str, Option<String>, Vec<(&'a str, &'a str)>);

#[test]
fn every_post_route_refuses_every_forged_token_and_cross_site_request_and_writes_nothing() {
    let _quiet = crate::support::shared();
    // Given dupont logged in, martin logged in, and the tokens an attacker could hold
    let server = Server::demo();
    let mut dupont = server.logged_in("dupont");
    let mut martin = server.logged_in("martin");
    martin.get("/accueil");
    let martin_token = martin.csrf.clone().unwrap();
    dupont.get("/accueil");
    let valid = dupont.csrf.clone().unwrap();
    // The visitor token of dupont's own browser: what an anonymous page bound to its visitor
    // cookie carries.
    let mut visitor_only = dupont.clone();
    visitor_only.cookies.remove("pf_session");
    visitor_only.get("/connexion");
    let visitor_token = visitor_only.csrf.clone().unwrap();
    assert_ne!(visitor_token, valid);
    let routes = routes(&server, &mut dupont);

    let head = server.last_position();
    let outbox = server.cli_json(&["mail", "outbox", "--json"]);
    let variants: Vec<Variant> = vec![
        ("no token", None, vec![]),
        ("wrong token", Some("0".repeat(64)), vec![]),
        (
            "another session's token",
            Some(martin_token.clone()),
            vec![],
        ),
        (
            "the visitor token once logged in",
            Some(visitor_token.clone()),
            vec![],
        ),
        (
            "Origin: http://evil.example",
            Some(valid.clone()),
            vec![("Origin", "http://evil.example")],
        ),
        (
            "Sec-Fetch-Site: cross-site",
            Some(valid.clone()),
            vec![("Sec-Fetch-Site", "cross-site")],
        ),
    ];
    let mut tries = 0;
    for (path, fields) in &routes {
        for (variant, token, headers) in &variants {
            let mut pairs = fields.clone();
            if let Some(token) = token {
                pairs.push((CSRF_FIELD.to_owned(), token.clone()));
            }
            let page = dupont.post_raw_with(path, &pairs, headers);
            tries += 1;
            assert_eq!(
                page.status, 403,
                "POST {path} with {variant}: {}",
                page.body
            );
            assert!(
                page.body.contains("lang=\"fr\""),
                "POST {path} with {variant}"
            );
        }
    }
    // Then nothing was written, no mail queued, and dupont is still logged in
    assert_eq!(
        server.last_position(),
        head,
        "a forged POST recorded something"
    );
    assert_eq!(server.cli_json(&["mail", "outbox", "--json"]), outbox);
    assert_eq!(dupont.get("/accueil").status, 200);
    // And the same request with the right token does go through (the control)
    dupont.get("/accueil");
    let page = dupont.post("/deconnexion", &[]);
    assert_eq!(page.status, 303);
    held("CSRF variants on every POST", tries);
}
