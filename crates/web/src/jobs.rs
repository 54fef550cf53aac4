//! The jobs `portail serve` runs by itself: the nightly run (transmission, consumptions,
//! payment reconciliation) and the mail worker.

use std::sync::Arc;
use std::time::Duration;

use chrono::{Days, NaiveTime, TimeZone, Utc};
use serde::Serialize;

use crate::Shared;

/// What one nightly run did.
#[derive(Clone, Debug, Default, Serialize)]
pub struct NightlyReport {
    pub transmission: Option<app::booking::TransmitReport>,
    pub consumption: Option<app::money::ConsumeReport>,
    pub reconciliation: Option<app::online_payment::ReconcileReport>,
    /// One line per job that failed (each job runs even if another failed).
    pub failures: Vec<String>,
}

/// The nightly run, now: transmission up to now, yesterday's consumptions, reconciliation.
pub fn run_nightly(services: &Shared) -> NightlyReport {
    let app = &services.app;
    let mut report = NightlyReport::default();
    match app::booking::transmit(app, app.now(), false) {
        Ok(done) => report.transmission = Some(done),
        Err(error) => report.failures.push(format!("transmission : {error}")),
    }
    let yesterday = app.today() - Days::new(1);
    match app::money::consume(app, yesterday) {
        Ok(done) => report.consumption = Some(done),
        Err(error) => report.failures.push(format!("consommations : {error}")),
    }
    if let Err(error) = app::accounts::purge_expired(app) {
        report
            .failures
            .push(format!("sessions et liens expirés : {error}"));
    }
    if let Some(provider) = &services.provider {
        match app::online_payment::reconcile(app, provider.as_ref()) {
            Ok(done) => report.reconciliation = Some(done),
            Err(error) => report
                .failures
                .push(format!("rapprochement des paiements : {error}")),
        }
    }
    report
}

/// Runs [`run_nightly`] every day at `at` (Europe/Paris), forever.
pub async fn nightly(services: Shared, at: NaiveTime) {
    loop {
        let now = Utc::now();
        let today = domain::deadline::paris_day(now);
        let next = [today, today + Days::new(1)]
            .into_iter()
            .filter_map(|day| {
                chrono_tz::Europe::Paris
                    .from_local_datetime(&day.and_time(at))
                    .latest()
            })
            .map(|t| t.with_timezone(&Utc))
            .find(|t| *t > now)
            .unwrap_or(now + chrono::Duration::hours(24));
        let wait = (next - now).to_std().unwrap_or(Duration::from_secs(60));
        tokio::time::sleep(wait).await;
        let job = Arc::clone(&services);
        match tokio::task::spawn_blocking(move || run_nightly(&job)).await {
            Ok(report) => {
                let counts = report.transmission.as_ref().map(|t| t.counts);
                tracing::info!(?counts, failures = ?report.failures, "nightly run done");
            }
            Err(error) => tracing::error!(%error, "nightly run interrupted"),
        }
    }
}

/// Sends due mails every `every`, forever.
pub async fn mail_worker(
    services: Shared,
    transport: Arc<dyn mail::Transport>,
    from: mail::Mailbox,
    every: Duration,
) {
    loop {
        let (app, transport, from) = (services.app.clone(), Arc::clone(&transport), from.clone());
        let sent = tokio::task::spawn_blocking(move || {
            mail::flush(&app.store, transport.as_ref(), &from, app.now(), 500)
        })
        .await;
        match sent {
            Ok(Ok(report)) if report.sent + report.failed > 0 => {
                tracing::info!(sent = report.sent, failed = report.failed, "mails sent");
            }
            Ok(Ok(_)) => {}
            Ok(Err(error)) => tracing::warn!(%error, "mail worker: will retry"),
            Err(error) => tracing::error!(%error, "mail worker interrupted"),
        }
        tokio::time::sleep(every).await;
    }
}
