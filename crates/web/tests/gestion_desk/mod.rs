//! The desk's families and payments over the router, as an agent, a director and the régie
//! do them; what the parent then sees.

use axum::http::StatusCode;
use domain::Money;

use crate::common::Portal;

fn file_path(portal: &Portal, login: &str) -> String {
    format!("/gestion/familles/{}", portal.family(login))
}

fn accesses(portal: &Portal) -> u64 {
    app::staff::access_log(&portal.app, &app::staff::Acting::operator(), 0, 1)
        .unwrap()
        .1
}

/// The actor of the log's last event, and `staff:<uuid>` of the demo account `login`.
fn last_actor_and_member(portal: &Portal, login: &str) -> (String, String) {
    let head = portal.head();
    let last = portal
        .app
        .store
        .read_range(head, Some(head), 1)
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    let metadata: serde_json::Value = serde_json::from_str(&last.metadata).unwrap();
    let login = login.to_owned();
    let member = portal
        .app
        .query(move |conn| Ok(app::staff::member_by_login(conn, &login)?.unwrap()))
        .unwrap();
    (
        metadata["actor"].as_str().unwrap().to_owned(),
        format!("staff:{}", member.staff_id),
    )
}

fn balance(portal: &Portal, login: &str) -> Money {
    app::money::statement(&portal.app, portal.family(login), true, true)
        .unwrap()
        .iter()
        .map(|w| w.balance)
        .sum()
}

