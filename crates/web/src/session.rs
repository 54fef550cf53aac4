//! Cookies, CSRF and the two kinds of callers: a logged-in [`Parent`] and an anonymous
//! [`Visitor`].
//!
//! CSRF: every form carries `jeton`, an HMAC-SHA256 (server key) of the session cookie when the
//! browser sends one, or else of the `pf_visiteur` cookie (log-in, recovery): one rule,
//! [`csrf_binding`], for the token a page writes and the token a POST must carry, so a visitor
//! token is never accepted next to a session. The visitor id changes at log-in and logout, and
//! over HTTPS both cookies are `__Host-` prefixed. One middleware checks the token on every POST
//! before any handler runs (and refuses a form body that is not UTF-8); only the provider's server-to-
//! server notification and the demo's simulator are exempt. The same middleware first refuses
//! any state-changing request a browser says comes from another site (`Sec-Fetch-Site`,
//! `Origin`), token or not.

use std::net::SocketAddr;

use app::accounts::{self, Session};
use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts, Path, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::layout::{self, Chrome};
use crate::{BODY_LIMIT, Shared, WebError, blocking, pages};

/// The session cookie: 256 random bits; the server keeps only their sha256. Its name is
/// `__Host-` prefixed over HTTPS ([`crate::WebConfig::session_cookie`]).
pub const SESSION_COOKIE: &str = "pf_session";
/// A random id given to every browser, which anonymous forms' CSRF tokens are bound to while
/// no session cookie is sent. New at every log-in and logout. Prefixed like the session's.
pub const VISITOR_COOKIE: &str = "pf_visiteur";
pub(crate) const HOST_SESSION_COOKIE: &str = "__Host-pf_session";
pub(crate) const HOST_VISITOR_COOKIE: &str = "__Host-pf_visiteur";
/// The form field carrying the CSRF token.
pub const CSRF_FIELD: &str = "jeton";

/// Paths whose POSTs carry no CSRF token: the provider's notification (verified with the
/// provider itself) and the demo's payment simulator (the provider's own pages).
fn csrf_exempt(path: &str) -> bool {
    path == "/paiement/notification" || path.starts_with("/simulateur-payfip")
}

/// Why a state-changing request comes from another site, if it does (OWASP: verifying origin
/// with standard headers, and the Fetch Metadata resource isolation policy), checked before the
/// token as a second line of defence:
/// - `Sec-Fetch-Site: cross-site` is refused; `same-origin`, `same-site` and `none` (typed in
///   the address bar, a bookmark) pass, as that policy allows;
/// - an `Origin` that is sent and is not the configured base URL's origin is refused. Browsers
///   send it with every POST, so this is also what stops a sibling site of the same registrable
///   domain that `same-site` let through. A request without `Origin` (an older browser, a
///   client that is not a browser) still needs its token.
fn cross_site(headers: &HeaderMap, config: &crate::WebConfig) -> Option<&'static str> {
    let fetch_site = headers
        .get("sec-fetch-site")
        .map(|v| v.to_str().unwrap_or_default().trim().to_ascii_lowercase());
    if fetch_site.as_deref() == Some("cross-site") {
        return Some("Sec-Fetch-Site: cross-site");
    }
    let origin = headers.get(header::ORIGIN)?;
    let matches = origin
        .to_str()
        .is_ok_and(|origin| config.accepts_origin(origin));
    (!matches).then_some("Origin is not the portal's")
}

fn mac(key: &[u8], kind: &str, value: &str) -> Option<Hmac<Sha256>> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).ok()?;
    mac.update(kind.as_bytes());
    mac.update(b":");
    mac.update(value.as_bytes());
    Some(mac)
}

/// The token of forms bound to `value` (a session or visitor cookie).
pub(crate) fn csrf_token(key: &[u8], kind: &str, value: &str) -> String {
    mac(key, kind, value)
        .map(|m| hex::encode(m.finalize().into_bytes()))
        .unwrap_or_default()
}

fn csrf_matches(key: &[u8], kind: &str, value: &str, token: &str) -> bool {
    let (Some(mac), Ok(bytes)) = (mac(key, kind, value), hex::decode(token)) else {
        return false;
    };
    mac.verify_slice(&bytes).is_ok()
}

/// The value of cookie `name`, if sent.
pub(crate) fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim())
}

