//! The HTTP side of Portail Famille: the parents' portal and the jobs `portail serve` runs.
//!
//! Handlers are thin: they parse the request into typed values, call the `app` services on the
//! blocking pool (the store and the payment adapter are synchronous; password hashing on its own
//! bounded pool) and render maud views. No business rule lives here.
//!
//! Every response carries the security headers (strict CSP without inline script or style, no
//! framing, nosniff, no-store); every POST but the provider's notification carries a CSRF token
//! checked by one middleware before any handler runs; panics become a French 500 page with an
//! incident id. The router is built by [`router`], so tests drive it with
//! `tower::ServiceExt::oneshot`.
#![forbid(unsafe_code)]

mod accounts_pages;
mod booking_pages;
mod error;
mod follow_up;
mod hashing;
mod jobs;
mod layout;
mod money_pages;
mod pages;
mod profile_pages;
mod session;

use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use app::App;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use futures_util::FutureExt;
use payment::PaymentProvider;

pub use error::WebError;
pub use hashing::HashingPool;
pub use jobs::{NightlyReport, chain_watch, mail_worker, nightly, nightly_anchor, run_nightly};
pub use session::{CSRF_FIELD, SESSION_COOKIE, VISITOR_COOKIE};

/// Largest request body accepted (forms are small; a basket of 62 lines is a few KiB).
pub const BODY_LIMIT: usize = 64 * 1024;

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

/// What the handlers share.
pub struct Services {
    pub app: App,
    /// The card payment provider (PayFiP, or the simulator in demo); `None`: no online payment.
    pub provider: Option<Arc<dyn PaymentProvider>>,
    pub config: WebConfig,
    /// Password hashing off the async runtime, bounded.
    pub hashing: HashingPool,
    /// Key of the CSRF tokens (HMAC-SHA256), kept in the database so restarts keep forms valid.
    csrf_key: Vec<u8>,
}

impl Services {
    /// Builds the services; the CSRF key is read from the database (created at the first start).
    pub fn new(
        app: App,
        provider: Option<Arc<dyn PaymentProvider>>,
        config: WebConfig,
    ) -> Result<Services, app::AppError> {
        let csrf_key = session::load_or_create_key(&app)?;
        Ok(Services {
            app,
            provider,
            config,
            hashing: HashingPool::for_this_machine(),
            csrf_key,
        })
    }

    /// Uses `key` (64 hex characters, from the configuration) for the CSRF tokens.
    pub fn with_csrf_key(mut self, key: &str) -> Result<Services, WebError> {
        let bytes = hex::decode(key.trim())
            .ok()
            .filter(|b| b.len() >= 32)
            .ok_or_else(|| {
                WebError::Refused(
                    "la clé doit compter au moins 64 caractères hexadécimaux".to_owned(),
                )
            })?;
        self.csrf_key = bytes;
        Ok(self)
    }

    /// The same with another hashing pool (tests).
    pub fn with_hashing(mut self, hashing: HashingPool) -> Services {
        self.hashing = hashing;
        self
    }
}

/// The router's state.
pub type Shared = Arc<Services>;

