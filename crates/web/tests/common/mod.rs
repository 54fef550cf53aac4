//! A portal over the demo world, driven in-process with `tower::ServiceExt::oneshot`, and a
//! browser that keeps its cookies and fills in the CSRF token of the page it last read.
#![allow(dead_code, clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::future::IntoFuture;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use app::{App, Clock};
use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request, StatusCode, header};
use chrono::{DateTime, Duration, TimeZone, Utc};
use tower::ServiceExt;

/// A clock the test moves by hand.
#[derive(Debug)]
pub struct TestClock(Mutex<DateTime<Utc>>);

impl TestClock {
    pub fn advance(&self, by: Duration) {
        let mut now = self.0.lock().unwrap();
        *now += by;
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

/// The instant the demo world is built at: Wednesday 25 November 2026, 09:00 in Paris.
pub fn demo_instant() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 8, 0, 0).unwrap()
}

/// The demo world in a fresh directory, its clock stopped at [`demo_instant`].
fn demo_world() -> (tempfile::TempDir, Arc<TestClock>, App) {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(TestClock(Mutex::new(demo_instant())));
    let app = App::open(dir.path().join("portal.db"), clock.clone()).unwrap();
    app::demo::build(&app).unwrap();
    (dir, clock, app)
}

pub struct Portal {
    pub app: App,
    pub services: web::Shared,
    pub router: Router,
    pub clock: Arc<TestClock>,
    pub dir: tempfile::TempDir,
}

impl Portal {
    /// The demo world, a payment provider (the simulator over the network is not needed for
    /// pages: `provider` is `None` unless given), served as `https://portail.example.fr`.
    pub fn demo() -> Portal {
        Portal::with(None, Portal::hashing())
    }

    /// The pool of the tests: a log-in waits for its (unoptimised, slower) hash rather than
    /// being shown its place in line, unless a test builds a pool of its own.
    pub fn hashing() -> web::HashingPool {
        web::HashingPool::new(2, 64).answering_within(std::time::Duration::from_secs(60))
    }

    pub fn with(
        provider: Option<Arc<dyn payment::PaymentProvider>>,
        hashing: web::HashingPool,
    ) -> Portal {
        Portal::configured(
            web::WebConfig::for_base_url("https://portail.example.fr"),
            provider,
            hashing,
        )
    }

    /// The demo world served with `config` (behind a proxy, over plain http…).
    pub fn with_config(config: web::WebConfig) -> Portal {
        Portal::configured(config, None, Portal::hashing())
    }

    fn configured(
        config: web::WebConfig,
        provider: Option<Arc<dyn payment::PaymentProvider>>,
        hashing: web::HashingPool,
    ) -> Portal {
        let (dir, clock, app) = demo_world();
        let services = Arc::new(
            web::Services::new(app.clone(), provider, config)
                .unwrap()
                .with_hashing(hashing),
        );
        let router = web::router(Arc::clone(&services), None);
        Portal {
            app,
            services,
            router,
            clock,
            dir,
        }
    }

