//! What an attacker (or a careless browser) can observe of the portal's defences, REFERENCE §C:
//! cookies and session lifetimes, identical answers for unknown accounts, throttling, CSRF on
//! every POST, no mutation on GET, every id checked against the session's family, security
//! headers, body limits, error pages, the bounded hashing pool, and password recovery that never
//! reveals a password.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use axum::http::{StatusCode, header};
use chrono::Duration;
use common::{Browser, Page, Portal};
use tokio::time::timeout;

const DUPONT_PASSWORD: &str = "portail-demo-dupont";
const NEW_PASSWORD: &str = "une phrase de passe toute neuve";
const WRONG_PASSWORD: &str = "pas du tout le bon mot de passe";
const REJECTED: &str = "Identifiant ou mot de passe incorrect.";
const THROTTLED: &str = "Trop de tentatives";
const BASE: &str = "https://portail.example.fr";
/// The cookies' names over HTTPS: `__Host-` prefixed.
const SESSION: &str = "__Host-pf_session";
const VISITOR: &str = "__Host-pf_visiteur";

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// The `Set-Cookie` header of the response for cookie `name`.
fn set_cookie<'p>(page: &'p Page, name: &str) -> Option<&'p str> {
    let prefix = format!("{name}=");
    page.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&prefix))
}

fn is_secret(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

fn retry_after(page: &Page) -> Option<i64> {
    page.headers
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

fn session(browser: &Browser) -> Option<String> {
    browser.cookies.get(SESSION).cloned()
}

/// A browser sending only `pf_session=<token>` (a stolen or replayed cookie).
fn replaying(portal: &Portal, token: &str) -> Browser {
    let mut browser = portal.browser();
    browser.cookies.insert(SESSION.to_owned(), token.to_owned());
    browser
}

fn owned(fields: &[(&str, &str)]) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// Every `href="…"` of the page.
fn hrefs(body: &str) -> Vec<String> {
    body.split("href=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap_or(0)].replace("&amp;", "&"))
        .collect()
}

/// `/reservations/<child>` links of the children page.
fn child_links(page: &Page) -> Vec<String> {
    let mut out: Vec<String> = hrefs(&page.body)
        .into_iter()
        .filter(|h| {
            h.strip_prefix("/reservations/")
                .is_some_and(|id| uuid::Uuid::parse_str(id).is_ok())
        })
        .collect();
    out.dedup();
    out
}

async fn attempt(browser: &mut Browser, login: &str, password: &str) -> Page {
    browser
        .post(
            "/connexion",
            &[("identifiant", login), ("mot_de_passe", password)],
        )
        .await
}

/// A « réserver » form of one of the family's children: (action, fields with the token).
async fn bookable(browser: &mut Browser) -> (String, Vec<(String, String)>) {
    let children = browser.get("/reservations").await;
    for child in child_links(&children) {
        for month in ["", "?mois=2026-12", "?mois=2027-01"] {
            let calendar = browser.get(&format!("{child}{month}")).await;
            let prefix = format!("{child}/jour/");
            for day in hrefs(&calendar.body)
                .into_iter()
                .filter(|h| h.starts_with(&prefix))
            {
                let page = browser.get(&day).await;
                let action = format!("{child}/panier");
                if let Some(fields) = page.form(&action, &[("action", "reserver")]) {
                    return (action, fields);
                }
            }
        }
    }
    panic!("no day the family can book in the demo");
}

/// Puts one booking in the basket (valid token); returns its form's fields.
async fn fill_basket(browser: &mut Browser) -> Vec<(String, String)> {
    let (action, fields) = bookable(browser).await;
    let page = browser.post_raw(&action, &fields).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.main_text());
    let summary = browser.get("/reservations/recapitulatif").await;
    assert!(
        !summary.main_text().contains("Votre panier est vide"),
        "{}",
        summary.main_text()
    );
    fields
}

fn field<'f>(fields: &'f [(String, String)], name: &str) -> &'f str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no field {name}"))
}

/// The reset link of the last `password_reset` mail, as a path.
fn last_reset_path(portal: &Portal) -> String {
    let mails = portal.mails("password_reset");
    let (_, body) = mails.last().expect("a password_reset mail");
    link_path(body, "/reinitialisation/")
}

fn link_path(body: &str, path: &str) -> String {
    let prefix = format!("{BASE}{path}");
    let start = body.find(&prefix).expect("the link in the mail");
    let link = body[start..].split_whitespace().next().unwrap();
    link.trim_start_matches(BASE).to_owned()
}

/// The `/structure` value of the structure the session does not consult.
fn other_structure(page: &Page) -> String {
    page.body
        .split("<form")
        .skip(1)
        .find(|chunk| {
            chunk.contains("action=\"/structure\"") && chunk.contains("aria-pressed=\"false\"")
        })
        .and_then(|chunk| {
            let needle = "name=\"structure\" value=\"";
            let start = chunk.find(needle)? + needle.len();
            Some(chunk[start..start + chunk[start..].find('"')?].to_owned())
        })
        .expect("a second structure")
}

/// A payment provider that only records what it was asked.
#[derive(Default)]
struct RecordingProvider(Mutex<Vec<payment::CreatePayment>>);

impl payment::PaymentProvider for RecordingProvider {
    fn name(&self) -> &'static str {
        "test"
    }

    fn create(
        &self,
        request: &payment::CreatePayment,
    ) -> Result<payment::CreatedPayment, payment::ProviderError> {
        self.0.lock().unwrap().push(request.clone());
        Ok(payment::CreatedPayment {
            operation_id: "operation-test".to_owned(),
            redirect_url: "https://paiement.example/operation-test".to_owned(),
        })
    }

    fn detail(
        &self,
        _operation_id: &str,
    ) -> Result<payment::PaymentStatus, payment::ProviderError> {
        Ok(payment::PaymentStatus::Pending)
    }
}

// ---------------------------------------------------------------------------------------------
// 1. Cookies
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn login_cookie_is_hardened_and_rotated_at_each_login() {
    let portal = Portal::demo();
    let mut browser = portal.browser();
    let page = browser.login("dupont", DUPONT_PASSWORD).await;
    let cookie = set_cookie(&page, SESSION).expect("a session cookie");
    let attributes: Vec<&str> = cookie.split(';').map(str::trim).collect();
    for required in ["HttpOnly", "Secure", "SameSite=Lax", "Path=/"] {
        assert!(
            attributes.contains(&required),
            "{required} missing: {cookie}"
        );
    }
    let first = session(&browser).unwrap();
    assert!(is_secret(&first), "256 random bits expected: {first}");
    assert_eq!(browser.get("/accueil").await.status, StatusCode::OK);

    // The anonymous visitor cookie is as hardened.
    let mut fresh = portal.browser();
    let page = fresh.get("/connexion").await;
    let visitor = set_cookie(&page, VISITOR).expect("a visitor cookie");
    for required in ["HttpOnly", "Secure", "SameSite=Lax", "Path=/"] {
        assert!(visitor.contains(required), "{required} missing: {visitor}");
    }

    // Logging in again in the same browser: a new id, and the old one is dead.
    browser.login("dupont", DUPONT_PASSWORD).await;
    let second = session(&browser).unwrap();
    assert_ne!(first, second, "the session id must change at login");
    let page = replaying(&portal, &first).get("/accueil").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(
        page.location().starts_with("/connexion"),
        "{}",
        page.location()
    );
    assert_eq!(browser.get("/accueil").await.status, StatusCode::OK);
}

/// Over HTTPS both cookies are `__Host-` prefixed (the browser then refuses them from a sibling
/// subdomain or a plain-HTTP answer), and an unprefixed `pf_visiteur` planted that way is not
/// read: its token does not log the victim into the attacker's account.
#[tokio::test]
async fn over_https_cookies_are_host_prefixed_and_a_planted_unprefixed_visitor_is_ignored() {
    let portal = Portal::demo();
    let mut browser = portal.browser();
    let page = browser.get("/connexion").await;
    let visitor = set_cookie(&page, VISITOR).expect("a __Host- visitor cookie");
    let page = browser
        .post(
            "/connexion",
            &[("identifiant", "dupont"), ("mot_de_passe", DUPONT_PASSWORD)],
        )
        .await;
    let session_cookie = set_cookie(&page, SESSION).expect("a __Host- session cookie");
    for cookie in [visitor, session_cookie] {
        let attributes: Vec<&str> = cookie.split(';').map(str::trim).collect();
        assert!(
            attributes.contains(&"Secure") && attributes.contains(&"Path=/"),
            "{cookie}"
        );
        assert!(
            !attributes.iter().any(|a| a.starts_with("Domain")),
            "{cookie}"
        );
    }
    assert!(
        page.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .all(|v| v.to_str().unwrap().starts_with("__Host-")),
        "an unprefixed cookie: {:?}",
        page.headers
    );

    // The attacker's own visitor id and token, planted without the prefix in the victim's
    // browser (a sibling subdomain can do that): the log-in form is refused.
    let mut attacker = portal.browser();
    attacker.get("/connexion").await;
    let planted = attacker.cookies.get(VISITOR).unwrap().clone();
    let token = attacker.csrf.clone().unwrap();
    let mut victim = portal.browser();
    victim
        .cookies
        .insert(web::VISITOR_COOKIE.to_owned(), planted);
    let page = victim
        .post_raw(
            "/connexion",
            &owned(&[
                ("identifiant", "martin"),
                ("mot_de_passe", "portail-demo-martin"),
                (web::CSRF_FIELD, &token),
            ]),
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN, "{}", page.main_text());
    assert!(session(&victim).is_none());

    // Over plain HTTP on loopback (the demo) the prefix is impossible: plain names, no Secure.
    let portal = Portal::with_config(web::WebConfig::for_base_url("http://127.0.0.1:8080"));
    let mut browser = portal.browser();
    let page = browser.get("/connexion").await;
    let visitor = set_cookie(&page, web::VISITOR_COOKIE).expect("a plain visitor cookie");
    assert!(!visitor.contains("Secure"), "{visitor}");
    let page = browser
        .post(
            "/connexion",
            &[("identifiant", "dupont"), ("mot_de_passe", DUPONT_PASSWORD)],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.main_text());
    assert!(set_cookie(&page, web::SESSION_COOKIE).is_some());
}

