//! How the portal is reached: its public address, cookies and accepted origins.

use crate::session::{self, SESSION_COOKIE, VISITOR_COOKIE};

/// How the portal is reached.
#[derive(Clone, Debug)]
pub struct WebConfig {
    /// Public address of the portal, without trailing slash (links in mails, payment returns).
    pub base_url: String,
    /// Cookies marked `Secure` and HSTS sent: true unless the portal is served over plain HTTP
    /// on loopback (the demo).
    pub secure_cookies: bool,
    /// Take the client address from `X-Forwarded-For` (behind a reverse proxy only).
    pub trust_forwarded_for: bool,
}

impl WebConfig {
    /// Plain HTTP on loopback: the only case where cookies may go without `Secure`.
    pub fn for_base_url(base_url: &str) -> WebConfig {
        let base_url = base_url.trim_end_matches('/').to_owned();
        let local = ["http://127.0.0.1", "http://localhost", "http://[::1]"]
            .iter()
            .any(|prefix| base_url.starts_with(prefix));
        WebConfig {
            secure_cookies: !local,
            base_url,
            trust_forwarded_for: false,
        }
    }
}

impl WebConfig {
    /// Whether cookie names carry the `__Host-` prefix: when the portal is served over HTTPS
    /// (cookies `Secure`). A browser then accepts such a cookie only from this very host, over
    /// HTTPS, for the whole site: a sibling subdomain or a plain-HTTP answer cannot plant one.
    /// Over plain HTTP on loopback (the demo) the prefix is impossible (it requires `Secure`).
    pub fn host_prefixed_cookies(&self) -> bool {
        self.secure_cookies && self.base_url.to_ascii_lowercase().starts_with("https://")
    }

    /// The name of the session cookie: [`SESSION_COOKIE`], `__Host-` prefixed over HTTPS.
    pub fn session_cookie(&self) -> &'static str {
        if self.host_prefixed_cookies() {
            session::HOST_SESSION_COOKIE
        } else {
            SESSION_COOKIE
        }
    }

    /// The name of the staff session cookie: [`crate::STAFF_COOKIE`], `__Host-` prefixed over
    /// HTTPS. Apart from the parents' so that one browser never mixes the two.
    pub fn staff_cookie(&self) -> &'static str {
        if self.host_prefixed_cookies() {
            crate::staff::HOST_STAFF_COOKIE
        } else {
            crate::staff::STAFF_COOKIE
        }
    }

    /// The name of the visitor cookie: [`VISITOR_COOKIE`], `__Host-` prefixed over HTTPS.
    pub fn visitor_cookie(&self) -> &'static str {
        if self.host_prefixed_cookies() {
            session::HOST_VISITOR_COOKIE
        } else {
            VISITOR_COOKIE
        }
    }

    /// The origin of [`WebConfig::base_url`] as browsers write it in `Origin`: scheme, host in
    /// lowercase, and the port unless it is the scheme's default (`https://portail.example.fr`).
    /// `None` when the base URL has no scheme or host.
    pub fn origin(&self) -> Option<String> {
        WebOrigin::parse(&self.base_url).map(|origin| origin.to_string())
    }

    /// Whether an `Origin` header names this portal. On loopback the host may be written
    /// `127.0.0.1`, `localhost` or `[::1]` (the demo prints one, a person types another): the
    /// same scheme and port on any loopback spelling is the same machine, and nothing outside
    /// it can send such an origin from a page the browser loaded elsewhere.
    pub fn accepts_origin(&self, header: &str) -> bool {
        match (
            WebOrigin::parse(&self.base_url),
            WebOrigin::parse(header.trim()),
        ) {
            (Some(ours), Some(theirs)) => ours.same_as(&theirs),
            _ => false,
        }
    }
}

/// Scheme, host and port of an origin, normalised as browsers send them.
#[derive(Debug, PartialEq, Eq)]
struct WebOrigin {
    scheme: String,
    host: String,
    port: Option<u16>,
}

impl WebOrigin {
    fn parse(text: &str) -> Option<WebOrigin> {
        let uri: axum::http::Uri = text.trim_end_matches('/').parse().ok()?;
        let scheme = uri.scheme_str()?.to_ascii_lowercase();
        let host = uri.host()?.to_ascii_lowercase();
        let default_port = match scheme.as_str() {
            "https" => Some(443),
            "http" => Some(80),
            _ => None,
        };
        let port = uri.port_u16().filter(|port| Some(*port) != default_port);
        Some(WebOrigin { scheme, host, port })
    }

    fn is_loopback(&self) -> bool {
        let host = self.host.trim_start_matches('[').trim_end_matches(']');
        host == "localhost"
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|address| address.is_loopback())
    }

    fn same_as(&self, other: &WebOrigin) -> bool {
        self.scheme == other.scheme
            && self.port == other.port
            && (self.host == other.host || (self.is_loopback() && other.is_loopback()))
    }
}

impl std::fmt::Display for WebOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.port {
            Some(port) => write!(f, "{}://{}:{port}", self.scheme, self.host),
            None => write!(f, "{}://{}", self.scheme, self.host),
        }
    }
}