    /// The demo world with the PayFiP simulator, served for real on a loopback port (the
    /// simulator calls the portal's notification URL over HTTP).
    pub async fn with_payment_simulator() -> (Portal, payment::simulator::SimulatorState) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let provider: Arc<dyn payment::PaymentProvider> = Arc::new(
            payment::PayfipProvider::new(payment::PayfipConfig::simulator(
                &format!("{base}/simulateur-payfip"),
                2026,
            ))
            .unwrap(),
        );
        let (dir, clock, app) = demo_world();
        let services = Arc::new(
            web::Services::new(
                app.clone(),
                Some(provider),
                web::WebConfig::for_base_url(&base),
            )
            .unwrap(),
        );
        let simulator = payment::simulator::SimulatorState::new();
        let router = web::router(Arc::clone(&services), Some(simulator.clone()));
        tokio::spawn(
            axum::serve(
                listener,
                router
                    .clone()
                    .into_make_service_with_connect_info::<SocketAddr>(),
            )
            .into_future(),
        );
        let portal = Portal {
            app,
            services,
            router,
            clock,
            dir,
        };
        (portal, simulator)
    }

    pub fn browser(&self) -> Browser {
        Browser {
            router: self.router.clone(),
            cookies: BTreeMap::new(),
            csrf: None,
            ip: "192.0.2.10".to_owned(),
        }
    }

    /// A browser logged in as `login` (demo password).
    pub async fn logged_in(&self, login: &str) -> Browser {
        let mut browser = self.browser();
        browser.login(login, &format!("portail-demo-{login}")).await;
        browser
    }

    /// A browser logged in to `/gestion` as the demo staff account `login` (`accueil`,
    /// `direction`, `regie`, `admin`) through the real pages: its password, then a TOTP code
    /// computed from its demo secret at the test clock's time. A code serves once, so with the
    /// clock stopped the codes of the previous, current and next steps are tried in turn: up to
    /// three log-ins of one account per 30 seconds of test time.
    pub async fn staff_logged_in(&self, login: &str) -> Browser {
        let mut browser = self.browser();
        browser.get("/gestion/connexion").await;
        let password = format!("portail-demo-{login}");
        let page = browser
            .post(
                "/gestion/connexion",
                &[("identifiant", login), ("mot_de_passe", &password)],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
        assert_eq!(page.location(), "/gestion/connexion/code");
        browser.get("/gestion/connexion/code").await;
        for code in self.staff_codes(login) {
            let page = browser
                .post("/gestion/connexion/code", &[("code", &code)])
                .await;
            if page.status == StatusCode::SEE_OTHER {
                assert_eq!(page.location(), "/gestion");
                return browser;
            }
            assert_eq!(page.status, StatusCode::UNAUTHORIZED, "{}", page.text());
        }
        panic!("{login}: no TOTP code left in this 30-second step of the test clock");
    }

    /// The demo staff account `login`'s TOTP codes of the previous, current and next steps.
    pub fn staff_codes(&self, login: &str) -> Vec<String> {
        let secret = app::demo::DEMO_STAFF
            .iter()
            .find(|s| s.login == login)
            .unwrap_or_else(|| panic!("{login} is no demo staff account"))
            .totp_secret();
        let step = app::staff::time_step(self.clock.now());
        (step - 1..=step + 1)
            .map(|s| secret.code_at_step(s))
            .collect()
    }

    /// The log's last position: nothing was recorded when it did not move.
    pub fn head(&self) -> u64 {
        self.app.store.head().unwrap().position
    }

    pub fn family(&self, login: &str) -> domain::ids::FamilyId {
        domain::ids::FamilyId(domain::ids::derive_id("family", login))
    }

    /// Bodies of the mails of `kind` in the outbox, oldest first, with their recipients.
    pub fn mails(&self, kind: &str) -> Vec<(String, String)> {
        let kind = kind.to_owned();
        self.app
            .query(move |conn| {
                let mut statement = conn.prepare(
                    "SELECT recipient, body FROM mail_outbox WHERE kind = ?1 ORDER BY created_at, mail_id",
                )?;
                let rows = statement
                    .query_map([kind], |row| Ok((row.get(0)?, row.get(1)?)))?
                    .collect::<Result<Vec<(String, String)>, _>>()?;
                Ok(rows)
            })
            .unwrap()
    }
}

/// One answer.
#[derive(Debug)]
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    /// The body as text (a binary answer, a PDF, read lossily).
    pub body: String,
}

impl Page {
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The page's text without tags, whitespace collapsed, entities decoded (the few maud emits).
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

    /// The text of `<main>` only.
    pub fn main_text(&self) -> String {
        let start = self.body.find("<main").unwrap_or(0);
        let end = self.body.find("</main>").unwrap_or(self.body.len());
        Page {
            status: self.status,
            headers: HeaderMap::new(),
            body: self.body[start..end].to_owned(),
        }
        .text()
    }

