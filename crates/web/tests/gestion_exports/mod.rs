//! The exports over the router, in the demo world on Wednesday 25 November 2026: the page with
//! last month chosen and only the files the member may take, the downloads as a spreadsheet
//! receives them (the same bytes as the application's, hence as `portail export`), refusals
//! with nothing logged.

use app::exports::{ExportKind, ExportMonth, ExportRequest};
use app::staff::Acting;
use axum::http::{StatusCode, header};

use crate::common::{Page, Portal};

fn exports_logged(portal: &Portal) -> i64 {
    portal
        .app
        .query(|conn| Ok(conn.query_row("SELECT count(*) FROM export_log", [], |r| r.get(0))?))
        .unwrap()
}

fn header_of(page: &Page, name: header::HeaderName) -> &str {
    page.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

#[tokio::test]
async fn the_regie_downloads_the_month_s_files_as_a_spreadsheet_opens_them() {
    let portal = Portal::demo();
    let mut regie = portal.staff_logged_in("regie").await;
    for (path, kind, filename) in [
        (
            "/gestion/exports/consommations.csv?mois=2026-11",
            ExportKind::Consumptions,
            "consommations-2026-11.csv",
        ),
        (
            "/gestion/exports/reglements.csv?mois=2026-11",
            ExportKind::Payments,
            "reglements-2026-11.csv",
        ),
        (
            "/gestion/exports/presences.csv?mois=2026-11",
            ExportKind::Attendance,
            "presences-2026-11.csv",
        ),
    ] {
        let page = regie.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
        assert_eq!(
            header_of(&page, header::CONTENT_TYPE),
            "text/csv; charset=utf-8"
        );
        assert_eq!(
            header_of(&page, header::CONTENT_DISPOSITION),
            format!("attachment; filename=\"{filename}\"")
        );
        assert!(page.body.starts_with('\u{feff}'), "{path}: a BOM first");
        // The same bytes as the application gives the operator (the CLI without --as)
        let same = app::exports::export(
            &portal.app,
            &Acting::operator(),
            ExportRequest {
                kind,
                month: ExportMonth::parse("2026-11").unwrap(),
                structure: None,
            },
        )
        .unwrap();
        assert_eq!(page.body.as_bytes(), same.bytes.as_slice(), "{path}");
    }
    // The incomplete files are named after the current month
    let page = regie.get("/gestion/exports/dossiers-incomplets.csv").await;
    assert_eq!(
        header_of(&page, header::CONTENT_DISPOSITION),
        "attachment; filename=\"dossiers-incomplets-2026-11.csv\""
    );
    assert!(page.body.contains("bernard"), "{}", page.body);
}

#[tokio::test]
async fn the_page_proposes_last_month_and_only_the_files_the_member_may_take() {
    let portal = Portal::demo();
    let mut direction = portal.staff_logged_in("direction").await;
    let page = direction.get("/gestion/exports").await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    assert!(text.contains("Présences pour la CAF"), "{text}");
    assert!(text.contains("Dossiers incomplets"), "{text}");
    assert!(!text.contains("Journal des règlements"), "{text}");
    assert!(!text.contains("Consommations pour le comptable"), "{text}");
    assert_eq!(page.input_values("mois"), ["2026-10"]);
    assert!(text.contains("Toutes mes structures"));
    assert!(page.body.contains("aria-current"), "the menu marks Exports");

    // After a download, the month's exports list it
    direction
        .get("/gestion/exports/presences.csv?mois=2026-10")
        .await;
    let page = direction.get("/gestion/exports?mois=2026-10").await;
    assert!(
        page.text().contains("Exports faits pour 2026-10"),
        "{}",
        page.text()
    );
}

#[tokio::test]
async fn a_member_without_the_permission_gets_403_and_nothing_is_logged() {
    let portal = Portal::demo();
    let mut accueil = portal.staff_logged_in("accueil").await;
    let mut direction = portal.staff_logged_in("direction").await;
    let before = exports_logged(&portal);
    for path in [
        "/gestion/exports",
        "/gestion/exports/presences.csv?mois=2026-10",
        "/gestion/exports/dossiers-incomplets.csv",
    ] {
        let page = accueil.get(path).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}");
    }
    for path in [
        "/gestion/exports/consommations.csv?mois=2026-10",
        "/gestion/exports/reglements.csv?mois=2026-10",
    ] {
        let page = direction.get(path).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(exports_logged(&portal), before);
    // A month that does not parse is told in French, nothing logged either
    let page = direction
        .get("/gestion/exports/presences.csv?mois=novembre")
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.text().contains("Mois invalide"), "{}", page.text());
    assert_eq!(exports_logged(&portal), before);
}
