//! The exports over the demo world (built on 15 October 2026: consumptions in September and
//! October), read back as a spreadsheet would.

use std::sync::Arc;

use chrono::{NaiveDate, TimeZone, Utc};
use domain::Money;
use domain::attendance::Mark;
use domain::ids::{FamilyId, StaffId, StructureId, WalletId, derive_id};
use domain::staff::{Role, StaffRights};
use domain::values::PaymentMode;

use super::*;
use crate::money::{
    DeskPayment, cancel_payment, consumption_history, payment_history, record_payment,
};
use crate::staff::{StaffMember, StaffRefusal};
use crate::{FixedClock, registry};

fn demo() -> (tempfile::TempDir, App) {
    let now = Utc
        .with_ymd_and_hms(2026, 10, 15, 12, 0, 0)
        .single()
        .expect("a valid instant");
    let dir = tempfile::tempdir().expect("temporary directory");
    let app = App::open(dir.path().join("exports.db"), Arc::new(FixedClock(now))).expect("open");
    crate::demo::build(&app).expect("the demo builds");
    (dir, app)
}

fn structure(key: &str) -> StructureId {
    StructureId::from_uuid(derive_id("structure", key))
}

fn family(login: &str) -> FamilyId {
    FamilyId::from_uuid(derive_id("family", login))
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a day")
}

fn month(text: &str) -> ExportMonth {
    ExportMonth::parse(text).expect("a month")
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

fn request(kind: ExportKind, code: &str) -> ExportRequest {
    ExportRequest {
        kind,
        month: month(code),
        structure: None,
    }
}

/// The sheet as a spreadsheet reads it: BOM, then `;`-separated records.
fn read(file: &ExportFile) -> Vec<Vec<String>> {
    assert!(file.bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "a BOM first");
    let text = std::str::from_utf8(&file.bytes[3..]).expect("UTF-8");
    assert!(text.ends_with("\r\n"), "CRLF line ends");
    csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("a record").iter().map(str::to_owned).collect())
        .collect()
}

fn euros(cell: &str) -> Money {
    Money::parse(&cell.replace(',', ".").replace('-', "")).map_or_else(
        |_| panic!("an amount: {cell}"),
        |m| if cell.starts_with('-') { -m } else { m },
    )
}

/// The row whose first cell is `label`.
fn row<'r>(rows: &'r [Vec<String>], label: &str) -> &'r [String] {
    rows.iter()
        .find(|r| r[0] == label)
        .unwrap_or_else(|| panic!("no row {label}: {rows:?}"))
}

/// Every accepted place of September in the demo, marked present by the operator.
fn mark_september_present(app: &App) -> usize {
    let mut marked = 0;
    for d in 1..=30 {
        let places = app
            .query(move |conn| Ok(projections::accepted_places(conn, day(2026, 9, d))?))
            .expect("places");
        for place in places {
            crate::desk::mark_attendance(
                app,
                &Acting::operator(),
                place.reservation_id,
                Mark::Present,
            )
            .expect("marked present");
            marked += 1;
        }
    }
    marked
}

