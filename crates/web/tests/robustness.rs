//! What a parent (or a script) can do to the portal's state by sending what no page offers, or
//! by clicking fast, and how the portal behaves when its disk is full (REFERENCE §C input, §D
//! disk full): absurd and unopened days, baskets under concurrent clicks, `SQLITE_FULL`.
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::{StatusCode, header};
use common::{Browser, Portal};

const NOT_OPEN: &str = "Ce jour n'est pas ouvert à la réservation";
/// Days no period of the demo opens: years no calendar has, and a day long after the periods.
const ABSURD_DAYS: [&str; 3] = ["0000-01-01", "-0001-01-01", "+10000-01-01"];

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn hrefs(body: &str) -> Vec<String> {
    body.split("href=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap_or(0)].replace("&amp;", "&"))
        .collect()
}

/// The `/reservations/<child>` address of the family's first child.
async fn first_child(browser: &mut Browser) -> String {
    let children = browser.get("/reservations").await;
    hrefs(&children.body)
        .into_iter()
        .find(|h| {
            h.strip_prefix("/reservations/")
                .is_some_and(|id| uuid::Uuid::parse_str(id).is_ok())
        })
        .expect("a child to book for")
}

/// `count` « réserver » forms of the child at `child`, the first of each day (one activity a
/// day, so the lines do not clash with each other).
async fn bookable_forms(
    browser: &mut Browser,
    child: &str,
    count: usize,
) -> Vec<Vec<(String, String)>> {
    let mut forms = Vec::new();
    let action = format!("{child}/panier");
    for month in [
        "",
        "?mois=2026-12",
        "?mois=2027-01",
        "?mois=2027-02",
        "?mois=2027-03",
    ] {
        let calendar = browser.get(&format!("{child}{month}")).await;
        let prefix = format!("{child}/jour/");
        let mut days: Vec<String> = hrefs(&calendar.body)
            .into_iter()
            .filter(|h| h.starts_with(&prefix))
            .collect();
        days.dedup();
        for day in days {
            let page = browser.get(&day).await;
            for (form_action, fields) in page.forms() {
                let booking = fields.iter().any(|(k, v)| k == "action" && v == "reserver");
                if form_action == action && booking && !forms.contains(&fields) {
                    forms.push(fields);
                    if forms.len() == count {
                        return forms;
                    }
                    break;
                }
            }
        }
    }
    panic!("the demo has only {} days to book", forms.len());
}

fn with_field(fields: &[(String, String)], name: &str, value: &str) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|(k, v)| {
            if k == name {
                (k.clone(), value.to_owned())
            } else {
                (k.clone(), v.clone())
            }
        })
        .collect()
}

fn field<'f>(fields: &'f [(String, String)], name: &str) -> &'f str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no field {name}"))
}

/// The session behind the browser's cookie, as the app knows it.
fn session_of(portal: &Portal, browser: &Browser) -> app::accounts::Session {
    let token = browser
        .cookies
        .get(portal.services.config.session_cookie())
        .unwrap();
    app::accounts::session(&portal.app, token).unwrap().unwrap()
}

/// « N réservation(s) et M annulation(s) à valider » of the basket beside the calendar.
async fn basket_summary(browser: &mut Browser) -> String {
    let page = browser.get("/reservations").await;
    let text = page.main_text();
    let start = text.find("Votre panier").unwrap();
    text[start..].chars().take(60).collect()
}

// ---------------------------------------------------------------------------------------------
// Absurd days, days no period opens, a day without a price
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn the_day_page_of_an_absurd_date_is_a_french_404_never_a_500() {
    let portal = Portal::demo();
    let mut dupont = portal.logged_in("dupont").await;
    let child = first_child(&mut dupont).await;
    for day in ABSURD_DAYS {
        let page = dupont.get(&format!("{child}/jour/{day}")).await;
        assert_eq!(
            page.status,
            StatusCode::NOT_FOUND,
            "{day}: {}",
            page.main_text()
        );
        assert!(page.main_text().contains("Page introuvable"), "{day}");
    }
}

