//! A full disk under the running `serve`: the database lives on a small tmpfs (mounted for the
//! test; CI runs as root), filled to the last byte by a file beside it. Without root the
//! in-process `max_page_count` test of crates/web/tests/robustness.rs covers the same rules.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{
    Browser, Server, assert_audit_verifies, booking_forms, free_port, integrity_check, portail,
    stderr,
};

/// A tmpfs of `size` mounted at `at`, unmounted when dropped.
struct Tmpfs {
    at: PathBuf,
}

impl Tmpfs {
    fn mount(at: &Path, size: &str) -> Result<Tmpfs, String> {
        std::fs::create_dir_all(at).unwrap();
        let output = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .output()
            .map_err(|e| e.to_string())?;
        if output.status.success() {
            Ok(Tmpfs { at: at.to_owned() })
        } else {
            Err(stderr(&output))
        }
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.at).output();
    }
}

/// Writes zeros to `path` until the filesystem refuses: big chunks, then smaller ones.
fn fill(path: &Path) {
    let mut file = std::fs::File::create(path).unwrap();
    for size in [1 << 20, 64 << 10, 4 << 10, 512, 1] {
        let chunk = vec![0u8; size];
        while file
            .write_all(&chunk)
            .and_then(|()| file.sync_all())
            .is_ok()
        {}
    }
}

fn head(db: &Path) -> i64 {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    conn.query_row("SELECT max(position) FROM events", [], |row| row.get(0))
        .unwrap()
}

#[test]
fn a_full_disk_answers_503_writes_nothing_and_serve_recovers_without_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let mount = match Tmpfs::mount(&dir.path().join("petit-disque"), "8m") {
        Ok(mount) => mount,
        Err(why) => {
            eprintln!(
                "disk full: no tmpfs could be mounted ({why}); the in-process test \
                 a_full_disk_answers_503_saves_nothing_and_the_portal_recovers_by_itself covers it"
            );
            return;
        }
    };
    // Given the demo on a small disk, served, and a parent with a basket of 15 days
    let db = mount.at.join("disque.db");
    let built = portail(&db, &["demo"]);
    assert!(built.status.success(), "{}", stderr(&built));
    let server = Server::start(&db, free_port(), &[]);
    let mut dupont = Browser::new(&server.base());
    dupont.login("dupont");
    let forms = booking_forms(&mut dupont, 3);
    let mut added = 0;
    for form in &forms {
        let child = form.action.trim_end_matches("/panier").to_owned();
        dupont.get(&child);
        if dupont.try_post(&form.action, &form.fields).unwrap().status == 303 {
            added += 1;
        }
        if added == 15 {
            break;
        }
    }
    assert_eq!(added, 15);
    let summary = dupont.get("/reservations/recapitulatif");
    let formulaire = summary.input_values("formulaire").remove(0);
    // And a disk filled to its last byte
    let filler = mount.at.join("remplissage");
    fill(&filler);
    let before = head(&db);

    // When the parent validates, Then 503 with Retry-After and the French message
    let fields = [("formulaire".to_owned(), formulaire.clone())];
    let answer = dupont
        .try_post("/reservations/recapitulatif", &fields)
        .unwrap();
    assert_eq!(answer.status, 503, "{}", answer.text());
    let retry: u64 = answer.retry_after.clone().unwrap().parse().unwrap();
    assert!(retry > 0);
    assert!(
        answer.text().contains("réessayez dans quelques minutes"),
        "{}",
        answer.text()
    );
    assert!(
        answer.text().contains("Rien n'a été enregistré"),
        "{}",
        answer.text()
    );
    // And nothing was half-written
    assert_eq!(head(&db), before);

    // When space returns, Then the same click works, without a restart
    std::fs::remove_file(&filler).unwrap();
    let answer = dupont
        .try_post("/reservations/recapitulatif", &fields)
        .unwrap();
    assert_eq!(answer.status, 303, "{}", answer.text());
    assert!(head(&db) > before);
    let result = dupont.get(&answer.location);
    assert!(result.text().contains("enregistrée"), "{}", result.text());
    server.kill();
    // And the file and the log are sound
    assert_eq!(integrity_check(&db), "ok");
    assert_audit_verifies(&db);
}
