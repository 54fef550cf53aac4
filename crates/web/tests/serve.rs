//! The service over HTTP: health, security headers, and a card payment through the PayFiP
//! simulator that credits the wallet once whatever the notifications.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use app::{App, SystemClock};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use payment::simulator::{Choice, SimulatorState};
use tower::ServiceExt;

fn demo_app(dir: &tempfile::TempDir) -> App {
    let app = App::open(dir.path().join("web.db"), Arc::new(SystemClock)).unwrap();
    app::demo::build(&app).unwrap();
    app
}

#[tokio::test]
async fn health_answers_json_with_the_security_headers() {
    let dir = tempfile::tempdir().unwrap();
    let services = Arc::new(
        web::Services::new(
            demo_app(&dir),
            None,
            web::WebConfig::for_base_url("http://127.0.0.1:8080"),
        )
        .unwrap(),
    );
    let router = web::router(services, None);
    let response = router
        .clone()
        .oneshot(Request::get("/sante").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert!(
        headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["cache-control"], "no-store");
    let body = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(json["database"], "ok");
    assert!(json["last_position"].as_u64().unwrap() > 100);
    assert!(json["last_transmission"]["cut_off"].is_string());

    let missing = router
        .oneshot(Request::get("/nulle-part").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let body = axum::body::to_bytes(missing.into_body(), 1 << 20)
        .await
        .unwrap();
    assert!(String::from_utf8_lossy(&body).contains("lang=\"fr\""));
}

/// The log changed behind the running service: the periodic check finds it, `/sante` reports it
/// (503, the position), and the guard dropped to make the change is back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_reports_a_chain_broken_while_serving() {
    // Given a running service over the demo, healthy
    let dir = tempfile::tempdir().unwrap();
    let app = demo_app(&dir);
    let head = app.store.head().unwrap().position;
    let services = Arc::new(
        web::Services::new(
            app,
            None,
            web::WebConfig::for_base_url("http://127.0.0.1:8080"),
        )
        .unwrap(),
    );
    let router = web::router(Arc::clone(&services), None);
    let health = |router: axum::Router| async move {
        let response = router
            .oneshot(Request::get("/sante").body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        (
            status,
            serde_json::from_slice::<serde_json::Value>(&body).unwrap(),
        )
    };
    let (status, json) = health(router.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json["chain"], "ok");
    tokio::spawn(web::chain_watch(
        Arc::clone(&services),
        Duration::from_millis(50),
    ));

    // When someone changes the last event in the file, dropping the guard first
    let conn = rusqlite::Connection::open(dir.path().join("web.db")).unwrap();
    // (one transaction: the periodic check must not put the guard back in between)
    conn.execute_batch("BEGIN IMMEDIATE; DROP TRIGGER events_refuse_update;")
        .unwrap();
    conn.execute(
        "UPDATE events SET metadata = json_set(metadata, '$.actor', 'staff:forged') WHERE position = ?1",
        [head as i64],
    )
    .unwrap();
    conn.execute_batch("COMMIT").unwrap();

    // Then within moments /sante answers 503 naming the position
    let mut answer = health(router.clone()).await;
    for _ in 0..100 {
        if answer.0 != StatusCode::OK {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        answer = health(router.clone()).await;
    }
    let (status, json) = answer;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{json}");
    assert_eq!(json["chain"], "broken");
    assert_eq!(json["broken_at"], head);
    // And the guard is back
    assert!(
        conn.execute("UPDATE events SET payload = payload WHERE position = 1", [])
            .is_err()
    );
}

/// "Paiement CB" end to end offline: start with the server's amount, pay on the simulator page,
/// the notification (sent three times) and the return credit the wallet once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_simulated_card_payment_credits_once_even_when_notified_three_times() {
    let dir = tempfile::tempdir().unwrap();
    let app = demo_app(&dir);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let provider = Arc::new(
        payment::PayfipProvider::new(payment::PayfipConfig::simulator(
            &format!("{base}/simulateur-payfip"),
            2026,
        ))
        .unwrap(),
    );
    let simulator = SimulatorState::new();
    let services = Arc::new(
        web::Services::new(
            app.clone(),
            Some(provider.clone()),
            web::WebConfig::for_base_url("http://127.0.0.1:8080"),
        )
        .unwrap(),
    );
    tokio::spawn(
        axum::serve(listener, web::router(services, Some(simulator.clone()))).into_future(),
    );

    let family = domain::ids::FamilyId(domain::ids::derive_id("family", "dupont"));
    let wallet = domain::ids::WalletId(domain::ids::derive_id("wallet", "pe2m"));
    let callbacks = app::online_payment::CallbackUrls {
        notify_url: format!("{base}/paiement/notification"),
        return_url: format!("{base}/paiement/retour"),
    };
    let balance =
        move |app: &App| app::money::statement(app, family, true, true).unwrap()[0].balance;
    let before = balance(&app);
    let (start_app, start_provider) = (app.clone(), provider.clone());
    let started = tokio::task::spawn_blocking(move || {
        app::online_payment::start(
            &start_app,
            start_provider.as_ref(),
            family,
            wallet,
            None,
            None,
            &callbacks,
        )
        .unwrap()
    })
    .await
    .unwrap();
    assert!(
        started
            .redirect_url
            .starts_with(&format!("{base}/simulateur-payfip/tpa/paiementws.web"))
    );

    // The parent presses « Payer »; the simulator notifies us, then twice more.
    let sim = simulator.clone();
    let operation = started.operation_id.clone();
    let redirect =
        tokio::task::spawn_blocking(move || sim.choose(&operation, Choice::Pay).unwrap())
            .await
            .unwrap();
    for _ in 0..2 {
        let sim = simulator.clone();
        let operation = started.operation_id.clone();
        tokio::task::spawn_blocking(move || sim.resend_notification(&operation).unwrap())
            .await
            .unwrap();
    }
    // Notifications are sent from the simulator's own threads: wait until all three arrived.
    for _ in 0..100 {
        if simulator.notifications_sent().len() >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The browser comes back.
    let (return_app, return_provider) = (app.clone(), provider.clone());
    let services = Arc::new(
        web::Services::new(
            return_app,
            Some(return_provider),
            web::WebConfig::for_base_url("http://127.0.0.1:8080"),
        )
        .unwrap(),
    );
    let path = redirect.trim_start_matches(&base).to_owned();
    let response = web::router(services, None)
        .oneshot(Request::get(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let page = String::from_utf8_lossy(
        &axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap(),
    )
    .into_owned();
    assert!(page.contains("Paiement accepté"), "{page}");

    let check = app.clone();
    let after = tokio::task::spawn_blocking(move || balance(&check))
        .await
        .unwrap();
    assert_eq!(after - before, started.amount, "credited exactly once");
}
