//! The staff log-in over the router: password, TOTP code, and what a session that has not
//! finished its log-in can reach.

use axum::http::StatusCode;

use crate::common::Portal;

#[tokio::test]
async fn a_demo_member_logs_in_with_password_and_totp_and_reaches_the_desk() {
    let portal = Portal::demo();
    let mut browser = portal.staff_logged_in("accueil").await;
    let home = browser.get("/gestion").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.text().contains("Claire Accueil"), "{}", home.text());
}
