//! The real `portail` binary on a loopback port, and a small browser over HTTP.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// `target/debug/portail`, built by `cargo test --workspace` (a workspace member's binary sits
/// one level above the test executable's `deps/`).
pub fn portail_bin() -> PathBuf {
    let exe = std::env::current_exe().expect("the test executable's path");
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps");
    let bin = dir.join(format!("portail{}", std::env::consts::EXE_SUFFIX));
    let built = std::fs::metadata(&bin)
        .and_then(|m| m.modified())
        .unwrap_or_else(|_| {
            panic!(
                "{} is missing: build it first with `cargo build -p portail` (cargo test --workspace does)",
                bin.display()
            )
        });
    // Run alone (`cargo test -p portail-tests --test attack`) cargo does not rebuild the binary:
    // refuse to attack an older one than the sources.
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates");
    let newest = [
        "domain",
        "store",
        "projections",
        "app",
        "mail",
        "payment",
        "web",
        "portail",
    ]
    .iter()
    .filter_map(|name| newest_source(&crates.join(name).join("src")))
    .max();
    if let Some(newest) = newest {
        assert!(
            newest <= built,
            "{} is older than the sources: run `cargo build -p portail` first",
            bin.display()
        );
    }
    bin
}

/// The latest modification among the `.rs` and `.toml` files under `dir`.
fn newest_source(dir: &Path) -> Option<std::time::SystemTime> {
    let mut newest = None;
    for entry in std::fs::read_dir(dir).ok()?.filter_map(Result::ok) {
        let path = entry.path();
        let time = if path.is_dir() {
            newest_source(&path)
        } else if path.extension().is_some_and(|e| e == "rs" || e == "toml") {
            entry.metadata().and_then(|m| m.modified()).ok()
        } else {
            None
        };
        newest = newest.max(time);
    }
    newest
}

/// Runs `portail --db DB args…`.
pub fn portail(db: &Path, args: &[&str]) -> Output {
    Command::new(portail_bin())
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("portail runs")
}

/// Runs `portail --db DB args…`, asserts it succeeded and returns its stdout.
pub fn portail_ok(db: &Path, args: &[&str]) -> String {
    let out = portail(db, args);
    assert!(
        out.status.success(),
        "portail {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A demo database built once per test run, copied by each server.
fn demo_template() -> &'static Path {
    static TEMPLATE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = TEMPLATE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("demo.db");
        portail_ok(&db, &["demo"]);
        (dir, db)
    });
    path
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// `portail serve` running on a private database; killed when dropped.
pub struct Server {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
    pub base: String,
    child: Child,
}

impl Server {
    /// `serve --demo` over a copy of the demo world.
    pub fn demo() -> Server {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("portail.db");
        std::fs::copy(demo_template(), &db).expect("copy of the demo database");
        Server::start(dir, db, true)
    }