#[tokio::test]
async fn a_click_on_a_day_no_period_opens_is_refused_and_the_basket_stays_empty() {
    let portal = Portal::demo();
    let mut dupont = portal.logged_in("dupont").await;
    let child = first_child(&mut dupont).await;
    let form = bookable_forms(&mut dupont, &child, 1).await.remove(0);
    let head = portal.head();
    for day in ABSURD_DAYS.into_iter().chain(["2031-07-14", "1999-03-01"]) {
        let page = dupont
            .post_raw(&format!("{child}/panier"), &with_field(&form, "jour", day))
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{day}");
        assert!(
            page.main_text().contains(NOT_OPEN),
            "{day}: {}",
            page.main_text()
        );
    }
    let summary = dupont.get("/reservations/recapitulatif").await;
    assert_eq!(summary.status, StatusCode::OK);
    assert!(
        summary.main_text().contains("Votre panier est vide"),
        "{}",
        summary.main_text()
    );
    assert_eq!(portal.head(), head, "nothing recorded");
    // The day the page offered still goes in.
    let page = dupont.post_raw(&format!("{child}/panier"), &form).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.main_text());
}

#[tokio::test]
async fn a_basket_holding_an_old_absurd_day_still_shows_its_recapitulatif_and_validates_the_rest() {
    let portal = Portal::demo();
    let mut dupont = portal.logged_in("dupont").await;
    let child = first_child(&mut dupont).await;
    let form = bookable_forms(&mut dupont, &child, 1).await.remove(0);
    let page = dupont.post_raw(&format!("{child}/panier"), &form).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    // Given lines an older version let in.
    let child_id: domain::ids::ChildId =
        child.trim_start_matches("/reservations/").parse().unwrap();
    let activity_id: domain::ids::ActivityId = field(&form, "activite").parse().unwrap();
    let session = session_of(&portal, &dupont);
    let mut basket = session.basket.clone();
    for day in [(0, 1, 1), (10_000, 1, 1)] {
        let day = chrono::NaiveDate::from_ymd_opt(day.0, day.1, day.2).unwrap();
        basket.lines.push(app::booking::LineRequest::Book {
            child_id,
            activity_id,
            day,
        });
    }
    app::accounts::save_basket(&portal.app, &session, &basket).unwrap();
    // When the parent opens the récapitulatif: the bad lines are refused, the good one is not.
    let summary = dupont.get("/reservations/recapitulatif").await;
    assert_eq!(summary.status, StatusCode::OK, "{}", summary.main_text());
    let text = summary.main_text();
    assert_eq!(text.matches(NOT_OPEN).count(), 2, "{text}");
    // And « Valider » answers with each line's outcome.
    let formulaire = summary.input_values("formulaire").remove(0);
    let answer = dupont
        .post(
            "/reservations/recapitulatif",
            &[("formulaire", &formulaire)],
        )
        .await;
    assert_eq!(
        answer.status,
        StatusCode::SEE_OTHER,
        "{}",
        answer.main_text()
    );
    let result = dupont.get(answer.location()).await;
    assert_eq!(result.status, StatusCode::OK);
    assert_eq!(
        result.main_text().matches(NOT_OPEN).count(),
        2,
        "{}",
        result.main_text()
    );
    let after = dupont.get("/reservations/recapitulatif").await;
    assert!(
        after.main_text().contains("Votre panier est vide"),
        "{}",
        after.main_text()
    );
}

