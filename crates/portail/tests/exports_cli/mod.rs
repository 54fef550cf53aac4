//! `portail export …`: the same bytes as the application gives the web, to stdout or a file;
//! `--as` applies the member's rights; a bad month or structure is refused in French.

use std::path::Path;
use std::sync::Arc;

use app::exports::{ExportKind, ExportMonth, ExportRequest};
use app::staff::Acting;

use super::{portail, stderr};

fn demo(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("portail.db");
    let built = portail(&db, &["demo"]);
    assert!(built.status.success(), "{}", stderr(&built));
    db
}

#[test]
fn an_export_writes_the_same_bytes_to_stdout_to_a_file_and_as_the_web() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let out = dir.path().join("consommations.csv");
    let to_stdout = portail(&db, &["export", "consumptions"]);
    assert!(to_stdout.status.success(), "{}", stderr(&to_stdout));
    let to_file = portail(
        &db,
        &["export", "consumptions", "--out", out.to_str().unwrap()],
    );
    assert!(to_file.status.success(), "{}", stderr(&to_file));
    let written = std::fs::read(&out).unwrap();
    assert_eq!(to_stdout.stdout, written);
    assert!(written.starts_with(&[0xEF, 0xBB, 0xBF]), "a BOM first");
    assert!(String::from_utf8_lossy(&written).contains("Total"));

    // The web serves what the application builds (web gestion_exports): the same bytes here
    let app = app::App::open(&db, Arc::new(app::SystemClock)).unwrap();
    let month = ExportMonth::before(app.today());
    let built = app::exports::export(
        &app,
        &Acting::operator(),
        ExportRequest {
            kind: ExportKind::Consumptions,
            month,
            structure: None,
        },
    )
    .unwrap();
    assert_eq!(built.bytes, written);
    assert!(stderr(&to_file).contains(&built.filename));
}

#[test]
fn as_a_member_the_export_obeys_the_rights_and_a_bad_month_or_structure_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let refused = portail(&db, &["--as", "accueil", "export", "attendance"]);
    assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
    assert!(refused.stdout.is_empty());
    let allowed = portail(
        &db,
        &[
            "--as",
            "direction",
            "export",
            "files",
            "--structure",
            "quinsac",
        ],
    );
    assert!(allowed.status.success(), "{}", stderr(&allowed));
    assert!(String::from_utf8_lossy(&allowed.stdout).contains("bernard"));
    let month = portail(&db, &["export", "payments", "--month", "2026-13"]);
    assert_eq!(month.status.code(), Some(1));
    assert!(
        stderr(&month).contains("Mois invalide"),
        "{}",
        stderr(&month)
    );
    let structure = portail(&db, &["export", "files", "--structure", "nulle-part"]);
    assert_eq!(structure.status.code(), Some(1));
    assert!(
        stderr(&structure).contains("Structure inconnue"),
        "{}",
        stderr(&structure)
    );
}
