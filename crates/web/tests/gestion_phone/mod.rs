//! Phone bookings at the desk (`/gestion/familles/{family}/reservations…`): the parent's
//! basket and rules under the member's actor, the director's exception, and nothing written
//! when refused.

use axum::http::StatusCode;

use crate::common::Portal;

/// The phone pages of `family`, GET then POST, as the URL plan has them.
fn phone_pages(portal: &Portal, login: &str) -> (Vec<String>, Vec<String>) {
    let family = portal.family(login);
    let base = format!("/gestion/familles/{family}");
    let gets = vec![
        format!("{base}/reservations"),
        format!("{base}/recapitulatif"),
        format!("{base}/suivi"),
    ];
    let posts = vec![
        format!("{base}/recapitulatif"),
        format!("{base}/abandonner"),
        format!("{base}/suivi"),
    ];
    (gets, posts)
}

#[tokio::test]
async fn without_a_staff_session_the_phone_pages_send_to_the_staff_log_in_and_write_nothing() {
    let portal = Portal::demo();
    let (gets, posts) = phone_pages(&portal, "dupont");
    let head = portal.head();
    let mut anonymous = portal.browser();
    let mut parent = portal.logged_in("dupont").await;
    for path in &gets {
        for browser in [&mut anonymous, &mut parent] {
            let page = browser.get(path).await;
            assert_eq!(page.status, StatusCode::SEE_OTHER, "{path}");
            assert!(
                page.location().starts_with("/gestion/connexion"),
                "{path}: {}",
                page.location()
            );
        }
    }
    for path in &posts {
        for browser in [&mut anonymous, &mut parent] {
            let page = browser.post(path, &[("formulaire", "0")]).await;
            assert_ne!(page.status, StatusCode::OK, "{path}");
        }
    }
    assert_eq!(portal.head(), head, "nothing written");
}
