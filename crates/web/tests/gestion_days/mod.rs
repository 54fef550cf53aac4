//! The staff actions on a day over the router, in the demo world (Wednesday 25 November 2026):
//! a director raises the capacity of the full afternoon where Lilou waits, she gets the place
//! and her family the mail, exactly as the CLI's function does; refusals are French 422 pages
//! linking back to the day, nothing written.

use axum::http::StatusCode;
use chrono::{Datelike, NaiveDate, Weekday};
use domain::ids::{ActivityId, derive_id};

use crate::common::Portal;

fn afternoon() -> ActivityId {
    ActivityId::from_uuid(derive_id("activity", "alsh-6-12-apres-midi"))
}

/// The coming Wednesday whose full afternoon has Lilou DUPONT waiting (rank 1).
fn lilou_waiting(portal: &Portal) -> NaiveDate {
    let first = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    first
        .iter_days()
        .take(120)
        .filter(|d| d.weekday() == Weekday::Wed)
        .find(|day| {
            app::listing::slot(&portal.app, afternoon(), *day)
                .map(|slot| {
                    slot.waitlist
                        .first()
                        .is_some_and(|e| e.child.contains("Lilou"))
                })
                .unwrap_or(false)
        })
        .expect("the demo has Lilou waiting on a full afternoon")
}

/// What a command wrote after `position`: each event's type and payload, and the outbox.
fn written_after(portal: &Portal, position: u64) -> (Vec<(String, String)>, Vec<String>) {
    let events = portal
        .app
        .store
        .read_range(position + 1, None, 100)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| (e.event_type, e.payload))
        .collect();
    let outbox = portal
        .app
        .query(|conn| Ok(mail::list(conn, mail::OutboxFilter::All)?))
        .unwrap()
        .into_iter()
        .map(|m| format!("{:?} {} {}", m.kind, m.recipient, m.subject))
        .collect();
    (events, outbox)
}

fn actor_after(portal: &Portal, position: u64) -> Vec<String> {
    portal
        .app
        .store
        .read_range(position + 1, None, 100)
        .unwrap()
        .map(|e| e.unwrap().metadata_json().unwrap()["actor"].to_string())
        .collect()
}

#[tokio::test]
async fn a_director_raises_the_capacity_and_lilou_gets_the_place_and_the_mail_as_with_the_cli() {
    let portal = Portal::demo();
    let day = lilou_waiting(&portal);
    let path = format!("/gestion/occupation/{}/{day}", afternoon());
    let mut direction = portal.staff_logged_in("direction").await;

    let form = direction.get(&format!("{path}/capacite")).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.text());
    let text = form.main_text();
    assert!(text.contains("8 / 8"), "{text}");
    assert!(
        text.contains("n'annule aucune place déjà acceptée"),
        "{text}"
    );
    assert!(text.contains("Motif (obligatoire)"), "{text}");

    let before = portal.head();
    let done = direction
        .post(
            &format!("{path}/capacite"),
            &[
                ("capacite", "9"),
                ("attente", "2"),
                ("a_partir_du", &day.to_string()),
                ("motif", "  Un animateur de renfort  "),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text());
    assert_eq!(done.location(), path);
    let slot = app::listing::slot(&portal.app, afternoon(), day).unwrap();
    assert_eq!((slot.accepted, slot.waitlisted), (9, 0));
    assert!(slot.places.iter().any(|p| p.child.contains("Lilou")));
    let mails = portal.mails("waitlist_promotion");
    assert!(
        mails
            .iter()
            .any(|(to, body)| to.contains("dupont") || body.contains("Lilou")),
        "{mails:?}"
    );
    let member = portal
        .app
        .query(|conn| app::staff::member_by_login(conn, "direction"))
        .unwrap()
        .unwrap();
    let actors = actor_after(&portal, before);
    assert!(!actors.is_empty());
    assert!(
        actors
            .iter()
            .all(|a| a == &format!("\"staff:{}\"", member.staff_id)),
        "{actors:?}"
    );
    let actions = app::days::day_actions(&portal.app, afternoon(), day).unwrap();
    assert_eq!(actions.len(), 1);
    assert_eq!(actions[0].by, member.name);
    assert_eq!(actions[0].reason, "Un animateur de renfort");
    let from_the_web = written_after(&portal, before);

    // The CLI calls the same function (`portail activities capacity`, here without `--as`).
    let other = Portal::demo();
    let before_cli = other.head();
    assert_eq!(before_cli, before);
    app::days::change_capacity(
        &other.app,
        &app::staff::Acting::operator(),
        afternoon(),
        day,
        9,
        2,
        app::days::Reason::parse("Un animateur de renfort").unwrap(),
    )
    .unwrap();
    assert_eq!(written_after(&other, before_cli), from_the_web);
    assert!(
        actor_after(&other, before_cli)
            .iter()
            .all(|a| a == "\"staff:cli\"")
    );
}