// ---------------------------------------------------------------------------------------------
// 2. Unknown account vs wrong password
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn unknown_account_and_wrong_password_get_the_same_answer() {
    let portal = Portal::demo();
    let mut known = portal.browser();
    known.get("/connexion").await;
    let wrong = attempt(&mut known, "dupont", WRONG_PASSWORD).await;
    let mut stranger = portal.browser();
    stranger.get("/connexion").await;
    let unknown = attempt(&mut stranger, "personne-inconnue", WRONG_PASSWORD).await;

    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert!(
        wrong.main_text().contains(REJECTED),
        "{}",
        wrong.main_text()
    );
    assert_eq!(wrong.main_text(), unknown.main_text());
    assert_eq!(
        wrong.headers.get(header::RETRY_AFTER),
        unknown.headers.get(header::RETRY_AFTER)
    );
    for page in [&wrong, &unknown] {
        assert!(!page.body.contains(WRONG_PASSWORD), "password echoed back");
        assert!(set_cookie(page, SESSION).is_none());
    }
    assert!(session(&known).is_none() && session(&stranger).is_none());
}

// ---------------------------------------------------------------------------------------------
// 3. Throttling
// ---------------------------------------------------------------------------------------------

/// Five failures for `login`, waiting out the delays after the 3rd (5 s) and the 4th (15 s).
async fn five_failures(portal: &Portal, browser: &mut Browser, login: &str) {
    for n in 1..=5 {
        let page = attempt(browser, login, WRONG_PASSWORD).await;
        assert_eq!(
            page.status,
            StatusCode::UNAUTHORIZED,
            "failure {n}: {}",
            page.main_text()
        );
        if n == 3 {
            let early = attempt(browser, login, WRONG_PASSWORD).await;
            assert_eq!(
                early.status,
                StatusCode::TOO_MANY_REQUESTS,
                "a wait after the 3rd failure"
            );
            portal.clock.advance(Duration::seconds(6));
        }
        if n == 4 {
            portal.clock.advance(Duration::seconds(16));
        }
    }
}

#[tokio::test]
async fn repeated_failures_throttle_the_account_even_with_the_right_password() {
    let portal = Portal::demo();
    let head = portal.head();
    let mut browser = portal.browser();
    browser.get("/connexion").await;
    five_failures(&portal, &mut browser, "dupont").await;

    let sixth = attempt(&mut browser, "dupont", DUPONT_PASSWORD).await;
    assert_eq!(sixth.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        sixth.main_text().contains(THROTTLED),
        "{}",
        sixth.main_text()
    );
    assert!(
        retry_after(&sixth).is_some_and(|s| s > 0),
        "Retry-After expected"
    );
    assert!(
        session(&browser).is_none(),
        "a throttled attempt must not log in"
    );

    // The same number of failures on an unknown identifiant: the same answer.
    let mut stranger = portal.browser();
    stranger.get("/connexion").await;
    five_failures(&portal, &mut stranger, "personne-inconnue").await;
    let unknown = attempt(&mut stranger, "personne-inconnue", DUPONT_PASSWORD).await;
    assert_eq!(unknown.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(unknown.main_text(), sixth.main_text());

    // Still ≥ 60 s after dupont's 5th failure (22 s have passed).
    let still = attempt(&mut browser, "dupont", DUPONT_PASSWORD).await;
    assert_eq!(still.status, StatusCode::TOO_MANY_REQUESTS);

    // A client that waits what Retry-After announces may try again, even once the waits have
    // grown beyond a minute.
    portal
        .clock
        .advance(Duration::seconds(retry_after(&unknown).unwrap()));
    let sixth_failure = attempt(&mut stranger, "personne-inconnue", WRONG_PASSWORD).await;
    assert_eq!(sixth_failure.status, StatusCode::UNAUTHORIZED);
    let throttled = attempt(&mut stranger, "personne-inconnue", WRONG_PASSWORD).await;
    assert_eq!(throttled.status, StatusCode::TOO_MANY_REQUESTS);
    let announced = retry_after(&throttled).unwrap();
    portal.clock.advance(Duration::seconds(announced));
    let after_wait = attempt(&mut stranger, "personne-inconnue", WRONG_PASSWORD).await;
    assert_eq!(
        after_wait.status,
        StatusCode::UNAUTHORIZED,
        "still throttled after the announced Retry-After of {announced} s: {}",
        after_wait.main_text()
    );

    // Well past the wait, the right password works.
    portal.clock.advance(Duration::minutes(20));
    let page = attempt(&mut browser, "dupont", DUPONT_PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.main_text());
    assert_eq!(browser.get("/accueil").await.status, StatusCode::OK);
    assert_eq!(portal.head(), head);
}

#[tokio::test]
async fn many_identifiants_from_one_address_throttle_that_address_only() {
    let portal = Portal::demo();
    let mut sprayer = portal.browser();
    sprayer.ip = "198.51.100.7".into();
    sprayer.get("/connexion").await;
    for n in 0..20 {
        let page = attempt(&mut sprayer, &format!("inconnu-{n}"), WRONG_PASSWORD).await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED, "attempt {n}");
    }
    let page = attempt(&mut sprayer, "dupont", DUPONT_PASSWORD).await;
    assert_eq!(
        page.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        page.main_text()
    );
    assert!(page.main_text().contains(THROTTLED));
    assert!(page.headers.contains_key(header::RETRY_AFTER));
    assert!(session(&sprayer).is_none());

    // Another address is not affected.
    let mut other = portal.browser();
    other.login("dupont", DUPONT_PASSWORD).await;
    assert_eq!(other.get("/accueil").await.status, StatusCode::OK);
}

/// Behind a reverse proxy the client writes the left of `X-Forwarded-For` itself: only the
/// value the proxy appended (the rightmost), or `X-Real-IP`, is the client's address.
#[tokio::test]
async fn behind_a_proxy_a_forged_leftmost_forwarded_for_does_not_escape_the_address_throttle() {
    let mut config = web::WebConfig::for_base_url(BASE);
    config.trust_forwarded_for = true;
    let portal = Portal::with_config(config);
    let mut sprayer = portal.browser();
    // Every request reaches the portal from the proxy's own address.
    sprayer.ip = "10.0.0.2".into();
    sprayer.get("/connexion").await;
    for n in 0..20 {
        let forged = format!("203.0.113.{n}, 198.51.100.7");
        let page = sprayer
            .post_with_headers(
                "/connexion",
                &[
                    ("identifiant", &format!("inconnu-{n}")),
                    ("mot_de_passe", WRONG_PASSWORD),
                ],
                &[("x-forwarded-for", &forged)],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED, "attempt {n}");
    }
    // A fresh forged leftmost value changes nothing: the proxy's value is still 198.51.100.7.
    let page = sprayer
        .post_with_headers(
            "/connexion",
            &[("identifiant", "dupont"), ("mot_de_passe", DUPONT_PASSWORD)],
            &[("x-forwarded-for", "192.0.2.99, 198.51.100.7")],
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        page.main_text()
    );
    assert!(session(&sprayer).is_none());

    // Another client behind the same proxy (another rightmost value) is not affected, and
    // X-Real-IP names the client when the proxy sends no X-Forwarded-For.
    let mut other = portal.browser();
    other.ip = "10.0.0.2".into();
    other.get("/connexion").await;
    let page = other
        .post_with_headers(
            "/connexion",
            &[("identifiant", "dupont"), ("mot_de_passe", DUPONT_PASSWORD)],
            &[("x-forwarded-for", "198.51.100.7, 198.51.100.8")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.main_text());
    let mut real_ip = portal.browser();
    real_ip.ip = "10.0.0.2".into();
    real_ip.get("/connexion").await;
    let page = real_ip
        .post_with_headers(
            "/connexion",
            &[("identifiant", "dupont"), ("mot_de_passe", DUPONT_PASSWORD)],
            &[("x-real-ip", "198.51.100.7")],
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        page.main_text()
    );
}

// ---------------------------------------------------------------------------------------------
// 4. Sessions
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn an_idle_session_expires_after_thirty_minutes() {
    let portal = Portal::demo();
    let mut browser = portal.logged_in("dupont").await;
    portal.clock.advance(Duration::minutes(29));
    assert_eq!(browser.get("/accueil").await.status, StatusCode::OK);
    let token = session(&browser).unwrap();
    portal.clock.advance(Duration::minutes(31));
    let page = browser.get("/accueil").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location(), "/connexion?expiree=1");
    let page = replaying(&portal, &token).get("/suivi").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(page.location().starts_with("/connexion"));
}