/// Builds the router. `simulator`: the PayFiP simulator, mounted under `/simulateur-payfip`
/// (demo only: anyone can "pay" there).
pub fn router(services: Shared, simulator: Option<payment::simulator::SimulatorState>) -> Router {
    let portal = Router::new()
        .route("/", get(accounts_pages::home))
        .route("/style.css", get(layout::stylesheet))
        .route("/sante", get(pages::health))
        .route(
            "/connexion",
            get(accounts_pages::login_form).post(accounts_pages::login),
        )
        .route("/deconnexion", post(accounts_pages::logout))
        .route("/accueil", get(accounts_pages::welcome))
        .route(
            "/structure",
            get(accounts_pages::structures).post(accounts_pages::choose_structure),
        )
        .route(
            "/activation",
            get(accounts_pages::activation_form).post(accounts_pages::activate),
        )
        .route(
            "/mot-de-passe-oublie",
            get(accounts_pages::recovery_form).post(accounts_pages::recovery),
        )
        .route(
            "/mot-de-passe-oublie/lien",
            post(accounts_pages::send_reset_link),
        )
        .route(
            "/mot-de-passe-oublie/reponse",
            post(accounts_pages::answer_question),
        )
        .route("/reinitialisation/{token}", get(accounts_pages::reset_form))
        .route("/reinitialisation", post(accounts_pages::reset))
        .route("/profil", get(profile_pages::profile))
        .route("/profil/modifier", get(profile_pages::edit))
        .route("/profil/donnees", get(profile_pages::download_data))
        .route("/profil/mot-de-passe", post(profile_pages::change_password))
        .route("/profil/courriel", post(profile_pages::change_email))
        .route("/profil/question", post(profile_pages::change_question))
        .route(
            "/profil/confirmation/{token}",
            get(profile_pages::confirm_email_form),
        )
        .route("/profil/confirmation", post(profile_pages::confirm_email))
        .route(
            "/historique/consommations",
            get(money_pages::consumption_history),
        )
        .route("/historique/reglements", get(money_pages::payment_history))
        .route("/solde", get(money_pages::wallet))
        .route(
            "/paiement",
            get(money_pages::payment_form).post(money_pages::start_payment),
        )
        .route(
            "/paiement/notification",
            post(money_pages::payment_notification),
        )
        .route("/paiement/retour", get(money_pages::payment_return))
        .route("/reservations", get(booking_pages::children))
        .route("/reservations/{child}", get(booking_pages::calendar))
        .route("/reservations/{child}/jour/{day}", get(booking_pages::day))
        .route("/reservations/{child}/panier", post(booking_pages::toggle))
        .route(
            "/reservations/recapitulatif",
            get(booking_pages::summary).post(booking_pages::validate),
        )
        .route("/reservations/abandonner", post(booking_pages::abandon))
        .route("/reservations/resultat", get(booking_pages::result))
        .route("/suivi", get(follow_up::follow_up))
        .route("/suivi/retirer", post(follow_up::withdraw))
        .route("/suivi/annuler", post(follow_up::cancel))
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&services),
            session::csrf_and_visitor,
        ))
        .with_state(Arc::clone(&services));
    let mut router = portal;
    if let Some(simulator) = simulator {
        router = router.nest("/simulateur-payfip", payment::simulator::router(simulator));
    }
    let hsts = services.config.secure_cookies;
    router
        .layer(axum::middleware::map_response(french_errors))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn(catch_panics))
        .layer(axum::middleware::map_response(move |response: Response| {
            security_headers(response, hsts)
        }))
}

async fn security_headers(mut response: Response, hsts: bool) -> Response {
    let headers = response.headers_mut();
    let cache_set = headers.contains_key(header::CACHE_CONTROL);
    let mut set = |name: header::HeaderName, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    set(
        header::CONTENT_SECURITY_POLICY,
        "default-src 'self'; frame-ancestors 'none'; form-action 'self' https:; base-uri 'none'; object-src 'none'",
    );
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::REFERRER_POLICY, "same-origin");
    if !cache_set {
        set(header::CACHE_CONTROL, "no-store");
    }
    if hsts {
        set(
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    response
}

/// Errors answered by axum itself (a form that does not parse, a wrong method, a body too
/// large…) come as English plain text: they become the French page of their status.
async fn french_errors(response: Response) -> Response {
    let status = response.status();
    // Only bare or plain-text answers: pages, JSON and the simulator's SOAP faults (text/xml,
    // which the PayFiP adapter reads) pass untouched.
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("text/plain"));
    if !(status.is_client_error() || status.is_server_error()) || !plain {
        return response;
    }
    let page = match status {
        StatusCode::PAYLOAD_TOO_LARGE => pages::too_large(),
        StatusCode::METHOD_NOT_ALLOWED => pages::method_not_allowed(),
        StatusCode::NOT_FOUND => pages::not_found(),
        status if status.is_client_error() => pages::bad_request(),
        status => {
            let incident = error::incident_id();
            tracing::error!(%incident, %status, "request failed without a page");
            pages::error_page(status.as_u16(), &incident)
        }
    };
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    Response::from_parts(parts, axum::body::Body::from(page.into_string()))
}

/// A panic in a handler becomes the French 500 page with an incident id, logged.
pub async fn catch_panics(request: Request, next: Next) -> Response {
    let method: Method = request.method().clone();
    let path = request.uri().path().to_owned();
    match AssertUnwindSafe(next.run(request)).catch_unwind().await {
        Ok(response) => response,
        Err(panic) => {
            let incident = error::incident_id();
            let detail = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            tracing::error!(%incident, %method, %path, %detail, "handler panicked");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                pages::error_page(500, &incident),
            )
                .into_response()
        }
    }
}

/// Runs blocking work (store, payment adapter) off the async runtime.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, app::AppError> + Send + 'static,
) -> Result<T, WebError> {
    match tokio::task::spawn_blocking(work).await {
        Ok(result) => result.map_err(WebError::from),
        Err(join) => Err(WebError::Internal(format!("blocking task: {join}"))),
    }
}

async fn not_found(State(_services): State<Shared>) -> Response {
    (StatusCode::NOT_FOUND, pages::not_found()).into_response()
}
