//! The staff log-in over the router: password, TOTP code or recovery code, enrolment at the
//! first log-in, and what a session that has not finished its log-in can reach.

use app::staff::{Acting, NewStaffAccount, TotpSecret};
use axum::http::{StatusCode, header};
use chrono::Duration;
use domain::staff::Role;

use crate::common::{Browser, Page, Portal};

/// Posts the password step of a demo staff account; the answer.
async fn password_step(browser: &mut Browser, login: &str, password: &str) -> Page {
    browser.get("/gestion/connexion").await;
    browser
        .post(
            "/gestion/connexion",
            &[("identifiant", login), ("mot_de_passe", password)],
        )
        .await
}

async fn code_step(browser: &mut Browser, code: &str) -> Page {
    browser.get("/gestion/connexion/code").await;
    browser
        .post("/gestion/connexion/code", &[("code", code)])
        .await
}

#[tokio::test]
async fn a_demo_member_logs_in_with_password_and_totp_and_reaches_the_desk() {
    let portal = Portal::demo();
    let mut browser = portal.browser();
    let page = password_step(&mut browser, "accueil", "portail-demo-accueil").await;
    assert_eq!(page.location(), "/gestion/connexion/code");
    let pre_login = browser.cookies.get("__Host-pf_gestion").cloned();
    assert!(pre_login.is_some(), "{:?}", browser.cookies);
    let form = browser.get("/gestion/connexion/code").await;
    assert!(form.text().contains("Code à 6 chiffres"), "{}", form.text());
    let code = portal.staff_codes("accueil")[1].clone();
    let page = browser
        .post("/gestion/connexion/code", &[("code", &code)])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    assert_eq!(page.location(), "/gestion");
    assert_ne!(
        browser.cookies.get("__Host-pf_gestion").cloned(),
        pre_login,
        "rotated"
    );
    let home = browser.get("/gestion").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.text().contains("Claire Accueil"), "{}", home.text());
}

#[tokio::test]
async fn wrong_reused_and_two_steps_away_codes_are_refused() {
    let portal = Portal::demo();
    portal.staff_logged_in("regie").await;
    let used = portal.staff_codes("regie")[0].clone();
    let mut browser = portal.browser();
    password_step(&mut browser, "regie", "portail-demo-regie").await;
    let secret = app::demo::DEMO_STAFF[2].totp_secret();
    let step = app::staff::time_step(portal.app.now());
    for code in ["000000".to_owned(), used, secret.code_at_step(step + 2)] {
        let page = code_step(&mut browser, &code).await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED, "{code}");
        assert!(
            page.text().contains("Code incorrect ou déjà utilisé"),
            "{}",
            page.text()
        );
    }
    assert_eq!(
        browser.get("/gestion").await.location(),
        "/gestion/connexion/code"
    );
    let page = code_step(&mut browser, &secret.code_at_step(step - 2)).await;
    assert_eq!(
        page.status,
        StatusCode::TOO_MANY_REQUESTS,
        "throttled after three failures"
    );
    assert!(
        page.text().contains("Trop de tentatives : patientez"),
        "{}",
        page.text()
    );
    assert!(page.headers.get(header::RETRY_AFTER).is_some());
}

#[tokio::test]
async fn an_unknown_identifiant_gets_the_same_answer_as_a_wrong_password() {
    let portal = Portal::demo();
    let unknown = password_step(&mut portal.browser(), "personne", "portail-demo-personne").await;
    let wrong = password_step(&mut portal.browser(), "accueil", "portail-demo-autre").await;
    let parent = password_step(&mut portal.browser(), "dupont", "portail-demo-dupont").await;
    for page in [&unknown, &wrong, &parent] {
        assert_eq!(page.status, StatusCode::UNAUTHORIZED);
        assert!(
            page.text()
                .contains("Identifiant ou mot de passe incorrect.")
        );
    }
    assert_eq!(unknown.main_text(), wrong.main_text());
}

#[tokio::test]
async fn a_parents_session_on_the_desk_gets_the_staff_log_in_and_a_staff_session_on_the_portal_the_parents_one()
 {
    let portal = Portal::demo();
    let mut parent = portal.logged_in("dupont").await;
    let page = parent.get("/gestion").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location(), "/gestion/connexion");
    let login = parent.get("/gestion/connexion").await;
    assert!(login.text().contains("Connexion du personnel"));

    let mut staff = portal.staff_logged_in("admin").await;
    let page = staff.get("/accueil").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(
        page.location().starts_with("/connexion"),
        "{}",
        page.location()
    );
}

