//! The daily attendance sheet over the router, in the demo world on Wednesday 25 November 2026:
//! Lilou's place of the Wednesday before (already billed) marked in the member's name, a child
//! added without a place today, the émargement, and a member without the permission refused with
//! nothing written.

use axum::http::StatusCode;

use crate::common::{Browser, Page, Portal};

/// The Wednesday before the demo's: Lilou had a place, billed by the nightly run.
const LAST_WEDNESDAY: &str = "/gestion/pointage?jour=2026-11-18";

/// The metadata of the last event of the log.
fn last_metadata(portal: &Portal) -> serde_json::Value {
    let head = portal.head();
    let event = portal
        .app
        .store
        .read_range(head, Some(head), 1)
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    event.metadata_json().unwrap()
}

fn last_event_type(portal: &Portal) -> String {
    let head = portal.head();
    portal
        .app
        .store
        .read_range(head, Some(head), 1)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .event_type
}

fn staff_actor(portal: &Portal, login: &str) -> String {
    let member = portal
        .app
        .query(|conn| app::staff::member_by_login(conn, login))
        .unwrap()
        .unwrap();
    format!("staff:{}", member.staff_id)
}

/// The fields of Lilou's row form (her place, the sheet to return to).
fn lilou_row(sheet: &Page) -> Vec<(String, String)> {
    let start = sheet
        .body
        .find("DUPONT Lilou")
        .expect("Lilou is on the sheet");
    let row = Page {
        status: sheet.status,
        headers: sheet.headers.clone(),
        body: sheet.body[start..].to_owned(),
    };
    row.form("/gestion/pointage", &[])
        .expect("Lilou's row has its marks")
}

async fn post_mark(browser: &mut Browser, row: &[(String, String)], mark: &str) -> Page {
    // The page's token is the browser's own (a row read by another member carries theirs).
    let mut fields: Vec<(&str, &str)> = row
        .iter()
        .filter(|(k, _)| k != web::CSRF_FIELD)
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    fields.push(("marque", mark));
    browser.post("/gestion/pointage", &fields).await
}

#[tokio::test]
async fn the_desk_sees_lilou_on_her_wednesday_and_marks_her_present_in_its_name() {
    let portal = Portal::demo();
    let mut browser = portal.staff_logged_in("accueil").await;
    let today = browser.get("/gestion/pointage").await;
    assert_eq!(today.status, StatusCode::OK);
    let text = today.main_text();
    assert!(
        text.contains("Pointage — Accueil de Loisirs de Quinsac — mercredi 25 novembre 2026"),
        "by default today, in the member's structure open today: {text}"
    );
    let sheet = browser.get(LAST_WEDNESDAY).await;
    let text = sheet.main_text();
    assert!(text.contains("CDC - ALSH 6-12 Journée"), "{text}");
    assert!(
        text.contains("DUPONT Lilou 9 ans DUPONT Jean-Paul pas encore pointé"),
        "{text}"
    );

    let row = lilou_row(&sheet);
    let place = row.iter().find(|(k, _)| k == "place").unwrap().1.clone();
    let marked = post_mark(&mut browser, &row, "present").await;
    assert_eq!(marked.status, StatusCode::SEE_OTHER);
    assert!(
        marked
            .location()
            .ends_with(&format!("jour=2026-11-18#enfant-{place}")),
        "back on Lilou's row: {}",
        marked.location()
    );
    assert_eq!(last_event_type(&portal), "PresenceRecorded");
    assert_eq!(
        last_metadata(&portal)["actor"],
        staff_actor(&portal, "accueil")
    );

    let sheet = browser
        .get(marked.location().split('#').next().unwrap())
        .await;
    assert!(
        sheet
            .main_text()
            .contains("DUPONT Lilou 9 ans DUPONT Jean-Paul présent")
    );
    let row_html = &sheet.body[sheet.body.find(&format!("id=\"enfant-{place}\"")).unwrap()..];
    let row_html = &row_html[..row_html.find("</tr>").unwrap()];
    assert!(
        row_html.contains("value=\"present\" class=\"small mark-present\" aria-pressed=\"true\""),
        "{row_html}"
    );
    assert!(
        row_html.contains(
            "value=\"absent_justifie\" class=\"small mark-absent_justifie\" aria-pressed=\"false\""
        ),
        "{row_html}"
    );
}

