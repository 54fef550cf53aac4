//! Money through the application layer: consumptions, absences, desk payments, balances and
//! histories, exact to the cent and equal to a replay.

use std::sync::Arc;

use app::booking::{self, LineRequest};
use app::money::{self, DeskPayment};
use app::setup::file::parse_setup;
use app::setup::import::import;
use app::staff::Acting;
use app::{App, FixedClock};
use chrono::{NaiveDate, TimeZone, Utc};
use domain::Money;
use domain::ids::derive_id;
use domain::ids::*;
use domain::values::PaymentMode;
use proptest::prelude::*;

/// One centre, one wallet, one Wednesday activity, two families (one under the 600 quotient).
pub(crate) const SETUP: &str = r#"
[organisation]
name = "CdC de test"
address = "1 rue de la Mairie - 33000 Test"
phone = "05 00 00 00 00"
email = "accueil@test.example"

[[wallets]]
key = "regie"
label = "Régie de test"

[[structures]]
key = "centre"
label = "Accueil de Loisirs de Test"
wallet = "regie"

[[activities]]
key = "journee"
structure = "centre"
label = "ALSH Journée"
unit = "journee"
quantity_per_day = 17
ages = [3, 12]
quotient_prices = [{ up_to = 600, price = "2.10" }, { price = "4.15" }]
capacity = 10
booking_deadline = "J-2 18:00"
cancellation_deadline = "J-2 18:00"

[[periods]]
key = "mercredis"
label = "Mercredis"
activities = ["journee"]
from = "2027-01-06"
to = "2027-02-24"
weekdays = ["mercredi"]

[[families]]
login = "dupont"
payer = "DUPONT Jean-Paul"
email = "dupont@test.example"
structures = ["centre"]

[[families.children]]
key = "lilou"
first_name = "Lilou"
last_name = "DUPONT"
birth_date = "2017-05-12"

[[families]]
login = "petit"
payer = "PETIT Anne"
quotient = 450
structures = ["centre"]

[[families.children]]
key = "jules"
first_name = "Jules"
last_name = "PETIT"
birth_date = "2016-01-02"
"#;

fn app_at(dir: &tempfile::TempDir, year: i32, month: u32, day: u32) -> App {
    let now = Utc.with_ymd_and_hms(year, month, day, 9, 0, 0).unwrap();
    App::open(dir.path().join("m.db"), Arc::new(FixedClock(now))).unwrap()
}

fn family(login: &str) -> FamilyId {
    FamilyId(derive_id("family", login))
}

fn wallet() -> WalletId {
    WalletId(derive_id("wallet", "regie"))
}

fn activity() -> ActivityId {
    ActivityId(derive_id("activity", "journee"))
}

fn child(path: &str) -> ChildId {
    ChildId(derive_id("child", path))
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn pay(
    app: &App,
    login: &str,
    amount: &str,
    mode: PaymentMode,
) -> Result<PaymentId, app::AppError> {
    money::record_payment(
        app,
        &Acting::operator(),
        DeskPayment {
            family: family(login),
            wallet: wallet(),
            amount: Money::parse(amount).unwrap(),
            mode,
            number: Some("124456".to_owned()),
            bank: Some("LBP".to_owned()),
            payer: Some("DUPONT Jean-Paul".to_owned()),
            paid_on: day("2027-01-10"),
        },
    )
}

fn total_balance(app: &App, login: &str) -> Money {
    money::statement(app, family(login), true, true)
        .unwrap()
        .iter()
        .map(|w| w.balance)
        .sum()
}

/// 17 × 4.15 = 70.55 exactly, with the highest bracket for a family without quotient, and the
/// lower bracket for a family whose quotient is under 600.
#[test]
fn consumptions_are_billed_at_the_price_in_force_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_at(&dir, 2027, 1, 15);
    import(
        &app,
        &app::staff::Acting::operator(),
        parse_setup(SETUP, "m.toml").unwrap(),
        day("2027-01-01"),
    )
    .unwrap();
    let recorded = money::record_consumption(
        &app,
        &Acting::operator(),
        family("dupont"),
        child("dupont/lilou"),
        activity(),
        day("2027-01-13"),
    )
    .unwrap();
    assert_eq!(
        (
            recorded.unit_price.to_string(),
            recorded.quantity,
            recorded.amount.to_string()
        ),
        ("4.15".into(), 17, "70.55".into())
    );
    let petit = money::record_consumption(
        &app,
        &Acting::operator(),
        family("petit"),
        child("petit/jules"),
        activity(),
        day("2027-01-13"),
    )
    .unwrap();
    assert_eq!(petit.amount.to_string(), "35.70");
    assert_eq!(total_balance(&app, "dupont").to_string(), "-70.55");
    let again = money::record_consumption(
        &app,
        &Acting::operator(),
        family("dupont"),
        child("dupont/lilou"),
        activity(),
        day("2027-01-13"),
    );
    assert!(
        matches!(again, Err(app::AppError::Money(_))),
        "the same day is billed once"
    );
    let history = money::consumption_history(&app, family("dupont"), day("2027-01-01")).unwrap();
    assert_eq!(history.lines.len(), 1);
    assert_eq!(history.lines[0].consumer, "DUPONT Lilou");
    assert_eq!(history.total.to_string(), "70.55");
}

