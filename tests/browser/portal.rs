//! The real `portail` binary: `serve --demo` on a free loopback port with its SMTP settings
//! pointed at the test's SMTP server, and the staff commands (`transmit`, `mail send`) on the
//! same database.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::smtp::SmtpSink;
use crate::webdriver::free_port;

/// `target/debug/portail`, built now so the test never drives an old binary.
fn portail_binary() -> PathBuf {
    let status = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "-p", "portail", "--bin", "portail"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .expect("cargo build -p portail");
    assert!(status.success(), "cargo build -p portail failed");
    // target/debug/deps/browser-… → target/debug/portail
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(Path::parent).unwrap();
    let binary = dir.join(format!("portail{}", std::env::consts::EXE_SUFFIX));
    assert!(binary.is_file(), "no binary at {}", binary.display());
    binary
}

pub struct Portal {
    pub base: String,
    pub smtp: SmtpSink,
    binary: PathBuf,
    db: PathBuf,
    server: Child,
    _dir: tempfile::TempDir,
}

impl Portal {
    pub fn start() -> Portal {
        let binary = portail_binary();
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("demo.db");
        let smtp = SmtpSink::start();
        let port = free_port();
        let base = format!("http://127.0.0.1:{port}");
        let mut command = Command::new(&binary);
        command
            .args(["serve", "--demo", "--db"])
            .arg(&db)
            .args(["--addr", &format!("127.0.0.1:{port}"), "--base-url", &base])
            .current_dir(dir.path())
            .stdout(std::fs::File::create(dir.path().join("serve.out")).unwrap())
            .stderr(Stdio::null());
        smtp_env(&mut command, smtp.port);
        let server = command.spawn().expect("portail serve");
        let portal = Portal {
            base,
            smtp,
            binary,
            db,
            server,
            _dir: dir,
        };
        portal.wait_until_healthy();
        portal
    }

    fn wait_until_healthy(&self) {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(5)))
            .build()
            .into();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let ok = agent
                .get(&format!("{}/sante", self.base))
                .call()
                .is_ok_and(|r| r.status() == 200);
            if ok {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "portail serve did not answer /sante"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Runs a staff command on the portal's database (with the SMTP settings) and checks it
    /// succeeded.
    pub fn run(&self, args: &[&str]) -> String {
        let mut command = Command::new(&self.binary);
        command.arg("--db").arg(&self.db).args(args);
        command.current_dir(self._dir.path());
        smtp_env(&mut command, self.smtp.port);
        let Output {
            status,
            stdout,
            stderr,
        } = command.output().expect("portail");
        let stdout = String::from_utf8_lossy(&stdout).into_owned();
        assert!(
            status.success(),
            "portail {args:?} failed: {stdout}{}",
            String::from_utf8_lossy(&stderr)
        );
        stdout
    }

    /// The day of the demo's waitlist to watch (« le matin du DD/MM/YYYY est complet »), as
    /// « Suivi » writes days: « mercredi 16 décembre 2026 ».
    pub fn waitlist_day(&self) -> String {
        let out = std::fs::read_to_string(self._dir.path().join("serve.out")).unwrap();
        let date = out
            .split("le matin du ")
            .nth(1)
            .and_then(|t| t.split_whitespace().next())
            .unwrap_or_else(|| panic!("no waitlist day in the demo's output:\n{out}"));
        let day = chrono::NaiveDate::parse_from_str(date, "%d/%m/%Y").unwrap();
        domain::wording::french_date_with_year(day)
    }

    /// The attendance sheet the demo points the desk agent to (« Pointage : … (/gestion/pointage?jour=…) »).
    pub fn attendance_sheet(&self) -> String {
        let out = std::fs::read_to_string(self._dir.path().join("serve.out")).unwrap();
        out.split("(/gestion/pointage")
            .nth(1)
            .and_then(|t| t.split(')').next())
            .map(|query| format!("/gestion/pointage{query}"))
            .unwrap_or_else(|| panic!("no attendance sheet in the demo's output:\n{out}"))
    }

    /// The day the demo points the director to (« Capacité : … Occupation (/gestion/occupation/…) »).
    pub fn capacity_day(&self) -> String {
        let out = std::fs::read_to_string(self._dir.path().join("serve.out")).unwrap();
        out.split("Capacité : ")
            .nth(1)
            .and_then(|t| t.split("(/gestion/occupation").nth(1))
            .and_then(|t| t.split(')').next())
            .map(|rest| format!("/gestion/occupation{rest}"))
            .unwrap_or_else(|| {
                panic!(
                    "no capacity day in the demo's output:
{out}"
                )
            })
    }

    /// `portail transmit` now.
    pub fn transmit(&self) -> String {
        self.run(&["transmit"])
    }

    /// `portail mail send` now, instead of waiting for the server's worker.
    pub fn send_mails(&self) {
        self.run(&["mail", "send"]);
    }
}

fn smtp_env(command: &mut Command, port: u16) {
    command
        .env("PORTAIL_SMTP_HOST", "127.0.0.1")
        .env("PORTAIL_SMTP_PORT", port.to_string())
        .env("PORTAIL_SMTP_SECURITY", "none")
        .env_remove("PORTAIL_SMTP_USERNAME")
        .env_remove("PORTAIL_SMTP_PASSWORD")
        .env_remove("PORTAIL_DB")
        .env_remove("PORTAIL_CONFIG")
        .env("RUST_LOG", "warn");
}

impl Drop for Portal {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}