#[tokio::test]
async fn an_active_session_still_ends_twelve_hours_after_login() {
    let portal = Portal::demo();
    let mut browser = portal.logged_in("dupont").await;
    let mut ended_after = None;
    for step in 1..=40 {
        portal.clock.advance(Duration::minutes(20));
        let page = browser.get("/accueil").await;
        if page.status != StatusCode::OK {
            assert_eq!(page.status, StatusCode::SEE_OTHER);
            assert_eq!(page.location(), "/connexion?expiree=1");
            ended_after = Some(step * 20);
            break;
        }
    }
    let minutes = ended_after.expect("the session never ended");
    assert!(
        (12 * 60..=12 * 60 + 20).contains(&minutes),
        "ended after {minutes} minutes"
    );
}

#[tokio::test]
async fn logout_destroys_the_server_session() {
    let portal = Portal::demo();
    let mut browser = portal.logged_in("dupont").await;
    browser.get("/accueil").await;
    let token = session(&browser).unwrap();
    let page = browser.post("/deconnexion", &[]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location(), "/connexion?fait=deconnexion");
    assert!(session(&browser).is_none(), "the cookie is deleted");
    for path in ["/accueil", "/suivi", "/profil"] {
        let page = replaying(&portal, &token).get(path).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{path}");
        assert!(page.location().starts_with("/connexion"), "{path}");
    }
}

