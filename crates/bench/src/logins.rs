//! `bench logins [LOGINS] [CLICKERS]`: log-ins on booking day, in process (the router driven
//! with `oneshot`), for two hashing pools in the same run on the same demo database: one
//! worker (how the pool was before) and every core the pages leave free (now). For each, a wave
//! of LOGINS log-ins alone, then the same wave while CLICKERS parents click through calendar,
//! Suivi and Solde. Each log-in is timed like a parent sees it: from the press of « Se
//! connecter » to the home page, following the waiting line's page at the pace its refresh
//! says.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use app::{App, SystemClock};
use axum::body::Body;
use axum::http::{Request, header};
use tower::ServiceExt;

#[derive(Clone)]
struct Client {
    router: axum::Router,
    cookies: Vec<(String, String)>,
}

impl Client {
    fn new(router: &axum::Router) -> Client {
        Client {
            router: router.clone(),
            cookies: Vec::new(),
        }
    }

    fn cookie_header(&self) -> String {
        let pairs: Vec<String> = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        pairs.join("; ")
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

    /// Opens the log-in page, presses « Se connecter » and follows the waiting line until the
    /// home page: the time from the press.
    async fn login(&mut self) -> anyhow::Result<Duration> {
        let (_, page) = self.get("/connexion").await?;
        let token = between(&page, "name=\"jeton\" value=\"", "\"").context("no CSRF token")?;
        let body = format!("jeton={token}&identifiant=dupont&mot_de_passe=portail-demo-dupont");
        let request = Request::post("/connexion")
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))?;
        let pressed = Instant::now();
        let (mut status, mut page) = self.send(request).await?;
        while status == 200 {
            let refresh = between(&page, "http-equiv=\"refresh\" content=\"", "\"")
                .context("a 200 answer to a log-in is the waiting line")?;
            let (seconds, url) = refresh.split_once("; url=").context("refresh")?;
            tokio::time::sleep(Duration::from_secs(seconds.parse()?)).await;
            (status, page) = self.get(url).await?;
        }
        anyhow::ensure!(status == 303, "log-in answered {status}");
        Ok(pressed.elapsed())
    }
}

fn between(text: &str, start: &str, end: &str) -> Option<String> {
    let rest = text.split(start).nth(1)?;
    Some(rest.split(end).next()?.to_owned())
}

pub fn run(logins: usize, clickers: usize) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let app = App::open(dir.path().join("portal.db"), Arc::new(SystemClock))?;
    app::demo::build(&app)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let pools = [
        ("one worker (before)", web::HashingPool::new(1, 20_000)),
        (
            "every free core (now)",
            web::HashingPool::for_this_machine(),
        ),
    ];
    println!("{logins} log-ins at once, {clickers} parents clicking, {cores} cores");
    let mut rates = Vec::new();
    for (name, pool) in pools {
        let services = web::Services::new(
            app.clone(),
            None,
            web::WebConfig::for_base_url("http://127.0.0.1:8080"),
        )?
        .with_hashing(pool);
        let router = web::router(Arc::new(services), None);
        let (alone, loaded) = runtime.block_on(async {
            let alone = wave(&router, logins, 0).await?;
            let loaded = wave(&router, logins, clickers).await?;
            anyhow::Ok((alone, loaded))
        })?;
        println!("{name:<24} alone:      {alone}");
        println!("{name:<24} under load: {loaded}");
        rates.push((alone.per_second, loaded.per_second));
    }
    if let [(alone_before, loaded_before), (alone_now, loaded_now)] = rates[..] {
        println!(
            "now / before: alone {:.2}×, under page load {:.2}×",
            alone_now / alone_before,
            loaded_now / loaded_before
        );
    }
    Ok(())
}

struct Wave {
    per_second: f64,
    p50: Duration,
    p95: Duration,
    max: Duration,
    pages_per_second: f64,
}

impl std::fmt::Display for Wave {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:>6.1} log-ins/s, press to home p50 {:>5.2} s p95 {:>5.2} s max {:>5.2} s, {:>5.0} pages/s",
            self.per_second,
            self.p50.as_secs_f64(),
            self.p95.as_secs_f64(),
            self.max.as_secs_f64(),
            self.pages_per_second
        )
    }
}

/// `logins` log-ins at once while `clickers` logged-in parents click.
async fn wave(router: &axum::Router, logins: usize, clickers: usize) -> anyhow::Result<Wave> {
    let mut parent = Client::new(router);
    parent.login().await?;
    let (_, children) = parent.get("/reservations").await?;
    let child = between(&children, "href=\"/reservations/", "\"").context("no child")?;
    let calendar = format!("/reservations/{child}");
    let stop = Arc::new(AtomicBool::new(false));
    let pages = Arc::new(AtomicU32::new(0));
    let mut clicking = Vec::new();
    for _ in 0..clickers {
        let (mut client, calendar) = (parent.clone(), calendar.clone());
        let (stop, pages) = (Arc::clone(&stop), Arc::clone(&pages));
        clicking.push(tokio::spawn(async move {
            while !stop.load(Ordering::SeqCst) {
                for path in [calendar.as_str(), "/suivi", "/solde"] {
                    let (status, _) = client.get(path).await?;
                    anyhow::ensure!(status == 200, "{path} {status}");
                    pages.fetch_add(1, Ordering::SeqCst);
                }
            }
            anyhow::Ok(())
        }));
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    let pages_before = pages.load(Ordering::SeqCst);
    let mut tasks = Vec::new();
    for _ in 0..logins {
        let mut client = Client::new(router);
        tasks.push(tokio::spawn(async move { client.login().await }));
    }
    let mut times = Vec::new();
    for task in tasks {
        times.push(task.await??);
    }
    let seconds = started.elapsed().as_secs_f64();
    let served = pages.load(Ordering::SeqCst) - pages_before;
    stop.store(true, Ordering::SeqCst);
    for task in clicking {
        task.await??;
    }
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1];
    Ok(Wave {
        per_second: logins as f64 / seconds,
        p50: at(0.5),
        p95: at(0.95),
        max: at(1.0),
        pages_per_second: f64::from(served) / seconds,
    })
}