/// The metadata of the last event of the log.
fn last_metadata(app: &App) -> serde_json::Value {
    let head = app.store.head().unwrap().position;
    let event = app
        .store
        .read_range(head, Some(head), 1)
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    event.metadata_json().unwrap()
}

/// A consumption typed by staff is held to the opening calendar like a booking (the same
/// domain rule); staff may record it as an exception, which the event's metadata names.
#[test]
fn a_staff_consumption_on_a_closed_day_is_refused_unless_recorded_as_an_exception() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_at(&dir, 2027, 1, 15);
    import(
        &app,
        &app::staff::Acting::operator(),
        parse_setup(SETUP, "m.toml").unwrap(),
        day("2027-01-01"),
    )
    .unwrap();
    let head = app.store.head().unwrap().position;
    // Given Thursday 14 January 2027, which the Wednesdays' period does not open
    let thursday = day("2027-01-14");
    let refused = money::record_consumption(
        &app,
        &Acting::operator(),
        family("dupont"),
        child("dupont/lilou"),
        activity(),
        thursday,
    );
    match refused {
        Err(app::AppError::RuleRefused(rules)) => {
            assert_eq!(rules, vec![domain::booking::LineRefusal::DayClosed]);
        }
        other => panic!("a closed day was not refused: {other:?}"),
    }
    assert_eq!(app.store.head().unwrap().position, head, "nothing written");
    assert_eq!(total_balance(&app, "dupont"), Money::ZERO);

    // As a staff-approved exception it is billed, and the log says which rule was set aside
    let exception = money::record_consumption_as_exception(
        &app,
        &Acting::operator(),
        family("dupont"),
        child("dupont/lilou"),
        activity(),
        thursday,
    )
    .unwrap();
    assert_eq!(
        exception.set_aside,
        vec![domain::booking::LineRefusal::DayClosed]
    );
    assert_eq!(exception.recorded.amount.to_string(), "70.55");
    assert_eq!(
        last_metadata(&app)["overrides"],
        serde_json::json!(["day_closed"])
    );
    assert_eq!(total_balance(&app, "dupont").to_string(), "-70.55");

    // An open Wednesday breaks no rule: recorded as an ordinary consumption
    let wednesday = money::record_consumption_as_exception(
        &app,
        &Acting::operator(),
        family("dupont"),
        child("dupont/lilou"),
        activity(),
        day("2027-01-13"),
    )
    .unwrap();
    assert!(wednesday.set_aside.is_empty());
    assert!(last_metadata(&app).get("overrides").is_none());
}

#[test]
fn a_desk_payment_moves_the_balance_by_exactly_its_amount_and_bad_amounts_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_at(&dir, 2027, 1, 15);
    import(
        &app,
        &app::staff::Acting::operator(),
        parse_setup(SETUP, "m.toml").unwrap(),
        day("2027-01-01"),
    )
    .unwrap();
    let before = total_balance(&app, "dupont");
    let id = pay(&app, "dupont", "50.00", PaymentMode::Cheque).unwrap();
    assert_eq!(
        total_balance(&app, "dupont") - before,
        Money::parse("50.00").unwrap()
    );
    for bad in ["0", "-5.00", "1.005", "abc"] {
        let parsed = Money::parse(bad);
        let refused = match parsed {
            Err(_) => true,
            Ok(amount) => matches!(
                money::record_payment(
                    &app,
                    &Acting::operator(),
                    DeskPayment {
                        family: family("dupont"),
                        wallet: wallet(),
                        amount,
                        mode: PaymentMode::Cash,
                        number: None,
                        bank: None,
                        payer: None,
                        paid_on: day("2027-01-10"),
                    }
                ),
                Err(app::AppError::Money(_))
            ),
        };
        assert!(refused, "{bad} was accepted");
    }
    assert!(money::parse_mode("XX").is_err());
    assert_eq!(money::parse_mode("ch").unwrap(), PaymentMode::Cheque);
    // The history shows the desk's details from the registry; a cancellation is a new event.
    let history = money::payment_history(&app, family("dupont"), day("2027-01-01")).unwrap();
    assert_eq!(history.lines[0].number.as_deref(), Some("124456"));
    assert_eq!(history.total.to_string(), "50.00");
    assert_eq!(
        money::cancel_payment(&app, &Acting::operator(), id, "erreur de saisie")
            .unwrap()
            .to_string(),
        "50.00"
    );
    assert_eq!(total_balance(&app, "dupont"), before);
    assert!(
        money::cancel_payment(&app, &Acting::operator(), id, "erreur de saisie").is_err(),
        "cancelled twice"
    );
}