// ---------------------------------------------------------------------------------------------
// 5. Password change
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn password_change_rotates_the_cookie_and_ends_the_other_sessions() {
    let portal = Portal::demo();
    let mut browser = portal.logged_in("dupont").await;
    let mut other = portal.logged_in("dupont").await;

    // A wrong current password: 422, nothing changed.
    browser.get("/profil/modifier").await;
    let before = session(&browser).unwrap();
    let page = browser
        .post(
            "/profil/mot-de-passe",
            &[
                ("actuel", WRONG_PASSWORD),
                ("nouveau", NEW_PASSWORD),
                ("confirmation", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.main_text().contains("actuel est incorrect"),
        "{}",
        page.main_text()
    );
    assert!(!page.body.contains(NEW_PASSWORD) && !page.body.contains(WRONG_PASSWORD));
    assert_eq!(session(&browser).unwrap(), before);
    assert_eq!(other.get("/accueil").await.status, StatusCode::OK);
    portal.browser().login("dupont", DUPONT_PASSWORD).await;
    let mut refused = portal.browser();
    refused.get("/connexion").await;
    assert_eq!(
        attempt(&mut refused, "dupont", NEW_PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );

    // The right one: a new cookie here, the other browser and the old cookie are out.
    browser.get("/profil/modifier").await;
    let page = browser
        .post(
            "/profil/mot-de-passe",
            &[
                ("actuel", DUPONT_PASSWORD),
                ("nouveau", NEW_PASSWORD),
                ("confirmation", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.main_text());
    assert_eq!(page.location(), "/profil?fait=mot-de-passe");
    let after = session(&browser).unwrap();
    assert_ne!(
        after, before,
        "the session id must change with the password"
    );
    assert_eq!(browser.get("/profil").await.status, StatusCode::OK);
    let page = replaying(&portal, &before).get("/accueil").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(page.location().starts_with("/connexion"));
    let page = other.get("/accueil").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(page.location().starts_with("/connexion"));

    portal.browser().login("dupont", NEW_PASSWORD).await;
    let mut old = portal.browser();
    old.get("/connexion").await;
    assert_eq!(
        attempt(&mut old, "dupont", DUPONT_PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
}

// ---------------------------------------------------------------------------------------------
// 6. CSRF
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn every_post_without_a_valid_token_is_refused_and_changes_nothing() {
    let portal = Portal::demo();
    let family = portal.family("dupont");
    let mut dupont = portal.logged_in("dupont").await;
    let mut martin = portal.logged_in("martin").await;
    martin.get("/accueil").await;
    let foreign_token = martin.csrf.clone().unwrap();

    // State the forged POSTs would change if they went through.
    let booking = fill_basket(&mut dupont).await;
    let child_panier = {
        let children = dupont.get("/reservations").await;
        format!("{}/panier", child_links(&children)[0])
    };
    let suivi = dupont.get("/suivi").await;
    let pending = suivi.input_values("demande");
    let reservations = suivi.input_values("reservation");
    assert!(
        !pending.is_empty() && !reservations.is_empty(),
        "demo requests and places"
    );
    let summary = dupont.get("/reservations/recapitulatif").await;
    let form_id = summary.input_values("formulaire")[0].clone();
    let structures = dupont.get("/structure").await;
    let structure = other_structure(&structures);
    let mut anonymous = portal.browser();
    anonymous.get("/mot-de-passe-oublie").await;
    anonymous
        .post("/mot-de-passe-oublie/lien", &[("identifiant", "dupont")])
        .await;
    let reset = last_reset_path(&portal);
    app::accounts::request_email_change(
        &portal.app,
        family,
        DUPONT_PASSWORD,
        "nouvelle.adresse@exemple.fr",
        BASE,
    )
    .unwrap();
    let confirm = link_path(
        &portal.mails("email_confirmation").last().unwrap().1,
        "/profil/confirmation/",
    );
    let wallet = app::money::statement(&portal.app, family, true, true).unwrap()[0]
        .wallet_id
        .to_string();

    let cookie = session(&dupont).unwrap();
    let welcome = dupont.get("/accueil").await.text();
    let profile = dupont.get("/profil").await.main_text();
    let follow_up = dupont.get("/suivi").await.main_text();
    let resets = portal.mails("password_reset").len();
    let confirmations = portal.mails("email_confirmation").len();
    let head = portal.head();

    let routes: Vec<(String, Vec<(String, String)>)> = vec![
        (
            "/connexion".into(),
            owned(&[("identifiant", "dupont"), ("mot_de_passe", DUPONT_PASSWORD)]),
        ),
        ("/deconnexion".into(), vec![]),
        ("/structure".into(), owned(&[("structure", &structure)])),
        (
            "/activation".into(),
            owned(&[
                ("identifiant", "dupont"),
                ("code", "ABCD-EFGH-JKMN"),
                ("nouveau", NEW_PASSWORD),
                ("confirmation", NEW_PASSWORD),
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
            owned(&[("identifiant", "dupont"), ("reponse", "une réponse")]),
        ),
        (
            "/reinitialisation".into(),
            owned(&[
                ("lien", reset.trim_start_matches("/reinitialisation/")),
                ("nouveau", NEW_PASSWORD),
                ("confirmation", NEW_PASSWORD),
            ]),
        ),
        (
            "/profil/mot-de-passe".into(),
            owned(&[
                ("actuel", DUPONT_PASSWORD),
                ("nouveau", NEW_PASSWORD),
                ("confirmation", NEW_PASSWORD),
            ]),
        ),
        (
            "/profil/courriel".into(),
            owned(&[
                ("courriel", "autre.adresse@exemple.fr"),
                ("actuel", DUPONT_PASSWORD),
            ]),
        ),
        (
            "/profil/question".into(),
            owned(&[
                ("question", "Nom de mon premier chat ?"),
                ("reponse", "Félix"),
                ("actuel", DUPONT_PASSWORD),
            ]),
        ),
        (
            "/profil/confirmation".into(),
            owned(&[("lien", confirm.trim_start_matches("/profil/confirmation/"))]),
        ),
        (
            "/paiement".into(),
            owned(&[
                ("porte_monnaie", &wallet),
                ("montant", "10.00"),
                ("email", "carteplus@wanadoo.fr"),
            ]),
        ),
        (
            child_panier,
            owned(&[
                ("action", "retirer_demande"),
                ("activite", field(&booking, "activite")),
                ("jour", field(&booking, "jour")),
                ("reference", &pending[0]),
            ]),
        ),
        (
            "/reservations/recapitulatif".into(),
            owned(&[("formulaire", &form_id)]),
        ),
        ("/reservations/abandonner".into(), vec![]),
        ("/suivi/retirer".into(), owned(&[("demande", &pending[0])])),
        (
            "/suivi/annuler".into(),
            owned(&[("reservation", &reservations[0])]),
        ),
    ];
    for (path, fields) in &routes {
        let mut with_foreign = fields.clone();
        with_foreign.push((web::CSRF_FIELD.to_owned(), foreign_token.clone()));
        let mut with_garbage = fields.clone();
        with_garbage.push((web::CSRF_FIELD.to_owned(), "00".repeat(32)));
        for (variant, pairs) in [
            ("no token", fields.clone()),
            ("another family's token", with_foreign),
            ("a made-up token", with_garbage),
        ] {
            let page = dupont.post_raw(path, &pairs).await;
            assert_eq!(
                page.status,
                StatusCode::FORBIDDEN,
                "POST {path} with {variant}"
            );
            assert!(page.main_text().contains("Formulaire expiré"), "{path}");
            assert_eq!(
                portal.head(),
                head,
                "POST {path} with {variant} recorded something"
            );
        }
    }

    // Nothing changed: same session, same structure, same basket, profile, Suivi, password.
    assert_eq!(session(&dupont).unwrap(), cookie);
    assert_eq!(dupont.get("/accueil").await.text(), welcome);
    assert_eq!(dupont.get("/profil").await.main_text(), profile);
    assert_eq!(dupont.get("/suivi").await.main_text(), follow_up);
    let summary = dupont.get("/reservations/recapitulatif").await;
    assert_eq!(summary.input_values("formulaire"), vec![form_id]);
    assert_eq!(portal.mails("password_reset").len(), resets);
    assert_eq!(portal.mails("email_confirmation").len(), confirmations);
    assert_eq!(portal.browser().get(&reset).await.status, StatusCode::OK);
    portal.browser().login("dupont", DUPONT_PASSWORD).await;
    assert_eq!(portal.head(), head);

    // The provider's notification is exempt.
    let mut provider = portal.browser();
    let page = provider
        .post_raw("/paiement/notification", &owned(&[("idOp", "inconnue")]))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.body, "OK");

    // Control: with dupont's own token the same withdrawal goes through.
    dupont.get("/suivi").await;
    let page = dupont
        .post("/suivi/retirer", &[("demande", &pending[0])])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.main_text());
    assert!(portal.head() > head);
}

/// A visitor token is only good while no session exists: a `pf_visiteur` planted in a parent's
/// browser (with the token it gets on any anonymous page) forges nothing once the parent is
/// logged in, and the visitor id changes at log-in and logout.
#[tokio::test]
async fn a_visitor_token_forges_nothing_once_logged_in_and_the_visitor_id_rotates() {
    let portal = Portal::demo();

    // Rotation: a new visitor id at log-in and at logout.
    let mut browser = portal.browser();
    browser.get("/connexion").await;
    let before = browser.cookies.get(VISITOR).unwrap().clone();
    let anonymous_token = browser.csrf.clone().unwrap();
    let page = attempt(&mut browser, "dupont", DUPONT_PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let logged_in = browser.cookies.get(VISITOR).unwrap().clone();
    assert_ne!(before, logged_in, "the visitor id must change at log-in");
    browser.get("/accueil").await;
    let page = browser.post("/deconnexion", &[]).await;
    assert_eq!(page.location(), "/connexion?fait=deconnexion");
    let logged_out = browser.cookies.get(VISITOR).unwrap().clone();
    assert_ne!(
        logged_in, logged_out,
        "the visitor id must change at logout"
    );
    // The token of before the log-in is dead after the logout.
    let page = browser
        .post_raw(
            "/connexion",
            &owned(&[
                ("identifiant", "dupont"),
                ("mot_de_passe", DUPONT_PASSWORD),
                (web::CSRF_FIELD, &anonymous_token),
            ]),
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);

    // An attacker's visitor id and its token, planted in a logged-in parent's browser.
    let mut attacker = portal.browser();
    attacker.get("/connexion").await;
    let planted = attacker.cookies.get(VISITOR).unwrap().clone();
    let token = attacker.csrf.clone().unwrap();
    let mut dupont = portal.logged_in("dupont").await;
    let suivi = dupont.get("/suivi").await;
    let pending = suivi.input_values("demande");
    assert!(!pending.is_empty(), "demo pending requests");
    let follow_up = suivi.main_text();
    dupont.cookies.insert(VISITOR.to_owned(), planted.clone());
    dupont
        .cookies
        .insert(web::VISITOR_COOKIE.to_owned(), planted);
    let head = portal.head();
    for (path, fields) in [
        ("/suivi/retirer", owned(&[("demande", &pending[0])])),
        ("/deconnexion", vec![]),
        ("/reservations/abandonner", vec![]),
    ] {
        let mut pairs = fields;
        pairs.push((web::CSRF_FIELD.to_owned(), token.clone()));
        let page = dupont.post_raw(path, &pairs).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "POST {path}");
        assert!(page.main_text().contains("Formulaire expiré"), "{path}");
    }
    assert_eq!(portal.head(), head);
    assert_eq!(dupont.get("/suivi").await.main_text(), follow_up);
    assert!(session(&dupont).is_some(), "the forged logout went through");
}

/// A form field that is not UTF-8 is refused with a French page, before any handler: it never
/// becomes an address (« ��@exemple.fr ») with a confirmation mail queued to it.
#[tokio::test]
async fn a_form_field_that_is_not_utf8_is_refused_and_nothing_is_written() {
    let portal = Portal::demo();
    let mut dupont = portal.logged_in("dupont").await;
    dupont.get("/profil/modifier").await;
    let profile = dupont.get("/profil").await.main_text();
    dupont.get("/profil/modifier").await;
    let head = portal.head();
    let confirmations = portal.mails("email_confirmation").len();
    let password = format!("actuel={DUPONT_PASSWORD}");
    let bodies: Vec<Vec<u8>> = vec![
        // Percent-encoded bytes that are no UTF-8.
        format!("courriel=%FF%FE%40exemple.fr&{password}").into_bytes(),
        // A lone continuation byte in the middle of an address.
        format!("courriel=jean%80dupont%40exemple.fr&{password}").into_bytes(),
        // Raw bytes, not encoded.
        [
            b"courriel=\xff\xfe@exemple.fr&".as_slice(),
            password.as_bytes(),
        ]
        .concat(),
        // In a field's name.
        format!("courriel=jean%40exemple.fr&{password}&%C3=1").into_bytes(),
    ];
    for body in &bodies {
        let page = dupont.post_bytes("/profil/courriel", body).await;
        let shown = String::from_utf8_lossy(body);
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{shown}");
        assert!(
            page.main_text().contains("caractères illisibles")
                && page.main_text().contains("rien n'a été modifié"),
            "{shown}: {}",
            page.main_text()
        );
        assert_eq!(portal.head(), head, "{shown}");
        assert_eq!(portal.mails("email_confirmation").len(), confirmations);
    }
    assert_eq!(dupont.get("/profil").await.main_text(), profile);

    // Control: the same form in UTF-8 goes through.
    dupont.get("/profil/modifier").await;
    let page = dupont
        .post_bytes(
            "/profil/courriel",
            format!("courriel=jean.dupont%40exemple.fr&{password}").as_bytes(),
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.main_text());
    assert_eq!(portal.mails("email_confirmation").len(), confirmations + 1);
}

/// Defence in depth (REFERENCE §F): a POST a browser says comes from another site is refused
/// even with a valid token, before anything is read or written.
#[tokio::test]
async fn a_cross_site_post_with_a_valid_token_is_refused_and_changes_nothing() {
    let portal = Portal::demo();
    let mut dupont = portal.logged_in("dupont").await;
    let suivi = dupont.get("/suivi").await;
    let pending = suivi.input_values("demande");
    assert!(!pending.is_empty(), "demo pending requests");
    let follow_up = suivi.main_text();
    let head = portal.head();

    for headers in [
        vec![("origin", "http://evil.example")],
        vec![("sec-fetch-site", "cross-site")],
        vec![
            ("origin", "http://evil.example"),
            ("sec-fetch-site", "cross-site"),
        ],
        // A sibling site of the same domain: same-site for Fetch Metadata, but not our origin
        vec![
            ("origin", "https://autre.example.fr"),
            ("sec-fetch-site", "same-site"),
        ],
        // Our host over plain http is another origin
        vec![("origin", "http://portail.example.fr")],
        vec![("origin", "null")],
    ] {
        // Given dupont's own valid token, when the withdrawal arrives from another site
        dupont.get("/suivi").await;
        let page = dupont
            .post_with_headers("/suivi/retirer", &[("demande", &pending[0])], &headers)
            .await;
        // Then it is refused with a French page, and nothing is written
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{headers:?}");
        assert!(
            page.main_text().contains("envoyé depuis un autre site"),
            "{headers:?}: {}",
            page.main_text()
        );
        assert_eq!(portal.head(), head, "{headers:?} recorded something");
    }
    assert_eq!(dupont.get("/suivi").await.main_text(), follow_up);

    // A log-in form posted from another site is refused too (login CSRF)
    let mut visitor = portal.browser();
    visitor.get("/connexion").await;
    let page = visitor
        .post_with_headers(
            "/connexion",
            &[("identifiant", "dupont"), ("mot_de_passe", DUPONT_PASSWORD)],
            &[("origin", "http://evil.example")],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(!visitor.cookies.contains_key(SESSION));

    // The provider's notification stays exempt: PayFiP's server calls it
    let page = portal
        .browser()
        .post_with_headers(
            "/paiement/notification",
            &[("idOp", "inconnue")],
            &[("origin", "https://www.tipi.budget.gouv.fr")],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);

    // Same-site without Origin passes, as the Fetch Metadata policy allows
    let mut visitor = portal.browser();
    visitor.get("/connexion").await;
    let page = visitor
        .post_with_headers(
            "/connexion",
            &[("identifiant", "dupont"), ("mot_de_passe", DUPONT_PASSWORD)],
            &[("sec-fetch-site", "same-site")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.main_text());

    // Control: from the portal itself (same origin, default port written or not) it goes through
    dupont.get("/suivi").await;
    let page = dupont
        .post_with_headers(
            "/suivi/retirer",
            &[("demande", &pending[0])],
            &[
                ("origin", "https://portail.example.fr"),
                ("sec-fetch-site", "same-origin"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.main_text());
    assert!(portal.head() > head);
}

#[test]
fn the_portal_origin_is_the_base_url_without_path_or_default_port() {
    let origin = |base: &str| web::WebConfig::for_base_url(base).origin();
    assert_eq!(
        origin("https://portail.example.fr/").as_deref(),
        Some("https://portail.example.fr")
    );
    assert_eq!(
        origin("https://Portail.Example.fr:443/famille").as_deref(),
        Some("https://portail.example.fr")
    );
    assert_eq!(
        origin("http://127.0.0.1:8080").as_deref(),
        Some("http://127.0.0.1:8080")
    );
    assert_eq!(origin("portail").as_deref(), None);
}

#[test]
fn on_loopback_any_spelling_of_the_host_is_the_portal_but_not_another_port_or_site() {
    let demo = web::WebConfig::for_base_url("http://127.0.0.1:8080");
    assert!(demo.accepts_origin("http://127.0.0.1:8080"));
    assert!(demo.accepts_origin("http://localhost:8080"));
    assert!(demo.accepts_origin("http://[::1]:8080"));
    assert!(!demo.accepts_origin("http://localhost:9090"));
    assert!(!demo.accepts_origin("https://localhost:8080"));
    assert!(!demo.accepts_origin("http://evil.example:8080"));
    assert!(!demo.accepts_origin("null"));
    let public = web::WebConfig::for_base_url("https://portail.example.fr");
    assert!(public.accepts_origin("https://portail.example.fr"));
    assert!(!public.accepts_origin("https://localhost"));
    assert!(!public.accepts_origin("https://evil.portail.example.fr"));
}

// ---------------------------------------------------------------------------------------------
// 7. No mutation on GET
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn get_requests_change_nothing() {
    let portal = Portal::demo();
    let family = portal.family("dupont");
    let mut dupont = portal.logged_in("dupont").await;
    let booking = fill_basket(&mut dupont).await;
    let child = child_links(&dupont.get("/reservations").await)[0].clone();
    let suivi = dupont.get("/suivi").await;
    let pending = suivi.input_values("demande")[0].clone();
    let reservation = suivi.input_values("reservation")[0].clone();
    let summary = dupont.get("/reservations/recapitulatif").await;
    let form_id = summary.input_values("formulaire")[0].clone();
    let follow_up = dupont.get("/suivi").await.main_text();
    let token = dupont.csrf.clone().unwrap();
    let head = portal.head();

    let gets = [
        format!("/deconnexion?jeton={token}"),
        "/mot-de-passe-oublie/lien?identifiant=dupont".to_owned(),
        "/mot-de-passe-oublie/reponse?identifiant=dupont&reponse=x".to_owned(),
        format!("/profil/mot-de-passe?actuel={DUPONT_PASSWORD}&nouveau=x&confirmation=x"),
        format!("/profil/courriel?courriel=a%40exemple.fr&actuel={DUPONT_PASSWORD}"),
        "/profil/question?question=Quelle%20couleur&reponse=bleu".to_owned(),
        "/paiement/notification?idOp=inconnue".to_owned(),
        format!(
            "{child}/panier?action=reserver&activite={}&jour={}&jeton={token}",
            field(&booking, "activite"),
            field(&booking, "jour")
        ),
        format!("/reservations/abandonner?jeton={token}"),
        format!("/suivi/retirer?demande={pending}&jeton={token}"),
        format!("/suivi/annuler?reservation={reservation}&jeton={token}"),
    ];
    for path in &gets {
        let page = dupont.get(path).await;
        assert!(
            matches!(
                page.status,
                StatusCode::METHOD_NOT_ALLOWED | StatusCode::NOT_FOUND
            ),
            "GET {path}: {}",
            page.status
        );
        assert_eq!(portal.head(), head, "GET {path} recorded something");
    }
    // Still logged in, the basket intact, the request still there.
    assert_eq!(dupont.get("/accueil").await.status, StatusCode::OK);
    assert_eq!(dupont.get("/suivi").await.main_text(), follow_up);

    // The récapitulatif of a non-empty basket records nothing, as often as it is read.
    for _ in 0..2 {
        let summary = dupont.get("/reservations/recapitulatif").await;
        assert_eq!(summary.status, StatusCode::OK);
        assert_eq!(summary.input_values("formulaire"), vec![form_id.clone()]);
    }
    let result = dupont
        .get(&format!("/reservations/resultat?demande={form_id}"))
        .await;
    assert_eq!(
        result.status,
        StatusCode::NOT_FOUND,
        "nothing was validated"
    );
    assert_eq!(portal.head(), head);

    // Opening the link of an e-mail confirmation (mail scanners do) does not confirm it.
    dupont.get("/profil/modifier").await;
    let page = dupont
        .post(
            "/profil/courriel",
            &[
                ("courriel", "nouvelle.adresse@exemple.fr"),
                ("actuel", DUPONT_PASSWORD),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.main_text());
    let confirm = link_path(
        &portal.mails("email_confirmation").last().unwrap().1,
        "/profil/confirmation/",
    );
    assert_eq!(portal.browser().get(&confirm).await.status, StatusCode::OK);
    let email = portal
        .app
        .query(move |conn| Ok(app::registry::family_account(conn, family)?.unwrap().email))
        .unwrap();
    assert_eq!(email.as_deref(), Some("carteplus@wanadoo.fr"));
    assert_eq!(portal.head(), head);
}

// ---------------------------------------------------------------------------------------------
// 8. Authorization
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn another_family_cannot_reach_dupont_s_children_requests_or_places() {
    let provider = Arc::new(RecordingProvider::default());
    let portal = Portal::with(Some(provider.clone()), Portal::hashing());

    // Dupont's ids, as dupont sees them.
    let mut dupont = portal.logged_in("dupont").await;
    let children = dupont.get("/reservations").await;
    let child_pages = child_links(&children);
    assert_eq!(child_pages.len(), 2, "Lilou and Antoine");
    let booking = fill_basket(&mut dupont).await;
    let summary = dupont.get("/reservations/recapitulatif").await;
    let form_id = summary.input_values("formulaire")[0].clone();
    let page = dupont
        .post("/reservations/recapitulatif", &[("formulaire", &form_id)])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.main_text());
    let result = page.location().to_owned();
    assert!(
        result.starts_with("/reservations/resultat?demande="),
        "{result}"
    );
    let suivi = dupont.get("/suivi").await;
    let requests = suivi.input_values("demande");
    let places = suivi.input_values("reservation");
    assert!(!requests.is_empty() && !places.is_empty());
    let follow_up = suivi.main_text();

    // Controls: dupont reaches all of them.
    let lilou = &child_pages[0];
    let day = format!("{lilou}/jour/2026-12-02");
    for path in [lilou.as_str(), day.as_str(), result.as_str()] {
        let page = dupont.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "dupont GET {path}");
        assert!(page.text().contains("DUPONT"), "dupont GET {path}");
    }

    let head = portal.head();
    let random = uuid::Uuid::new_v4().to_string();
    for intruder in ["martin", "bernard"] {
        let mut browser = portal.logged_in(intruder).await;
        let family = portal.family(intruder);
        let own_child = portal
            .app
            .query(move |conn| app::registry::children_of(conn, family))
            .unwrap()[0]
            .child_id
            .to_string();
        browser.get("/accueil").await;
        let check = |page: Page, what: &str| {
            assert!(
                matches!(
                    page.status,
                    StatusCode::NOT_FOUND | StatusCode::UNPROCESSABLE_ENTITY
                ),
                "{intruder}: {what} answered {}",
                page.status
            );
            let text = page.text();
            for secret in ["DUPONT", "Lilou", "Antoine"] {
                assert!(!text.contains(secret), "{intruder}: {what} shows {secret}");
            }
            assert_eq!(portal.head(), head, "{intruder}: {what} recorded something");
        };
        for child in &child_pages {
            for path in [
                child.clone(),
                format!("{child}?mois=2026-12"),
                format!("{child}/jour/2026-12-02"),
            ] {
                check(browser.get(&path).await, &format!("GET {path}"));
            }
            let panier = format!("{child}/panier");
            for (action, reference) in [
                ("reserver", None),
                ("annuler", Some(&places[0])),
                ("retirer", None),
                ("retirer_demande", Some(&requests[0])),
            ] {
                let mut fields = vec![
                    ("action", action),
                    ("activite", field(&booking, "activite")),
                    ("jour", field(&booking, "jour")),
                ];
                if let Some(reference) = reference {
                    fields.push(("reference", reference));
                }
                let page = browser.post(&panier, &fields).await;
                check(page, &format!("POST {panier} {action}"));
            }
        }
        // Dupont's ids through the intruder's own child.
        let panier = format!("/reservations/{own_child}/panier");
        for (action, reference) in [("annuler", &places[0]), ("retirer_demande", &requests[0])] {
            let fields = [
                ("action", action),
                ("activite", field(&booking, "activite")),
                ("jour", field(&booking, "jour")),
                ("reference", reference.as_str()),
            ];
            let page = browser.post(&panier, &fields).await;
            check(page, &format!("POST {panier} {action} with dupont's id"));
        }
        for request in &requests {
            let page = browser
                .post("/suivi/retirer", &[("demande", request)])
                .await;
            check(page, "POST /suivi/retirer");
        }
        for place in &places {
            let page = browser
                .post("/suivi/annuler", &[("reservation", place)])
                .await;
            check(page, "POST /suivi/annuler");
        }
        let page = browser.post("/structure", &[("structure", &random)]).await;
        check(page, "POST /structure");
        check(browser.get(&result).await, &format!("GET {result}"));
        let page = browser
            .post(
                "/paiement",
                &[
                    ("porte_monnaie", &random),
                    ("montant", "500.00"),
                    ("email", "intrus@exemple.fr"),
                ],
            )
            .await;
        check(page, "POST /paiement to a wallet not the family's");
        assert!(
            provider.0.lock().unwrap().is_empty(),
            "the provider was asked"
        );
        // Nothing of dupont's went into the intruder's basket.
        let summary = browser.get("/reservations/recapitulatif").await;
        assert!(
            summary.main_text().contains("Votre panier est vide."),
            "{intruder}: {}",
            summary.main_text()
        );
    }
    assert_eq!(dupont.get("/suivi").await.main_text(), follow_up);
    assert_eq!(portal.head(), head);

    // Control: the same payment form with martin's own wallet reaches the provider.
    let mut martin = portal.logged_in("martin").await;
    let wallet = app::money::statement(&portal.app, portal.family("martin"), true, true).unwrap()
        [0]
    .wallet_id
    .to_string();
    martin.get("/accueil").await;
    let page = martin
        .post(
            "/paiement",
            &[
                ("porte_monnaie", &wallet),
                ("montant", "500.00"),
                ("email", "intrus@exemple.fr"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.main_text());
    assert_eq!(provider.0.lock().unwrap().len(), 1);
}

// ---------------------------------------------------------------------------------------------
// 9. Headers, no inline script or style
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn pages_carry_the_security_headers_and_no_inline_script_or_style() {
    let portal = Portal::demo();
    let mut dupont = portal.logged_in("dupont").await;
    let page = dupont.get("/accueil").await;
    assert_eq!(page.status, StatusCode::OK);
    let header_text = |name: header::HeaderName| {
        page.headers
            .get(&name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("{name} missing"))
            .to_owned()
    };
    let csp = header_text(header::CONTENT_SECURITY_POLICY);
    assert!(csp.contains("default-src 'self'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
        "{csp}"
    );
    assert_eq!(header_text(header::X_CONTENT_TYPE_OPTIONS), "nosniff");
    assert_eq!(header_text(header::CACHE_CONTROL), "no-store");
    assert!(header_text(header::STRICT_TRANSPORT_SECURITY).contains("max-age="));

    let lilou = child_links(&dupont.get("/reservations").await)[0].clone();
    let parent_pages = [
        "/accueil".to_owned(),
        "/reservations".to_owned(),
        lilou.clone(),
        format!("{lilou}?mois=2026-12"),
        format!("{lilou}/jour/2026-12-02"),
        "/reservations/recapitulatif".to_owned(),
        "/suivi".to_owned(),
        "/solde".to_owned(),
        "/historique/consommations".to_owned(),
        "/historique/reglements".to_owned(),
        "/profil".to_owned(),
        "/profil/modifier".to_owned(),
        "/structure".to_owned(),
    ];
    let mut visitor = portal.browser();
    let mut pages = Vec::new();
    for path in &parent_pages {
        pages.push((path.clone(), dupont.get(path).await));
    }
    for path in ["/connexion", "/mot-de-passe-oublie", "/activation"] {
        pages.push((path.to_owned(), visitor.get(path).await));
    }
    for (path, page) in &pages {
        assert_eq!(page.status, StatusCode::OK, "GET {path}");
        let body = page.body.to_lowercase();
        for forbidden in ["<script", " style=", "onclick", "javascript:"] {
            assert!(!body.contains(forbidden), "GET {path} contains {forbidden}");
        }
        assert!(
            page.headers.contains_key(header::CONTENT_SECURITY_POLICY),
            "{path}"
        );
        assert_eq!(page.headers[header::CACHE_CONTROL], "no-store", "{path}");
    }
}

// ---------------------------------------------------------------------------------------------
// 10. Body limit
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn an_oversized_form_is_refused_before_anything_happens() {
    let portal = Portal::demo();
    let head = portal.head();
    let mut browser = portal.browser();
    browser.get("/connexion").await;
    let token = browser.csrf.clone().unwrap();
    let padding = "x".repeat(200 * 1024);
    let page = browser
        .post_raw(
            "/connexion",
            &owned(&[
                ("identifiant", "dupont"),
                ("mot_de_passe", DUPONT_PASSWORD),
                ("jeton", &token),
                ("remplissage", &padding),
            ]),
        )
        .await;
    assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        page.main_text().contains("trop volumineu"),
        "{}",
        page.main_text()
    );
    assert!(
        session(&browser).is_none(),
        "logged in by an oversized form"
    );
    assert_eq!(portal.head(), head);
    // The same form, small: it logs in (the body was the only problem).
    let page = browser
        .post_raw(
            "/connexion",
            &owned(&[
                ("identifiant", "dupont"),
                ("mot_de_passe", DUPONT_PASSWORD),
                ("jeton", &token),
            ]),
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
}

// ---------------------------------------------------------------------------------------------
// 11. Error pages
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn an_unknown_page_is_a_french_404() {
    let portal = Portal::demo();
    for mut browser in [portal.browser(), portal.logged_in("dupont").await] {
        let page = browser.get("/nulle-part").await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        assert!(page.body.contains("<html lang=\"fr\""), "{}", page.body);
        assert!(page.main_text().contains("Page introuvable"));
        assert!(page.headers.contains_key(header::CONTENT_SECURITY_POLICY));
    }
}

#[tokio::test]
async fn an_internal_failure_shows_a_french_page_with_an_incident_id_and_no_detail() {
    let portal = Portal::demo();
    let mut dupont = portal.logged_in("dupont").await;
    portal
        .app
        .execute("test:panne", |command| {
            command
                .conn()
                .execute_batch("DROP TABLE account_recovery")?;
            Ok(())
        })
        .unwrap();
    let page = dupont.get("/profil").await;
    assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(page.body.contains("<html lang=\"fr\""));
    let text = page.main_text();
    assert!(text.contains("numéro d'incident"), "{text}");
    let incident = text
        .split("numéro d'incident à la structure :")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_default()
        .to_owned();
    assert!(
        incident.len() == 8 && incident.bytes().all(|b| b.is_ascii_hexdigit()),
        "incident id: {incident:?}"
    );
    let lower = page.body.to_lowercase();
    for detail in ["sqlite", "no such table", "account_recovery", "select "] {
        assert!(!lower.contains(detail), "the page leaks {detail}");
    }
    assert!(page.headers.contains_key(header::CONTENT_SECURITY_POLICY));
}

// ---------------------------------------------------------------------------------------------
// 12. The hashing pool
// ---------------------------------------------------------------------------------------------

async fn until_queued(portal: &Portal, count: usize) {
    timeout(StdDuration::from_secs(5), async {
        while portal.services.hashing.waiting() < count {
            tokio::time::sleep(StdDuration::from_millis(5)).await;
        }
    })
    .await
    .expect("the login never queued");
}

/// A pool of one worker that shows the place in line after 100 ms.
fn one_worker(limit: usize) -> web::HashingPool {
    web::HashingPool::new(1, limit).answering_within(StdDuration::from_millis(100))
}

/// The ticket page a log-in put in line was answered with: its address from the refresh.
fn ticket_url(page: &Page) -> String {
    assert_eq!(page.status, StatusCode::OK, "{}", page.main_text());
    let refresh = page
        .body
        .split("http-equiv=\"refresh\" content=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no refresh: {}", page.body));
    let (seconds, url) = refresh.split_once("; url=").expect("N; url=…");
    let seconds: u64 = seconds.parse().unwrap();
    assert!((1..=10).contains(&seconds), "{refresh}");
    assert!(url.starts_with("/connexion/file/"), "{refresh}");
    url.to_owned()
}

/// Comes back to the ticket page until the log-in is answered.
async fn until_answered(browser: &mut Browser, url: &str) -> Page {
    timeout(StdDuration::from_secs(20), async {
        loop {
            let page = browser.get(url).await;
            if page.status != StatusCode::OK {
                return page;
            }
            tokio::time::sleep(StdDuration::from_millis(20)).await;
        }
    })
    .await
    .expect("the login in line was never answered")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saturated_hashing_pool_serves_logins_in_arrival_order_with_the_place_shown() {
    let portal = Portal::with(None, one_worker(64));
    let paused = portal.services.hashing.pause();

    let mut first = portal.browser();
    first.get("/connexion").await;
    let mut second = portal.browser();
    second.get("/connexion").await;
    let first_page = attempt(&mut first, "dupont", DUPONT_PASSWORD).await;
    let second_page = attempt(&mut second, "martin", "portail-demo-martin").await;
    let (first_url, second_url) = (ticket_url(&first_page), ticket_url(&second_page));
    assert!(
        first_page
            .main_text()
            .contains("Vous êtes n° 1 dans la file d'attente — environ"),
        "{}",
        first_page.main_text()
    );
    assert!(
        second_page
            .main_text()
            .contains("Vous êtes n° 2 dans la file d'attente — environ"),
        "{}",
        second_page.main_text()
    );
    assert!(retry_after(&second_page).is_none(), "no retry loop");
    assert!(session(&first).is_none() && session(&second).is_none());

    // Pages are served while the line waits; the place is shown again on each refresh.
    let mut reader = portal.browser();
    let page = timeout(StdDuration::from_secs(5), reader.get("/connexion"))
        .await
        .expect("pages are served while hashing is saturated");
    assert_eq!(page.status, StatusCode::OK);
    assert!(second.get(&second_url).await.main_text().contains("n° 2"));

    // The ticket is bound to the browser that pressed « Se connecter ».
    let mut stranger = portal.browser();
    stranger.get("/connexion").await;
    let stolen = stranger.get(&first_url).await;
    assert_eq!(stolen.status, StatusCode::NOT_FOUND);
    assert!(session(&stranger).is_none());

    drop(paused);
    let done = until_answered(&mut first, &first_url).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.main_text());
    assert_eq!(done.location(), "/accueil");
    assert_eq!(first.get("/accueil").await.status, StatusCode::OK);
    // The first to press was the first verified: the second is at most being verified now.
    let done = until_answered(&mut second, &second_url).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.main_text());
    assert_eq!(second.get("/accueil").await.status, StatusCode::OK);

    // A ticket serves once.
    let again = first.get(&first_url).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    assert!(again.main_text().contains("n'est pas (ou plus) valable"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_in_line_is_refused_and_throttled_as_at_once() {
    let portal = Portal::with(None, one_worker(64));
    let mut browser = portal.browser();
    browser.get("/connexion").await;
    let mut refusals = Vec::new();
    for _ in 0..6 {
        let paused = portal.services.hashing.pause();
        let queued = attempt(&mut browser, "dupont", WRONG_PASSWORD).await;
        let url = ticket_url(&queued);
        drop(paused);
        refusals.push(until_answered(&mut browser, &url).await);
    }
    assert_eq!(refusals[0].status, StatusCode::UNAUTHORIZED);
    assert!(
        refusals[0].body.contains("value=\"dupont\""),
        "the identifiant stays in the form"
    );
    let sixth = refusals.last().unwrap();
    assert_eq!(sixth.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        sixth.main_text().contains(THROTTLED),
        "{}",
        sixth.main_text()
    );
    assert!(retry_after(sixth).is_some_and(|s| s > 0));
    assert!(session(&browser).is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_line_too_long_for_an_honest_wait_refuses_politely_with_the_wait() {
    let portal = Portal::with(None, one_worker(1));
    let _paused = portal.services.hashing.pause();
    let mut queued = portal.browser();
    queued.get("/connexion").await;
    ticket_url(&attempt(&mut queued, "dupont", DUPONT_PASSWORD).await);

    let mut late = portal.browser();
    late.get("/connexion").await;
    let head = portal.head();
    let refused = attempt(&mut late, "martin", "portail-demo-martin").await;
    assert_eq!(refused.status, StatusCode::SERVICE_UNAVAILABLE);
    let text = refused.main_text();
    assert!(
        text.contains("trop longue") && text.contains("environ"),
        "{text}"
    );
    assert!(retry_after(&refused).is_none(), "no retry loop");
    assert!(session(&late).is_none());
    assert_eq!(portal.head(), head);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_abandoned_while_queued_gives_its_place_back() {
    let portal = Portal::with(
        None,
        one_worker(1).answering_within(StdDuration::from_secs(60)),
    );
    let paused = portal.services.hashing.pause();
    let mut gone = portal.browser();
    gone.get("/connexion").await;
    // The browser goes away while its login waits for a worker (the connection is dropped).
    let task = tokio::spawn(async move { attempt(&mut gone, "dupont", DUPONT_PASSWORD).await });
    until_queued(&portal, 1).await;
    task.abort();
    assert!(task.await.unwrap_err().is_cancelled());
    assert_eq!(portal.services.hashing.waiting(), 0);
    drop(paused);

    let mut next = portal.browser();
    next.get("/connexion").await;
    let page = timeout(
        StdDuration::from_secs(10),
        attempt(&mut next, "dupont", DUPONT_PASSWORD),
    )
    .await
    .expect("answered");
    assert_eq!(
        page.status,
        StatusCode::SEE_OTHER,
        "the abandoned login still holds the queue: {}",
        page.main_text()
    );
}

/// A link's secret is parsed to its exact shape: an encoded path (`..%2F..`) cannot make the
/// confirmation page's button post somewhere else (emptying the basket, logging out).
#[tokio::test]
async fn a_confirmation_or_reset_link_that_is_not_a_secret_is_a_404_and_forms_post_to_fixed_paths()
{
    let portal = Portal::demo();
    let mut dupont = portal.logged_in("dupont").await;
    fill_basket(&mut dupont).await;
    let summary = dupont.get("/reservations/recapitulatif").await.main_text();

    let secret = "ab".repeat(32);
    let shouted = secret.to_uppercase();
    for path in [
        "/profil/confirmation/..%2F..%2Freservations%2Fabandonner".to_owned(),
        "/profil/confirmation/..%2F..%2Fdeconnexion".to_owned(),
        format!("/profil/confirmation/{shouted}"),
        format!("/profil/confirmation/{}", &secret[..63]),
        "/reinitialisation/..%2F..%2Freservations%2Fabandonner".to_owned(),
        format!("/reinitialisation/{shouted}"),
    ] {
        let page = dupont.get(&path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(page.main_text().contains("Page introuvable"), "{path}");
        assert!(page.forms().is_empty(), "{path}: {:?}", page.forms());
    }

    // A well-shaped link: its button posts to the fixed path, the secret in a field.
    let page = dupont.get(&format!("/profil/confirmation/{secret}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let actions: Vec<String> = page.forms().into_iter().map(|(a, _)| a).collect();
    assert!(
        actions.contains(&"/profil/confirmation".to_owned()),
        "{actions:?}"
    );
    let fields = page
        .form("/profil/confirmation", &[("lien", &secret)])
        .unwrap();
    // Pressed with a forged field, it is a 404 too, and nothing happened.
    let mut forged = fields.clone();
    for (name, value) in &mut forged {
        if name == "lien" {
            *value = "../../reservations/abandonner".to_owned();
        }
    }
    let head = portal.head();
    let page = dupont.post_raw("/profil/confirmation", &forged).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(portal.head(), head);
    assert_eq!(dupont.get("/accueil").await.status, StatusCode::OK);
    assert_eq!(
        dupont.get("/reservations/recapitulatif").await.main_text(),
        summary,
        "the basket changed"
    );
}

/// « Mot de passe oublié » tells nothing about an identifiant: a known one (address and
/// question), a known one without a question and an unknown one get the same status and the
/// same page shape on both routes, no address is ever shown, and both routes are throttled per
/// identifiant and per address like the log-in.
#[tokio::test]
async fn the_recovery_pages_are_the_same_for_every_identifiant_and_throttled() {
    let portal = Portal::demo();
    let family = portal.family("dupont");
    app::accounts::set_recovery_question(
        &portal.app,
        family,
        DUPONT_PASSWORD,
        "Le nom de mon premier chat ?",
        "Félix",
    )
    .unwrap();
    // The page with the identifiant and the question replaced by placeholders, and its forms'
    // actions and field names: what must not depend on the account.
    let shape = |page: &Page, login: &str, question: Option<&str>| {
        let mut text = page.main_text().replace(login, "<identifiant>");
        if let Some(question) = question {
            text = text.replace(question, "<question>");
        }
        let forms: Vec<(String, Vec<String>)> = page
            .forms()
            .into_iter()
            .map(|(action, fields)| (action, fields.into_iter().map(|(n, _)| n).collect()))
            .collect();
        (page.status, text, forms)
    };
    let question_of = |page: &Page| {
        let needle = "<label for=\"reponse\">";
        let start = page.body.find(needle).unwrap() + needle.len();
        page.body[start..start + page.body[start..].find("</label>").unwrap()].to_owned()
    };

    let mut shapes = Vec::new();
    for (n, login) in ["dupont", "martin", "personne-inconnue"]
        .into_iter()
        .enumerate()
    {
        let mut browser = portal.browser();
        browser.ip = format!("198.51.100.{n}");
        let start = browser.get("/mot-de-passe-oublie").await;
        let link = browser
            .post("/mot-de-passe-oublie/lien", &[("identifiant", login)])
            .await;
        assert!(
            link.main_text().contains("Si un compte correspond"),
            "{}",
            link.main_text()
        );
        browser.get("/mot-de-passe-oublie").await;
        let asked = browser
            .post("/mot-de-passe-oublie", &[("identifiant", login)])
            .await;
        assert_eq!(asked.status, StatusCode::OK, "{login}");
        let question = question_of(&asked);
        assert!(question.ends_with('?'), "{login}: {question}");
        for page in [&start, &link, &asked] {
            for leak in ["wanadoo", "example.org", "…@"] {
                assert!(!page.body.contains(leak), "{login} shows {leak}");
            }
        }
        // Asked again, the same question: a stand-in is not drawn at random.
        browser.get("/mot-de-passe-oublie").await;
        let again = browser
            .post("/mot-de-passe-oublie", &[("identifiant", login)])
            .await;
        assert_eq!(question_of(&again), question, "{login}");
        shapes.push((
            login,
            question,
            shape(&link, login, None),
            shape(&asked, login, Some(&question_of(&asked))),
        ));
    }
    assert_eq!(shapes[0].1, "Le nom de mon premier chat ?");
    for (login, _, link, asked) in &shapes[1..] {
        assert_eq!(*link, shapes[0].2, "the link route differs for {login}");
        assert_eq!(
            *asked, shapes[0].3,
            "the question route differs for {login}"
        );
    }
    // Only the known address got a mail.
    let mails = portal.mails("password_reset");
    let recipients: Vec<&str> = mails.iter().map(|(r, _)| r.as_str()).collect();
    assert_eq!(
        recipients,
        ["carteplus@wanadoo.fr", "sophie.martin@example.org"]
    );

    // Per identifiant: two questions above, the third request is free, the next one waits,
    // known or not.
    for login in ["dupont", "personne-inconnue"] {
        let mut browser = portal.browser();
        browser.ip = format!("203.0.113.{}", login.len());
        browser.get("/mot-de-passe-oublie").await;
        let third = browser
            .post("/mot-de-passe-oublie", &[("identifiant", login)])
            .await;
        assert_eq!(third.status, StatusCode::OK, "{login}");
        browser.get("/mot-de-passe-oublie").await;
        let fourth = browser
            .post("/mot-de-passe-oublie", &[("identifiant", login)])
            .await;
        assert_eq!(fourth.status, StatusCode::TOO_MANY_REQUESTS, "{login}");
        assert!(fourth.main_text().contains(THROTTLED), "{login}");
        assert!(retry_after(&fourth).is_some_and(|s| s > 0));
        assert!(!fourth.body.contains("premier chat"));
        // The link route: one request above, a second one, the third is free, then a wait.
        browser
            .post("/mot-de-passe-oublie/lien", &[("identifiant", login)])
            .await;
        let link = browser
            .post("/mot-de-passe-oublie/lien", &[("identifiant", login)])
            .await;
        assert_eq!(link.status, StatusCode::OK, "{login}");
        let link = browser
            .post("/mot-de-passe-oublie/lien", &[("identifiant", login)])
            .await;
        assert_eq!(link.status, StatusCode::TOO_MANY_REQUESTS, "{login}");
    }

    // Per address: one address running through a list of identifiants is stopped, like a
    // log-in spray (the address counter is the log-in's).
    let mut sprayer = portal.browser();
    sprayer.ip = "192.0.2.77".into();
    sprayer.get("/mot-de-passe-oublie").await;
    let mut statuses = Vec::new();
    for n in 0..21 {
        let page = sprayer
            .post(
                "/mot-de-passe-oublie",
                &[("identifiant", &format!("inconnu-{n}"))],
            )
            .await;
        statuses.push(page.status);
    }
    assert!(
        statuses[..20].iter().all(|s| *s == StatusCode::OK),
        "{statuses:?}"
    );
    assert_eq!(statuses[20], StatusCode::TOO_MANY_REQUESTS);
    let page = attempt(&mut sprayer, "dupont", DUPONT_PASSWORD).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
}

// ---------------------------------------------------------------------------------------------
// 13. Recovery by link
// ---------------------------------------------------------------------------------------------

async fn ask_link(browser: &mut Browser, login: &str) -> Page {
    browser.get("/mot-de-passe-oublie").await;
    let page = browser
        .post("/mot-de-passe-oublie/lien", &[("identifiant", login)])
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.main_text());
    page
}

#[tokio::test]
async fn a_reset_link_is_mailed_works_once_expires_and_never_carries_the_password() {
    let portal = Portal::demo();
    let mut browser = portal.browser();
    let known = ask_link(&mut browser, "dupont").await;
    let mails = portal.mails("password_reset");
    assert_eq!(mails.len(), 1);
    let (recipient, body) = &mails[0];
    assert_eq!(recipient, "carteplus@wanadoo.fr");
    assert!(
        body.contains(&format!("{BASE}/reinitialisation/")),
        "{body}"
    );
    assert!(
        !body.contains(DUPONT_PASSWORD),
        "the mail carries the password"
    );
    let link = last_reset_path(&portal);
    assert!(
        is_secret(link.trim_start_matches("/reinitialisation/")),
        "{link}"
    );

    // An unknown identifiant: the same answer, no mail.
    let mut stranger = portal.browser();
    let unknown = ask_link(&mut stranger, "personne-inconnue").await;
    assert_eq!(unknown.main_text(), known.main_text());
    assert_eq!(portal.mails("password_reset").len(), 1);

    // Once.
    let mut parent = portal.logged_in("dupont").await;
    let form = browser.get(&link).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.main_text().contains("dupont"));
    assert!(!form.body.contains(DUPONT_PASSWORD));
    let secret = link.trim_start_matches("/reinitialisation/");
    assert!(
        form.form("/reinitialisation", &[("lien", secret)])
            .is_some(),
        "the reset form posts to a fixed path with the link's secret"
    );
    let page = browser
        .post(
            "/reinitialisation",
            &[
                ("lien", secret),
                ("nouveau", NEW_PASSWORD),
                ("confirmation", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.main_text());
    assert_eq!(page.location(), "/connexion?fait=mot-de-passe");
    let again = browser.get(&link).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    assert!(again.text().contains("Lien expiré"), "{}", again.text());
    // Replayed with a valid form token (the reset gave the browser a new visitor id).
    browser.get("/connexion").await;
    let replay = browser
        .post(
            "/reinitialisation",
            &[
                ("lien", secret),
                ("nouveau", "encore une autre phrase"),
                ("confirmation", "encore une autre phrase"),
            ],
        )
        .await;
    assert_eq!(replay.status, StatusCode::NOT_FOUND);
    // The new password is the one, the old sessions are closed.
    portal.browser().login("dupont", NEW_PASSWORD).await;
    let page = parent.get("/accueil").await;
    assert_eq!(
        page.status,
        StatusCode::SEE_OTHER,
        "sessions survive a reset"
    );

    // Asking again at once sends nothing more: a flood of requests does not flood the inbox.
    let sent = portal.mails("password_reset").len();
    ask_link(&mut browser, "dupont").await;
    assert_eq!(portal.mails("password_reset").len(), sent);

    // A second request, later, revokes the first link.
    portal.clock.advance(Duration::minutes(6));
    ask_link(&mut browser, "dupont").await;
    let first = last_reset_path(&portal);
    portal.clock.advance(Duration::minutes(6));
    ask_link(&mut browser, "dupont").await;
    let second = last_reset_path(&portal);
    assert_ne!(first, second);
    assert_eq!(browser.get(&first).await.status, StatusCode::NOT_FOUND);
    assert_eq!(browser.get(&second).await.status, StatusCode::OK);

    // Valid an hour, not 61 minutes.
    portal.clock.advance(Duration::minutes(61));
    let page = browser.get(&second).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.text().contains("Lien expiré"));

    for (_, body) in portal.mails("password_reset") {
        assert!(!body.contains(DUPONT_PASSWORD) && !body.contains(NEW_PASSWORD));
    }
}

// ---------------------------------------------------------------------------------------------
// 14. Recovery question
// ---------------------------------------------------------------------------------------------

async fn answer(browser: &mut Browser, reply: &str) -> Page {
    browser
        .post(
            "/mot-de-passe-oublie/reponse",
            &[("identifiant", "dupont"), ("reponse", reply)],
        )
        .await
}

#[tokio::test]
async fn the_recovery_question_only_leads_to_a_new_password_and_is_throttled() {
    let portal = Portal::demo();
    let mut parent = portal.logged_in("dupont").await;
    parent.get("/profil/modifier").await;
    let page = parent
        .post(
            "/profil/question",
            &[
                ("question", "Le nom de mon premier chat ?"),
                ("reponse", "  Félix le   Rouquin "),
                ("actuel", DUPONT_PASSWORD),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.main_text());

    let mut browser = portal.browser();
    browser.get("/mot-de-passe-oublie").await;
    let page = browser
        .post("/mot-de-passe-oublie", &[("identifiant", "dupont")])
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.main_text().contains("Le nom de mon premier chat ?"));

    let wrong = answer(&mut browser, "Minou").await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong.main_text().contains("Réponse incorrecte."),
        "{}",
        wrong.main_text()
    );

    let right = answer(&mut browser, "FÉLIX  LE ROUQUIN").await;
    assert_eq!(right.status, StatusCode::SEE_OTHER, "{}", right.main_text());
    let link = right.location().to_owned();
    assert!(
        link.strip_prefix("/reinitialisation/")
            .is_some_and(is_secret),
        "{link}"
    );
    assert!(!right.body.contains(DUPONT_PASSWORD));
    let form = browser.get(&link).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(!form.body.contains(DUPONT_PASSWORD));

    // Throttled like a log-in: five wrong answers, then even the right one is refused.
    for n in 1..=5 {
        let page = answer(&mut browser, "Minou").await;
        assert!(
            page.main_text().contains("Réponse incorrecte."),
            "answer {n}"
        );
        match n {
            3 => portal.clock.advance(Duration::seconds(6)),
            4 => portal.clock.advance(Duration::seconds(16)),
            _ => {}
        }
    }
    let sixth = answer(&mut browser, "félix le rouquin").await;
    assert_ne!(
        sixth.status,
        StatusCode::SEE_OTHER,
        "a throttled answer opened a reset"
    );
    assert!(
        sixth.main_text().contains(THROTTLED),
        "{}",
        sixth.main_text()
    );
    portal.clock.advance(Duration::minutes(20));
    let later = answer(&mut browser, "félix le rouquin").await;
    assert_eq!(later.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn guessing_the_current_password_on_the_profile_is_throttled_too() {
    let portal = Portal::demo();
    let mut browser = portal.logged_in("dupont").await;
    browser.get("/profil/modifier").await;
    let change = |current: &'static str| {
        [
            ("question", "Ville de naissance de ma grand-mère ?"),
            ("reponse", "Quinsac"),
            ("actuel", current),
        ]
    };
    for _ in 0..3 {
        let page = browser
            .post("/profil/question", &change("pas le mot de passe"))
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            page.main_text()
                .contains("Le mot de passe actuel est incorrect")
        );
    }
    // Even the right one now waits: a stolen session cannot try passwords at full speed.
    let page = browser
        .post("/profil/question", &change("portail-demo-dupont"))
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.main_text().contains("Trop de tentatives"),
        "{}",
        page.main_text()
    );
    portal.clock.advance(Duration::minutes(1));
    let page = browser
        .post("/profil/question", &change("portail-demo-dupont"))
        .await;
    assert_eq!(page.location(), "/profil?fait=question");
}
