//! The occupancy board and the day's detail over the router, in the demo world on Wednesday 25
//! November 2026: the figures of `portail waitlist show` in the cells, the month view, a bad
//! week shown as the current one, the actions only for `ManageDays`, and a director of another
//! structure refused with nothing written.

use axum::http::StatusCode;
use domain::ids::{ActivityId, StructureId, derive_id};
use domain::staff::Role;

use crate::common::Portal;

fn structure(key: &str) -> StructureId {
    StructureId::from_uuid(derive_id("structure", key))
}

fn activity(key: &str) -> ActivityId {
    ActivityId::from_uuid(derive_id("activity", key))
}

/// « 8/8 · 1/2 att. · 0 dem. » as `portail waitlist show` reads the day.
fn cell_text(portal: &Portal, activity: ActivityId, day: &str) -> String {
    let slot = app::listing::slot(&portal.app, activity, day.parse().unwrap()).unwrap();
    format!(
        "{}/{} · {}/{} att. · {} dem.",
        slot.accepted, slot.capacity, slot.waitlisted, slot.waitlist_size, slot.pending
    )
}

#[tokio::test]
async fn a_director_sees_the_week_with_the_figures_of_the_waitlist_show_and_opens_a_day() {
    let portal = Portal::demo();
    let mut director = portal.staff_logged_in("direction").await;
    let quinsac = structure("quinsac");
    let page = director
        .get(&format!(
            "/gestion/occupation?structure={quinsac}&semaine=2026-12-09"
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let text = page.main_text();
    assert!(text.contains("semaine du lundi 7 décembre 2026"), "{text}");
    let matin = activity("alsh-6-12-matin");
    let expected = format!(
        "{} Complet — liste d'attente ouverte",
        cell_text(&portal, matin, "2026-12-09")
    );
    assert!(text.contains(&expected), "{expected} not in {text}");
    assert!(text.contains("Places libres"), "{text}");
    assert!(page.body.contains("<caption"));
    assert!(page.body.contains("th scope=\"row\""));
    assert!(page.body.contains("class=\"board-cell state-waitlist\""));
    assert!(page.body.contains("aria-current=\"page\">Semaine"));
    let detail_url = format!("/gestion/occupation/{matin}/2026-12-09");
    assert!(page.body.contains(&detail_url));
    assert!(page.body.contains("semaine=2026-11-30"), "previous week");
    assert!(page.body.contains("semaine=2026-12-14"), "next week");

    let day = director.get(&detail_url).await;
    assert_eq!(day.status, StatusCode::OK, "{}", day.text());
    let text = day.main_text();
    let slot = app::listing::slot(&portal.app, matin, "2026-12-09".parse().unwrap()).unwrap();
    assert!(text.contains("Enfants acceptés"), "{text}");
    assert!(text.contains("DUPONT Lilou"), "{text}");
    assert!(text.contains(&format!("{} enfant(s) accepté(s)", slot.accepted)));
    assert!(text.contains(&format!(
        "{} enfant(s) en liste d'attente, par rang",
        slot.waitlisted
    )));
    let first = &slot.waitlist[0];
    assert!(text.contains(&first.child), "{text}");
    // A director manages the days of her structures: the four actions are offered.
    assert!(day.body.contains(&format!("{detail_url}/capacite")));
    assert!(day.body.contains(&format!("{detail_url}/fermeture")));
    assert!(day.body.contains(&format!(
        "{detail_url}/promotion?place={}",
        first.reservation_id
    )));
    assert!(
        day.body.contains(&format!(
            "{detail_url}/rang?place={}&amp;sens=descendre",
            first.reservation_id
        )) || slot.waitlist.len() == 1
    );
}

#[tokio::test]
async fn the_month_view_shows_every_wednesday_and_a_bad_week_is_the_current_one() {
    let portal = Portal::demo();
    let mut director = portal.staff_logged_in("direction").await;
    let quinsac = structure("quinsac");
    let month = director
        .get(&format!(
            "/gestion/occupation?structure={quinsac}&mois=2026-12"
        ))
        .await;
    assert_eq!(month.status, StatusCode::OK);
    let text = month.main_text();
    assert!(text.contains("décembre 2026"), "{text}");
    assert!(month.body.contains("aria-current=\"page\">Mois"));
    let afternoon = activity("alsh-6-12-apres-midi");
    for wednesday in ["2026-12-02", "2026-12-09", "2026-12-16"] {
        assert!(
            month
                .body
                .contains(&format!("/gestion/occupation/{afternoon}/{wednesday}")),
            "{wednesday}"
        );
    }
    assert!(text.contains(&cell_text(&portal, afternoon, "2026-12-16")));
    assert!(month.body.contains("mois=2026-11"), "previous month");
    assert!(month.body.contains("mois=2027-01"), "next month");

    let bad = director
        .get(&format!(
            "/gestion/occupation?structure={quinsac}&semaine=2026-02-31"
        ))
        .await;
    assert_eq!(bad.status, StatusCode::OK);
    assert!(
        bad.main_text()
            .contains("semaine du lundi 23 novembre 2026"),
        "{}",
        bad.main_text()
    );
    // Without a structure: the member's first, selected.
    let first = director.get("/gestion/occupation").await;
    assert_eq!(first.status, StatusCode::OK);
    let select = &first.body[first.body.find("<select").unwrap()..];
    let option = &select[..select.find("</option>").unwrap()];
    assert!(option.contains("\" selected>"), "{option}");
}

#[tokio::test]
async fn a_director_of_another_structure_gets_403_with_nothing_written() {
    let portal = Portal::demo();
    let latresne = structure("latresne");
    app::staff::change_account(
        &portal.app,
        &app::staff::Acting::operator(),
        app::staff::staff_id_of("direction"),
        vec![Role::Direction],
        vec![latresne],
    )
    .unwrap();
    let mut director = portal.staff_logged_in("direction").await;
    let head = portal.head();
    let quinsac = structure("quinsac");
    let board = director
        .get(&format!("/gestion/occupation?structure={quinsac}"))
        .await;
    assert_eq!(board.status, StatusCode::FORBIDDEN);
    assert!(board.text().contains("Accès refusé"));
    let day = director
        .get(&format!(
            "/gestion/occupation/{}/2026-12-09",
            activity("alsh-6-12-matin")
        ))
        .await;
    assert_eq!(day.status, StatusCode::FORBIDDEN);
    assert_eq!(portal.head(), head, "nothing written");
    // Her own structure is the one offered.
    let own = director.get("/gestion/occupation").await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(own.body.contains(&format!("value=\"{latresne}\" selected")));
    assert!(!own.body.contains(&format!("value=\"{quinsac}\"")));
}

#[tokio::test]
async fn the_regie_sees_the_day_without_its_actions_and_a_bad_id_is_the_french_404() {
    let portal = Portal::demo();
    let mut regie = portal.staff_logged_in("regie").await;
    let detail_url = format!(
        "/gestion/occupation/{}/2026-12-09",
        activity("alsh-6-12-matin")
    );
    let day = regie.get(&detail_url).await;
    assert_eq!(day.status, StatusCode::OK);
    assert!(!day.body.contains("/capacite"));
    assert!(!day.body.contains("/promotion?"));
    for bad in [
        "/gestion/occupation/pas-un-id/2026-12-09".to_owned(),
        format!(
            "/gestion/occupation/{}/2026-13-40",
            activity("alsh-6-12-matin")
        ),
        format!(
            "/gestion/occupation/{}/2026-12-09",
            uuid::Uuid::from_u128(7)
        ),
        "/gestion/occupation?structure=pas-un-id".to_owned(),
        format!("/gestion/occupation?structure={}", uuid::Uuid::from_u128(7)),
    ] {
        let page = regie.get(&bad).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{bad}");
    }
}

#[tokio::test]
async fn the_day_lists_the_staff_actions_with_their_reasons_and_the_new_figures() {
    let portal = Portal::demo();
    let matin = activity("alsh-6-12-matin");
    let day: chrono::NaiveDate = "2026-12-09".parse().unwrap();
    let before = app::listing::slot(&portal.app, matin, day).unwrap();
    app::days::change_capacity(
        &portal.app,
        &app::staff::Acting::operator(),
        matin,
        day,
        before.capacity + 1,
        before.waitlist_size,
        app::days::Reason::parse("Renfort du mercredi").unwrap(),
    )
    .unwrap();
    let mut director = portal.staff_logged_in("direction").await;
    let page = director
        .get(&format!("/gestion/occupation/{matin}/2026-12-09"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.main_text();
    assert!(
        text.contains("Actions du personnel sur cette journée"),
        "{text}"
    );
    assert!(text.contains("Renfort du mercredi"), "{text}");
    assert!(
        text.contains(&format!("Capacité portée à {}", before.capacity + 1)),
        "{text}"
    );
    let board = director
        .get(&format!(
            "/gestion/occupation?structure={}&semaine=2026-12-09",
            structure("quinsac")
        ))
        .await;
    assert!(
        board
            .main_text()
            .contains(&cell_text(&portal, matin, "2026-12-09"))
    );
}

#[tokio::test]
async fn a_day_closed_exceptionally_is_told_in_words_on_the_board() {
    let portal = Portal::demo();
    let matin = activity("alsh-6-12-matin");
    app::days::close_day(
        &portal.app,
        &app::staff::Acting::operator(),
        matin,
        "2026-12-09".parse().unwrap(),
        app::days::Reason::parse("Fuite d'eau").unwrap(),
    )
    .unwrap();
    let mut director = portal.staff_logged_in("direction").await;
    let board = director
        .get(&format!(
            "/gestion/occupation?structure={}&semaine=2026-12-09",
            structure("quinsac")
        ))
        .await;
    let expected = format!(
        "{} Fermé exceptionnellement",
        cell_text(&portal, matin, "2026-12-09")
    );
    assert!(
        board.main_text().contains(&expected),
        "{}",
        board.main_text()
    );
    assert!(board.body.contains("board-cell state-closed-exceptionally"));
    let day = director
        .get(&format!("/gestion/occupation/{matin}/2026-12-09"))
        .await;
    assert!(day.main_text().contains("Fuite d'eau"));
    assert!(!day.body.contains("/fermeture"), "already closed");
    assert!(day.body.contains("/capacite"));
}

#[tokio::test]
async fn a_day_over_offers_no_action_and_today_only_its_waitlist() {
    let portal = Portal::demo();
    let mut director = portal.staff_logged_in("direction").await;
    let journee = activity("alsh-6-12-journee");
    let coming = director
        .get(&format!("/gestion/occupation/{journee}/2026-12-09"))
        .await;
    assert_eq!(coming.status, StatusCode::OK, "{}", coming.text());
    assert!(coming.body.contains("/capacite"), "a coming day can change");
    for past in ["2026-11-18", "2026-11-25"] {
        let day = director
            .get(&format!("/gestion/occupation/{journee}/{past}"))
            .await;
        assert_eq!(day.status, StatusCode::OK, "{past}: {}", day.text());
        assert!(
            !day.body.contains("/capacite"),
            "{past}: no capacity change"
        );
        assert!(!day.body.contains("/fermeture"), "{past}: no closing");
    }
}