#[test]
fn the_attendance_export_gives_each_child_s_days_and_hours_by_bracket_with_totals() {
    // Given the demo's September places, every one marked present
    let (_dir, app) = demo();
    let marked = mark_september_present(&app);
    assert!(marked > 0, "the demo has places in September");

    // When the régie exports September's attendance
    let file = export(
        &app,
        &Acting::operator(),
        request(ExportKind::Attendance, "2026-09"),
    )
    .expect("exported");

    // Then the file is named for the month and opens with its header
    assert_eq!(file.filename, "presences-2026-09.csv");
    let rows = read(&file);
    assert_eq!(
        rows[0],
        [
            "Enfant",
            "Famille",
            "Date de naissance",
            "Tranche d'âge (âge au 1er du mois)",
            "Structure",
            "Activité",
            "Durée d'une place (heures)",
            "Jours de présence",
            "Heures de présence"
        ]
    );
    let lines: Vec<&Vec<String>> = rows[1..]
        .iter()
        .filter(|r| !r[0].starts_with("Total"))
        .collect();
    assert_eq!(lines.len(), file.lines);
    // And every presence is counted once, each line's hours being its days × the duration
    let days: u64 = lines
        .iter()
        .map(|r| r[7].parse::<u64>().expect("days"))
        .sum();
    assert_eq!(days, marked as u64);
    let hours = |text: &str| -> f64 { text.replace(',', ".").parse().expect("hours") };
    for line in &lines {
        let expected = hours(&line[6]) * line[7].parse::<f64>().expect("days");
        assert!((hours(&line[8]) - expected).abs() < 0.01, "{line:?}");
    }
    // And Antoine (5) is under 6, Lilou (9) 6 and over, as of 1 September
    let bracket_of = |child: &str| {
        lines
            .iter()
            .find(|r| r[0] == child)
            .map(|r| r[3].clone())
            .unwrap_or_else(|| panic!("{child} in {lines:?}"))
    };
    assert_eq!(bracket_of("DUPONT Antoine"), "moins de 6 ans");
    assert_eq!(bracket_of("DUPONT Lilou"), "6 ans et plus");
    // And the totals per bracket add up to the month's total
    let total_days = |label: &str| row(&rows, label)[7].parse::<u64>().expect("days");
    assert_eq!(
        total_days("Total moins de 6 ans") + total_days("Total 6 ans et plus"),
        total_days("Total")
    );
    assert_eq!(total_days("Total"), days);
}

#[test]
fn consumption_totals_equal_the_families_histories_to_the_cent() {
    let (_dir, app) = demo();
    for code in ["2026-09", "2026-10"] {
        // Given the demo's consumptions; when the month is exported
        let file = export(
            &app,
            &Acting::operator(),
            request(ExportKind::Consumptions, code),
        )
        .expect("exported");
        let rows = read(&file);
        assert_eq!(
            rows[0],
            [
                "Régie",
                "Structure",
                "Activité",
                "Consommations",
                "Quantité facturée",
                "Montant"
            ]
        );
        // Then the total is the sum of every family's consumption history of the month
        let first = month(code).first_day();
        let families = app
            .query(move |conn| Ok(projections::families(conn, first)?))
            .expect("families");
        let histories: Money = families
            .iter()
            .map(|f| {
                consumption_history(&app, f.family_id, first)
                    .expect("history")
                    .total
            })
            .sum();
        assert!(
            histories.is_positive(),
            "the demo has consumptions in {code}"
        );
        assert_eq!(euros(&row(&rows, "Total")[5]), histories);
        // And the régie's total is the same (one régie in the demo)
        assert_eq!(
            euros(&row(&rows, "Total CDC PE2M - APS ET CLSH")[5]),
            histories
        );
    }
}

fn desk_payment(app: &App, payer: &str, cents: i64) -> domain::ids::PaymentId {
    record_payment(
        app,
        &Acting::operator(),
        DeskPayment {
            family: family("dupont"),
            wallet: WalletId::from_uuid(derive_id("wallet", "pe2m")),
            amount: Money::from_cents(cents),
            mode: PaymentMode::Cheque,
            number: Some("1234567".to_owned()),
            bank: Some("Banque".to_owned()),
            payer: Some(payer.to_owned()),
            paid_on: day(2026, 10, 14),
        },
    )
    .expect("recorded")
}

