//! The documents over the demo world (15 October 2026): dupont has Lilou (9) and Antoine (5,
//! under 6 on 1 January 2026), cheques of 90 € and 50 € and a history of consumptions.

use std::sync::Arc;

use chrono::{NaiveDate, TimeZone, Utc};
use domain::Money;
use domain::ids::{FamilyId, StaffId, StructureId, WalletId, derive_id};
use domain::staff::{Role, StaffRights};
use domain::values::PaymentMode;

use super::*;
use crate::money::{DeskPayment, consumption_history, record_payment, statement};
use crate::staff::{Acting, StaffMember, StaffRefusal};
use crate::{App, AppError, FixedClock};

fn demo() -> (tempfile::TempDir, App) {
    let now = Utc
        .with_ymd_and_hms(2026, 10, 15, 12, 0, 0)
        .single()
        .expect("a valid instant");
    let dir = tempfile::tempdir().expect("temporary directory");
    let app = App::open(dir.path().join("documents.db"), Arc::new(FixedClock(now))).expect("open");
    crate::demo::build(&app).expect("the demo builds");
    (dir, app)
}

fn family(login: &str) -> FamilyId {
    FamilyId::from_uuid(derive_id("family", login))
}

fn member(role: Role, structures: &[&str]) -> Acting {
    Acting::member(&StaffMember {
        staff_id: StaffId::from_uuid(derive_id("staff", role.code())),
        login: role.code().to_owned(),
        name: "Agent".to_owned(),
        email: None,
        rights: StaffRights {
            roles: vec![role],
            structures: structures
                .iter()
                .map(|k| StructureId::from_uuid(derive_id("structure", k)))
                .collect(),
        },
        activated: true,
        enrolled: true,
        disabled: false,
        demo: false,
    })
}

fn accueil() -> Requester {
    Requester::Staff(member(Role::Accueil, &["quinsac"]))
}

fn euros(text: &str) -> Money {
    Money::parse(text).expect("test amounts parse")
}

fn day(text: &str) -> NaiveDate {
    text.parse().expect("test days parse")
}

/// What `child` consumed in 2026, month by month from the seed's history.
fn consumed_in_2026(app: &App, child: &str) -> Money {
    (1..=12)
        .map(|month| {
            let history =
                consumption_history(app, family("dupont"), day(&format!("2026-{month:02}-01")))
                    .expect("history");
            history
                .lines
                .iter()
                .filter(|l| l.consumer == child)
                .map(|l| l.total)
                .sum::<Money>()
        })
        .sum()
}

fn pay(app: &App, amount: &str, on: &str) {
    record_payment(
        app,
        &Acting::operator(),
        DeskPayment {
            family: family("dupont"),
            wallet: WalletId::from_uuid(derive_id("wallet", "pe2m")),
            amount: euros(amount),
            mode: PaymentMode::Cash,
            number: None,
            bank: None,
            payer: None,
            paid_on: day(on),
        },
    )
    .expect("the payment is recorded");
}

#[test]
fn given_the_year_paid_in_full_when_attested_then_each_child_under_six_gets_what_they_consumed() {
    let (_dir, app) = demo();
    pay(&app, "5000", "2026-10-15");
    let attestation =
        childcare_attestation(&app, &accueil(), family("dupont"), 2026).expect("the attestation");
    let antoine = consumed_in_2026(&app, "DUPONT Antoine");
    assert!(antoine.is_positive(), "Antoine came in 2026");
    assert_eq!(attestation.children.len(), 1, "Lilou is 9: only Antoine");
    assert_eq!(attestation.children[0].name, "DUPONT Antoine");
    assert_eq!(attestation.children[0].paid, antoine);
    assert_eq!(attestation.total, antoine);
}

#[test]
fn a_document_is_numbered_once_and_keeps_its_number_and_first_issuer_on_reissue() {
    let (_dir, app) = demo();
    let first = childcare_attestation(&app, &accueil(), family("dupont"), 2026).expect("first");
    assert_eq!(first.number.text, "FG-2026-00001");
    assert!(first.number.issued_by.starts_with("staff:"));
    let again = childcare_attestation(
        &app,
        &Requester::Family(family("dupont")),
        family("dupont"),
        2026,
    )
    .expect("again");
    assert_eq!(again.number, first.number);
    let martin = childcare_attestation(
        &app,
        &Requester::Family(family("martin")),
        family("martin"),
        2026,
    )
    .expect("martin's");
    assert_eq!(martin.number.text, "FG-2026-00002");
    let statement = account_statement(
        &app,
        &accueil(),
        family("dupont"),
        day("2026-01-01"),
        day("2026-06-30"),
    )
    .expect("statement");
    assert_eq!(statement.number.text, "RL-2026-00001");
}

#[test]
fn a_family_never_gets_another_s_documents_and_the_refusal_numbers_nothing() {
    let (_dir, app) = demo();
    let martin = Requester::Family(family("martin"));
    let refused = childcare_attestation(&app, &martin, family("dupont"), 2026);
    assert!(matches!(
        refused,
        Err(AppError::Document(DocumentRefusal::UnknownFamily))
    ));
    let cheque = document_choices(&app, &Requester::Family(family("dupont")), family("dupont"))
        .expect("dupont's choices")
        .payments[0]
        .payment_id;
    let receipt = payment_receipt(&app, &martin, family("martin"), cheque);
    assert!(matches!(
        receipt,
        Err(AppError::Document(DocumentRefusal::UnknownPayment))
    ));
    assert!(matches!(
        document_choices(&app, &martin, family("dupont")),
        Err(AppError::Document(DocumentRefusal::UnknownFamily))
    ));
    let own = childcare_attestation(
        &app,
        &Requester::Family(family("dupont")),
        family("dupont"),
        2026,
    )
    .expect("dupont's own");
    assert_eq!(
        own.number.text, "FG-2026-00001",
        "the refusals numbered nothing"
    );
}

