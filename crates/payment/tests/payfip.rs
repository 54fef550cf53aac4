//! The PayFiP adapter against the simulator, over real HTTP on 127.0.0.1, with a small
//! "merchant" server receiving the notifications and a few canned foreign-shaped answers.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Form, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use chrono::{TimeDelta, Utc};
use domain::Money;
use payment::simulator::{self, Choice, SimulatorState};
use payment::{
    CreatePayment, PayfipConfig, PayfipProvider, PaymentProvider, PaymentStatus, ProviderError,
};

const PREFIX: &str = "/simulateur-payfip";

type Received = Arc<Mutex<Vec<String>>>;

struct Harness {
    simulator: SimulatorState,
    /// `http://127.0.0.1:<port>/simulateur-payfip`
    base: String,
    /// `http://127.0.0.1:<port>` of the merchant.
    merchant: String,
    received: Received,
    /// Seconds added to the simulator's clock.
    offset: Arc<AtomicI64>,
    provider: Arc<PayfipProvider>,
}

async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{address}")
}

async fn notified(
    State(received): State<Received>,
    Form(form): Form<HashMap<String, String>>,
) -> StatusCode {
    received.lock().unwrap().push(form["idOp"].clone());
    StatusCode::OK
}

fn soap(status: StatusCode, body: &'static str) -> axum::response::Response {
    (status, [(header::CONTENT_TYPE, "text/xml")], body).into_response()
}

const FOREIGN_FAULT: &str = r#"<?xml version="1.0"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
  <soap:Body>
    <soap:Fault>
      <faultcode>soap:Server</faultcode>
      <faultstring>fr.gouv.finances.cp.tpa.webservice.exceptions.TechDysfonctionnementErreur</faultstring>
      <detail>
        <ns9:TechDysfonctionnementErreur xmlns:ns9="urn:autre">
          <ns9:code>999</ns9:code>
          <ns9:descriptif>Service momentanément indisponible</ns9:descriptif>
        </ns9:TechDysfonctionnementErreur>
      </detail>
    </soap:Fault>
  </soap:Body>
</soap:Envelope>"#;

const FOREIGN_PAID: &str = r#"<?xml version='1.0' encoding='UTF-8'?>
<!-- un autre serveur SOAP, d'autres préfixes -->
<env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/">
  <env:Header/>
  <env:Body>
    <p:recupererDetailPaiementSecuriseResponse xmlns:p="urn:payfip">
      <return xmlns:r="urn:reponse">
        <r:dattrans>12122019</r:dattrans>
        <r:idOp>cc0cb210-1cd4-11ea-8cca-0213ad91a103</r:idOp>
        <r:montant> 12345 </r:montant>
        <r:objet><![CDATA[Séjour <neige> & ski]]></r:objet>
        <r:resultrans>
          V
        </r:resultrans>
      </return>
    </p:recupererDetailPaiementSecuriseResponse>
  </env:Body>
</env:Envelope>"#;

const BAD_IDOP: &str = r#"<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body>
<ns2:creerPaiementSecuriseResponse xmlns:ns2="urn:x"><return><idOp>a b&lt;c</idOp></return>
</ns2:creerPaiementSecuriseResponse></S:Body></S:Envelope>"#;

async fn start() -> Harness {
    let offset = Arc::new(AtomicI64::new(0));
    let clock_offset = offset.clone();
    let simulator = SimulatorState::with_clock(Arc::new(move || {
        Utc::now() + TimeDelta::seconds(clock_offset.load(Ordering::SeqCst))
    }));
    let host = serve(Router::new().nest(PREFIX, simulator::router(simulator.clone()))).await;
    let base = format!("{host}{PREFIX}");

    let received: Received = Arc::default();
    let merchant = serve(
        Router::new()
            .route("/notification", post(notified))
            .route("/retour", get(|| async { "retour" }))
            .route(
                "/faux/faute/ws",
                post(|| async { soap(StatusCode::INTERNAL_SERVER_ERROR, FOREIGN_FAULT) }),
            )
            .route(
                "/faux/passerelle/ws",
                post(|| async { (StatusCode::BAD_GATEWAY, "<html>Bad gateway</html>") }),
            )
            .route(
                "/faux/etranger/ws",
                post(|| async { soap(StatusCode::OK, FOREIGN_PAID) }),
            )
            .route(
                "/faux/idop-invalide/ws",
                post(|| async { soap(StatusCode::OK, BAD_IDOP) }),
            )
            .with_state(received.clone()),
    )
    .await;

    let provider = Arc::new(PayfipProvider::new(PayfipConfig::simulator(&base, 2026)).unwrap());
    Harness {
        simulator,
        base,
        merchant,
        received,
        offset,
        provider,
    }
}

