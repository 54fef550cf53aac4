//! Card payment through the provider port: each operation credits the wallet exactly once,
//! whatever the notifications, returns and reconciliations, and only with the server's amount.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use app::online_payment::{self, CallbackUrls, Settlement};
use app::{App, FixedClock};
use chrono::{Duration, TimeZone, Utc};
use domain::Money;
use domain::ids::*;
use domain::values::OnlinePaymentFailure;
use payment::{CreatePayment, CreatedPayment, PaymentProvider, PaymentStatus, ProviderError};

/// A provider whose answers the test decides.
#[derive(Default)]
struct FakeProvider {
    operations: Mutex<HashMap<String, (CreatePayment, PaymentStatus)>>,
    created: Mutex<u32>,
}

impl FakeProvider {
    fn set(&self, operation: &str, status: PaymentStatus) {
        if let Some(entry) = self.operations.lock().unwrap().get_mut(operation) {
            entry.1 = status;
        }
    }

    fn request(&self, operation: &str) -> CreatePayment {
        self.operations.lock().unwrap()[operation].0.clone()
    }
}

impl PaymentProvider for FakeProvider {
    fn name(&self) -> &'static str {
        "payfip"
    }

    fn create(&self, request: &CreatePayment) -> Result<CreatedPayment, ProviderError> {
        request.validate()?;
        let mut created = self.created.lock().unwrap();
        *created += 1;
        let operation = format!("OP{:08}", *created);
        self.operations
            .lock()
            .unwrap()
            .insert(operation.clone(), (request.clone(), PaymentStatus::Pending));
        Ok(CreatedPayment {
            redirect_url: format!("https://payfip.example/tpa/paiementws.web?idop={operation}"),
            operation_id: operation,
        })
    }

    fn detail(&self, operation_id: &str) -> Result<PaymentStatus, ProviderError> {
        Ok(self
            .operations
            .lock()
            .unwrap()
            .get(operation_id)
            .map(|(_, status)| status.clone())
            .unwrap_or(PaymentStatus::Expired))
    }
}

fn callbacks() -> CallbackUrls {
    CallbackUrls {
        notify_url: "https://portail.example/paiement/notification".to_owned(),
        return_url: "https://portail.example/paiement/retour".to_owned(),
    }
}

fn demo(dir: &tempfile::TempDir, minutes_later: i64) -> App {
    let now =
        Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap() + Duration::minutes(minutes_later);
    let app = App::open(dir.path().join("pay.db"), Arc::new(FixedClock(now))).unwrap();
    if app.store.head().unwrap().position == 0 {
        app::demo::build(&app).unwrap();
    }
    app
}

fn dupont() -> FamilyId {
    FamilyId(domain::ids::derive_id("family", "dupont"))
}

fn wallet() -> WalletId {
    WalletId(domain::ids::derive_id("wallet", "pe2m"))
}

fn balance(app: &App) -> Money {
    app::money::statement(app, dupont(), true, true).unwrap()[0].balance
}

#[test]
fn a_paid_operation_credits_once_whatever_the_callbacks() {
    let dir = tempfile::tempdir().unwrap();
    let app = demo(&dir, 0);
    let provider = FakeProvider::default();
    let statement = app::money::statement(&app, dupont(), true, true).unwrap();
    let suggested = online_payment::suggested_amount(&statement[0]);
    assert_eq!(
        suggested, -statement[0].estimated_balance,
        "brings the estimated balance to zero"
    );

    let started = online_payment::start(
        &app,
        &provider,
        dupont(),
        wallet(),
        None,
        None,
        &callbacks(),
    )
    .unwrap();
    assert_eq!(started.amount, suggested);
    assert!(started.redirect_url.contains(&started.operation_id));
    let request = provider.request(&started.operation_id);
    assert_eq!(request.email, "carteplus@wanadoo.fr");
    assert_eq!(
        request.amount, suggested,
        "the provider is asked for the server's amount"
    );

    let before = balance(&app);
    // The return before the payment is made: nothing yet.
    assert_eq!(
        online_payment::settle(&app, &provider, &started.operation_id).unwrap(),
        Settlement::Pending
    );
    provider.set(
        &started.operation_id,
        PaymentStatus::Paid {
            result: "P".to_owned(),
            amount: suggested,
        },
    );
    // Notification three times, then the browser's return, then a reconciliation.
    assert_eq!(
        online_payment::settle(&app, &provider, &started.operation_id).unwrap(),
        Settlement::Paid { amount: suggested }
    );
    for _ in 0..2 {
        assert!(matches!(
            online_payment::settle(&app, &provider, &started.operation_id).unwrap(),
            Settlement::AlreadySettled { .. }
        ));
    }
    assert!(matches!(
        online_payment::settle(&app, &provider, &started.operation_id).unwrap(),
        Settlement::AlreadySettled { .. }
    ));
    assert_eq!(
        online_payment::reconcile(&app, &provider).unwrap().checked,
        0
    );
    assert_eq!(balance(&app) - before, suggested, "credited exactly once");
    let history = app::money::payment_history(&app, dupont(), app.today()).unwrap();
    assert!(
        history
            .lines
            .iter()
            .any(|l| l.mode == "CB" && l.amount == suggested)
    );
}

