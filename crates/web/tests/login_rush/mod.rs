//! Log-ins on booking day, over the router: « Rester connecté » on a trusted device (its
//! cookie's lifetime, its renewal, its revocation) and the home page of a parent logged in
//! before the opening, which opens the calendars by itself at the opening instant.

use axum::http::{StatusCode, header};
use chrono::{DateTime, Duration, Utc};

use crate::common::{Browser, Page, Portal};

const SESSION: &str = "__Host-pf_session";

/// Logs `login` in with « Rester connecté » ticked or not; the answer.
async fn log_in(browser: &mut Browser, login: &str, remember: bool) -> Page {
    browser.get("/connexion").await;
    let password = format!("portail-demo-{login}");
    let mut fields = vec![("identifiant", login), ("mot_de_passe", password.as_str())];
    if remember {
        fields.push(("rester_connecte", "1"));
    }
    let page = browser.post("/connexion", &fields).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.main_text());
    page
}

/// The `Set-Cookie` line of the session cookie.
fn session_set_cookie(page: &Page) -> String {
    page.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{SESSION}=")))
        .unwrap_or_else(|| panic!("no session cookie: {:?}", page.headers))
        .to_owned()
}

fn max_age(set_cookie: &str) -> Option<i64> {
    set_cookie
        .split(';')
        .find_map(|part| part.trim().strip_prefix("Max-Age="))
        .and_then(|v| v.parse().ok())
}

