//! The charts' series over the demo world, against the histories and the read models.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use domain::Money;
use domain::ids::{StructureId, derive_id};
use domain::staff::Permission;

use super::*;
use crate::console::ConsoleRefusal;
use crate::staff::{Acting, StaffRefusal};
use crate::{App, AppError, FixedClock};

fn demo() -> (tempfile::TempDir, App) {
    let now = Utc
        .with_ymd_and_hms(2026, 10, 15, 12, 0, 0)
        .single()
        .expect("a valid instant");
    let dir = tempfile::tempdir().expect("temporary directory");
    let app = App::open(dir.path().join("charts.db"), Arc::new(FixedClock(now))).expect("open");
    crate::demo::build(&app).expect("the demo builds");
    (dir, app)
}

#[test]
fn the_money_series_equal_the_families_histories_to_the_cent() {
    let (_dir, app) = demo();
    let period = ChartPeriod::around(app.today());
    let structures = chart_structures(&app, &Acting::operator()).expect("structures");
    assert!(!structures.is_empty());
    let families = app
        .query(|conn| Ok(projections::families(conn, app.today())?))
        .expect("families");
    let mut consumptions_all = vec![Money::ZERO; period.months().len()];
    let mut seen_any = false;
    for (structure, _) in &structures {
        let charts = charts(&app, &Acting::operator(), *structure, period).expect("charts");
        for (i, month) in charts.money.iter().enumerate() {
            consumptions_all[i] = consumptions_all[i] + month.consumptions;
            let expected: Money = families
                .iter()
                .filter(|f| f.structures.contains(structure))
                .map(|f| {
                    crate::money::payment_history(&app, f.family_id, month.month)
                        .expect("history")
                        .total
                })
                .sum();
            assert_eq!(month.payments, expected, "{structure} {}", month.month);
            seen_any |= month.payments != Money::ZERO;
        }
    }
    for (i, month) in period.months().into_iter().enumerate() {
        let expected: Money = families
            .iter()
            .map(|f| {
                crate::money::consumption_history(&app, f.family_id, month)
                    .expect("history")
                    .total
            })
            .sum();
        assert_eq!(consumptions_all[i], expected, "{month}");
        seen_any |= expected != Money::ZERO;
    }
    assert!(seen_any, "the demo has money in the period");
}

#[test]
fn occupancy_and_pressure_are_the_slots_of_the_read_models() {
    let (_dir, app) = demo();
    let period = ChartPeriod::around(app.today());
    let quinsac = StructureId::from_uuid(derive_id("structure", "quinsac"));
    let charts = charts(&app, &Acting::operator(), quinsac, period).expect("charts");
    assert!(!charts.occupancy.is_empty());
    for row in &charts.occupancy {
        assert!(row.accepted <= row.offered, "{row:?}");
        assert!(row.percent() <= 100);
    }
    assert!(charts.occupancy.iter().any(|r| r.accepted > 0));
    let expected: Vec<u32> = charts
        .pressure
        .iter()
        .map(|d| {
            app.query(|conn| {
                let mut total = 0;
                for a in projections::activities(conn, d.day)?
                    .into_iter()
                    .filter(|a| a.structure_id == quinsac)
                {
                    total +=
                        projections::booking::slot_counts(conn, a.activity_id, d.day)?.waitlisted;
                }
                Ok(total)
            })
            .expect("slots")
        })
        .collect();
    let shown: Vec<u32> = charts.pressure.iter().map(|d| d.waitlisted).collect();
    assert_eq!(shown, expected);
    assert!(shown.iter().any(|w| *w > 0), "the demo has a waitlist");
}

#[test]
fn a_period_backwards_or_too_long_is_refused_and_an_accueil_sees_no_chart() {
    let day = |y, m| chrono::NaiveDate::from_ymd_opt(y, m, 1).expect("a day");
    assert!(matches!(
        ChartPeriod::new(day(2026, 5,), day(2026, 4)),
        Err(AppError::Console(ConsoleRefusal::PeriodBackwards))
    ));
    assert!(matches!(
        ChartPeriod::new(day(2026, 1), day(2027, 1)),
        Err(AppError::Console(ConsoleRefusal::PeriodTooLong))
    ));
    assert_eq!(
        ChartPeriod::new(day(2026, 1), day(2026, 12))
            .expect("twelve months")
            .months()
            .len(),
        12
    );
    let (_dir, app) = demo();
    let accueil = Acting::member(&crate::staff::StaffMember {
        staff_id: domain::ids::StaffId::from_uuid(derive_id("staff", "a")),
        login: "a".to_owned(),
        name: "A".to_owned(),
        email: None,
        rights: domain::staff::StaffRights {
            roles: vec![domain::staff::Role::Accueil],
            structures: vec![StructureId::from_uuid(derive_id("structure", "quinsac"))],
        },
        activated: true,
        enrolled: true,
        disabled: false,
        demo: false,
    });
    let quinsac = StructureId::from_uuid(derive_id("structure", "quinsac"));
    let refused = charts(&app, &accueil, quinsac, ChartPeriod::around(app.today()));
    assert!(matches!(
        refused,
        Err(AppError::Staff(StaffRefusal::NotAllowed(
            Permission::ViewBoards
        )))
    ));
}
