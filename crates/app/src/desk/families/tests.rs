//! The desk's family use cases over the demo world, by members of each role.

use std::sync::Arc;

use chrono::{NaiveDate, TimeZone, Utc};
use domain::ids::{FamilyId, StaffId, StructureId, WalletId, derive_id};
use domain::staff::{Permission, Role, StaffRights};
use domain::values::{AccessAssistance, PaymentMode};
use domain::{Event, Money};

use super::*;
use crate::desk::receipt;
use crate::money::{DeskPayment, MoneyRefusal};
use crate::staff::{Acting, StaffMember, StaffRefusal};
use crate::{App, AppError, FixedClock};

fn demo() -> (tempfile::TempDir, App) {
    let now = Utc
        .with_ymd_and_hms(2026, 10, 15, 12, 0, 0)
        .single()
        .expect("a valid instant");
    let dir = tempfile::tempdir().expect("temporary directory");
    let app = App::open(dir.path().join("desk.db"), Arc::new(FixedClock(now))).expect("open");
    crate::demo::build(&app).expect("the demo builds");
    (dir, app)
}

fn structure(key: &str) -> StructureId {
    StructureId::from_uuid(derive_id("structure", key))
}

fn family(login: &str) -> FamilyId {
    FamilyId::from_uuid(derive_id("family", login))
}

fn wallet() -> WalletId {
    WalletId::from_uuid(derive_id("wallet", "pe2m"))
}

fn member(role: Role, structures: &[StructureId]) -> Acting {
    Acting::member(&StaffMember {
        staff_id: StaffId::from_uuid(derive_id("staff", role.code())),
        login: role.code().to_owned(),
        name: "Agent".to_owned(),
        email: None,
        rights: StaffRights {
            roles: vec![role],
            structures: structures.to_vec(),
        },
        activated: true,
        enrolled: true,
        disabled: false,
        demo: false,
    })
}

fn accueil() -> Acting {
    member(Role::Accueil, &[structure("quinsac")])
}

fn head(app: &App) -> u64 {
    app.store.head().expect("head").position
}

/// The events appended after `position`, decoded, with their actor.
fn events_after(app: &App, position: u64) -> Vec<(String, Event)> {
    app.store
        .read_range(position + 1, None, 100)
        .expect("read")
        .map(|e| {
            let e = e.expect("a stored event");
            let payload = serde_json::from_str(&e.payload).expect("stored JSON");
            let event = Event::decode(&e.event_type, e.schema_version, payload).expect("decodes");
            let metadata: serde_json::Value =
                serde_json::from_str(&e.metadata).expect("stored JSON");
            (
                metadata["actor"].as_str().unwrap_or_default().to_owned(),
                event,
            )
        })
        .collect()
}

#[test]
fn a_search_forgives_case_and_accents_and_finds_children_by_name() {
    let (_dir, app) = demo();
    let found = search_families(&app, &accueil(), "BERNARD").expect("search");
    assert_eq!(found.hits.len(), 1);
    assert_eq!(found.hits[0].addressee, "M. BERNARD Luc");
    assert!(found.hits[0].blocked, "bernard's file is incomplete");
    let by_child = search_families(&app, &accueil(), "lilou dupont").expect("search");
    assert_eq!(by_child.hits.len(), 1);
    assert_eq!(by_child.hits[0].login, "dupont");
    let accents = search_families(&app, &accueil(), "ÉMMA").expect("search");
    assert_eq!(accents.hits[0].login, "bernard");
    assert!(
        search_families(&app, &accueil(), "  ")
            .expect("search")
            .hits
            .is_empty()
    );
}

#[test]
fn a_search_lists_only_the_families_of_the_members_structures() {
    let (_dir, app) = demo();
    let elsewhere = member(Role::Accueil, &[structure("ailleurs")]);
    assert!(
        search_families(&app, &elsewhere, "bernard")
            .expect("search")
            .hits
            .is_empty()
    );
    let regie = member(Role::Regie, &[]);
    assert_eq!(
        search_families(&app, &regie, "bernard")
            .expect("search")
            .hits
            .len(),
        1
    );
    let admin = member(Role::Administration, &[]);
    assert!(matches!(
        search_families(&app, &admin, "bernard"),
        Err(AppError::Staff(StaffRefusal::NotAllowed(
            Permission::ViewFamilies
        )))
    ));
}