pub(crate) fn is_hex(text: &str, length: usize) -> bool {
    text.len() == length && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// What the CSRF token of a request's forms is bound to.
pub(crate) enum CsrfBinding<'r> {
    Session(&'r str),
    Staff(&'r str),
    Visitor(&'r str),
}

/// The session cookie when the browser sends a well-shaped one (live or not: a stale one is
/// replaced at log-in), else the visitor id.
/// Under `/gestion` the staff cookie plays the part of the session cookie.
pub(crate) fn csrf_binding<'r>(
    headers: &'r HeaderMap,
    visitor: &'r str,
    config: &crate::WebConfig,
    path: &str,
) -> CsrfBinding<'r> {
    if crate::staff::is_staff_path(path) {
        return match cookie(headers, config.staff_cookie())
            .filter(|s| accounts::is_secret_shaped(s))
        {
            Some(session) => CsrfBinding::Staff(session),
            None => CsrfBinding::Visitor(visitor),
        };
    }
    match cookie(headers, config.session_cookie()).filter(|s| accounts::is_secret_shaped(s)) {
        Some(session) => CsrfBinding::Session(session),
        None => CsrfBinding::Visitor(visitor),
    }
}

impl CsrfBinding<'_> {
    pub(crate) fn token(&self, key: &[u8]) -> String {
        match self {
            CsrfBinding::Session(session) => csrf_token(key, "session", session),
            CsrfBinding::Staff(session) => csrf_token(key, "staff", session),
            CsrfBinding::Visitor(visitor) => csrf_token(key, "visitor", visitor),
        }
    }

    fn accepts(&self, key: &[u8], token: &str) -> bool {
        match self {
            CsrfBinding::Session(session) => csrf_matches(key, "session", session, token),
            CsrfBinding::Staff(session) => csrf_matches(key, "staff", session, token),
            CsrfBinding::Visitor(visitor) => {
                !visitor.is_empty() && csrf_matches(key, "visitor", visitor, token)
            }
        }
    }
}

/// `Set-Cookie` for the session cookie; `None` deletes it.
pub(crate) fn session_cookie(config: &crate::WebConfig, value: Option<&str>) -> HeaderValue {
    set_cookie(config.session_cookie(), value, config.secure_cookies)
}

/// `Set-Cookie` for a new session: kept by the browser until `remembered_until` (« Rester
/// connecté ») when given, else until the browser closes.
pub(crate) fn session_cookie_kept(
    config: &crate::WebConfig,
    token: &str,
    remembered_until: Option<chrono::DateTime<chrono::Utc>>,
    now: chrono::DateTime<chrono::Utc>,
) -> HeaderValue {
    let Some(until) = remembered_until else {
        return session_cookie(config, Some(token));
    };
    let secure = if config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let max_age = (until - now).num_seconds().max(0);
    let text = format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}",
        config.session_cookie()
    );
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("invalid=1"))
}

/// A new visitor id for this browser (at log-in and logout): a visitor token learnt or planted
/// before is worth nothing after.
pub(crate) fn rotate_visitor(response: &mut Response, config: &crate::WebConfig) {
    let visitor = uuid::Uuid::new_v4().simple().to_string();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            config.visitor_cookie(),
            Some(&visitor),
            config.secure_cookies,
        ),
    );
}

/// `Set-Cookie` for `name`; `None` deletes it.
pub(crate) fn set_cookie(name: &str, value: Option<&str>, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let text = match value {
        Some(value) => format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax{secure}"),
        None => format!("{name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"),
    };
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("invalid=1"))
}

/// The visitor id of this request (set by [`csrf_and_visitor`]).
#[derive(Clone, Debug)]
pub(crate) struct VisitorId(pub String);

/// Gives every browser a visitor id and checks the CSRF token of every POST.
pub(crate) async fn csrf_and_visitor(
    State(services): State<Shared>,
    mut request: Request,
    next: Next,
) -> Response {
    let sent_visitor = cookie(request.headers(), services.config.visitor_cookie())
        .filter(|v| is_hex(v, 32))
        .map(str::to_owned);
    let new_visitor = sent_visitor
        .is_none()
        .then(|| uuid::Uuid::new_v4().simple().to_string());
    let visitor = sent_visitor
        .clone()
        .or_else(|| new_visitor.clone())
        .unwrap_or_default();
    request.extensions_mut().insert(VisitorId(visitor));

    if !request.method().is_safe() {
        let exempt = csrf_exempt(request.uri().path());
        if !exempt && let Some(reason) = cross_site(request.headers(), &services.config) {
            tracing::warn!(path = %request.uri().path(), reason, "request refused: sent from another site");
            return (StatusCode::FORBIDDEN, pages::cross_site_refused()).into_response();
        }
        let (parts, body) = request.into_parts();
        let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
            return (StatusCode::PAYLOAD_TOO_LARGE, pages::too_large()).into_response();
        };
        if exempt {
            if !form_is_utf8(&bytes) {
                return (StatusCode::UNPROCESSABLE_ENTITY, pages::undecodable_form())
                    .into_response();
            }
            request = Request::from_parts(parts, Body::from(bytes));
            return finish(next.run(request).await, new_visitor, &services);
        }
        let token = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
            .ok()
            .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == CSRF_FIELD))
            .map(|(_, v)| v)
            .unwrap_or_default();
        let visitor = sent_visitor.as_deref().unwrap_or_default();
        let valid = csrf_binding(&parts.headers, visitor, &services.config, parts.uri.path())
            .accepts(&services.csrf_key, &token);
        if !valid {
            tracing::warn!(path = %parts.uri.path(), "POST refused: missing or invalid CSRF token");
            return (StatusCode::FORBIDDEN, pages::csrf_refused()).into_response();
        }
        // Every form body passes here: a field that is not UTF-8 is refused before any handler
        // reads it (the form extractor would turn its bytes into U+FFFD and carry on).
        if !form_is_utf8(&bytes) {
            tracing::warn!(path = %parts.uri.path(), "POST refused: a form field is not UTF-8");
            return (StatusCode::UNPROCESSABLE_ENTITY, pages::undecodable_form()).into_response();
        }
        request = Request::from_parts(parts, Body::from(bytes));
    }
    finish(next.run(request).await, new_visitor, &services)
}

