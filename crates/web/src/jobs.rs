//! The jobs `portail serve` runs by itself: the nightly run (transmission, consumptions,
//! payment reconciliation, expired sessions, the access log past six months) and the mail
//! worker.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Days, NaiveTime, Utc};
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
    match app::booking::transmit(app, app.now()) {
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
    if let Err(error) = app::staff::purge_staff_sessions(app) {
        report
            .failures
            .push(format!("sessions du personnel expirées : {error}"));
    }
    if let Err(error) = app::staff::purge_access_log(app) {
        report
            .failures
            .push(format!("journal des accès de plus de six mois : {error}"));
    }
    if let Err(error) = app::exports::purge_export_log(app) {
        report
            .failures
            .push(format!("journal des exports de plus de six mois : {error}"));
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

/// The first instant after `now` at which the nightly run, set at `at` Paris local time, is due.
///
/// The local time follows [`domain::deadline::paris_instant`]: on the last Sunday of March a time
/// inside the missing hour (02:00, 02:30) runs at the end of the gap, 03:00 CEST; on the last
/// Sunday of October a time of the repeated hour runs once, at its later occurrence.
pub fn next_nightly_run(now: DateTime<Utc>, at: NaiveTime) -> DateTime<Utc> {
    domain::deadline::next_daily_instant(now, at)
}

/// Runs [`run_nightly`] every day at `at` (Europe/Paris), forever.
pub async fn nightly(services: Shared, at: NaiveTime) {
    loop {
        let now = Utc::now();
        let next = next_nightly_run(now, at);
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

/// Checks the log every `every`, forever: the append-only guards (reinstalled if dropped) and the
/// kept head with the last events against their hashes. A break found stops every append
/// (the store refuses them) and `/sante` reports it.
pub async fn chain_watch(services: Shared, every: Duration) {
    loop {
        tokio::time::sleep(every).await;
        let app = services.app.clone();
        let checked = tokio::task::spawn_blocking(move || {
            app.store.check_integrity().map(|_| app.store.chain_break())
        })
        .await;
        match checked {
            Ok(Ok(None)) => {}
            Ok(Ok(Some(broken))) => {
                tracing::error!(%broken, "event log check: the chain is broken, appends refused");
            }
            Ok(Err(error)) => tracing::warn!(%error, "event log check: will retry"),
            Err(error) => tracing::error!(%error, "event log check interrupted"),
        }
    }
}

/// Anchors the head of the log every day at `at` (Europe/Paris), forever.
pub async fn nightly_anchor(services: Shared, at: NaiveTime, anchoring: app::audit::Anchoring) {
    loop {
        let now = Utc::now();
        let next = next_nightly_run(now, at);
        let wait = (next - now).to_std().unwrap_or(Duration::from_secs(60));
        tokio::time::sleep(wait).await;
        let (app, anchoring) = (services.app.clone(), anchoring.clone());
        match tokio::task::spawn_blocking(move || app::audit::anchor(&app, &anchoring)).await {
            Ok(Ok(app::audit::Anchored::Signed { anchor, mailed })) => {
                tracing::info!(position = anchor.position, mailed, "log anchored");
            }
            Ok(Ok(app::audit::Anchored::Broken(broken))) => {
                tracing::error!(%broken, "log not anchored: the chain is broken");
            }
            Ok(Err(error)) => tracing::error!(%error, "log not anchored"),
            Err(error) => tracing::error!(%error, "nightly anchor interrupted"),
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

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone};

    use super::*;

    fn paris(text: &str) -> DateTime<Utc> {
        let local = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M")
            .expect("test instants are valid");
        chrono_tz::Europe::Paris
            .from_local_datetime(&local)
            .earliest()
            .expect("test instants exist in Paris")
            .with_timezone(&Utc)
    }

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("test instants are valid")
            .with_timezone(&Utc)
    }

    fn at(text: &str) -> NaiveTime {
        NaiveTime::parse_from_str(text, "%H:%M").expect("test times are valid")
    }

    /// The runs a scheduler started at `start` makes until `end`, each run taking a few seconds.
    fn runs(start: DateTime<Utc>, end: DateTime<Utc>, at: NaiveTime) -> Vec<DateTime<Utc>> {
        let mut runs = Vec::new();
        let mut now = start;
        loop {
            let next = next_nightly_run(now, at);
            if next > end {
                return runs;
            }
            runs.push(next);
            now = next + chrono::Duration::seconds(3);
        }
    }

    fn paris_days(runs: &[DateTime<Utc>]) -> Vec<NaiveDate> {
        runs.iter()
            .map(|t| domain::deadline::paris_day(*t))
            .collect()
    }

    #[test]
    fn the_night_of_the_spring_change_runs_at_the_end_of_the_missing_hour() {
        for time in ["02:00", "02:30"] {
            // Given a nightly run set at 02:00 or 02:30, a time that does not exist on Sunday
            // 28 March 2027 (02:00 CET → 03:00 CEST)
            // When the scheduler looks for the next run on the Saturday evening
            let next = next_nightly_run(paris("2027-03-27 22:00"), at(time));
            // Then it runs that night, at 03:00 CEST (01:00 UTC), not a day later
            assert_eq!(next, utc("2027-03-28T01:00:00Z"), "nightly at {time}");
            // And from Friday to Tuesday it runs every night, once
            let done = runs(
                paris("2027-03-26 12:00"),
                paris("2027-03-30 12:00"),
                at(time),
            );
            assert_eq!(
                paris_days(&done),
                ["2027-03-27", "2027-03-28", "2027-03-29", "2027-03-30"]
                    .map(|d| d.parse::<NaiveDate>().expect("valid")),
                "nightly at {time}: {done:?}"
            );
        }
    }

    #[test]
    fn the_night_of_the_autumn_change_runs_once() {
        for (time, expected) in [
            ("02:00", "2027-10-31T01:00:00Z"),
            ("02:30", "2027-10-31T01:30:00Z"),
        ] {
            // Given a nightly run set at 02:00 or 02:30, a time that happens twice on Sunday
            // 31 October 2027 (03:00 CEST → 02:00 CET)
            // When the scheduler runs from Friday to Tuesday
            let done = runs(
                paris("2027-10-29 12:00"),
                paris("2027-11-02 12:00"),
                at(time),
            );
            // Then it runs every night once, the night of the change at the later one (CET)
            assert_eq!(
                paris_days(&done),
                ["2027-10-30", "2027-10-31", "2027-11-01", "2027-11-02"]
                    .map(|d| d.parse::<NaiveDate>().expect("valid")),
                "nightly at {time}: {done:?}"
            );
            assert_eq!(done[1], utc(expected), "nightly at {time}");
            // And a scheduler woken between the two occurrences does not run again that night
            let between = utc(expected) - chrono::Duration::minutes(30);
            assert_eq!(next_nightly_run(between, at(time)), utc(expected));
            let after = utc(expected) + chrono::Duration::seconds(3);
            assert_eq!(
                domain::deadline::paris_day(next_nightly_run(after, at(time))),
                "2027-11-01".parse::<NaiveDate>().expect("valid")
            );
        }
    }

    #[test]
    fn an_ordinary_night_runs_at_the_set_time() {
        // Given a nightly run at 02:00 and an ordinary winter day
        // When the scheduler looks at 01:59 and at 02:00 Paris
        // Then it runs at 02:00 that night, then at 02:00 the next night
        assert_eq!(
            next_nightly_run(paris("2027-01-13 01:59"), at("02:00")),
            paris("2027-01-13 02:00")
        );
        assert_eq!(
            next_nightly_run(paris("2027-01-13 02:00"), at("02:00")),
            paris("2027-01-14 02:00")
        );
    }
}