#[test]
fn the_file_shows_every_item_received_or_not_and_ticking_the_last_ones_unblocks_booking() {
    // Given bernard, whose file lacks two of the organisation's three pieces
    let (_dir, app) = demo();
    let bernard = family("bernard");
    let file = family_file(&app, &accueil(), bernard).expect("file");
    let items: Vec<(&str, bool)> = file
        .dossier
        .iter()
        .map(|i| (i.label.as_str(), i.received))
        .collect();
    assert_eq!(
        items,
        [
            ("Fiche sanitaire", false),
            ("Attestation d'assurance", false),
            ("Justificatif de quotient familial", true),
        ]
    );
    assert_eq!(file.children[0].first_name, "Emma");
    assert_eq!(file.quotient, Some(540));
    assert!(
        crate::booking::booking_blocked(&app, bernard)
            .expect("standing")
            .is_some()
    );
    // When the agent ticks one, then every piece
    let before = head(&app);
    let one = vec![
        "Fiche sanitaire".to_owned(),
        "Justificatif de quotient familial".to_owned(),
    ];
    assert!(!update_dossier(&app, &accueil(), bernard, one).expect("ticked"));
    assert!(
        crate::booking::booking_blocked(&app, bernard)
            .expect("standing")
            .is_some()
    );
    let all = file.dossier.iter().map(|i| i.label.clone()).collect();
    assert!(update_dossier(&app, &accueil(), bernard, all).expect("ticked"));
    // Then bernard may book, and each change is an event by the agent
    assert!(
        crate::booking::booking_blocked(&app, bernard)
            .expect("standing")
            .is_none()
    );
    let events = events_after(&app, before);
    assert_eq!(events.len(), 2, "{events:?}");
    assert!(
        events
            .iter()
            .all(|(actor, _)| *actor == accueil().actor_text())
    );
    let Event::FamilyDossierUpdated(last) = &events[1].1 else {
        panic!("{events:?}");
    };
    assert!(last.complete && last.missing_items.is_empty());
    // And the page still lists every piece, now received
    let file = family_file(&app, &accueil(), bernard).expect("file");
    assert!(file.dossier.len() == 3 && file.dossier.iter().all(|i| i.received));
}

#[test]
fn unticking_or_naming_an_unknown_item_is_refused_without_the_right_and_writes_nothing() {
    let (_dir, app) = demo();
    let before = head(&app);
    let director = member(Role::Direction, &[structure("quinsac")]);
    assert!(matches!(
        update_dossier(&app, &director, family("bernard"), vec![]),
        Err(AppError::Staff(StaffRefusal::NotAllowed(
            Permission::UpdateFamilyFile
        )))
    ));
    assert!(matches!(
        update_dossier(
            &app,
            &accueil(),
            family("bernard"),
            vec!["Passeport".to_owned()]
        ),
        Err(AppError::Desk(DeskRefusal::UnknownDossierItem { .. }))
    ));
    assert_eq!(head(&app), before);
}

#[test]
fn a_new_quotient_applies_from_its_effective_day() {
    let (_dir, app) = demo();
    let bernard = family("bernard");
    let from = NaiveDate::from_ymd_opt(2026, 11, 1).expect("a day");
    set_quotient(
        &app,
        &accueil(),
        bernard,
        parse_quotient(" 820 ").expect("parses"),
        from,
    )
    .expect("set");
    let file = family_file(&app, &accueil(), bernard).expect("file");
    assert_eq!(file.quotient, Some(540), "still the old one today");
    let last = file.quotients.last().expect("two quotients");
    assert_eq!(
        (last.effective_from, last.quotient, last.current),
        (from, Some(820), false)
    );
    assert!(matches!(
        parse_quotient("8,5"),
        Err(AppError::Desk(DeskRefusal::InvalidQuotient { .. }))
    ));
    assert!(parse_quotient("100001").is_err());
}