#[test]
fn the_nightly_consumption_bills_accepted_places_but_not_justified_absences_once() {
    let dir = tempfile::tempdir().unwrap();
    // Book and transmit before the day, bill after it.
    let before = app_at(&dir, 2027, 1, 4);
    import(
        &before,
        &app::staff::Acting::operator(),
        parse_setup(SETUP, "m.toml").unwrap(),
        day("2027-01-01"),
    )
    .unwrap();
    for (login, child_key) in [("dupont", "dupont/lilou"), ("petit", "petit/jules")] {
        booking::submit_basket(
            &before,
            "test",
            family(login),
            "b",
            vec![LineRequest::Book {
                child_id: child(child_key),
                activity_id: activity(),
                day: day("2027-01-13"),
            }],
        )
        .unwrap();
    }
    booking::transmit(&before, Utc::now()).unwrap();
    // Before billing, the accepted places are the estimated cost.
    let statement = money::statement(&before, family("dupont"), true, true).unwrap();
    assert_eq!(statement[0].estimated_confirmed.to_string(), "70.55");
    assert_eq!(statement[0].estimated_balance.to_string(), "-70.55");
    drop(before);

    let after = app_at(&dir, 2027, 1, 14);
    money::record_absence(
        &after,
        &Acting::operator(),
        family("petit"),
        child("petit/jules"),
        activity(),
        day("2027-01-13"),
        true,
    )
    .unwrap();
    let report = money::consume(&after, day("2027-01-13")).unwrap();
    assert_eq!((report.recorded, report.justified_absences), (1, 1));
    assert_eq!(report.total.to_string(), "70.55");
    let again = money::consume(&after, day("2027-01-13")).unwrap();
    assert_eq!((again.recorded, again.already_recorded), (0, 1));
    let statement = money::statement(&after, family("dupont"), true, true).unwrap();
    assert_eq!(statement[0].balance.to_string(), "-70.55");
    assert_eq!(
        statement[0].estimated_confirmed.to_string(),
        "0.00",
        "billed places are no longer estimated"
    );
    assert!(
        money::consume(&after, day("2027-01-14")).is_err(),
        "today is not billed yet"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10, ..ProptestConfig::default() })]

    /// balance = Σ credits − Σ debits, exactly, and equals a replay from scratch.
    #[test]
    fn the_ledger_adds_up_and_replays(ops in prop::collection::vec((0u8..3, 1u32..20_000, 0usize..6), 1..30)) {
        let dir = tempfile::tempdir().unwrap();
        let app = app_at(&dir, 2027, 3, 1);
        import(&app, &app::staff::Acting::operator(), parse_setup(SETUP, "m.toml").unwrap(), day("2027-01-01")).unwrap();
        let mut expected = Money::ZERO;
        let mut payments = Vec::new();
        let wednesdays: Vec<NaiveDate> = (0..7).map(|w| day("2027-01-06") + chrono::Days::new(7 * w)).collect();
        for (kind, cents, index) in ops {
            match kind {
                0 => {
                    let amount = Money::from_cents(i64::from(cents));
                    payments.push((pay(&app, "dupont", &amount.to_string(), PaymentMode::Transfer).unwrap(), amount));
                    expected = expected + amount;
                }
                1 => {
                    let on = wednesdays[index % wednesdays.len()];
                    if let Ok(recorded) = money::record_consumption(&app, &Acting::operator(), family("dupont"), child("dupont/lilou"), activity(), on) {
                        expected = expected - recorded.amount;
                    }
                }
                _ => {
                    if let Some((id, amount)) = payments.get(index).copied()
                        && money::cancel_payment(&app, &Acting::operator(), id, "erreur de saisie").is_ok()
                    {
                        expected = expected - amount;
                    }
                }
            }
            prop_assert_eq!(total_balance(&app, "dupont"), expected);
        }
        let live = app.query(|conn| Ok(projections::snapshot(conn)?)).unwrap();
        let scratch = rusqlite::Connection::open_in_memory().unwrap();
        projections::install(&scratch).unwrap();
        projections::replay(&scratch, app.store.read_range(1, None, 500).unwrap()).unwrap();
        prop_assert_eq!(live, projections::snapshot(&scratch).unwrap());
    }
}