#[test]
fn staff_need_issue_attestations_in_the_family_s_structures() {
    let (_dir, app) = demo();
    let direction = Requester::Staff(member(Role::Direction, &["quinsac"]));
    assert!(matches!(
        childcare_attestation(&app, &direction, family("dupont"), 2026),
        Err(AppError::Staff(StaffRefusal::NotAllowed(_)))
    ));
    let elsewhere = Requester::Staff(member(Role::Accueil, &["ailleurs"]));
    assert!(matches!(
        document_choices(&app, &elsewhere, family("dupont")),
        Err(AppError::Staff(StaffRefusal::NotAllowed(_)))
    ));
    let regie = Requester::Staff(member(Role::Regie, &[]));
    assert!(document_choices(&app, &regie, family("dupont")).is_ok());
}

#[test]
fn the_statement_runs_from_the_opening_balance_to_the_ledger_s_balance() {
    let (_dir, app) = demo();
    pay(&app, "12.34", "2026-10-14");
    let whole = account_statement(
        &app,
        &accueil(),
        family("dupont"),
        day("2026-01-01"),
        day("2026-10-15"),
    )
    .expect("statement");
    let balance: Money = statement(&app, family("dupont"), false, false)
        .expect("balance")
        .iter()
        .map(|w| w.balance)
        .sum();
    assert_eq!(whole.closing, balance);
    assert_eq!(
        whole.opening,
        Money::ZERO,
        "nothing before 2026 in the demo"
    );
    let from_june = account_statement(
        &app,
        &accueil(),
        family("dupont"),
        day("2026-06-01"),
        day("2026-10-15"),
    )
    .expect("statement");
    assert_eq!(from_june.closing, balance);
    assert_eq!(
        from_june.opening + from_june.credits - from_june.debits,
        balance
    );
    assert!(
        from_june
            .lines
            .iter()
            .any(|l| l.credit == Some(euros("12.34")))
    );
    assert!(matches!(
        parse_period("2026-06-01", "2026-05-01"),
        Err(DocumentRefusal::InvalidPeriod { .. })
    ));
}

#[test]
fn a_receipt_writes_the_amount_in_figures_and_words() {
    let (_dir, app) = demo();
    pay(&app, "123.45", "2026-10-15");
    let choices = document_choices(&app, &accueil(), family("dupont")).expect("choices");
    let latest = &choices.payments[0];
    assert_eq!(latest.amount, euros("123.45"));
    let receipt =
        payment_receipt(&app, &accueil(), family("dupont"), latest.payment_id).expect("receipt");
    assert_eq!(
        receipt.amount_in_words,
        "cent vingt-trois euros et quarante-cinq centimes"
    );
    assert_eq!(receipt.number.text, "RC-2026-00001");
    assert_eq!(choices.years, vec![2026]);
}

/// The text a PDF reader extracts (poppler's `pdftotext`); `None` with a message when it is
/// not installed here (CI installs it).
fn pdf_text(bytes: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().ok()?;
    let file = dir.path().join("document.pdf");
    std::fs::write(&file, bytes).ok()?;
    match std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(&file)
        .arg("-")
        .output()
    {
        Ok(out) if out.status.success() => Some(String::from_utf8_lossy(&out.stdout).into_owned()),
        _ => {
            eprintln!("SKIPPED: pdftotext (poppler-utils) is not installed");
            None
        }
    }
}

#[test]
fn the_attestation_pdf_reads_back_with_the_names_amounts_and_number() {
    let (_dir, app) = demo();
    pay(&app, "5000", "2026-10-15");
    let attestation =
        childcare_attestation(&app, &accueil(), family("dupont"), 2026).expect("the attestation");
    let Some(text) = pdf_text(&attestation.pdf()) else {
        return;
    };
    let amount = super::euros(attestation.total);
    assert!(
        text.contains("Attestation de frais de garde — année 2026"),
        "{text}"
    );
    assert!(text.contains("N° FG-2026-00001"), "{text}");
    assert!(text.contains("DUPONT Antoine"), "{text}");
    assert!(text.contains("M. DUPONT Jean-Paul"), "{text}");
    assert!(text.contains(&amount), "{amount} in {text}");
    assert!(!text.contains("DUPONT Lilou"), "Lilou is over 6");
}

#[test]
fn each_staff_look_at_a_family_s_documents_is_a_line_of_the_access_log_and_the_family_s_own_none() {
    let (_dir, app) = demo();
    let lines = |app: &App| {
        crate::staff::access_log(app, &Acting::operator(), 0, 1)
            .expect("the access log")
            .1
    };
    let before = lines(&app);
    document_choices(&app, &accueil(), family("dupont")).expect("staff look");
    childcare_attestation(&app, &accueil(), family("dupont"), 2026).expect("staff issue");
    assert_eq!(lines(&app), before + 2);
    document_choices(&app, &Requester::Family(family("dupont")), family("dupont"))
        .expect("the family's own look");
    let refused = Requester::Staff(member(Role::Direction, &["quinsac"]));
    assert!(document_choices(&app, &refused, family("dupont")).is_err());
    assert_eq!(
        lines(&app),
        before + 2,
        "the family's look and a refusal write none"
    );
}