#[tokio::test]
async fn a_day_before_the_price_history_is_a_typed_refusal_not_a_malformed_read_model() {
    let portal = Portal::demo();
    let mut dupont = portal.logged_in("dupont").await;
    let child = first_child(&mut dupont).await;
    let form = bookable_forms(&mut dupont, &child, 1).await.remove(0);
    let activity: domain::ids::ActivityId = field(&form, "activite").parse().unwrap();
    let family = portal.family("dupont");
    let day = chrono::NaiveDate::from_ymd_opt(0, 6, 1).unwrap();
    let priced = portal
        .app
        .query(move |conn| Ok(app::money::day_price(conn, family, activity, day)));
    match priced.unwrap() {
        Err(error @ app::AppError::Money(_)) => {
            assert_eq!(error.to_string(), "aucun tarif n'est en vigueur ce jour-là");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Clicks at once
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_clicks_at_once_in_one_session_all_land_in_the_basket() {
    let portal = Portal::demo();
    let mut dupont = portal.logged_in("dupont").await;
    let child = first_child(&mut dupont).await;
    let forms = bookable_forms(&mut dupont, &child, 10).await;
    for round in 0..4 {
        // Given an empty basket, when ten clicks arrive at once.
        let page = dupont.post("/reservations/abandonner", &[]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
        let clicks: Vec<_> = forms
            .iter()
            .cloned()
            .map(|fields| {
                let mut browser = dupont.clone();
                let action = format!("{child}/panier");
                tokio::spawn(async move { browser.post_raw(&action, &fields).await.status })
            })
            .collect();
        for click in clicks {
            assert_eq!(click.await.unwrap(), StatusCode::SEE_OTHER, "round {round}");
        }
        // Then every acknowledged click is in the basket.
        let summary = basket_summary(&mut dupont).await;
        assert!(
            summary.contains("10 réservations et 0 annulation"),
            "round {round}: {summary}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Disk full
// ---------------------------------------------------------------------------------------------

/// Caps the database at its current size (`PRAGMA max_page_count` on the writer's connection)
/// and fills its free space, so the next write that needs room fails with `SQLITE_FULL`.
fn fill_the_disk(portal: &Portal) {
    portal
        .app
        .execute("test:disque", |command| {
            let conn = command.conn();
            conn.execute_batch("CREATE TABLE test_filler (bytes BLOB NOT NULL)")?;
            let pages: i64 = conn.query_row("PRAGMA page_count", [], |row| row.get(0))?;
            let _: i64 =
                conn.pragma_update_and_check(None, "max_page_count", pages, |row| row.get(0))?;
            Ok(())
        })
        .unwrap();
    // Big rows first, then smaller ones into what is left.
    for size in [4000, 1000, 250, 60, 10] {
        loop {
            let filled = portal.app.execute("test:disque", move |command| {
                command.conn().execute(
                    "INSERT INTO test_filler (bytes) VALUES (zeroblob(?1))",
                    [size],
                )?;
                Ok(())
            });
            match filled {
                Ok(()) => {}
                Err(error) if error.is_storage_full() => break,
                Err(error) => panic!("filling the disk: {error}"),
            }
        }
    }
}

fn give_space_back(portal: &Portal) {
    portal
        .app
        .execute("test:disque", |command| {
            let _: i64 =
                command
                    .conn()
                    .query_row("PRAGMA max_page_count = 1000000000", [], |row| row.get(0))?;
            Ok(())
        })
        .unwrap();
}

#[tokio::test]
async fn a_full_disk_answers_503_saves_nothing_and_the_portal_recovers_by_itself() {
    let portal = Portal::demo();
    let mut dupont = portal.logged_in("dupont").await;
    let child = first_child(&mut dupont).await;
    // A basket big enough that its events cannot fit in the pages' slack.
    for form in bookable_forms(&mut dupont, &child, 15).await {
        let page = dupont.post_raw(&format!("{child}/panier"), &form).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
    }
    let summary = dupont.get("/reservations/recapitulatif").await;
    let formulaire = summary.input_values("formulaire").remove(0);
    // Given a full disk.
    fill_the_disk(&portal);
    let head = portal.head();
    // When the parent validates: 503, « réessayez dans quelques minutes », nothing recorded.
    let answer = dupont
        .post(
            "/reservations/recapitulatif",
            &[("formulaire", &formulaire)],
        )
        .await;
    assert_eq!(
        answer.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        answer.main_text()
    );
    let retry: u64 = answer.headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry > 0);
    assert!(
        answer
            .main_text()
            .contains("réessayez dans quelques minutes"),
        "{}",
        answer.main_text()
    );
    assert!(
        answer.main_text().contains("Rien n'a été enregistré"),
        "{}",
        answer.main_text()
    );
    assert_eq!(portal.head(), head, "nothing half-written");
    // Reads keep working, and the basket is intact.
    let again = dupont.get("/reservations/recapitulatif").await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.input_values("formulaire"), vec![formulaire.clone()]);
    // Then space returns, and the same click works without a restart.
    give_space_back(&portal);
    let answer = dupont
        .post(
            "/reservations/recapitulatif",
            &[("formulaire", &formulaire)],
        )
        .await;
    assert_eq!(
        answer.status,
        StatusCode::SEE_OTHER,
        "{}",
        answer.main_text()
    );
    assert!(portal.head() > head);
    let result = dupont.get(answer.location()).await;
    assert_eq!(result.status, StatusCode::OK);
    assert!(
        result.main_text().contains("enregistrée"),
        "{}",
        result.main_text()
    );
}