#[tokio::test]
async fn a_justified_absence_after_billing_is_refused_as_the_cli_does_and_an_unjustified_one_is_kept()
 {
    let portal = Portal::demo();
    let mut browser = portal.staff_logged_in("accueil").await;
    let sheet = browser.get(LAST_WEDNESDAY).await;
    let row = lilou_row(&sheet);
    let before = portal.head();
    let refused = post_mark(&mut browser, &row, "absent_justifie").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .contains("La journée du 18/11/2026 de Lilou est déjà facturée"),
        "{}",
        refused.text()
    );
    assert_eq!(portal.head(), before, "nothing written");
    let marked = post_mark(&mut browser, &row, "absent_non_justifie").await;
    assert_eq!(marked.status, StatusCode::SEE_OTHER);
    assert_eq!(last_event_type(&portal), "AbsenceRecorded");
    let sheet = browser.get(LAST_WEDNESDAY).await;
    assert!(
        sheet
            .main_text()
            .contains("DUPONT Lilou 9 ans DUPONT Jean-Paul absent non justifié")
    );
}

#[tokio::test]
async fn a_member_without_the_attendance_permission_gets_the_403_page_and_nothing_is_written() {
    let portal = Portal::demo();
    let mut desk = portal.staff_logged_in("accueil").await;
    let row = lilou_row(&desk.get(LAST_WEDNESDAY).await);
    let mut regie = portal.staff_logged_in("regie").await;
    for path in ["/gestion/pointage", "/gestion/pointage/emargement"] {
        assert_eq!(
            regie.get(path).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    regie.get("/gestion").await;
    let before = portal.head();
    let refused = post_mark(&mut regie, &row, "absent_justifie").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(
        refused
            .text()
            .contains("Votre compte ne permet pas de faire le pointage")
    );
    assert_eq!(portal.head(), before, "nothing written");
}

#[tokio::test]
async fn a_structure_that_is_not_the_members_is_refused() {
    let portal = Portal::demo();
    let mut browser = portal.staff_logged_in("accueil").await;
    let other = uuid::Uuid::from_u128(42);
    let page = browser
        .get(&format!("/gestion/pointage?structure={other}"))
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let page = browser.get("/gestion/pointage?structure=pas-un-id").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_child_who_came_without_a_place_is_found_added_and_shown_on_the_sheet() {
    let portal = Portal::demo();
    let mut browser = portal.staff_logged_in("accueil").await;
    let found = browser.get("/gestion/pointage?q=leo").await;
    assert_eq!(found.status, StatusCode::OK);
    let form = found
        .form("/gestion/pointage/ajout", &[])
        .expect("Léo MARTIN is proposed");
    let option = |label: &str| {
        let before = &found.body[..found.body.find(&format!(">{label}</option>")).unwrap()];
        let value = &before[before.rfind("value=\"").unwrap() + 7..];
        value[..value.find('"').unwrap()].to_owned()
    };
    let walk_in = |activity: String| {
        let mut fields: Vec<(String, String)> = form.clone();
        fields.push(("activite".to_owned(), activity));
        fields
    };
    // The 3-6 activity: Léo is 10, the CLI's age rule refuses him, in French, nothing written.
    let before = portal.head();
    let refused = browser
        .post_raw(
            "/gestion/pointage/ajout",
            &walk_in(option("CDC - ALSH 3-6 Matin")),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .contains("l'activité est réservée aux 3-6 ans"),
        "{}",
        refused.text()
    );
    assert_eq!(portal.head(), before, "nothing written");
    let fields = walk_in(option("CDC - ALSH 6-12 Matin"));
    let added = browser.post_raw("/gestion/pointage/ajout", &fields).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text());
    assert!(
        added.location().ends_with("&fait=ajout"),
        "{}",
        added.location()
    );
    assert_eq!(last_event_type(&portal), "PresenceRecorded");
    assert_eq!(
        last_metadata(&portal)["actor"],
        staff_actor(&portal, "accueil")
    );
    let sheet = browser.get(added.location()).await;
    let text = sheet.main_text();
    assert!(text.contains("Enfant ajouté"), "{text}");
    assert!(text.contains("MARTIN Léo"), "{text}");
    assert!(text.contains("Venu sans place"), "{text}");
}

#[tokio::test]
async fn the_emargement_lists_the_children_with_arrival_and_signature_columns() {
    let portal = Portal::demo();
    let mut browser = portal.staff_logged_in("accueil").await;
    let page = browser
        .get("/gestion/pointage/emargement?jour=2026-11-18")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.main_text();
    assert!(
        text.contains("Émargement — Accueil de Loisirs de Quinsac — mercredi 18 novembre 2026"),
        "{text}"
    );
    assert!(
        text.contains("Nom et prénom Activité Heure d'arrivée Signature"),
        "{text}"
    );
    assert!(
        text.contains("DUPONT Lilou CDC - ALSH 6-12 Journée"),
        "{text}"
    );
}