#[tokio::test]
async fn a_missing_reason_or_a_full_day_is_a_french_422_back_to_the_day_with_nothing_written() {
    let portal = Portal::demo();
    let day = lilou_waiting(&portal);
    let path = format!("/gestion/occupation/{}/{day}", afternoon());
    let mut direction = portal.staff_logged_in("direction").await;
    let before = portal.head();

    direction.get(&format!("{path}/capacite")).await;
    let page = direction
        .post(
            &format!("{path}/capacite"),
            &[
                ("capacite", "9"),
                ("attente", "2"),
                ("a_partir_du", &day.to_string()),
                ("motif", "   "),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.text().contains("Le motif est obligatoire."));
    assert!(page.body.contains(&format!("href=\"{path}\"")));

    let lilou = app::listing::slot(&portal.app, afternoon(), day)
        .unwrap()
        .waitlist[0]
        .reservation_id
        .to_string();
    let form = direction
        .get(&format!("{path}/promotion?place={lilou}"))
        .await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.text());
    assert!(form.text().contains("Plus de place libre"));
    let page = direction
        .post(
            &format!("{path}/promotion"),
            &[("place", &lilou), ("motif", "Fratrie")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.text()
            .contains("Plus de place libre ce jour-là : augmentez d'abord la capacité.")
    );
    assert!(page.body.contains(&format!("href=\"{path}\"")));
    assert_eq!(portal.head(), before);

    let mut accueil = portal.staff_logged_in("accueil").await;
    let page = accueil.get(&format!("{path}/capacite")).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_director_moves_the_second_waiting_child_up_and_the_waitlist_follows() {
    let portal = Portal::demo();
    let morning = ActivityId::from_uuid(derive_id("activity", "alsh-6-12-matin"));
    let day = NaiveDate::from_ymd_opt(2026, 12, 16).unwrap();
    let waiting = |portal: &Portal| -> Vec<String> {
        app::listing::slot(&portal.app, morning, day)
            .unwrap()
            .waitlist
            .iter()
            .map(|e| e.reservation_id.to_string())
            .collect()
    };
    let before = waiting(&portal);
    assert_eq!(
        before.len(),
        2,
        "the third Wednesday's morning has its waitlist full"
    );
    let path = format!("/gestion/occupation/{morning}/{day}");
    let mut direction = portal.staff_logged_in("direction").await;
    let form = direction
        .get(&format!("{path}/rang?place={}&sens=monter", before[1]))
        .await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.text());
    assert!(form.text().contains("Monter d'un rang"));
    let done = direction
        .post(
            &format!("{path}/rang"),
            &[
                ("place", &before[1]),
                ("sens", "monter"),
                ("motif", "Fratrie"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text());
    assert_eq!(done.location(), path);
    assert_eq!(waiting(&portal), vec![before[1].clone(), before[0].clone()]);

    direction
        .get(&format!("{path}/rang?place={}&sens=monter", before[1]))
        .await;
    let head = portal.head();
    let refused = direction
        .post(
            &format!("{path}/rang"),
            &[
                ("place", &before[1]),
                ("sens", "monter"),
                ("motif", "Encore"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().contains("déjà le premier"));
    assert_eq!(portal.head(), head);
}

#[tokio::test]
async fn a_director_closes_a_day_after_a_confirmation_and_every_family_is_mailed() {
    let portal = Portal::demo();
    let day = lilou_waiting(&portal);
    let path = format!("/gestion/occupation/{}/{day}", afternoon());
    let mut direction = portal.staff_logged_in("direction").await;
    let form = direction.get(&format!("{path}/fermeture")).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.text());
    let text = form.main_text();
    assert!(text.contains("9 place(s)"), "{text}");
    assert!(
        text.contains("8 acceptée(s), 1 en liste d'attente"),
        "{text}"
    );

    let done = direction
        .post(
            &format!("{path}/fermeture"),
            &[("motif", "Panne de chauffage")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text());
    assert_eq!(done.location(), path);
    let slot = app::listing::slot(&portal.app, afternoon(), day).unwrap();
    assert_eq!((slot.accepted, slot.waitlisted), (0, 0));
    let mails = portal.mails("day_closed");
    assert_eq!(mails.len(), 9);
    assert!(
        mails.iter().all(|(_, body)| !body.contains("chauffage")),
        "the reason stays in the back office"
    );
    assert!(mails.iter().any(|(_, body)| body.contains("Lilou")));

    let again = direction.get(&format!("{path}/fermeture")).await;
    assert!(again.text().contains("déjà fermée"));
}
