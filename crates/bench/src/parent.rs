//! A scripted parent over HTTP: log-in as a browser does it (the form's CSRF token, redirects,
//! a waiting page's `<meta http-equiv="refresh">`, `429 Retry-After`), every request timed.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::html;
use crate::http::{Answer, Browser, TimedOut};

/// What a parent's requests met, besides the pages.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    pub five_xx: u32,
    pub timeouts: u32,
    /// `429` answers to a log-in POST.
    pub throttled: u32,
    /// Waiting pages (meta refresh) shown during the log-in.
    pub waiting_pages: u32,
    /// (step, latency) of every request.
    pub steps: Vec<(&'static str, Duration)>,
}

impl Tally {
    /// Sends a request, times it under `step`, counts a 5xx or a timeout.
    pub async fn send(
        &mut self,
        browser: &mut Browser,
        step: &'static str,
        path: &str,
        form: Option<String>,
    ) -> anyhow::Result<Answer> {
        let path = path.split('#').next().unwrap_or(path);
        let started = Instant::now();
        let answer = match form {
            Some(form) => browser.post(path, form).await,
            None => browser.get(path).await,
        };
        let answer = match answer {
            Ok(answer) => answer,
            Err(error) => {
                if error.is::<TimedOut>() {
                    self.timeouts += 1;
                }
                return Err(error.context(format!("{step} {path}")));
            }
        };
        self.steps.push((step, started.elapsed()));
        if answer.status >= 500 {
            self.five_xx += 1;
            bail!("{step} {path}: {}", answer.status);
        }
        Ok(answer)
    }

    /// A GET that must answer 200.
    pub async fn page(
        &mut self,
        browser: &mut Browser,
        step: &'static str,
        path: &str,
    ) -> anyhow::Result<String> {
        let answer = self.send(browser, step, path, None).await?;
        if answer.status != 200 {
            bail!("{step} {path}: {}", answer.status);
        }
        Ok(answer.body)
    }

    /// A POST of `form` that must answer a redirect; the page it points to (its GET timed
    /// under `then`).
    pub async fn submit(
        &mut self,
        browser: &mut Browser,
        step: &'static str,
        form: &html::Form,
        then: &'static str,
    ) -> anyhow::Result<String> {
        let answer = self
            .send(browser, step, &form.action, Some(form.encode(&[])))
            .await?;
        let location = match (answer.status, answer.location) {
            (301..=303 | 307 | 308, Some(location)) => location,
            (status, _) => bail!("{step} {}: {status}, not a redirect", form.action),
        };
        self.page(browser, then, &location).await
    }
}

/// Logs in as `login`: from the first press of « Se connecter » to the home page, waiting and
/// queue pages included. Returns that time.
pub async fn log_in(
    tally: &mut Tally,
    browser: &mut Browser,
    login: &str,
    password: &str,
) -> anyhow::Result<Duration> {
    let page = tally.page(browser, "connexion", "/connexion").await?;
    let form = html::forms(&page)
        .into_iter()
        .find(|f| f.action == "/connexion")
        .context("no log-in form on /connexion")?;
    let body = form.encode(&[("identifiant", login), ("mot_de_passe", password)]);
    let started = Instant::now();
    let mut answer = tally
        .send(browser, "se connecter", "/connexion", Some(body.clone()))
        .await?;
    loop {
        if started.elapsed() > Duration::from_secs(900) {
            bail!("{login}: still not logged in after 15 min");
        }
        match (answer.status, answer.location.take()) {
            (429, _) => {
                tally.throttled += 1;
                let wait = answer.retry_after.unwrap_or(5).max(1);
                tokio::time::sleep(Duration::from_secs(wait)).await;
                answer = tally
                    .send(browser, "se connecter", "/connexion", Some(body.clone()))
                    .await?;
            }
            (301..=303 | 307 | 308, Some(location)) => {
                let step = if location.starts_with("/connexion") {
                    "file d'attente"
                } else {
                    "accueil"
                };
                answer = tally.send(browser, step, &location, None).await?;
            }
            (200, _) => {
                if let Some((seconds, url)) = html::meta_refresh(&answer.body) {
                    tally.waiting_pages += 1;
                    let wait = Duration::from_secs(seconds).max(Duration::from_millis(200));
                    tokio::time::sleep(wait).await;
                    answer = tally.send(browser, "file d'attente", &url, None).await?;
                } else if html::forms(&answer.body)
                    .iter()
                    .any(|f| f.action == "/connexion")
                {
                    bail!("{login}: the log-in was refused");
                } else {
                    return Ok(started.elapsed());
                }
            }
            (status, _) => bail!("{login}: log-in answered {status}"),
        }
    }
}
