//! What every fault family needs: the real `portail` binary, a free loopback port, a served
//! demo database, a browser speaking HTTP with `ureq`, and a tiny SMTP sink counting Message-IDs.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// `target/debug/portail`, found beside the test executable (`target/debug/deps/faults-…`):
/// `cargo test --workspace` builds every workspace binary before the tests.
pub fn portail_bin() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let debug = exe.parent().and_then(Path::parent).unwrap();
    let bin = debug.join(format!("portail{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.is_file(),
        "the portail binary is not at {}: build it first (`cargo build -p portail`, or run the \
         tests with `cargo test --workspace`)",
        bin.display()
    );
    bin
}

/// Runs `portail --db DB ARGS…` to completion.
pub fn portail(db: &Path, args: &[&str]) -> Output {
    Command::new(portail_bin())
        .arg("--db")
        .arg(db)
        .args(args)
        .current_dir(db.parent().unwrap())
        .output()
        .unwrap()
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The demo world in `dir/NAME.db`, built by `portail demo`.
pub fn demo_db(dir: &Path, name: &str) -> PathBuf {
    let db = dir.join(format!("{name}.db"));
    let output = portail(&db, &["demo"]);
    assert!(output.status.success(), "portail demo: {}", stderr(&output));
    db
}

/// `portail serve` on a loopback port, killed (SIGKILL) when dropped.
pub struct Server {
    child: Option<Child>,
    pub port: u16,
}

impl Server {
    /// Starts `serve` on `port` with the extra environment `env` and waits for `/sante`.
    pub fn start(db: &Path, port: u16, env: &[(&str, String)]) -> Server {
        let server = Server::spawn(db, port, env);
        server.wait_ready(Duration::from_secs(60));
        server
    }

    /// Starts `serve` without waiting for it.
    pub fn spawn(db: &Path, port: u16, env: &[(&str, String)]) -> Server {
        let mut command = Server::command(db, port, &format!("http://127.0.0.1:{port}"), &[]);
        for (key, value) in env {
            command.env(key, value);
        }
        Server {
            child: Some(command.spawn().unwrap()),
            port,
        }
    }

    /// Starts `serve` on `port` with its base URL (where people and PayFiP reach it) and extra
    /// arguments, and waits for `/sante`.
    pub fn spawn_with(
        db: &Path,
        port: u16,
        base_url: &str,
        args: &[&str],
        env: &[(&str, String)],
    ) -> Server {
        let mut command = Server::command(db, port, base_url, args);
        for (key, value) in env {
            command.env(key, value);
        }
        let server = Server {
            child: Some(command.spawn().unwrap()),
            port,
        };
        server.wait_ready(Duration::from_secs(60));
        server
    }

    fn command(db: &Path, port: u16, base_url: &str, args: &[&str]) -> Command {
        let mut command = Command::new(portail_bin());
        command
            .arg("--db")
            .arg(db)
            .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
            .args(["--base-url", base_url])
            .args(args)
            .arg("--mail-dir")
            .arg(db.with_extension("mail"))
            .current_dir(db.parent().unwrap())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        command
    }

    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn wait_ready(&self, limit: Duration) {
        let started = Instant::now();
        let agent = agent(Duration::from_secs(2));
        loop {
            if let Ok(response) = agent.get(format!("{}/sante", self.base())).call()
                && response.status().as_u16() == 200
            {
                return;
            }
            assert!(
                started.elapsed() < limit,
                "portail serve did not answer /sante within {limit:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// SIGKILL, then reaps the process.
    pub fn kill(mut self) {
        self.kill_now();
    }

    fn kill_now(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill_now();
    }
}

/// An HTTP agent that returns every status as it is and follows no redirect.
pub fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(timeout))
            .build(),
    )
}

/// One answer.
#[derive(Debug, Clone)]
pub struct Page {
    pub status: u16,
    pub location: String,
    pub retry_after: Option<String>,
    pub body: String,
}

impl Page {
    /// The text without tags, whitespace collapsed, the entities maud writes decoded.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let mut in_tag = false;
        for c in self.body.chars() {
            match c {
                '<' => in_tag = true,
                '>' => {
                    in_tag = false;
                    out.push(' ');
                }
                c if !in_tag => out.push(c),
                _ => {}
            }
        }
        let out = out
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&nbsp;", " ")
            .replace("&amp;", "&");
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// Values of the inputs named `name`, in page order.
    pub fn input_values(&self, name: &str) -> Vec<String> {
        let needle = format!("name=\"{name}\" value=\"");
        let mut out = Vec::new();
        let mut rest = self.body.as_str();
        while let Some(i) = rest.find(&needle) {
            rest = &rest[i + needle.len()..];
            let end = rest.find('"').unwrap_or(0);
            out.push(rest[..end].replace("&amp;", "&"));
        }
        out
    }

    pub fn hrefs(&self) -> Vec<String> {
        self.body
            .split("href=\"")
            .skip(1)
            .map(|rest| rest[..rest.find('"').unwrap_or(0)].replace("&amp;", "&"))
            .collect()
    }

    /// The forms of the page, each as (action, fields).
    pub fn forms(&self) -> Vec<(String, Vec<(String, String)>)> {
        let mut out = Vec::new();
        for chunk in self.body.split("<form").skip(1) {
            let form = &chunk[..chunk.find("</form>").unwrap_or(chunk.len())];
            let action = attribute(form, "action").unwrap_or_default();
            let mut fields = Vec::new();
            for input in form.split("<input").skip(1) {
                let tag = &input[..input.find('>').unwrap_or(input.len())];
                if let (Some(name), Some(value)) = (attribute(tag, "name"), attribute(tag, "value"))
                {
                    fields.push((name, value));
                }
            }
            out.push((action, fields));
        }
        out
    }
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let needle = format!(" {name}=\"");
    let start = tag.find(&needle)? + needle.len();
    let end = tag[start..].find('"')?;
    Some(
        tag[start..start + end]
            .replace("&amp;", "&")
            .replace("&quot;", "\""),
    )
}

/// A browser over real HTTP: cookies kept, the CSRF token of the last page read reused.
#[derive(Clone)]
pub struct Browser {
    agent: ureq::Agent,
    pub base: String,
    /// The `Origin` its POSTs carry: the portal's base URL (the address it is reached at
    /// unless a proxy stands in front).
    pub origin: String,
    pub cookies: BTreeMap<String, String>,
    pub csrf: Option<String>,
}

impl Browser {
    pub fn new(base: &str) -> Browser {
        Browser {
            agent: agent(Duration::from_secs(30)),
            base: base.to_owned(),
            origin: base.to_owned(),
            cookies: BTreeMap::new(),
            csrf: None,
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn read(
        &mut self,
        response: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<Page, String> {
        let mut response = response.map_err(|e| e.to_string())?;
        for value in response.headers().get_all("set-cookie") {
            let text = value.to_str().unwrap_or("");
            let pair = text.split(';').next().unwrap_or("");
            if let Some((name, value)) = pair.split_once('=') {
                if value.is_empty() || text.contains("Max-Age=0") {
                    self.cookies.remove(name);
                } else {
                    self.cookies.insert(name.to_owned(), value.to_owned());
                }
            }
        }
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let location = header("location").unwrap_or_default();
        let retry_after = header("retry-after");
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .read_to_string()
            .map_err(|e| e.to_string())?;
        let page = Page {
            status,
            location,
            retry_after,
            body,
        };
        if let Some(token) = page.input_values(web_csrf_field()).into_iter().next() {
            self.csrf = Some(token);
        }
        Ok(page)
    }

    pub fn try_get(&mut self, path: &str) -> Result<Page, String> {
        let response = self
            .agent
            .get(format!("{}{path}", self.base))
            .header("Cookie", self.cookie_header())
            .call();
        self.read(response)
    }

    pub fn get(&mut self, path: &str) -> Page {
        self.try_get(path)
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }

    /// POSTs `pairs`, with the token of the last page read in place of any `jeton` they carry.
    pub fn try_post(&mut self, path: &str, pairs: &[(String, String)]) -> Result<Page, String> {
        let mut pairs: Vec<(String, String)> = pairs
            .iter()
            .filter(|(k, _)| k != web_csrf_field())
            .cloned()
            .collect();
        if let Some(token) = &self.csrf {
            pairs.push((web_csrf_field().to_owned(), token.clone()));
        }
        let response = self
            .agent
            .post(format!("{}{path}", self.base))
            .header("Cookie", self.cookie_header())
            .header("Origin", &self.origin)
            .send_form(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        self.read(response)
    }

    pub fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let pairs: Vec<(String, String)> = fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        self.try_post(path, &pairs)
            .unwrap_or_else(|e| panic!("POST {path}: {e}"))
    }

    /// POSTs `body` as it is, with the given content type (no token added).
    pub fn try_post_bytes(
        &mut self,
        path: &str,
        content_type: &str,
        body: &[u8],
    ) -> Result<Page, String> {
        let response = self
            .agent
            .post(format!("{}{path}", self.base))
            .header("Cookie", self.cookie_header())
            .header("Origin", &self.origin)
            .header("Content-Type", content_type)
            .send(body);
        self.read(response)
    }

    /// Logs in as a demo family (`portail-demo-LOGIN`).
    pub fn try_login(&mut self, login: &str) -> Result<(), String> {
        self.try_get("/connexion")?;
        let password = format!("portail-demo-{login}");
        let page = self.try_post(
            "/connexion",
            &[
                ("identifiant".to_owned(), login.to_owned()),
                ("mot_de_passe".to_owned(), password),
            ],
        )?;
        if page.status == 303 && page.location == "/accueil" {
            Ok(())
        } else {
            Err(format!("log-in answered {}: {}", page.status, page.text()))
        }
    }

    pub fn login(&mut self, login: &str) {
        self.try_login(login).unwrap();
    }
}

/// The name of the CSRF field of every form.
pub fn web_csrf_field() -> &'static str {
    "jeton"
}

/// The `/reservations/<child>` addresses of the family's children.
pub fn children(browser: &mut Browser) -> Vec<String> {
    let mut out: Vec<String> = browser
        .get("/reservations")
        .hrefs()
        .into_iter()
        .filter(|h| {
            h.strip_prefix("/reservations/")
                .is_some_and(|id| uuid::Uuid::parse_str(id).is_ok())
        })
        .collect();
    out.dedup();
    out
}

/// One « réserver » form of a day: where it posts and its fields.
#[derive(Debug, Clone, PartialEq)]
pub struct BookingForm {
    pub action: String,
    pub fields: Vec<(String, String)>,
}

impl BookingForm {
    pub fn field(&self, name: &str) -> String {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("no field {name} in {:?}", self.fields))
    }
}

/// Every « réserver » form the calendars of the family offer over the next `months` months.
pub fn booking_forms(browser: &mut Browser, months: u32) -> Vec<BookingForm> {
    use chrono::Datelike;
    let today = chrono::Utc::now().date_naive();
    let mut forms = Vec::new();
    for child in children(browser) {
        let action = format!("{child}/panier");
        for offset in 0..months {
            let month0 = today.month0() + offset;
            let (year, month) = (today.year() + (month0 / 12) as i32, month0 % 12 + 1);
            let calendar = browser.get(&format!("{child}?mois={year:04}-{month:02}"));
            let prefix = format!("{child}/jour/");
            let mut days: Vec<String> = calendar
                .hrefs()
                .into_iter()
                .filter(|h| h.starts_with(&prefix))
                .collect();
            days.dedup();
            for day in days {
                for (form_action, fields) in browser.get(&day).forms() {
                    let booking = fields.iter().any(|(k, v)| k == "action" && v == "reserver");
                    let form = BookingForm {
                        action: form_action.clone(),
                        fields,
                    };
                    if form_action == action && booking && !forms.contains(&form) {
                        forms.push(form);
                    }
                }
            }
        }
    }
    forms
}

/// A tiny SMTP server: 220, 250 to everything, 354 for DATA, 221 for QUIT; it keeps the
/// Message-ID of every mail it accepted.
pub struct SmtpSink {
    pub port: u16,
    stop: Arc<AtomicBool>,
    accepted: Arc<Mutex<Vec<String>>>,
    thread: Option<JoinHandle<()>>,
}

impl SmtpSink {
    /// Listens on `port` (0: any free port).
    pub fn start(port: u16) -> SmtpSink {
        let accepted = Arc::new(Mutex::new(Vec::new()));
        let listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (stop, accepted) = (Arc::clone(&stop), Arc::clone(&accepted));
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    if let Ok(stream) = stream {
                        let accepted = Arc::clone(&accepted);
                        std::thread::spawn(move || {
                            let _ = smtp_session(stream, &accepted);
                        });
                    }
                }
            })
        };
        SmtpSink {
            port,
            stop,
            accepted,
            thread: Some(thread),
        }
    }

    /// The Message-IDs accepted so far (one per mail delivered, duplicates included).
    pub fn message_ids(&self) -> Vec<String> {
        self.accepted.lock().unwrap().clone()
    }

    fn stop_now(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop_now();
    }
}