#[test]
fn the_three_access_helps_are_one_event_each_without_code_or_address() {
    let (_dir, app) = demo();
    let bernard = family("bernard");
    let before = head(&app);
    unlock_login(&app, &accueil(), bernard).expect("unlocked");
    send_family_reset_link(&app, &accueil(), bernard, "https://portail.example").expect("sent");
    let letter = issue_activation_code(&app, &accueil(), bernard).expect("issued");
    assert_eq!(letter.login, "bernard");
    assert_eq!(letter.code.len(), 14);
    let assisted: Vec<AccessAssistance> = events_after(&app, before)
        .into_iter()
        .map(|(actor, event)| match event {
            Event::FamilyAccessAssisted(e) if actor == accueil().actor_text() => e.assistance,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        assisted,
        [
            AccessAssistance::LoginUnlocked,
            AccessAssistance::ResetLinkSent,
            AccessAssistance::ActivationCodeIssued
        ]
    );
    // A second link within minutes is refused, and writes nothing
    let after = head(&app);
    assert!(matches!(
        send_family_reset_link(&app, &accueil(), bernard, "https://portail.example"),
        Err(AppError::Desk(DeskRefusal::ResetLinkRecentlySent))
    ));
    assert_eq!(head(&app), after);
}

#[test]
fn the_new_activation_code_opens_the_account_and_the_old_one_no_longer_does() {
    let (_dir, app) = demo();
    let first = issue_activation_code(&app, &accueil(), family("martin")).expect("issued");
    let second = issue_activation_code(&app, &accueil(), family("martin")).expect("issued");
    let password = "Un nouveau mot de passe solide 42";
    let old = crate::accounts::activate(&app, "martin", &first.code, password, None);
    assert!(old.is_err(), "the revoked code still works: {old:?}");
    crate::accounts::activate(&app, "martin", &second.code, password, None)
        .expect("the new code opens the account");
}

#[test]
fn a_desk_payment_by_a_member_names_its_author_and_its_receipt_reads_in_words() {
    let (_dir, app) = demo();
    let dupont = family("dupont");
    let agent = accueil();
    let before = head(&app);
    let payment = crate::money::record_payment(
        &app,
        &agent,
        DeskPayment {
            family: dupont,
            wallet: wallet(),
            amount: Money::parse("123,45").expect("parses"),
            mode: PaymentMode::Cheque,
            number: Some("0012345".to_owned()),
            bank: Some("Banque Postale".to_owned()),
            payer: Some("DUPONT Jean-Paul".to_owned()),
            paid_on: app.today(),
        },
    )
    .expect("recorded");
    assert_eq!(events_after(&app, before)[0].0, agent.actor_text());
    let printed = receipt(&app, &agent, payment).expect("receipt");
    assert_eq!(
        printed.amount_in_words,
        "cent vingt-trois euros et quarante-cinq centimes"
    );
    assert_eq!(
        printed.number.as_deref(),
        Some("2026-00003"),
        "after the demo's two cheques"
    );
    assert_eq!(printed.regie, "CDC PE2M - APS ET CLSH");
    assert!(printed.cancelled.is_none());
    // The agent may not cancel; the régie may, with a reason kept on the receipt
    assert!(matches!(
        crate::money::cancel_payment(&app, &agent, payment, "erreur"),
        Err(AppError::Staff(StaffRefusal::NotAllowed(
            Permission::CancelPayment
        )))
    ));
    let regie = member(Role::Regie, &[]);
    assert!(matches!(
        crate::money::cancel_payment(&app, &regie, payment, "  "),
        Err(AppError::Money(MoneyRefusal::CancellationReasonRequired))
    ));
    crate::money::cancel_payment(&app, &regie, payment, "Chèque sans provision")
        .expect("cancelled");
    let log_before = crate::staff::access_log(&app, &Acting::operator(), 0, 1)
        .expect("log")
        .1;
    let cancelled = receipt(&app, &regie, payment).expect("receipt");
    let (lines, total) = crate::staff::access_log(&app, &Acting::operator(), 0, 1).expect("log");
    assert_eq!(total, log_before + 1, "showing a receipt is logged");
    assert_eq!(lines[0].kind, crate::staff::AccessKind::FamilyDocument);
    let mark = cancelled.cancelled.expect("marked cancelled");
    assert_eq!(mark.reason.as_deref(), Some("Chèque sans provision"));
    assert_eq!(
        cancelled.number, printed.number,
        "a receipt keeps its number"
    );
}

#[test]
fn each_opening_of_a_file_is_one_line_of_the_access_log_and_a_refusal_none() {
    let (_dir, app) = demo();
    let log = || {
        crate::staff::access_log(&app, &Acting::operator(), 0, 100)
            .expect("log")
            .0
    };
    let before = log().len();
    family_file(&app, &accueil(), family("dupont")).expect("file");
    family_file(&app, &accueil(), family("dupont")).expect("file");
    let lines = log();
    assert_eq!(lines.len(), before + 2);
    assert_eq!(lines[0].family_id, family("dupont"));
    assert_eq!(lines[0].kind, crate::staff::AccessKind::FamilyFile);
    let elsewhere = member(Role::Accueil, &[structure("ailleurs")]);
    assert!(matches!(
        family_file(&app, &elsewhere, family("dupont")),
        Err(AppError::Staff(StaffRefusal::NotAllowed(
            Permission::ViewFamilies
        )))
    ));
    assert_eq!(log().len(), before + 2);
}

#[test]
fn a_card_payment_taken_at_the_desk_is_a_desk_payment_with_a_receipt_and_can_be_cancelled() {
    let (_dir, app) = demo();
    let regie = member(Role::Regie, &[]);
    let payment = crate::money::record_payment(
        &app,
        &regie,
        DeskPayment {
            family: family("dupont"),
            wallet: wallet(),
            amount: Money::parse("80").expect("parses"),
            mode: PaymentMode::Card,
            number: None,
            bank: None,
            payer: None,
            paid_on: app.today(),
        },
    )
    .expect("recorded");
    let printed = receipt(&app, &regie, payment).expect("a desk card payment has a receipt");
    assert_eq!(printed.amount_in_words, "quatre-vingts euros");
    crate::money::cancel_payment(&app, &regie, payment, "Ticket de carte refusé")
        .expect("a desk card payment can be cancelled");
}