#[test]
fn the_payment_journal_adds_up_to_the_histories_with_a_negative_line_per_cancellation() {
    // Given two cheques in October, the second cancelled
    let (_dir, app) = demo();
    desk_payment(&app, "DUPONT Jean-Paul", 4_000);
    let wrong = desk_payment(&app, "DUPONT Jean-Paul", 1_250);
    cancel_payment(&app, &Acting::operator(), wrong, "Chèque sans provision").expect("cancelled");

    // When the régie exports October's journal
    let file = export(
        &app,
        &Acting::operator(),
        request(ExportKind::Payments, "2026-10"),
    )
    .expect("exported");
    let rows = read(&file);

    // Then the cancelled cheque is there, then its negative « Annulation » with the reason
    let cancellation = rows
        .iter()
        .find(|r| r[2] == "Annulation")
        .expect("a cancellation line");
    assert_eq!(cancellation[8], "-12,50");
    assert_eq!(cancellation[9], "Chèque sans provision");
    assert_eq!(cancellation[4], "Chèque");
    assert!(
        cancellation[3].starts_with("2026-"),
        "the receipt number: {cancellation:?}"
    );
    // And the total is what the families' payment histories count for October
    let first = day(2026, 10, 1);
    let families = app
        .query(move |conn| Ok(projections::families(conn, first)?))
        .expect("families");
    let histories: Money = families
        .iter()
        .map(|f| {
            payment_history(&app, f.family_id, first)
                .expect("history")
                .total
        })
        .sum();
    assert_eq!(euros(&row(&rows, "Total")[8]), histories);
}

/// Gives dupont, Lilou and a payer names a spreadsheet would evaluate.
fn plant_formulas(app: &App) {
    app.execute("staff:cli", |command| {
        let conn = command.conn();
        for login in ["dupont", "bernard"] {
            let mut account = registry::family_account(conn, family(login))?.expect("a family");
            account.payer_name = "=HYPERLINK(\"http://evil.example\";\"x\")".to_owned();
            registry::save_family_account(conn, &account)?;
        }
        let mut lilou = registry::children_of(conn, family("dupont"))?
            .into_iter()
            .find(|c| c.first_name == "Lilou")
            .expect("Lilou");
        lilou.last_name = "+cmd|' /C calc'!A0".to_owned();
        registry::save_child(conn, &lilou)?;
        Ok(())
    })
    .expect("planted");
    desk_payment(app, "@SUM(A1)", 1_000);
}

#[test]
fn formula_payloads_in_names_come_out_inert_in_every_export() {
    let (_dir, app) = demo();
    mark_september_present(&app);
    plant_formulas(&app);
    let mut seen = Vec::new();
    for (kind, code) in [
        (ExportKind::Attendance, "2026-09"),
        (ExportKind::Consumptions, "2026-09"),
        (ExportKind::Payments, "2026-10"),
        (ExportKind::Files, "2026-10"),
    ] {
        let file = export(&app, &Acting::operator(), request(kind, code)).expect("exported");
        for cell in read(&file).into_iter().flatten() {
            let evaluated = cell.starts_with(['=', '+', '@', '\t', '\r'])
                || (cell.starts_with('-') && cell[1..].replace(',', ".").parse::<f64>().is_err());
            assert!(
                !evaluated,
                "{kind:?}: a spreadsheet would evaluate {cell:?}"
            );
            if cell.starts_with('\'') {
                seen.push(cell);
            }
        }
    }
    for payload in ["'=HYPERLINK(", "'+cmd|", "'@SUM(A1)"] {
        assert!(
            seen.iter().any(|cell| cell.starts_with(payload)),
            "{payload} written as text somewhere: {seen:?}"
        );
    }
}

#[test]
fn the_incomplete_files_name_the_family_its_children_the_missing_items_and_since_when() {
    let (_dir, app) = demo();
    let file = export(
        &app,
        &Acting::operator(),
        request(ExportKind::Files, "2026-10"),
    )
    .expect("exported");
    let rows = read(&file);
    assert_eq!(
        rows[0],
        [
            "Famille",
            "Identifiant",
            "Enfants",
            "Pièces manquantes",
            "Incomplet depuis"
        ]
    );
    let bernard = rows
        .iter()
        .find(|r| r[1] == "bernard")
        .expect("bernard's file");
    assert!(!bernard[2].is_empty(), "his children: {bernard:?}");
    assert!(!bernard[3].is_empty(), "what is missing: {bernard:?}");
    // since the day the log recorded it incomplete (the store's instant of the update)
    assert!(
        NaiveDate::parse_from_str(&bernard[4], "%d/%m/%Y").is_ok(),
        "since when: {bernard:?}"
    );
    assert!(
        rows.iter().all(|r| r[1] != "dupont"),
        "a complete file is not listed"
    );
}