/// Sets the visitor cookie of a browser that had none (unless the handler gave a new one).
fn finish(mut response: Response, new_visitor: Option<String>, services: &Shared) -> Response {
    let name = services.config.visitor_cookie();
    let rotated = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| {
            v.strip_prefix(name)
                .is_some_and(|rest| rest.starts_with('='))
        });
    if let Some(visitor) = new_visitor.filter(|_| !rotated) {
        response.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(name, Some(&visitor), services.config.secure_cookies),
        );
    }
    response
}

/// Whether every name and value of a form body (`application/x-www-form-urlencoded`) is UTF-8
/// once `+` and `%XX` are decoded. A `%` not followed by two hex digits stands for itself, as
/// the form extractor reads it.
fn form_is_utf8(body: &[u8]) -> bool {
    body.split(|b| *b == b'&').all(|pair| {
        let mut decoded = Vec::with_capacity(pair.len());
        let mut i = 0;
        while let Some(&b) = pair.get(i) {
            let escaped = (b == b'%')
                .then(|| pair.get(i + 1..i + 3))
                .flatten()
                .and_then(|hex| std::str::from_utf8(hex).ok())
                .and_then(|hex| u8::from_str_radix(hex, 16).ok());
            match escaped {
                Some(byte) => {
                    decoded.push(byte);
                    i += 3;
                }
                None => {
                    decoded.push(b);
                    i += 1;
                }
            }
        }
        std::str::from_utf8(&decoded).is_ok()
    })
}

/// The client's address, for throttling.
///
/// Behind a reverse proxy (`trust_forwarded_for`) the address is the one the proxy itself
/// wrote: the *rightmost* `X-Forwarded-For` value (a proxy appends the address it received the
/// request from; everything to its left was written by the client and proves nothing), or
/// `X-Real-IP` when no `X-Forwarded-For` was sent. A value that is not an IP address is ignored.
/// Otherwise, the address of the connection.
pub(crate) fn client_ip(parts: &Parts, services: &Shared) -> Option<String> {
    if services.config.trust_forwarded_for
        && let Some(address) = forwarded_address(&parts.headers)
    {
        return Some(address.to_string());
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip().to_string())
}

/// The address a trusted reverse proxy put in the request's headers (see [`client_ip`]).
fn forwarded_address(headers: &HeaderMap) -> Option<std::net::IpAddr> {
    let parse = |text: &str| text.trim().parse::<std::net::IpAddr>().ok();
    // Several header lines are one list, in order: the last line's last value is rightmost.
    if let Some(line) = headers.get_all("x-forwarded-for").iter().next_back() {
        return line
            .to_str()
            .ok()
            .and_then(|line| line.rsplit(',').next())
            .and_then(parse);
    }
    headers
        .get("x-real-ip")
        .and_then(|v| v.to_str().ok())
        .and_then(parse)
}

/// An anonymous caller: the page chrome, the CSRF token of its forms, its address.
pub struct Visitor {
    pub chrome: Chrome,
    /// The browser's visitor id (what a log-in's ticket in line is bound to).
    pub browser: String,
    pub ip: Option<String>,
    /// The session cookie, when one was sent (it is replaced at log-in).
    pub session_token: Option<String>,
}

