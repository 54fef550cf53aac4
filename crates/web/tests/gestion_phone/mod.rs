//! Phone bookings at the desk (`/gestion/familles/{family}/reservations…`): the parent's
//! basket and rules under the member's actor, the director's exception, and nothing written
//! when refused.

use axum::http::StatusCode;
use domain::ids::StaffId;

use crate::common::{Browser, Page, Portal};
use crate::{activity_id, click};

/// A browser logged in through the staff pages as the demo account `login` (`accueil` and
/// `direction` act on both demo centres), and its id.
async fn staff_browser(portal: &Portal, login: &str) -> (Browser, StaffId) {
    (
        portal.staff_logged_in(login).await,
        app::staff::staff_id_of(login),
    )
}

/// The last event of `event_type` in the log: its payload and metadata.
fn last_event(portal: &Portal, event_type: &str) -> (serde_json::Value, serde_json::Value) {
    portal
        .app
        .store
        .read_range(1, None, 1024)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.event_type == event_type)
        .last()
        .map(|e| (e.payload_json().unwrap(), e.metadata_json().unwrap()))
        .unwrap_or_else(|| panic!("no {event_type}"))
}

/// The staff calendar of Lilou DUPONT, « CDC - ALSH 6-12 Matin », for `month`: (the child's
/// address, the page).
async fn lilou_matin(browser: &mut Browser, portal: &Portal, month: &str) -> (String, Page) {
    let family = portal.family("dupont");
    let children = browser
        .get(&format!("/gestion/familles/{family}/reservations"))
        .await;
    assert_eq!(children.status, StatusCode::OK, "{}", children.text());
    assert!(
        children.text().contains("Lilou DUPONT"),
        "{}",
        children.text()
    );
    let prefix = format!("/gestion/familles/{family}/reservations/");
    let child = children
        .body
        .split("href=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .find(|href| href.starts_with(&prefix) && href.len() > prefix.len())
        .unwrap()
        .to_owned();
    let first = browser.get(&format!("{child}?mois={month}")).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text());
    let matin = activity_id(&first, "CDC - ALSH 6-12 Matin");
    let page = browser
        .get(&format!("{child}?mois={month}&activite={matin}"))
        .await;
    (child, page)
}

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

#[tokio::test]
async fn an_agent_books_by_phone_the_request_names_the_agent_and_the_parent_sees_it_in_suivi() {
    let portal = Portal::demo();
    let (mut agent, staff) = staff_browser(&portal, "accueil").await;
    let family = portal.family("dupont");
    let (child, calendar) = lilou_matin(&mut agent, &portal, "2026-12").await;
    let calendar = click(&mut agent, &calendar, &child, "2026-12-28", "reserver").await;
    assert!(calendar.body.contains("state-adding"));
    let head = portal.head();
    let summary = agent
        .get(&format!("/gestion/familles/{family}/recapitulatif"))
        .await;
    assert_eq!(portal.head(), head, "the récapitulatif records nothing");
    let text = summary.main_text();
    assert!(
        text.contains(
            "lundi 28 décembre 2026 DUPONT Lilou CDC - ALSH 6-12 Matin Réservation place disponible"
        ),
        "{text}"
    );
    assert!(
        !summary.body.contains("name=\"derogation\""),
        "no exception for an agent"
    );
    let form_id = summary.input_values("formulaire")[0].clone();
    let answer = agent
        .post(
            &format!("/gestion/familles/{family}/recapitulatif"),
            &[("formulaire", &form_id)],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());
    let result = agent.get(answer.location()).await;
    assert!(
        result.main_text().contains("1 demande enregistrée"),
        "{}",
        result.main_text()
    );
    let (payload, metadata) = last_event(&portal, "BookingRequested");
    assert_eq!(metadata["actor"], format!("staff:{staff}"));
    assert_eq!(payload["family_id"], family.to_string());

    let mut parent = portal.logged_in("dupont").await;
    let follow_up = parent.get("/suivi").await;
    assert!(
        follow_up.main_text().contains(
            "lundi 28 décembre 2026 DUPONT Lilou CDC - ALSH 6-12 Matin Non transmis Retirer"
        ),
        "{}",
        follow_up.main_text()
    );
    // The staff Suivi shows it too, and « Retirer » there withdraws it under the agent.
    let staff_follow_up = agent
        .get(&format!("/gestion/familles/{family}/suivi"))
        .await;
    let request = staff_follow_up.input_values("demande")[0].clone();
    let withdrawn = agent
        .post(
            &format!("/gestion/familles/{family}/suivi"),
            &[("demande", &request)],
        )
        .await;
    assert_eq!(withdrawn.status, StatusCode::SEE_OTHER);
    let (_, metadata) = last_event(&portal, "RequestWithdrawn");
    assert_eq!(metadata["actor"], format!("staff:{staff}"));
}

