//! A small WebDriver client (W3C protocol: JSON over HTTP) for Chromium headless through
//! chromedriver, started as a child process and killed on drop.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Value, json};

/// The key of an element reference in the protocol.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Keys of the WebDriver keyboard (code points of the protocol).
pub const TAB: &str = "\u{E004}";
pub const ENTER: &str = "\u{E007}";

/// A free loopback port (the listener is closed at once: a small race, fine for tests).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free loopback port: {e}"))
}

/// A locator strategy of the protocol.
#[derive(Clone, Copy, Debug)]
pub enum By<'a> {
    Css(&'a str),
    XPath(&'a str),
}

impl By<'_> {
    fn body(&self) -> Value {
        let (using, value) = match self {
            By::Css(v) => ("css selector", *v),
            By::XPath(v) => ("xpath", *v),
        };
        json!({ "using": using, "value": value })
    }
}

/// An error answered by the driver: its `error` code and message.
#[derive(Debug)]
pub struct WdError {
    pub error: String,
    pub message: String,
}

impl std::fmt::Display for WdError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.error, self.message)
    }
}

struct DriverProcess(Child);

impl Drop for DriverProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One browser session. Dropping it closes the session and kills chromedriver.
pub struct Browser {
    agent: ureq::Agent,
    base: String,
    session: String,
    // Last: killed after the session is deleted.
    _driver: DriverProcess,
}

/// An element of the current page.
#[derive(Clone)]
pub struct Element<'a> {
    browser: &'a Browser,
    id: String,
}