#[test]
fn an_export_is_refused_without_its_permission_and_leaves_no_log_line() {
    let (_dir, app) = demo();
    let quinsac = structure("quinsac");
    let latresne = structure("latresne");
    let refused = |by: &Acting, kind: ExportKind, structure: Option<StructureId>| {
        let outcome = export(
            &app,
            by,
            ExportRequest {
                kind,
                month: month("2026-09"),
                structure,
            },
        );
        assert!(
            matches!(outcome, Err(AppError::Staff(StaffRefusal::NotAllowed(_)))),
            "{kind:?} by {by:?}: {outcome:?}"
        );
    };
    let accueil = member(Role::Accueil, &[quinsac]);
    let direction = member(Role::Direction, &[quinsac]);
    for kind in ExportKind::ALL {
        refused(&accueil, kind, None);
    }
    refused(&direction, ExportKind::Consumptions, None);
    refused(&direction, ExportKind::Payments, Some(quinsac));
    refused(&direction, ExportKind::Attendance, Some(latresne));
    assert_eq!(
        exports_of(&app, &Acting::operator(), month("2026-09")).expect("log"),
        []
    );

    // A director of Quinsac exports Quinsac's attendance: one log line, naming them
    mark_september_present(&app);
    let file = export(&app, &direction, request(ExportKind::Attendance, "2026-09")).expect("ok");
    assert!(
        read(&file)
            .iter()
            .skip(1)
            .all(|r| r[4].is_empty() || r[4].contains("Quinsac"))
    );
    let log = exports_of(&app, &direction, month("2026-09")).expect("log");
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].kind, ExportKind::Attendance);
    assert_eq!(log[0].lines, file.lines as u64);
    assert_eq!(log[0].staff_id, direction.actor().staff().map(|id| id.0));
    // And a régisseur exports the money
    let regie = member(Role::Regie, &[]);
    export(&app, &regie, request(ExportKind::Payments, "2026-09")).expect("the régie exports");
}

#[test]
fn the_export_log_keeps_six_months() {
    let (dir, app) = demo();
    export(
        &app,
        &Acting::operator(),
        request(ExportKind::Files, "2026-10"),
    )
    .expect("exported");
    assert_eq!(purge_export_log(&app).expect("purge"), 0, "kept");
    drop(app);
    let later = Utc
        .with_ymd_and_hms(2027, 4, 16, 12, 0, 0)
        .single()
        .expect("a valid instant");
    let app = App::open(dir.path().join("exports.db"), Arc::new(FixedClock(later))).expect("open");
    assert_eq!(
        purge_export_log(&app).expect("purge"),
        1,
        "gone after six months"
    );
}

#[test]
fn a_month_or_a_structure_that_does_not_parse_is_refused_in_french() {
    for bad in ["2026-13", "2026-9", "novembre", "1999-12", ""] {
        let refusal = ExportMonth::parse(bad).expect_err(bad);
        assert!(
            refusal.to_string().starts_with("Mois invalide"),
            "{refusal}"
        );
    }
    assert_eq!(ExportMonth::before(day(2026, 1, 10)).code(), "2025-12");
    let (_dir, app) = demo();
    let unknown = StructureId::from_uuid(derive_id("structure", "nulle-part"));
    let outcome = export(
        &app,
        &Acting::operator(),
        ExportRequest {
            kind: ExportKind::Files,
            month: month("2026-10"),
            structure: Some(unknown),
        },
    );
    assert!(matches!(
        outcome,
        Err(AppError::Export(ExportRefusal::UnknownStructure { .. }))
    ));
}