impl FromRequestParts<Shared> for Visitor {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, services: &Shared) -> Result<Self, Response> {
        let visitor = parts
            .extensions
            .get::<VisitorId>()
            .map(|v| v.0.clone())
            .unwrap_or_default();
        let csrf = csrf_binding(&parts.headers, &visitor, &services.config, parts.uri.path())
            .token(&services.csrf_key);
        let app = services.app.clone();
        let chrome = blocking(move || layout::visitor_chrome(&app, csrf))
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(Visitor {
            chrome,
            browser: visitor,
            ip: client_ip(parts, services),
            session_token: cookie(&parts.headers, services.config.session_cookie())
                .map(str::to_owned),
        })
    }
}

/// A logged-in parent: the live session, the family's header data, the CSRF token.
pub struct Parent {
    pub session: Session,
    /// The session cookie's value.
    pub token: String,
    pub chrome: Chrome,
}

impl Parent {
    pub fn family(&self) -> domain::ids::FamilyId {
        self.session.family_id
    }

    pub fn csrf(&self) -> &str {
        &self.chrome.csrf
    }
}

/// Where a caller without a live session goes.
fn to_login(expired: bool, config: &crate::WebConfig) -> Response {
    let target = if expired {
        "/connexion?expiree=1"
    } else {
        "/connexion"
    };
    let mut response = Redirect::to(target).into_response();
    if expired {
        response
            .headers_mut()
            .append(header::SET_COOKIE, session_cookie(config, None));
    }
    response
}

impl FromRequestParts<Shared> for Parent {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, services: &Shared) -> Result<Self, Response> {
        let config = &services.config;
        let Some(token) = cookie(&parts.headers, config.session_cookie()).map(str::to_owned) else {
            return Err(to_login(false, config));
        };
        let app = services.app.clone();
        let lookup = token.clone();
        let csrf = CsrfBinding::Session(&token).token(&services.csrf_key);
        // A remembered session's token is renewed on a page view only: a form's token is bound
        // to the cookie it was shown with.
        let may_renew = parts.method == axum::http::Method::GET;
        let loaded = blocking(move || {
            let Some(resumed) = accounts::resume(&app, &lookup, may_renew)? else {
                return Ok(None);
            };
            if let Some(renewed) = resumed.renewed_token {
                return Ok(Some(Err((renewed, resumed.session.remembered_until))));
            }
            let chrome = layout::parent_chrome(&app, &resumed.session, csrf)?;
            Ok(Some(Ok((resumed.session, chrome))))
        })
        .await;
        match loaded {
            Ok(Some(Ok((session, chrome)))) => Ok(Parent {
                session,
                token,
                chrome,
            }),
            Ok(Some(Err((renewed, until)))) => {
                Err(renewed_cookie(parts, services, &renewed, until))
            }
            Ok(None) => Err(to_login(true, config)),
            Err(error) => Err(error.into_response()),
        }
    }
}

/// A remembered session's new token: the same page again, with the new cookie (its forms'
/// tokens are then bound to it).
fn renewed_cookie(
    parts: &Parts,
    services: &Shared,
    token: &str,
    until: Option<chrono::DateTime<chrono::Utc>>,
) -> Response {
    let target = parts
        .uri
        .path_and_query()
        .map_or("/accueil", axum::http::uri::PathAndQuery::as_str);
    let mut response = see_other(target);
    let now = services.app.now();
    response.headers_mut().append(
        header::SET_COOKIE,
        session_cookie_kept(&services.config, token, until, now),
    );
    response
}

/// The answer to a POST that worked: back to `target` (303, so a reload does not resend).
/// A target that is not a valid header value (it never comes from the request) goes home.
pub(crate) fn see_other(target: &str) -> Response {
    let location =
        HeaderValue::from_str(target).unwrap_or_else(|_| HeaderValue::from_static("/accueil"));
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

/// The secret of a link in the path (`/reinitialisation/{token}`, `/profil/confirmation/{token}`),
/// parsed to its exact shape: anything else (`..%2F..`, uppercase, too short) is the French 404
/// before the handler runs.
pub(crate) struct LinkInPath(pub accounts::LinkToken);

impl<S: Send + Sync> FromRequestParts<S> for LinkInPath {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let Path(text) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| WebError::NotFound.into_response())?;
        accounts::LinkToken::parse(&text)
            .map(LinkInPath)
            .ok_or_else(|| WebError::NotFound.into_response())
    }
}

/// The field that carries a link's secret in the form its page shows (the form's action is a
/// fixed path, never built from the request).
pub(crate) const LINK_FIELD: &str = "lien";

/// The secret of a link posted back in [`LINK_FIELD`], parsed like [`LinkInPath`].
pub(crate) fn link_in_form(text: &str) -> Result<accounts::LinkToken, WebError> {
    accounts::LinkToken::parse(text).ok_or(WebError::NotFound)
}