#[tokio::test]
async fn an_agent_finds_a_family_by_a_child_s_name_and_each_opening_of_its_file_is_logged() {
    let portal = Portal::demo();
    let mut agent = portal.staff_logged_in("accueil").await;
    let found = agent.get("/gestion/familles?q=%C3%A9mma").await;
    assert_eq!(found.status, StatusCode::OK);
    let text = found.main_text();
    assert!(
        text.contains("M. BERNARD Luc") && text.contains("Emma BERNARD"),
        "{text}"
    );
    assert!(
        found
            .body
            .contains(&format!("href=\"{}\"", file_path(&portal, "bernard")))
    );
    let before = accesses(&portal);
    let file = agent.get(&file_path(&portal, "bernard")).await;
    assert_eq!(file.status, StatusCode::OK);
    let text = file.main_text();
    for expected in [
        "Fiche sanitaire",
        "Attestation d'assurance",
        "Enfants",
        "Quotient familial",
        "540",
        "Dossier incomplet",
    ] {
        assert!(text.contains(expected), "{expected}: {text}");
    }
    assert!(file.body.contains(&format!(
        "href=\"{}/reservations\"",
        file_path(&portal, "bernard")
    )));
    assert_eq!(accesses(&portal), before + 1);
    let unknown = agent
        .get("/gestion/familles/00000000-0000-7000-8000-000000000000")
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(
        agent.get("/gestion/familles/pas-un-id").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn ticking_bernard_s_missing_items_at_the_desk_lets_him_book() {
    // Given bernard, blocked by his incomplete file
    let portal = Portal::demo();
    let mut bernard = portal.logged_in("bernard").await;
    let blocked = "Vous ne pouvez pas réserver pour le moment.";
    assert!(
        bernard
            .get("/reservations")
            .await
            .main_text()
            .contains(blocked)
    );
    // When the agent ticks every piece and saves the file
    let mut agent = portal.staff_logged_in("accueil").await;
    let path = file_path(&portal, "bernard");
    agent.get(&path).await;
    let saved = agent
        .post(
            &format!("{path}/dossier"),
            &[
                ("recu", "Fiche sanitaire"),
                ("recu", "Attestation d'assurance"),
                ("recu", "Justificatif de quotient familial"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert_eq!(saved.location(), format!("{path}?fait=dossier"));
    assert!(
        agent
            .get(saved.location())
            .await
            .main_text()
            .contains("Dossier complet.")
    );
    // Then bernard may book
    let text = bernard.get("/reservations").await.main_text();
    assert!(!text.contains(blocked), "{text}");
}

#[tokio::test]
async fn a_desk_payment_moves_the_parent_s_solde_by_exactly_its_amount_and_prints_a_receipt() {
    let portal = Portal::demo();
    let before = balance(&portal, "dupont");
    let mut agent = portal.staff_logged_in("accueil").await;
    let path = format!("{}/reglement", file_path(&portal, "dupont"));
    let form = agent.get(&path).await;
    assert_eq!(form.status, StatusCode::OK);
    let wallet = form
        .body
        .split("<option value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let recorded = agent
        .post(
            &path,
            &[
                ("porte_monnaie", &wallet),
                ("montant", "12,50"),
                ("mode", "CH"),
                ("numero", "0012345"),
                ("banque", "La Banque Postale"),
                ("payeur", "DUPONT Jean-Paul"),
                ("date", ""),
            ],
        )
        .await;
    assert_eq!(
        recorded.status,
        StatusCode::SEE_OTHER,
        "{}",
        recorded.main_text()
    );
    let (actor, member) = last_actor_and_member(&portal, "accueil");
    assert_eq!(actor, member, "the payment's event names the agent");
    let receipt = agent.get(recorded.location()).await;
    let text = receipt.main_text();
    assert!(text.contains("douze euros et cinquante centimes"), "{text}");
    assert!(
        text.contains("Reçu n°") && text.contains("Chèque") && text.contains("0012345"),
        "{text}"
    );
    assert!(
        !receipt.body.contains("/annulation"),
        "an agent may not cancel"
    );
    assert_eq!(
        balance(&portal, "dupont"),
        before + Money::parse("12.50").unwrap()
    );
    let mut dupont = portal.logged_in("dupont").await;
    let solde = dupont.get("/solde").await.main_text();
    assert!(
        solde.contains(&balance(&portal, "dupont").to_string()),
        "{solde}"
    );
}

#[tokio::test]
async fn a_payment_that_does_not_parse_is_shown_again_in_french_and_nothing_is_written() {
    let portal = Portal::demo();
    let mut agent = portal.staff_logged_in("accueil").await;
    let path = format!("{}/reglement", file_path(&portal, "dupont"));
    let form = agent.get(&path).await;
    let wallet = form
        .body
        .split("<option value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let head = portal.head();
    for (amount, mode) in [("12,505", "CH"), ("-5", "CH"), ("10", "XX")] {
        let refused = agent
            .post(
                &path,
                &[
                    ("porte_monnaie", &wallet),
                    ("montant", amount),
                    ("mode", mode),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{amount}");
        assert!(refused.body.contains("role=\"alert\""), "{amount}");
        assert!(
            refused.body.contains(&format!("value=\"{amount}\"")),
            "the typed amount stays"
        );
    }
    assert_eq!(portal.head(), head);
}

#[tokio::test]
async fn the_regie_cancels_a_payment_with_a_reason_and_the_receipt_is_marked_cancelled() {
    let portal = Portal::demo();
    let before = balance(&portal, "dupont");
    let mut agent = portal.staff_logged_in("accueil").await;
    let path = format!("{}/reglement", file_path(&portal, "dupont"));
    let form = agent.get(&path).await;
    let wallet = form
        .body
        .split("<option value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let recorded = agent
        .post(
            &path,
            &[
                ("porte_monnaie", &wallet),
                ("montant", "20"),
                ("mode", "ESP"),
            ],
        )
        .await;
    let receipt = recorded.location().to_owned();
    // The agent's cancellation is refused, nothing written
    let head = portal.head();
    let refused = agent
        .post(&format!("{receipt}/annulation"), &[("motif", "erreur")])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(portal.head(), head);
    // The régie cancels it with a reason
    let mut regie = portal.staff_logged_in("regie").await;
    assert!(regie.get(&receipt).await.body.contains("/annulation"));
    let empty = regie
        .post(&format!("{receipt}/annulation"), &[("motif", " ")])
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(portal.head(), head);
    let done = regie
        .post(
            &format!("{receipt}/annulation"),
            &[("motif", "Saisi deux fois")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let text = regie.get(&receipt).await.main_text();
    assert!(
        text.contains("ANNULÉ") && text.contains("Saisi deux fois"),
        "{text}"
    );
    assert_eq!(balance(&portal, "dupont"), before);
}

#[tokio::test]
async fn a_director_sees_the_file_without_its_forms_and_their_posts_are_refused() {
    let portal = Portal::demo();
    let mut director = portal.staff_logged_in("direction").await;
    let path = file_path(&portal, "bernard");
    let file = director.get(&path).await;
    assert_eq!(file.status, StatusCode::OK);
    for hidden in [
        "/dossier",
        "/quotient",
        "/deblocage",
        "/activation",
        "/reglement\"",
    ] {
        assert!(
            !file.body.contains(&format!("{path}{hidden}")),
            "{hidden} shown"
        );
    }
    let head = portal.head();
    for (action, fields) in [
        ("dossier", vec![("recu", "Fiche sanitaire")]),
        (
            "quotient",
            vec![("quotient", "800"), ("date", "2026-11-01")],
        ),
        ("deblocage", vec![]),
        ("lien", vec![]),
        ("activation", vec![]),
        ("reglement", vec![("montant", "10"), ("mode", "CH")]),
    ] {
        let page = director.post(&format!("{path}/{action}"), &fields).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{action}");
    }
    assert_eq!(
        director.get(&format!("{path}/reglement")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(portal.head(), head);
    let mut admin = portal.staff_logged_in("admin").await;
    assert_eq!(
        admin.get("/gestion/familles?q=bernard").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(admin.get(&path).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_quotient_and_the_access_helps_are_recorded_and_the_letter_carries_a_new_code() {
    let portal = Portal::demo();
    let mut agent = portal.staff_logged_in("accueil").await;
    let path = file_path(&portal, "martin");
    agent.get(&path).await;
    let set = agent
        .post(
            &format!("{path}/quotient"),
            &[("quotient", "820"), ("date", "2026-12-01")],
        )
        .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER);
    let text = agent.get(&path).await.main_text();
    assert!(text.contains("820"), "{text}");
    let bad = agent
        .post(
            &format!("{path}/quotient"),
            &[("quotient", "8,5"), ("date", "2026-12-01")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let unlocked = agent.post(&format!("{path}/deblocage"), &[]).await;
    assert_eq!(unlocked.location(), format!("{path}?fait=deblocage"));
    let letter = agent.post(&format!("{path}/activation"), &[]).await;
    assert_eq!(letter.status, StatusCode::OK);
    assert_eq!(letter.headers["cache-control"], "no-store");
    let text = letter.main_text();
    assert!(
        text.contains("Lettre d'activation") && text.contains("martin"),
        "{text}"
    );
    let code = letter
        .body
        .split("<strong class=\"code\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap();
    assert_eq!(code.len(), 14, "{code}");
}

#[tokio::test]
async fn a_parent_or_a_visitor_on_the_desk_gets_the_staff_log_in_and_nothing_is_written() {
    let portal = Portal::demo();
    let path = file_path(&portal, "bernard");
    let head = portal.head();
    let mut bernard = portal.logged_in("bernard").await;
    let mut visitor = portal.browser();
    visitor.get("/connexion").await;
    for browser in [&mut bernard, &mut visitor] {
        for get in [
            "/gestion/familles?q=bernard".to_owned(),
            path.clone(),
            format!("{path}/reglement"),
        ] {
            let page = browser.get(&get).await;
            assert_eq!(page.status, StatusCode::SEE_OTHER, "{get}");
            assert!(page.location().starts_with("/gestion/connexion"), "{get}");
        }
        let page = browser
            .post(&format!("{path}/dossier"), &[("recu", "Fiche sanitaire")])
            .await;
        assert!(
            page.status == StatusCode::FORBIDDEN
                || page.location().starts_with("/gestion/connexion"),
            "a POST without a staff session is refused: {} {}",
            page.status,
            page.location()
        );
    }
    assert_eq!(portal.head(), head);
    let text = bernard.get("/reservations").await.main_text();
    assert!(
        text.contains("Vous ne pouvez pas réserver pour le moment."),
        "{text}"
    );
}