fn smtp_session(stream: TcpStream, accepted: &Mutex<Vec<String>>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    writer.write_all(b"220 sink ESMTP\r\n")?;
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let verb = line.trim_end().to_ascii_uppercase();
        if verb.starts_with("DATA") {
            writer.write_all(b"354 go ahead\r\n")?;
            let mut message_id = String::new();
            loop {
                line.clear();
                if reader.read_line(&mut line)? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                if message_id.is_empty() && line.to_ascii_lowercase().starts_with("message-id:") {
                    message_id = line["message-id:".len()..].trim().to_owned();
                }
            }
            accepted.lock().unwrap().push(message_id);
            writer.write_all(b"250 queued\r\n")?;
        } else if verb.starts_with("QUIT") {
            writer.write_all(b"221 bye\r\n")?;
            let _ = writer.shutdown(Shutdown::Both);
            return Ok(());
        } else {
            writer.write_all(b"250 ok\r\n")?;
        }
    }
}

/// The environment that points `serve` (or `portail mail send`) at the sink on `port`.
pub fn smtp_env(port: u16) -> Vec<(&'static str, String)> {
    vec![
        ("PORTAIL_SMTP_HOST", "127.0.0.1".to_owned()),
        ("PORTAIL_SMTP_PORT", port.to_string()),
        ("PORTAIL_SMTP_SECURITY", "none".to_owned()),
    ]
}

/// `PRAGMA integrity_check` on a read-only connection.
pub fn integrity_check(db: &Path) -> String {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    conn.query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap()
}

/// The family's reservations as `portail reservations list --family LOGIN --json` prints them.
pub fn reservations(db: &Path, family: &str) -> Vec<serde_json::Value> {
    let output = portail(db, &["reservations", "list", "--family", family, "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    serde_json::from_str(&stdout(&output)).unwrap()
}

/// `portail audit verify` answers 0.
pub fn assert_audit_verifies(db: &Path) {
    let output = portail(db, &["audit", "verify"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "audit verify: {}{}",
        stdout(&output),
        stderr(&output)
    );
}
