//! `bench portal [CLIENTS]`: the parents' portal under a booking-day rush, in process (the
//! router driven with `oneshot`, no network): how long the booking calendar takes to render,
//! how many pages per second two cores serve with CLIENTS parents clicking at once, and how many
//! log-ins per second the password-hashing pool lets through.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use app::{App, SystemClock};
use axum::body::Body;
use axum::http::{Request, header};
use tower::ServiceExt;

struct Client {
    router: axum::Router,
    cookies: Vec<(String, String)>,
}

impl Client {
    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn send(&mut self, request: Request<Body>) -> anyhow::Result<(u16, String)> {
        let response = self.router.clone().oneshot(request).await?;
        let status = response.status().as_u16();
        for value in response.headers().get_all(header::SET_COOKIE) {
            let text = value.to_str()?;
            if let Some((name, value)) = text.split(';').next().and_then(|p| p.split_once('=')) {
                self.cookies.retain(|(k, _)| k != name);
                self.cookies.push((name.to_owned(), value.to_owned()));
            }
        }
        let body = axum::body::to_bytes(response.into_body(), 8 << 20).await?;
        Ok((status, String::from_utf8_lossy(&body).into_owned()))
    }

    async fn get(&mut self, path: &str) -> anyhow::Result<(u16, String)> {
        let request = Request::get(path)
            .header(header::COOKIE, self.cookie_header())
            .body(Body::empty())?;
        self.send(request).await
    }

    async fn login(&mut self, login: &str, password: &str) -> anyhow::Result<u16> {
        let (_, page) = self.get("/connexion").await?;
        let token = page
            .split("name=\"jeton\" value=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .context("no CSRF token")?
            .to_owned();
        let body = format!("jeton={token}&identifiant={login}&mot_de_passe={password}");
        let request = Request::post("/connexion")
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))?;
        Ok(self.send(request).await?.0)
    }
}

pub fn run(clients: usize) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let router = demo_router(&dir)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let mut first = Client {
            router: router.clone(),
            cookies: Vec::new(),
        };
        anyhow::ensure!(
            first.login("dupont", "portail-demo-dupont").await? == 303,
            "log-in"
        );
        let calendar = calendar_path(&mut first).await?;
        one_parent(&mut first, &calendar).await?;
        parents_at_once(&router, &first.cookies, &calendar, clients).await?;
        login_wave(&router).await
    })
}

/// The portal's router on a demo database built in `dir`.
fn demo_router(dir: &tempfile::TempDir) -> anyhow::Result<axum::Router> {
    let app = App::open(dir.path().join("portal.db"), Arc::new(SystemClock))?;
    app::demo::build(&app)?;
    let services = Arc::new(web::Services::new(
        app,
        None,
        web::WebConfig::for_base_url("http://127.0.0.1:8080"),
    )?);
    Ok(web::router(services, None))
}

/// The booking calendar of the logged-in parent's first child.
async fn calendar_path(client: &mut Client) -> anyhow::Result<String> {
    let (_, children) = client.get("/reservations").await?;
    let child = children
        .split("href=\"/reservations/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .context("no child")?
        .to_owned();
    Ok(format!("/reservations/{child}"))
}

/// 1. One parent, one page after the other.
async fn one_parent(client: &mut Client, calendar: &str) -> anyhow::Result<()> {
    let mut pages = 0u32;
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(3) {
        let (status, _) = client.get(calendar).await?;
        anyhow::ensure!(status == 200, "calendar {status}");
        pages += 1;
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "calendar page, one parent:       {:>7.1} ms per page ({pages} pages)",
        seconds * 1000.0 / f64::from(pages)
    );
    Ok(())
}

/// 2. CLIENTS parents at once, each clicking through calendar, Suivi and Solde.
async fn parents_at_once(
    router: &axum::Router,
    cookies: &[(String, String)],
    calendar: &str,
    clients: usize,
) -> anyhow::Result<()> {
    let mut tasks = Vec::new();
    let started = Instant::now();
    for _ in 0..clients {
        let client = Client {
            router: router.clone(),
            cookies: cookies.to_vec(),
        };
        tasks.push(tokio::spawn(click_through(
            client,
            calendar.to_owned(),
            started,
        )));
    }
    let mut total = 0u32;
    let mut slowest = Duration::ZERO;
    for task in tasks {
        let (done, slow) = task.await??;
        total += done;
        slowest = slowest.max(slow);
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{clients} parents at once:          {:>7.0} pages/s (calendar, Suivi, Solde), slowest {:.0} ms",
        f64::from(total) / seconds,
        slowest.as_secs_f64() * 1000.0
    );
    Ok(())
}

/// One parent clicking for five seconds from `started`: the pages served and the slowest.
async fn click_through(
    mut client: Client,
    calendar: String,
    started: Instant,
) -> anyhow::Result<(u32, Duration)> {
    let mut done = 0u32;
    let mut slowest = Duration::ZERO;
    while started.elapsed() < Duration::from_secs(5) {
        for path in [calendar.as_str(), "/suivi", "/solde"] {
            let asked = Instant::now();
            let (status, _) = client.get(path).await?;
            anyhow::ensure!(status == 200, "{path} {status}");
            slowest = slowest.max(asked.elapsed());
            done += 1;
        }
    }
    Ok((done, slowest))
}

/// 3. A wave of log-ins (argon2id on the bounded pool).
async fn login_wave(router: &axum::Router) -> anyhow::Result<()> {
    let wave = 32;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..wave {
        let mut client = Client {
            router: router.clone(),
            cookies: Vec::new(),
        };
        tasks.push(tokio::spawn(async move {
            client.login("dupont", "portail-demo-dupont").await
        }));
    }
    let mut ok = 0;
    for task in tasks {
        if task.await?? == 303 {
            ok += 1;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "wave of {wave} log-ins:             {:>7.1} log-ins/s ({ok} accepted, {:.2} s)",
        f64::from(ok) / seconds,
        seconds
    );
    Ok(())
}