#[tokio::test]
async fn staff_sessions_end_after_15_idle_minutes_and_after_8_hours() {
    let portal = Portal::demo();
    let mut browser = portal.staff_logged_in("direction").await;
    portal.clock.advance(Duration::minutes(14));
    assert_eq!(browser.get("/gestion").await.status, StatusCode::OK);
    portal.clock.advance(Duration::minutes(16));
    let page = browser.get("/gestion").await;
    assert_eq!(page.location(), "/gestion/connexion?expiree=1");
    let login = browser.get("/gestion/connexion?expiree=1").await;
    assert!(
        login.text().contains("15 minutes sans activité"),
        "{}",
        login.text()
    );

    let mut browser = portal.staff_logged_in("direction").await;
    for _ in 0..34 {
        portal.clock.advance(Duration::minutes(14));
        assert_eq!(browser.get("/gestion").await.status, StatusCode::OK);
    }
    portal.clock.advance(Duration::minutes(14));
    assert_eq!(
        browser.get("/gestion").await.location(),
        "/gestion/connexion?expiree=1"
    );
}

#[tokio::test]
async fn logging_out_ends_the_staff_session() {
    let portal = Portal::demo();
    let mut browser = portal.staff_logged_in("accueil").await;
    browser.get("/gestion").await;
    let page = browser.post("/gestion/deconnexion", &[]).await;
    assert_eq!(page.location(), "/gestion/connexion?fait=deconnexion");
    assert_eq!(
        browser.get("/gestion").await.location(),
        "/gestion/connexion"
    );
}

/// A new account opened by the operator, activated through `/gestion/activation`: the browser
/// at the enrolment step.
async fn activated(portal: &Portal, login: &str) -> Browser {
    let (_, code) = app::staff::open_account(
        &portal.app,
        &Acting::operator(),
        NewStaffAccount {
            login: login.to_owned(),
            name: "Nadia Martin".to_owned(),
            email: None,
            roles: vec![Role::Regie],
            structures: vec![],
        },
    )
    .unwrap();
    let mut browser = portal.browser();
    browser.get("/gestion/activation").await;
    let password = "une phrase de passe bien longue";
    let page = browser
        .post(
            "/gestion/activation",
            &[
                ("identifiant", login),
                ("code", &code),
                ("nouveau", password),
                ("confirmation", password),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    assert_eq!(page.location(), "/gestion/enrolement");
    browser
}

/// The secret the enrolment page shows as text.
fn shown_secret(page: &Page) -> TotpSecret {
    let start = page.body.find("<p class=\"secret\"><code>").unwrap() + 24;
    let end = start + page.body[start..].find("</code>").unwrap();
    TotpSecret::parse(&page.body[start..end]).unwrap()
}

#[tokio::test]
async fn enrolment_cannot_be_skipped_and_hands_out_recovery_codes_that_serve_once() {
    let portal = Portal::demo();
    let mut browser = activated(&portal, "nadia").await;
    for path in [
        "/gestion",
        "/gestion/comptes",
        "/gestion/journal-acces",
        "/gestion/connexion/code",
    ] {
        let page = browser.get(path).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(page.location(), "/gestion/enrolement", "{path}");
    }
    let page = browser.get("/gestion/enrolement").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<svg"), "the QR code is inline SVG");
    assert!(
        page.body
            .contains("otpauth://totp/Portail%20Famille:nadia?secret=")
    );
    let secret = shown_secret(&page);
    assert_eq!(
        shown_secret(&browser.get("/gestion/enrolement").await),
        secret,
        "same secret on a reload"
    );

    let wrong = browser
        .post("/gestion/enrolement", &[("code", "000000")])
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let code = secret.code_at(portal.app.now());
    let codes_page = browser
        .post("/gestion/enrolement", &[("code", &code)])
        .await;
    assert_eq!(codes_page.status, StatusCode::OK, "{}", codes_page.text());
    assert!(codes_page.text().contains("J'ai noté mes codes"));
    let recovery: Vec<String> = codes_page
        .body
        .split("<li><code>")
        .skip(1)
        .map(|s| s[..s.find("</code>").unwrap()].to_owned())
        .collect();
    assert_eq!(recovery.len(), 10);
    assert_eq!(
        browser.get("/gestion").await.status,
        StatusCode::OK,
        "logged in"
    );

    let password = "une phrase de passe bien longue";
    let mut other = portal.browser();
    password_step(&mut other, "nadia", password).await;
    let page = code_step(&mut other, &recovery[0]).await;
    assert_eq!(page.location(), "/gestion", "{}", page.text());
    let mut again = portal.browser();
    password_step(&mut again, "nadia", password).await;
    let page = code_step(&mut again, &recovery[0]).await;
    assert_eq!(
        page.status,
        StatusCode::UNAUTHORIZED,
        "a recovery code serves once"
    );
}