impl Browser {
    /// Starts `chromedriver` on a free port and opens a headless Chromium of `width`×`height`.
    pub fn start(chromedriver: &Path, chromium: &Path, width: u32, height: u32) -> Browser {
        let port = free_port();
        let child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", chromedriver.display()));
        let driver = DriverProcess(child);
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into();
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let ready = agent
                .get(&format!("{base}/status"))
                .call()
                .ok()
                .and_then(|mut r| r.body_mut().read_to_string().ok())
                .and_then(|t| serde_json::from_str::<Value>(&t).ok())
                .is_some_and(|v| v["value"]["ready"] == true);
            if ready {
                break;
            }
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let capabilities = json!({
            "capabilities": { "alwaysMatch": {
                "browserName": "chrome",
                "pageLoadStrategy": "normal",
                "goog:chromeOptions": {
                    "binary": chromium.to_string_lossy(),
                    "args": [
                        "--headless=new",
                        "--no-sandbox",
                        "--disable-dev-shm-usage",
                        "--disable-gpu",
                        "--no-first-run",
                        "--lang=fr-FR",
                        "--hide-scrollbars",
                        format!("--window-size={width},{height}"),
                    ],
                    "prefs": { "intl.accept_languages": "fr-FR,fr" },
                },
            } }
        });
        let answer = send(
            &agent,
            "POST",
            &format!("{base}/session"),
            Some(capabilities),
        )
        .unwrap_or_else(|e| panic!("cannot open a browser session: {e}"));
        let session = answer["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session id in {answer}"))
            .to_owned();
        let browser = Browser {
            agent,
            base,
            session,
            _driver: driver,
        };
        browser.command(
            "POST",
            "timeouts",
            json!({ "implicit": 0, "pageLoad": 30_000, "script": 30_000 }),
        );
        browser
    }

    fn url(&self, path: &str) -> String {
        if path.is_empty() {
            format!("{}/session/{}", self.base, self.session)
        } else {
            format!("{}/session/{}/{path}", self.base, self.session)
        }
    }

    fn try_command(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, WdError> {
        send(&self.agent, method, &self.url(path), body)
    }

    fn command(&self, method: &str, path: &str, body: Value) -> Value {
        let body = (method == "POST").then_some(body);
        self.try_command(method, path, body)
            .unwrap_or_else(|e| panic!("WebDriver {method} {path}: {e}"))
    }

    fn get(&self, path: &str) -> Value {
        self.command("GET", path, Value::Null)
    }

    /// The first URL of the journey: every other page is reached by clicking.
    pub fn goto(&self, url: &str) {
        self.command("POST", "url", json!({ "url": url }));
    }

    pub fn current_url(&self) -> String {
        self.get("url").as_str().unwrap_or_default().to_owned()
    }

    pub fn refresh(&self) {
        self.command("POST", "refresh", json!({}));
    }

    pub fn set_window_size(&self, width: u32, height: u32) {
        self.command(
            "POST",
            "window/rect",
            json!({ "width": width, "height": height }),
        );
    }

    fn element(&self, value: &Value) -> Element<'_> {
        let id = value[ELEMENT_KEY]
            .as_str()
            .unwrap_or_else(|| panic!("not an element: {value}"))
            .to_owned();
        Element { browser: self, id }
    }

    /// The first element found, or `None`.
    pub fn try_find(&self, by: By<'_>) -> Option<Element<'_>> {
        match self.try_command("POST", "element", Some(by.body())) {
            Ok(value) => Some(self.element(&value)),
            Err(e) if e.error == "no such element" => None,
            Err(e) => panic!("WebDriver find {by:?}: {e}"),
        }
    }

    /// The first element found; fails the test naming what was looked for and the page.
    pub fn find(&self, by: By<'_>) -> Element<'_> {
        self.try_find(by).unwrap_or_else(|| {
            panic!(
                "no element {by:?} on {} (« {} »)",
                self.current_url(),
                self.title()
            )
        })
    }

    pub fn find_all(&self, by: By<'_>) -> Vec<Element<'_>> {
        let value = self.command("POST", "elements", by.body());
        value
            .as_array()
            .map(|a| a.iter().map(|v| self.element(v)).collect())
            .unwrap_or_default()
    }

    pub fn active_element(&self) -> Element<'_> {
        let value = self.get("element/active");
        self.element(&value)
    }

    pub fn title(&self) -> String {
        self.get("title").as_str().unwrap_or_default().to_owned()
    }

    /// The visible text of the whole page.
    pub fn page_text(&self) -> String {
        self.find(By::Css("body")).text()
    }

    /// Runs `script` (a function body; `arguments` are `args`) and returns its value.
    pub fn execute(&self, script: &str, args: Vec<Value>) -> Value {
        self.command(
            "POST",
            "execute/sync",
            json!({ "script": script, "args": args }),
        )
    }

    /// Runs an asynchronous script: its last argument is the callback that returns the value.
    pub fn execute_async(&self, script: &str, args: Vec<Value>) -> Value {
        self.command(
            "POST",
            "execute/async",
            json!({ "script": script, "args": args }),
        )
    }

    /// Presses keys one after the other on whatever has the focus (`TAB`, `ENTER`, text).
    pub fn press(&self, keys: &[&str]) {
        let mut actions = Vec::new();
        for key in keys {
            for c in key.chars() {
                actions.push(json!({ "type": "keyDown", "value": c.to_string() }));
                actions.push(json!({ "type": "keyUp", "value": c.to_string() }));
            }
        }
        self.command(
            "POST",
            "actions",
            json!({ "actions": [{ "type": "key", "id": "clavier", "actions": actions }] }),
        );
        self.command("DELETE", "actions", Value::Null);
    }

    /// The viewport as PNG bytes.
    pub fn screenshot(&self) -> Vec<u8> {
        let value = self.get("screenshot");
        let text = value.as_str().unwrap_or_default();
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .unwrap_or_else(|e| panic!("screenshot is not base64: {e}"))
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.try_command("DELETE", "", None);
    }
}

impl<'a> Element<'a> {
    fn path(&self, tail: &str) -> String {
        format!("element/{}/{tail}", self.id)
    }

    pub fn click(&self) {
        self.browser.command("POST", &self.path("click"), json!({}));
    }

    pub fn send_keys(&self, text: &str) {
        self.browser
            .command("POST", &self.path("value"), json!({ "text": text }));
    }

    pub fn clear(&self) {
        self.browser.command("POST", &self.path("clear"), json!({}));
    }

    pub fn text(&self) -> String {
        self.browser
            .get(&self.path("text"))
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub fn attribute(&self, name: &str) -> Option<String> {
        self.browser
            .get(&self.path(&format!("attribute/{name}")))
            .as_str()
            .map(str::to_owned)
    }

    pub fn property(&self, name: &str) -> Value {
        self.browser.get(&self.path(&format!("property/{name}")))
    }

    pub fn is_displayed(&self) -> bool {
        self.browser.get(&self.path("displayed")) == true
    }

    pub fn find(&self, by: By<'_>) -> Element<'a> {
        let value = self
            .browser
            .command("POST", &self.path("element"), by.body());
        self.browser.element(&value)
    }

    pub fn find_all(&self, by: By<'_>) -> Vec<Element<'a>> {
        let value = self
            .browser
            .command("POST", &self.path("elements"), by.body());
        value
            .as_array()
            .map(|a| a.iter().map(|v| self.browser.element(v)).collect())
            .unwrap_or_default()
    }
}

fn send(
    agent: &ureq::Agent,
    method: &str,
    url: &str,
    body: Option<Value>,
) -> Result<Value, WdError> {
    let transport = |e: ureq::Error| WdError {
        error: "transport".to_owned(),
        message: e.to_string(),
    };
    let mut response = match (method, body) {
        ("POST", body) => agent
            .post(url)
            .header("content-type", "application/json")
            .send(body.unwrap_or_else(|| json!({})).to_string())
            .map_err(transport)?,
        ("DELETE", _) => agent.delete(url).call().map_err(transport)?,
        _ => agent.get(url).call().map_err(transport)?,
    };
    let status = response.status().as_u16();
    let text = response
        .body_mut()
        .with_config()
        .limit(256 * 1024 * 1024)
        .read_to_string()
        .map_err(transport)?;
    let answer: Value = serde_json::from_str(&text).map_err(|e| WdError {
        error: "json".to_owned(),
        message: e.to_string(),
    })?;
    let value = answer["value"].clone();
    if status == 200 {
        Ok(value)
    } else {
        Err(WdError {
            error: value["error"].as_str().unwrap_or("unknown").to_owned(),
            message: value["message"]
                .as_str()
                .unwrap_or_default()
                .lines()
                .next()
                .unwrap_or_default()
                .to_owned(),
        })
    }
}