#[tokio::test]
async fn an_agent_cannot_set_a_deadline_aside_403_and_nothing_written() {
    let portal = Portal::demo();
    let (mut agent, _) = staff_browser(&portal, "accueil").await;
    let family = portal.family("dupont");
    let (child, calendar) = lilou_matin(&mut agent, &portal, "2026-12").await;
    click(&mut agent, &calendar, &child, "2026-12-28", "reserver").await;
    let summary = agent
        .get(&format!("/gestion/familles/{family}/recapitulatif"))
        .await;
    let form_id = summary.input_values("formulaire")[0].clone();
    let head = portal.head();
    let answer = agent
        .post(
            &format!("/gestion/familles/{family}/recapitulatif"),
            &[
                ("formulaire", &form_id),
                ("derogation", "1"),
                ("motif", "Appel du parent"),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.text());
    assert_eq!(portal.head(), head, "nothing written");
    let summary = agent
        .get(&format!("/gestion/familles/{family}/recapitulatif"))
        .await;
    assert!(
        summary.main_text().contains("28 décembre"),
        "the basket is kept"
    );
}

#[tokio::test]
async fn the_regie_and_the_administration_get_the_403_page_and_nothing_is_written() {
    let portal = Portal::demo();
    let (mut admin, _) = staff_browser(&portal, "admin").await;
    let (mut regie, _) = staff_browser(&portal, "regie").await;
    let (gets, posts) = phone_pages(&portal, "dupont");
    let head = portal.head();
    for browser in [&mut admin, &mut regie] {
        for path in &gets {
            let page = browser.get(path).await;
            assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}");
        }
        browser.get("/gestion").await;
        for path in &posts {
            let page = browser.post(path, &[("formulaire", &"0".repeat(32))]).await;
            assert!(
                matches!(page.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
                "{path}: {}",
                page.status
            );
        }
    }
    assert_eq!(portal.head(), head, "nothing written");
}

#[tokio::test]
async fn a_director_books_past_the_deadline_with_a_reason_kept_out_of_the_log() {
    let portal = Portal::demo();
    let (mut director, staff) = staff_browser(&portal, "direction").await;
    let family = portal.family("dupont");
    // Wednesday 25 November 2026, 09:00: that day's deadline (J-2 18:00) has passed.
    let (child, calendar) = lilou_matin(&mut director, &portal, "2026-11").await;
    let day = "2026-11-25";
    let calendar = click(&mut director, &calendar, &child, day, "reserver").await;
    assert!(calendar.body.contains("state-adding"));
    let summary = director
        .get(&format!("/gestion/familles/{family}/recapitulatif"))
        .await;
    assert!(
        summary.body.contains("name=\"derogation\""),
        "{}",
        summary.main_text()
    );
    insta::with_settings!({ snapshot_path => "../snapshots" }, {
        insta::assert_snapshot!("gestion_recapitulatif_direction", crate::snapshot_of(&summary));
    });
    assert!(
        summary
            .main_text()
            .contains("Vous n'êtes plus dans les temps pour réserver ce jour"),
        "{}",
        summary.main_text()
    );
    let form_id = summary.input_values("formulaire")[0].clone();
    let path = format!("/gestion/familles/{family}/recapitulatif");
    // Ticked without a reason: refused, nothing written.
    let head = portal.head();
    let refused = director
        .post(
            &path,
            &[
                ("formulaire", &form_id),
                ("derogation", "1"),
                ("motif", "  "),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .contains("Indiquez le motif de la dérogation")
    );
    assert_eq!(portal.head(), head);
    let answer = director
        .post(
            &path,
            &[
                ("formulaire", &form_id),
                ("derogation", "1"),
                ("motif", "Reprise du travail imprévue"),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());
    let result = director.get(answer.location()).await;
    assert!(
        result.main_text().contains("1 demande enregistrée"),
        "{}",
        result.main_text()
    );
    let (payload, metadata) = last_event(&portal, "BookingRequested");
    assert_eq!(metadata["actor"], format!("staff:{staff}"));
    assert_eq!(
        metadata["overrides"],
        serde_json::json!(["booking_too_late"])
    );
    assert!(
        !payload.to_string().contains("Reprise"),
        "the reason stays out of the log"
    );
    let request = payload["request_id"].as_str().unwrap().parse().unwrap();
    let kept = app::booking::deadline_exception(&portal.app, request)
        .unwrap()
        .unwrap();
    assert_eq!(kept.reason, "Reprise du travail imprévue");
}

#[tokio::test]
async fn a_director_cancels_from_suivi_a_place_past_its_cancellation_deadline_with_a_reason() {
    let portal = Portal::demo();
    let family = portal.family("dupont");
    let suivi = format!("/gestion/familles/{family}/suivi");
    let (mut agent, _) = staff_browser(&portal, "accueil").await;
    let (mut director, staff) = staff_browser(&portal, "direction").await;
    let agent_page = agent.get(&suivi).await;
    let director_page = director.get(&suivi).await;
    assert_eq!(director_page.status, StatusCode::OK);
    let agent_places = agent_page.input_values("reservation");
    let late = director_page
        .input_values("reservation")
        .into_iter()
        .find(|place| !agent_places.contains(place))
        .expect("a place only a director may still cancel");
    let basket = director.post(&suivi, &[("reservation", &late)]).await;
    assert_eq!(
        basket.location(),
        format!("/gestion/familles/{family}/recapitulatif")
    );
    let summary = director.get(basket.location()).await;
    assert!(
        summary
            .main_text()
            .contains("Vous n'êtes plus dans les temps pour annuler ce jour"),
        "{}",
        summary.main_text()
    );
    let form_id = summary.input_values("formulaire")[0].clone();
    let answer = director
        .post(
            basket.location(),
            &[
                ("formulaire", &form_id),
                ("derogation", "1"),
                ("motif", "Hospitalisation"),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());
    let (payload, metadata) = last_event(&portal, "CancellationRequested");
    assert_eq!(payload["reservation_id"], late);
    assert_eq!(metadata["actor"], format!("staff:{staff}"));
    assert_eq!(
        metadata["overrides"],
        serde_json::json!(["cancellation_too_late"])
    );
}