    /// `serve` (no demo unless `demo`) over `db` in `dir`, mails as .eml files in `dir/mail`.
    pub fn start(dir: tempfile::TempDir, db: PathBuf, demo: bool) -> Server {
        for _ in 0..5 {
            let port = free_port();
            let addr = format!("127.0.0.1:{port}");
            let base = format!("http://{addr}");
            let mut command = Command::new(portail_bin());
            command
                .arg("--db")
                .arg(&db)
                .args(["serve", "--addr", &addr, "--trust-forwarded-for"])
                .arg("--mail-dir")
                .arg(dir.path().join("mail"))
                .current_dir(dir.path())
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            if demo {
                command.arg("--demo");
            }
            let mut child = command.spawn().expect("portail serve starts");
            let started = Instant::now();
            while started.elapsed() < Duration::from_secs(60) {
                if let Ok(Some(_)) = child.try_wait() {
                    break; // the port was taken meanwhile: another one
                }
                let up = ureq::get(format!("{base}/sante"))
                    .call()
                    .is_ok_and(|r| r.status().as_u16() == 200);
                if up {
                    return Server {
                        dir,
                        db,
                        base,
                        child,
                    };
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("portail serve did not start");
    }

    pub fn browser(&self) -> Browser {
        Browser::new(self)
    }

    /// A browser logged in as `login` (demo password), from its own address.
    pub fn logged_in(&self, login: &str) -> Browser {
        let mut browser = self.browser();
        browser.login(login, &format!("portail-demo-{login}"));
        browser
    }

    /// The log's last position, as `GET /sante` tells it.
    pub fn last_position(&self) -> u64 {
        let page = self.browser().get("/sante");
        let json: serde_json::Value = serde_json::from_str(&page.body).expect("/sante is JSON");
        json["last_position"].as_u64().expect("last_position")
    }

    /// `portail … --json` parsed.
    pub fn cli_json(&self, args: &[&str]) -> serde_json::Value {
        let out = portail_ok(&self.db, args);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}: {out}"))
    }

    /// The mails written so far (.eml files), as text.
    pub fn mails(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(self.dir.path().join("mail")) else {
            return Vec::new();
        };
        let mut out: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect();
        out.sort();
        out.iter()
            .map(|p| String::from_utf8_lossy(&std::fs::read(p).expect("eml")).into_owned())
            .collect()
    }

    /// Sends the due mails now (`portail mail send` into the server's mail dir).
    pub fn send_mails(&self) {
        let mail = self.dir.path().join("mail");
        portail_ok(
            &self.db,
            &[
                "mail",
                "send",
                "--mail-dir",
                mail.to_str().expect("utf-8 path"),
            ],
        );
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One answer.
#[derive(Debug, Clone)]
pub struct Page {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Page {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn location(&self) -> &str {
        self.header("location").unwrap_or("")
    }

    /// Values of the inputs named `name`, in page order.
    pub fn input_values(&self, name: &str) -> Vec<String> {
        let needle = format!("name=\"{name}\" value=\"");
        let mut out = Vec::new();
        let mut rest = self.body.as_str();
        while let Some(i) = rest.find(&needle) {
            rest = &rest[i + needle.len()..];
            let end = rest.find('"').unwrap_or(0);
            out.push(unescape(&rest[..end]));
        }
        out
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

    /// The first form posting to `action` with every `(name, value)` of `having`.
    pub fn form(&self, action: &str, having: &[(&str, &str)]) -> Option<Vec<(String, String)>> {
        self.forms()
            .into_iter()
            .find(|(a, fields)| {
                a == action
                    && having.iter().all(|(n, v)| {
                        fields
                            .iter()
                            .any(|(fname, fvalue)| fname == n && fvalue == v)
                    })
            })
            .map(|(_, fields)| fields)
    }

    /// The body without the CSRF token's value.
    pub fn without_token(&self) -> String {
        let mut body = self.body.clone();
        for token in self.input_values(CSRF_FIELD) {
            body = body.replace(&token, "<jeton>");
        }
        body
    }
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let needle = format!(" {name}=\"");
    let start = tag.find(&needle)? + needle.len();
    let end = tag[start..].find('"')?;
    Some(unescape(&tag[start..start + end]))
}

pub const CSRF_FIELD: &str = "jeton";

/// `application/x-www-form-urlencoded` of `pairs`.
pub fn form_encode(pairs: &[(String, String)]) -> String {
    let encode = |s: &str| {
        let mut out = String::new();
        for b in s.bytes() {
            match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => {
                    out.push(char::from(b))
                }
                b' ' => out.push('+'),
                _ => out.push_str(&format!("%{b:02X}")),
            }
        }
        out
    };
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

pub fn owned(fields: &[(&str, &str)]) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

static NEXT_IP: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);

/// A browser: its cookies, the CSRF token of the last page read, its own address (sent as
/// `X-Forwarded-For`, the server trusting it) so the address throttle of one test does not
/// reach another.
#[derive(Clone)]
pub struct Browser {
    agent: ureq::Agent,
    base: String,
    pub cookies: BTreeMap<String, String>,
    pub csrf: Option<String>,
    pub ip: String,
}

impl Browser {
    pub fn new(server: &Server) -> Browser {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            // One connection per request: the server closes a connection whose body it refused
            // unread (a cross-site POST), and a pooled one would then fail the next request.
            .max_idle_connections(0)
            .max_idle_connections_per_host(0)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .new_agent();
        let n = NEXT_IP.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Browser {
            agent,
            base: server.base.clone(),
            cookies: BTreeMap::new(),
            csrf: None,
            ip: format!("10.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn read(&mut self, response: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Page {
        // A transport failure is an answer too (status 0), so a thread never dies holding others.
        let mut response = match response {
            Ok(response) => response,
            Err(error) => {
                return Page {
                    status: 0,
                    headers: Vec::new(),
                    body: format!("no answer: {error}"),
                };
            }
        };
        let status = response.status().as_u16();
        let headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        for (name, text) in &headers {
            if name != "set-cookie" {
                continue;
            }
            let pair = text.split(';').next().unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                if value.is_empty() || text.contains("Max-Age=0") {
                    self.cookies.remove(name);
                } else {
                    self.cookies.insert(name.to_owned(), value.to_owned());
                }
            }
        }
        let bytes = response
            .body_mut()
            .with_config()
            .limit(16 << 20)
            .read_to_vec()
            .expect("a body");
        let page = Page {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        };
        if let Some(token) = page.input_values(CSRF_FIELD).into_iter().next() {
            self.csrf = Some(token);
        }
        page
    }

    pub fn get(&mut self, path: &str) -> Page {
        let response = self
            .agent
            .get(format!("{}{path}", self.base))
            .header("Cookie", self.cookie_header())
            .header("X-Forwarded-For", self.ip.clone())
            .call();
        self.read(response)
    }

    /// POSTs `body` as it is, with `content_type` and extra `headers`.
    pub fn post_body(
        &mut self,
        path: &str,
        content_type: &str,
        body: &[u8],
        headers: &[(&str, &str)],
    ) -> Page {
        let mut request = self
            .agent
            .post(format!("{}{path}", self.base))
            .header("Cookie", self.cookie_header())
            .header("X-Forwarded-For", self.ip.clone())
            .header("Content-Type", content_type);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send(body);
        self.read(response)
    }

    /// POSTs exactly `pairs` with extra `headers`.
    pub fn post_raw_with(
        &mut self,
        path: &str,
        pairs: &[(String, String)],
        headers: &[(&str, &str)],
    ) -> Page {
        let body = form_encode(pairs);
        self.post_body(
            path,
            "application/x-www-form-urlencoded",
            body.as_bytes(),
            headers,
        )
    }

    /// POSTs exactly `pairs`.
    pub fn post_raw(&mut self, path: &str, pairs: &[(String, String)]) -> Page {
        self.post_raw_with(path, pairs, &[])
    }

    /// POSTs `fields` plus the token of the last page read (unless `fields` has one).
    pub fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let mut pairs = owned(fields);
        if !pairs.iter().any(|(k, _)| k == CSRF_FIELD)
            && let Some(token) = &self.csrf
        {
            pairs.push((CSRF_FIELD.to_owned(), token.clone()));
        }
        self.post_raw(path, &pairs)
    }

    /// Reads the log-in page and logs in; panics unless it worked.
    pub fn login(&mut self, login: &str, password: &str) -> Page {
        self.get("/connexion");
        let page = self.post(
            "/connexion",
            &[("identifiant", login), ("mot_de_passe", password)],
        );
        assert_eq!(page.status, 303, "log-in of {login}: {}", page.body);
        assert_eq!(page.location(), "/accueil");
        page
    }

    /// The session cookie's value, if any.
    pub fn session(&self) -> Option<String> {
        self.cookies.get("pf_session").cloned()
    }
}

/// The text of a page without tags, whitespace collapsed, the usual entities decoded.
pub fn text(body: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in body.chars() {
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
    unescape(&out.replace("&nbsp;", " "))
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Timing measurements run alone: every test holds this shared, the timed ones exclusively.
static QUIET: std::sync::RwLock<()> = std::sync::RwLock::new(());

/// Held by every test that does not measure time.
pub fn shared() -> std::sync::RwLockReadGuard<'static, ()> {
    QUIET
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Held by a test that measures time: nothing else runs meanwhile.
pub fn alone() -> std::sync::RwLockWriteGuard<'static, ()> {
    QUIET
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The summary line the report quotes.
pub fn held(name: &str, tries: usize) {
    println!("attack {name}: {tries} tries, held");
}
