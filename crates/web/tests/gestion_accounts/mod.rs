//! `/gestion/comptes` and `/gestion/journal-acces` over the router.

use app::staff::{AccessKind, Acting};
use axum::http::StatusCode;

use crate::common::{Browser, Portal};

fn actor_of_last_event(portal: &Portal, stream: &str) -> (String, String) {
    let events = portal.app.store.read_stream(stream).unwrap();
    let last = events.last().unwrap();
    let metadata: serde_json::Value = serde_json::from_str(&last.metadata).unwrap();
    (
        last.event_type.clone(),
        metadata["actor"].as_str().unwrap().to_owned(),
    )
}

fn member(portal: &Portal, login: &str) -> app::staff::StaffMember {
    let login = login.to_owned();
    portal
        .app
        .query(move |conn| app::staff::member_by_login(conn, &login))
        .unwrap()
        .unwrap()
}

/// The one-time code shown on the page after opening an account or asking a new code.
fn shown_code(body: &str) -> String {
    let start = body.find("<p class=\"secret\"><code>").unwrap() + 24;
    let end = start + body[start..].find("</code>").unwrap();
    body[start..end].to_owned()
}

async fn activate(portal: &Portal, login: &str, code: &str) -> Browser {
    let mut browser = portal.browser();
    browser.get("/gestion/activation").await;
    let password = "une phrase de passe bien longue";
    let page = browser
        .post(
            "/gestion/activation",
            &[
                ("identifiant", login),
                ("code", code),
                ("nouveau", password),
                ("confirmation", password),
            ],
        )
        .await;
    assert_eq!(page.location(), "/gestion/enrolement", "{}", page.text());
    browser
}