impl Harness {
    fn request(&self, amount: &str) -> CreatePayment {
        CreatePayment {
            amount: Money::from_stored(amount).unwrap(),
            email: "parent.martin@example.org".into(),
            reference: "PF2026W0001".into(),
            object: "Dépôt sur le porte-monnaie famille".into(),
            notify_url: format!("{}/notification", self.merchant),
            return_url: format!("{}/retour", self.merchant),
        }
    }

    async fn create(
        &self,
        request: CreatePayment,
    ) -> Result<payment::CreatedPayment, ProviderError> {
        let provider = self.provider.clone();
        tokio::task::spawn_blocking(move || provider.create(&request))
            .await
            .unwrap()
    }

    async fn detail(&self, operation_id: &str) -> Result<PaymentStatus, ProviderError> {
        detail_with(self.provider.clone(), operation_id).await
    }

    fn age(&self, minutes: i64) {
        self.offset.store(minutes * 60, Ordering::SeqCst);
    }

    /// Waits until the merchant received `count` notifications.
    async fn notifications(&self, count: usize) -> Vec<String> {
        for _ in 0..200 {
            let received = self.received.lock().unwrap().clone();
            if received.len() >= count {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!(
            "{count} notification(s) attendue(s), reçues : {:?}",
            self.received.lock().unwrap()
        );
    }
}

async fn detail_with(
    provider: Arc<PayfipProvider>,
    operation_id: &str,
) -> Result<PaymentStatus, ProviderError> {
    let operation_id = operation_id.to_owned();
    tokio::task::spawn_blocking(move || provider.detail(&operation_id))
        .await
        .unwrap()
}

struct Answer {
    status: u16,
    location: Option<String>,
    content_type: Option<String>,
    body: String,
}

/// A browser that does not follow redirects (to look at them).
async fn browser_get(url: String) -> Answer {
    tokio::task::spawn_blocking(move || answer(agent().get(&url).call().unwrap()))
        .await
        .unwrap()
}

async fn browser_post(url: String, form: Vec<(&'static str, String)>) -> Answer {
    tokio::task::spawn_blocking(move || {
        answer(
            agent()
                .post(&url)
                .send_form(form.iter().map(|(k, v)| (*k, v.as_str())))
                .unwrap(),
        )
    })
    .await
    .unwrap()
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .max_redirects(0)
        .http_status_as_error(false)
        .build()
        .into()
}

fn answer(mut response: ureq::http::Response<ureq::Body>) -> Answer {
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|value| value.to_str().unwrap().to_owned())
    };
    let location = header("location");
    let content_type = header("content-type");
    Answer {
        status: response.status().as_u16(),
        location,
        content_type,
        body: response.body_mut().read_to_string().unwrap(),
    }
}

/// Clicks one of the three buttons of the page, as a browser would.
async fn click(h: &Harness, operation_id: &str, choice: &str) -> Answer {
    browser_post(
        format!("{}/tpa/paiementws.web", h.base),
        vec![
            ("idop", operation_id.to_owned()),
            ("choix", choice.to_owned()),
        ],
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_redirects_to_the_simulated_payment_page() {
    let h = start().await;
    let created = h.create(h.request("79.00")).await.unwrap();
    assert!(payment::valid_operation_id(&created.operation_id));
    assert_eq!(
        created.redirect_url,
        format!(
            "{}/tpa/paiementws.web?idop={}",
            h.base, created.operation_id
        )
    );
    assert_eq!(h.provider.name(), "payfip");
    assert_eq!(
        h.detail(&created.operation_id).await,
        Ok(PaymentStatus::Pending)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payment_page_shows_amount_objet_email_and_three_buttons() {
    let h = start().await;
    let created = h.create(h.request("1234.50")).await.unwrap();
    let page = browser_get(created.redirect_url.clone()).await;
    assert_eq!(page.status, 200);
    assert!(page.content_type.unwrap().starts_with("text/html"));
    let body = page.body;
    assert!(body.contains("Simulateur de paiement PayFiP — aucun paiement réel"));
    assert!(body.contains("1\u{202f}234,50\u{a0}€"), "{body}");
    assert!(body.contains("Dépôt sur le porte-monnaie famille"));
    assert!(body.contains("parent.martin@example.org"));
    for button in [
        r#"value="P" class="payer">Payer</button>"#,
        r#"value="R" class="refuser">Refuser</button>"#,
        r#"value="A" class="abandonner">Abandonner</button>"#,
    ] {
        assert!(body.contains(button), "{button} absent de {body}");
    }
    assert!(body.contains(r#"<form method="post" action="paiementws.web""#));
    // Strict CSP: no script, no inline style, only the served style sheet.
    assert!(!body.contains("<script"));
    assert!(!body.contains("style="));
    assert!(!body.contains("<style"));
    assert!(body.contains(r#"href="../simulateur.css""#));
    let css = browser_get(format!("{}/simulateur.css", h.base)).await;
    assert_eq!(css.status, 200);
    assert!(css.content_type.unwrap().starts_with("text/css"));

    let simple = h.create(h.request("79.00")).await.unwrap();
    let page = browser_get(simple.redirect_url).await;
    assert!(page.body.contains("79,00\u{a0}€"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paying_notifies_the_merchant_and_detail_reports_paid() {
    let h = start().await;
    let created = h.create(h.request("79.00")).await.unwrap();
    let id = created.operation_id;

    let redirect = click(&h, &id, "P").await;
    assert_eq!(redirect.status, 303);
    assert_eq!(
        redirect.location.unwrap(),
        format!("{}/retour?idOp={id}", h.merchant)
    );
    assert_eq!(h.notifications(1).await, vec![id.clone()]);
    assert_eq!(
        h.detail(&id).await,
        Ok(PaymentStatus::Paid {
            result: "P".into(),
            amount: Money::parse("79.00").unwrap()
        })
    );
    let sent = h.simulator.notifications_sent();
    assert_eq!(sent.len(), 1);
    assert!(sent[0].delivered());
    assert_eq!(sent[0].operation_id, id);
    assert_eq!(h.simulator.result(&id), Some(Choice::Pay));

    // Paid stays paid, even long after.
    h.age(60 * 24);
    assert!(matches!(
        h.detail(&id).await,
        Ok(PaymentStatus::Paid { .. })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusing_reports_refused_and_a_second_choice_is_refused() {
    let h = start().await;
    let id = h.create(h.request("12.34")).await.unwrap().operation_id;
    let redirect = click(&h, &id, "R").await;
    assert_eq!(redirect.status, 303);
    assert_eq!(h.notifications(1).await, vec![id.clone()]);
    let status = h.detail(&id).await.unwrap();
    assert_eq!(status, PaymentStatus::Refused { result: "R".into() });
    assert_eq!(
        status.failure(),
        Some(domain::values::OnlinePaymentFailure::Refused)
    );

    let again = click(&h, &id, "P").await;
    assert_eq!(again.status, 409);
    assert!(again.body.contains("déjà traitée"));
    assert_eq!(
        h.simulator.choose(&id, Choice::Pay),
        Err(simulator::SimulatorError::AlreadyChosen)
    );
    assert_eq!(h.detail(&id).await.unwrap(), status);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn abandoning_reports_cancelled() {
    let h = start().await;
    let id = h.create(h.request("12.34")).await.unwrap().operation_id;
    assert_eq!(click(&h, &id, "A").await.status, 303);
    assert_eq!(h.notifications(1).await, vec![id.clone()]);
    assert_eq!(h.detail(&id).await, Ok(PaymentStatus::Cancelled));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn untouched_operation_is_pending_then_expired_after_15_minutes() {
    let h = start().await;
    let created = h.create(h.request("50")).await.unwrap();
    let id = created.operation_id;
    assert_eq!(h.detail(&id).await, Ok(PaymentStatus::Pending));
    h.age(14);
    assert_eq!(h.detail(&id).await, Ok(PaymentStatus::Pending));
    h.age(15);
    assert_eq!(h.detail(&id).await, Ok(PaymentStatus::Expired));
    let page = browser_get(created.redirect_url).await;
    assert_eq!(page.status, 410);
    assert!(page.body.contains("expirée"));
    assert_eq!(click(&h, &id, "P").await.status, 410);
    assert_eq!(
        h.simulator.choose(&id, Choice::Pay),
        Err(simulator::SimulatorError::Expired)
    );
    assert!(h.simulator.notifications_sent().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_operation_is_expired() {
    let h = start().await;
    assert_eq!(
        h.detail("cc0cb210-1cd4-11ea-8cca-0213ad91a103").await,
        Ok(PaymentStatus::Expired)
    );
    let page = browser_get(format!("{}/tpa/paiementws.web?idop=inconnu", h.base)).await;
    assert_eq!(page.status, 404);
    // An id that cannot be an idOp is refused before any call.
    assert!(matches!(
        h.detail("<script>").await,
        Err(ProviderError::Invalid(_))
    ));
}

/// A provider whose endpoint refuses connections: any HTTP attempt would be a Transport error.
fn unreachable_provider() -> PayfipProvider {
    let mut config = PayfipConfig::simulator("http://127.0.0.1:9/nulle-part", 2026);
    config.timeout = Duration::from_secs(2);
    PayfipProvider::new(config).unwrap()
}

async fn create_unreachable(
    request: CreatePayment,
) -> Result<payment::CreatedPayment, ProviderError> {
    tokio::task::spawn_blocking(move || unreachable_provider().create(&request))
        .await
        .unwrap()
}

fn invalid_message(result: Result<payment::CreatedPayment, ProviderError>) -> String {
    match result {
        Err(ProviderError::Invalid(message)) => message,
        other => panic!("refus attendu avant tout appel, obtenu {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn amounts_out_of_bounds_are_refused_before_any_call() {
    let h = start().await;
    let message = invalid_message(create_unreachable(h.request("0.99")).await);
    assert!(message.contains("minimum"), "{message}");
    let message = invalid_message(create_unreachable(h.request("100000.01")).await);
    assert!(message.contains("maximum"), "{message}");
    // The bounds themselves are accepted (by the simulator too).
    h.create(h.request("1.00")).await.unwrap();
    h.create(h.request("100000.00")).await.unwrap();
    // And the unreachable provider does fail on transport for a valid request.
    assert!(matches!(
        create_unreachable(h.request("10")).await,
        Err(ProviderError::Transport(_))
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn short_email_is_refused() {
    let h = start().await;
    let mut request = h.request("10");
    request.email = "a@b.f".into();
    let message = invalid_message(create_unreachable(request).await);
    assert!(message.contains("6 à 80"), "{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refdet_with_a_space_is_refused() {
    let h = start().await;
    let mut request = h.request("10");
    request.reference = "PF 2026".into();
    let message = invalid_message(create_unreachable(request).await);
    assert!(message.contains("référence"), "{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn line_breaks_are_refused_anywhere() {
    let h = start().await;
    let mut request = h.request("10");
    request.object = "Cantine\r\nX-Injection: oui".into();
    let message = invalid_message(create_unreachable(request).await);
    assert!(message.contains("retour à la ligne"), "{message}");
    let mut request = h.request("10");
    request.return_url = format!("{}/retour\n", h.merchant);
    invalid_message(create_unreachable(request).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xml_special_characters_in_objet_are_escaped_and_round_trip() {
    let h = start().await;
    let mut request = h.request("42.10");
    request.object = r#"Séjour <neige> & "ski" l'été ]]> </objet>"#.into();
    let created = h.create(request).await.unwrap();
    let page = browser_get(created.redirect_url).await;
    assert!(
        page.body
            .contains("Séjour &lt;neige&gt; &amp; &quot;ski&quot; l&#39;été ]]&gt; &lt;/objet&gt;"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("<neige>"));
    // The operation is intact: paying it reports the right amount.
    h.simulator
        .choose(&created.operation_id, Choice::Pay)
        .unwrap();
    assert_eq!(
        h.detail(&created.operation_id).await,
        Ok(PaymentStatus::Paid {
            result: "P".into(),
            amount: Money::parse("42.10").unwrap()
        })
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicated_notification_is_delivered_twice() {
    let h = start().await;
    let id = h.create(h.request("79.00")).await.unwrap().operation_id;
    let redirect = h.simulator.choose(&id, Choice::Pay).unwrap();
    assert_eq!(redirect, format!("{}/retour?idOp={id}", h.merchant));
    h.notifications(1).await;
    h.simulator.resend_notification(&id).unwrap();
    assert_eq!(h.notifications(2).await, vec![id.clone(), id.clone()]);
    // Helpers refuse what cannot be notified.
    let untouched = h.create(h.request("5")).await.unwrap().operation_id;
    assert_eq!(
        h.simulator.resend_notification(&untouched),
        Err(simulator::SimulatorError::NotChosen)
    );
    assert_eq!(
        h.simulator.resend_notification("inconnu"),
        Err(simulator::SimulatorError::UnknownOperation)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lost_notification_leaves_the_payment_to_reconciliation() {
    let h = start().await;
    h.simulator.set_notify(false);
    let id = h.create(h.request("79.00")).await.unwrap().operation_id;
    assert_eq!(click(&h, &id, "P").await.status, 303);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(h.received.lock().unwrap().is_empty());
    assert!(h.simulator.notifications_sent().is_empty());
    // Reconciliation (polling detail) still sees the payment.
    assert!(matches!(
        h.detail(&id).await,
        Ok(PaymentStatus::Paid { .. })
    ));
    // A late notification can still be simulated.
    h.simulator.resend_notification(&id).unwrap();
    assert_eq!(h.notifications(1).await, vec![id]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn return_url_with_a_query_gets_the_idop_after_an_ampersand() {
    let h = start().await;
    let mut request = h.request("10");
    request.return_url = format!("{}/retour?famille=12", h.merchant);
    let id = h.create(request).await.unwrap().operation_id;
    let redirect = click(&h, &id, "A").await;
    assert_eq!(
        redirect.location.unwrap(),
        format!("{}/retour?famille=12&idOp={id}", h.merchant)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_faults_and_http_errors_are_reported() {
    let h = start().await;
    let provider = |path: &str| {
        let mut config = PayfipConfig::simulator(&format!("{}/faux/{path}", h.merchant), 2026);
        config.timeout = Duration::from_secs(5);
        Arc::new(PayfipProvider::new(config).unwrap())
    };
    let id = "cc0cb210-1cd4-11ea-8cca-0213ad91a103";
    assert_eq!(
        detail_with(provider("faute"), id).await,
        Err(ProviderError::Fault {
            code: "999".into(),
            message: "Service momentanément indisponible".into()
        })
    );
    match detail_with(provider("passerelle"), id).await {
        Err(ProviderError::Transport(message)) => assert!(message.contains("502"), "{message}"),
        other => panic!("{other:?}"),
    }
    // A success shaped by another SOAP stack (prefixes, CDATA, blanks) is read.
    assert_eq!(
        detail_with(provider("etranger"), id).await,
        Ok(PaymentStatus::Paid {
            result: "V".into(),
            amount: Money::parse("123.45").unwrap()
        })
    );
    // ...but not if it is about another operation.
    assert!(matches!(
        detail_with(provider("etranger"), "dd0cb210-1cd4-11ea-8cca-0213ad91a103").await,
        Err(ProviderError::Protocol(_))
    ));
    // An idOp that could not be put in a URL is refused.
    let bad = provider("idop-invalide");
    let request = h.request("10");
    let created = tokio::task::spawn_blocking(move || bad.create(&request))
        .await
        .unwrap();
    assert!(
        matches!(created, Err(ProviderError::Protocol(_))),
        "{created:?}"
    );
    // The simulator checks requests like PayFiP and answers its faults (M3: under 1 €).
    let raw = tokio::task::spawn_blocking({
        let endpoint = format!("{}/ws", h.base);
        move || {
            answer(
                agent()
                    .post(&endpoint)
                    .header("Content-Type", "text/xml")
                    .send(
                        "<e:Envelope xmlns:e='http://schemas.xmlsoap.org/soap/envelope/'><e:Body>\
                         <p:creerPaiementSecurise xmlns:p='urn:x'><arg0><exer>2026</exer>\
                         <mel>parent@example.org</mel><montant>99</montant><numcli>000000</numcli>\
                         <refdet>A1</refdet><saisie>T</saisie><urlnotif>http://x/n</urlnotif>\
                         <urlredirect>http://x/r</urlredirect></arg0></p:creerPaiementSecurise>\
                         </e:Body></e:Envelope>",
                    )
                    .unwrap(),
            )
        }
    })
    .await
    .unwrap();
    assert_eq!(raw.status, 500);
    assert!(raw.body.contains("<code>M3</code>"), "{}", raw.body);
}