#[test]
fn refused_cancelled_lost_forged_and_too_small_payments_credit_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let app = demo(&dir, 0);
    let provider = FakeProvider::default();
    let before = balance(&app);
    let refused = online_payment::start(
        &app,
        &provider,
        dupont(),
        wallet(),
        None,
        None,
        &callbacks(),
    )
    .unwrap();
    provider.set(
        &refused.operation_id,
        PaymentStatus::Refused {
            result: "R".to_owned(),
        },
    );
    assert_eq!(
        online_payment::settle(&app, &provider, &refused.operation_id).unwrap(),
        Settlement::Failed {
            state: OnlinePaymentFailure::Refused
        }
    );
    // An abandoned operation stays payable while valid: not final yet.
    let cancelled = online_payment::start(
        &app,
        &provider,
        dupont(),
        wallet(),
        None,
        None,
        &callbacks(),
    )
    .unwrap();
    provider.set(&cancelled.operation_id, PaymentStatus::Cancelled);
    assert_eq!(
        online_payment::settle(&app, &provider, &cancelled.operation_id).unwrap(),
        Settlement::Pending
    );
    // A forged notification for an operation we never started is ignored.
    assert_eq!(
        online_payment::settle(&app, &provider, "OP99999999").unwrap(),
        Settlement::Unknown
    );
    assert_eq!(
        online_payment::settle(&app, &provider, "<script>").unwrap(),
        Settlement::Unknown
    );
    // Below PayFiP's 1.00 € (whatever the browser sends): refused.
    let too_small = online_payment::start(
        &app,
        &provider,
        dupont(),
        wallet(),
        Some(Money::parse("0.50").unwrap()),
        None,
        &callbacks(),
    );
    assert!(matches!(too_small, Err(app::AppError::Money(_))));
    assert_eq!(balance(&app), before);

    // A payment whose notification is lost: the nightly reconciliation credits it.
    let lost = online_payment::start(
        &app,
        &provider,
        dupont(),
        wallet(),
        None,
        None,
        &callbacks(),
    )
    .unwrap();
    provider.set(
        &lost.operation_id,
        PaymentStatus::Paid {
            result: "P".to_owned(),
            amount: lost.amount,
        },
    );
    let report = online_payment::reconcile(&app, &provider).unwrap();
    assert_eq!(
        (report.checked, report.paid, report.still_pending),
        (2, 1, 1),
        "the abandoned one waits"
    );
    assert_eq!(balance(&app) - before, lost.amount);
    drop(app);

    // An operation nobody paid, still pending at the provider 30 minutes later, expires.
    let app = demo(&dir, 0);
    let forgotten = online_payment::start(
        &app,
        &provider,
        dupont(),
        wallet(),
        None,
        None,
        &callbacks(),
    )
    .unwrap();
    drop(app);
    let later = demo(&dir, 30);
    let report = online_payment::reconcile(&later, &provider).unwrap();
    assert_eq!(
        (report.checked, report.failed),
        (2, 2),
        "abandoned and forgotten expire: {forgotten:?}"
    );
    let replayed = later
        .query(|conn| Ok(projections::snapshot(conn)?))
        .unwrap();
    let scratch = rusqlite::Connection::open_in_memory().unwrap();
    projections::install(&scratch).unwrap();
    projections::replay(&scratch, later.store.read_range(1, None, 500).unwrap()).unwrap();
    assert_eq!(replayed, projections::snapshot(&scratch).unwrap());
}