    /// Values of the hidden or visible inputs named `name`, in page order.
    pub fn input_values(&self, name: &str) -> Vec<String> {
        let needle = format!("name=\"{name}\" value=\"");
        let mut out = Vec::new();
        let mut rest = self.body.as_str();
        while let Some(i) = rest.find(&needle) {
            rest = &rest[i + needle.len()..];
            let end = rest.find('"').unwrap_or(0);
            out.push(rest[..end].to_owned());
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

    /// The first form whose action is `action` and whose fields contain every `(name, value)`
    /// of `having`.
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

/// A browser: cookies kept, the CSRF token of the last page read reused for the next POST.
#[derive(Clone)]
pub struct Browser {
    router: Router,
    pub cookies: BTreeMap<String, String>,
    pub csrf: Option<String>,
    pub ip: String,
}

impl Browser {
    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn send(&mut self, request: Request<Body>) -> Page {
        let mut request = request;
        let addr: SocketAddr = format!("{}:50000", self.ip).parse().unwrap();
        request.extensions_mut().insert(ConnectInfo(addr));
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        for value in headers.get_all(header::SET_COOKIE) {
            let text = value.to_str().unwrap();
            let pair = text.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() || text.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let body = axum::body::to_bytes(response.into_body(), 4 << 20)
            .await
            .unwrap();
        let page = Page {
            status,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        };
        if let Some(token) = page.input_values(web::CSRF_FIELD).into_iter().next() {
            self.csrf = Some(token);
        }
        page
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let request = Request::get(path)
            .header(header::COOKIE, self.cookie_header())
            .body(Body::empty())
            .unwrap();
        self.send(request).await
    }

    /// POSTs `fields` plus the CSRF token of the last page read (unless `fields` has one).
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let mut pairs: Vec<(String, String)> = fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        if !pairs.iter().any(|(k, _)| k == web::CSRF_FIELD)
            && let Some(token) = &self.csrf
        {
            pairs.push((web::CSRF_FIELD.to_owned(), token.clone()));
        }
        self.post_raw(path, &pairs).await
    }

    /// POSTs exactly `pairs`.
    pub async fn post_raw(&mut self, path: &str, pairs: &[(String, String)]) -> Page {
        self.post_raw_with_headers(path, pairs, &[]).await
    }

    /// POSTs `fields` plus the CSRF token of the last page read, with extra request `headers`
    /// (what a browser adds: `Origin`, `Sec-Fetch-Site`).
    pub async fn post_with_headers(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Page {
        let mut pairs: Vec<(String, String)> = fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        if let Some(token) = &self.csrf {
            pairs.push((web::CSRF_FIELD.to_owned(), token.clone()));
        }
        self.post_raw_with_headers(path, &pairs, headers).await
    }

    /// POSTs `body` as it is (already form-encoded, possibly not UTF-8), followed by
    /// `&jeton=<the token of the last page read>`.
    pub async fn post_bytes(&mut self, path: &str, body: &[u8]) -> Page {
        let mut body = body.to_vec();
        if let Some(token) = &self.csrf {
            body.extend_from_slice(format!("&{}={token}", web::CSRF_FIELD).as_bytes());
        }
        let request = Request::post(path)
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        self.send(request.body(Body::from(body)).unwrap()).await
    }

    async fn post_raw_with_headers(
        &mut self,
        path: &str,
        pairs: &[(String, String)],
        headers: &[(&str, &str)],
    ) -> Page {
        let body = serde_urlencoded::to_string(pairs).unwrap();
        let mut request = Request::post(path)
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request.body(Body::from(body)).unwrap()).await
    }

    /// Reads the log-in page then logs in; panics unless it worked.
    pub async fn login(&mut self, login: &str, password: &str) -> Page {
        self.get("/connexion").await;
        let page = self
            .post(
                "/connexion",
                &[("identifiant", login), ("mot_de_passe", password)],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
        assert_eq!(page.location(), "/accueil");
        page
    }
}