#[tokio::test]
async fn the_login_form_offers_to_stay_logged_in_with_a_label() {
    let portal = Portal::demo();
    let page = portal.browser().get("/connexion").await;
    assert!(
        page.body
            .contains(r#"<input id="rester_connecte" name="rester_connecte" type="checkbox""#)
    );
    assert!(
        page.body
            .contains(r#"<label for="rester_connecte">Rester connecté sur cet appareil</label>"#)
    );
}

#[tokio::test]
async fn stay_logged_in_keeps_the_session_thirty_days_renewing_its_cookie_at_each_visit() {
    let portal = Portal::demo();
    let mut phone = portal.browser();
    let answer = log_in(&mut phone, "dupont", true).await;
    let cookie = session_set_cookie(&answer);
    assert_eq!(max_age(&cookie), Some(30 * 24 * 3600), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("Secure"),
        "{cookie}"
    );
    let first_token = phone.cookies[SESSION].clone();

    // Two hours later (an ordinary session would have ended idle): the same page again with
    // a new token; the old one is worth nothing.
    portal.clock.advance(Duration::hours(2));
    let renewed = phone.get("/suivi?x=1").await;
    assert_eq!(renewed.status, StatusCode::SEE_OTHER);
    assert_eq!(renewed.location(), "/suivi?x=1");
    let cookie = session_set_cookie(&renewed);
    assert_eq!(
        max_age(&cookie),
        Some(30 * 24 * 3600 - 2 * 3600),
        "{cookie}"
    );
    assert_ne!(phone.cookies[SESSION], first_token);
    assert_eq!(phone.get("/suivi").await.status, StatusCode::OK);
    let mut replay = portal.browser();
    replay.cookies.insert(SESSION.to_owned(), first_token);
    assert_eq!(
        replay.get("/accueil").await.location(),
        "/connexion?expiree=1"
    );

    // Days later, still there (renewed once more).
    portal.clock.advance(Duration::days(29));
    assert_eq!(phone.get("/accueil").await.status, StatusCode::SEE_OTHER);
    assert_eq!(phone.get("/accueil").await.status, StatusCode::OK);

    // Thirty days after the log-in, it ends like any session.
    portal.clock.advance(Duration::hours(23));
    assert_eq!(
        phone.get("/accueil").await.location(),
        "/connexion?expiree=1"
    );
}

#[tokio::test]
async fn without_the_box_the_session_is_the_ordinary_one() {
    let portal = Portal::demo();
    let mut shared = portal.browser();
    let answer = log_in(&mut shared, "dupont", false).await;
    assert_eq!(
        max_age(&session_set_cookie(&answer)),
        None,
        "ends with the browser"
    );
    portal.clock.advance(Duration::minutes(31));
    assert_eq!(
        shared.get("/accueil").await.location(),
        "/connexion?expiree=1"
    );
}

#[tokio::test]
async fn the_profile_ends_the_other_devices_and_log_out_ends_a_remembered_session() {
    let portal = Portal::demo();
    let mut phone = portal.browser();
    log_in(&mut phone, "dupont", true).await;
    let mut laptop = portal.browser();
    log_in(&mut laptop, "dupont", true).await;
    let profile = laptop.get("/profil").await;
    let text = profile.main_text();
    assert!(
        text.contains("2 appareils gardent votre session, dont celui-ci"),
        "{text}"
    );

    let head = portal.head();
    let done = laptop.post("/profil/appareils", &[]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(done.location(), "/profil?fait=appareils");
    assert_eq!(
        max_age(&session_set_cookie(&done)),
        None,
        "this one now ends with the browser"
    );
    assert_eq!(portal.head(), head, "no event: sessions are registry rows");
    assert_eq!(
        phone.get("/accueil").await.location(),
        "/connexion?expiree=1"
    );
    let page = laptop.get("/profil?fait=appareils").await;
    assert!(
        page.main_text()
            .contains("Les sessions de vos autres appareils sont fermées.")
    );
    assert!(
        page.main_text()
            .contains("Aucun appareil ne garde votre session")
    );
    // No longer remembered: it ends idle like an ordinary one.
    portal.clock.advance(Duration::minutes(31));
    assert_eq!(
        laptop.get("/accueil").await.location(),
        "/connexion?expiree=1"
    );

    let mut tablet = portal.browser();
    log_in(&mut tablet, "dupont", true).await;
    let token = tablet.cookies[SESSION].clone();
    tablet.get("/accueil").await;
    tablet.post("/deconnexion", &[]).await;
    let mut replay = portal.browser();
    replay.cookies.insert(SESSION.to_owned(), token);
    assert_ne!(replay.get("/accueil").await.status, StatusCode::OK);
}

/// The latest booking window opening for the structure dupont's session consults (the demo's
/// windows opened before its clock: the test moves the clock back before it).
fn last_opening_of_dupont(portal: &Portal, browser: &Browser) -> DateTime<Utc> {
    let token = browser.cookies[SESSION].clone();
    let session = app::accounts::session(&portal.app, &token)
        .unwrap()
        .unwrap();
    let structure = session.structure_id.unwrap().to_string();
    let opens: Vec<String> = portal
        .app
        .query(move |conn| {
            let mut statement = conn.prepare(
                "SELECT DISTINCT w.opens_at FROM booking_windows w
                 JOIN period_activities pa ON pa.period_id = w.period_id
                 JOIN activities a ON a.activity_id = pa.activity_id
                 WHERE a.structure_id = ?1",
            )?;
            let rows = statement.query_map([structure], |r| r.get::<_, String>(0))?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .unwrap();
    opens
        .iter()
        .map(|t| DateTime::parse_from_rfc3339(t).unwrap().with_timezone(&Utc))
        .max()
        .expect("the demo has booking windows")
}

fn refresh(page: &Page) -> Option<String> {
    page.body
        .split(r#"http-equiv="refresh" content=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .map(str::to_owned)
}

#[tokio::test]
async fn logged_in_before_the_opening_the_home_page_opens_the_calendars_at_the_instant() {
    let portal = Portal::demo();
    let mut early = portal.browser();
    log_in(&mut early, "dupont", false).await;
    let opens = last_opening_of_dupont(&portal, &early);

    // Twenty minutes before: the opening announced, the page looks again after ten minutes
    // (the session stays alive).
    portal
        .clock
        .advance(opens - portal.app.now() - Duration::minutes(20));
    log_in(&mut early, "dupont", false).await;
    let home = early.get("/accueil").await;
    assert!(
        home.main_text()
            .contains("Les réservations ouvrent à 8 h 30"),
        "{}",
        home.main_text()
    );
    assert_eq!(refresh(&home).as_deref(), Some("600; url=/accueil"));

    // Five minutes and a half before: the next refresh is the opening instant itself.
    portal.clock.advance(Duration::seconds(14 * 60 + 30));
    let home = early.get("/accueil").await;
    assert_eq!(refresh(&home).as_deref(), Some("330; url=/reservations"));

    // At the instant: the calendars are open, nothing to wait for.
    portal.clock.advance(Duration::seconds(330));
    let home = early.get("/accueil").await;
    assert!(refresh(&home).is_none());
    assert!(!home.main_text().contains("ouvrent"));
}