#[tokio::test]
async fn an_administrator_opens_an_account_whose_code_serves_for_the_first_log_in() {
    let portal = Portal::demo();
    let mut admin = portal.staff_logged_in("admin").await;
    let page = admin.get("/gestion/comptes").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text().contains("Claire Accueil (accueil)"),
        "{}",
        page.text()
    );
    let quinsac = domain::ids::derive_id("structure", "quinsac").to_string();
    let page = admin
        .post(
            "/gestion/comptes",
            &[
                ("action", "ouvrir"),
                ("identifiant", "nadia"),
                ("nom", "Nadia Martin"),
                ("courriel", "nadia@exemple.fr"),
                ("role", "accueil"),
                ("structure", &quinsac),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let code = shown_code(&page.body);
    let nadia = member(&portal, "nadia");
    assert_eq!(
        actor_of_last_event(&portal, &nadia.staff_id.stream()),
        (
            "StaffAccountOpened".to_owned(),
            format!("staff:{}", member(&portal, "admin").staff_id)
        )
    );
    activate(&portal, "nadia", &code).await;
    assert!(member(&portal, "nadia").activated);
}

#[tokio::test]
async fn a_refused_opening_says_why_and_writes_nothing() {
    let portal = Portal::demo();
    let mut admin = portal.staff_logged_in("admin").await;
    admin.get("/gestion/comptes").await;
    let before = portal.head();
    let page = admin
        .post(
            "/gestion/comptes",
            &[
                ("action", "ouvrir"),
                ("identifiant", "dupont"),
                ("nom", "Un homonyme"),
                ("role", "regie"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.text().contains("Cet identifiant est déjà pris"),
        "{}",
        page.text()
    );
    assert_eq!(portal.head(), before);
}

#[tokio::test]
async fn accounts_and_the_access_log_are_refused_to_the_other_roles_and_nothing_is_written() {
    let portal = Portal::demo();
    let regie = member(&portal, "regie").staff_id.to_string();
    for login in ["accueil", "direction", "regie"] {
        let mut browser = portal.staff_logged_in(login).await;
        for path in ["/gestion/comptes", "/gestion/journal-acces"] {
            let page = browser.get(path).await;
            assert_eq!(page.status, StatusCode::FORBIDDEN, "{login} {path}");
            assert!(page.text().contains("Votre compte ne permet pas de"));
        }
        browser.get("/gestion").await;
        let before = portal.head();
        let page = browser
            .post(
                "/gestion/comptes",
                &[("action", "desactiver"), ("compte", &regie)],
            )
            .await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{login}");
        assert_eq!(portal.head(), before, "{login}: nothing written");
        assert!(!member(&portal, "regie").disabled);
    }
}

#[tokio::test]
async fn roles_change_only_when_they_differ_and_a_disabled_member_cannot_log_in() {
    let portal = Portal::demo();
    let mut admin = portal.staff_logged_in("admin").await;
    let regie = member(&portal, "regie").staff_id.to_string();
    admin.get("/gestion/comptes").await;
    let before = portal.head();
    let page = admin
        .post(
            "/gestion/comptes",
            &[
                ("action", "modifier"),
                ("compte", &regie),
                ("role", "regie"),
            ],
        )
        .await;
    assert_eq!(page.location(), "/gestion/comptes?fait=inchange");
    assert_eq!(portal.head(), before, "no event when nothing differs");
    let page = admin
        .post(
            "/gestion/comptes",
            &[
                ("action", "modifier"),
                ("compte", &regie),
                ("role", "regie"),
                ("role", "administration"),
            ],
        )
        .await;
    assert_eq!(page.location(), "/gestion/comptes?fait=modifie");
    let changed = member(&portal, "regie");
    assert_eq!(changed.rights.roles.len(), 2);
    assert_eq!(
        actor_of_last_event(&portal, &changed.staff_id.stream()).1,
        format!("staff:{}", member(&portal, "admin").staff_id)
    );

    let mut regie_browser = portal.staff_logged_in("regie").await;
    admin.get("/gestion/comptes").await;
    let page = admin
        .post(
            "/gestion/comptes",
            &[("action", "desactiver"), ("compte", &regie)],
        )
        .await;
    assert_eq!(page.location(), "/gestion/comptes?fait=desactive");
    assert_eq!(
        regie_browser.get("/gestion").await.location(),
        "/gestion/connexion?expiree=1",
        "its sessions end"
    );
    let mut browser = portal.browser();
    browser.get("/gestion/connexion").await;
    let page = browser
        .post(
            "/gestion/connexion",
            &[
                ("identifiant", "regie"),
                ("mot_de_passe", "portail-demo-regie"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_new_activation_code_makes_the_member_start_over() {
    let portal = Portal::demo();
    let mut admin = portal.staff_logged_in("admin").await;
    let accueil = member(&portal, "accueil").staff_id.to_string();
    admin.get("/gestion/comptes").await;
    let page = admin
        .post(
            "/gestion/comptes",
            &[("action", "code"), ("compte", &accueil)],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let code = shown_code(&page.body);
    assert!(!member(&portal, "accueil").enrolled);
    let mut browser = activate(&portal, "accueil", &code).await;
    assert_eq!(
        browser.get("/gestion").await.location(),
        "/gestion/enrolement"
    );
}

#[tokio::test]
async fn the_access_log_shows_who_opened_which_family_newest_first() {
    let portal = Portal::demo();
    let accueil = Acting::member(&member(&portal, "accueil"));
    let dupont = portal.family("dupont");
    let martin = portal.family("martin");
    for family in [dupont, martin] {
        let by = accueil.clone();
        portal
            .app
            .execute("system:test", move |command| {
                let now = command.now();
                app::staff::record_access(command.conn(), &by, family, AccessKind::FamilyFile, now)
            })
            .unwrap();
    }
    let mut admin = portal.staff_logged_in("admin").await;
    let page = admin.get("/gestion/journal-acces").await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.main_text();
    assert!(text.contains("2 accès enregistrés"), "{text}");
    let martin_at = text.find("MARTIN").unwrap();
    let dupont_at = text.find("DUPONT").unwrap();
    assert!(martin_at < dupont_at, "newest first: {text}");
    assert!(text.contains("Claire Accueil (accueil)"));
    assert_eq!(
        admin.get("/gestion/journal-acces?page=0").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_nightly_run_purges_expired_staff_sessions_and_accesses_older_than_six_months() {
    let portal = Portal::demo();
    portal.staff_logged_in("accueil").await;
    let accueil = Acting::member(&member(&portal, "accueil"));
    let dupont = portal.family("dupont");
    portal
        .app
        .execute("system:test", move |command| {
            let now = command.now();
            let old = now - chrono::Duration::days(200);
            app::staff::record_access(
                command.conn(),
                &accueil,
                dupont,
                AccessKind::FamilyFile,
                old,
            )?;
            app::staff::record_access(
                command.conn(),
                &accueil,
                dupont,
                AccessKind::FamilyFile,
                now,
            )
        })
        .unwrap();
    let count = |sql: &'static str| {
        portal
            .app
            .query(move |conn| Ok(conn.query_row(sql, [], |r| r.get::<_, i64>(0))?))
            .unwrap()
    };
    assert_eq!(
        (
            count("SELECT count(*) FROM staff_sessions"),
            count("SELECT count(*) FROM staff_access_log")
        ),
        (1, 2)
    );
    portal.clock.advance(chrono::Duration::hours(9));
    let report = web::run_nightly(&portal.services);
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    assert_eq!(
        (
            count("SELECT count(*) FROM staff_sessions"),
            count("SELECT count(*) FROM staff_access_log")
        ),
        (0, 1)
    );
}

#[tokio::test]
async fn anonymous_visitors_and_parents_get_the_staff_log_in_on_accounts_and_the_access_log() {
    let portal = Portal::demo();
    let regie = member(&portal, "regie").staff_id.to_string();
    let mut anonymous = portal.browser();
    anonymous.get("/gestion/connexion").await;
    let parent = portal.logged_in("dupont").await;
    for (who, mut browser) in [("anonymous", anonymous), ("parent", parent)] {
        for path in ["/gestion/comptes", "/gestion/journal-acces"] {
            let page = browser.get(path).await;
            assert_eq!(page.location(), "/gestion/connexion", "{who} {path}");
        }
        browser.get("/gestion/connexion").await;
        let before = portal.head();
        let page = browser
            .post(
                "/gestion/comptes",
                &[("action", "desactiver"), ("compte", &regie)],
            )
            .await;
        assert_eq!(page.location(), "/gestion/connexion", "{who}");
        assert_eq!(portal.head(), before, "{who}: nothing written");
    }
}
