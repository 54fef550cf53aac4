use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, TimeZone, Utc};
use domain::booking::DayState;
use domain::ids::{ChildId, FamilyId, ReservationId, derive_id};

use super::build;
use super::world::{World, at};
use crate::booking::{self, LineRequest};
use crate::{App, AppError, FixedClock};

/// The demo built with the clock stopped at `local`, Paris time.
fn demo_at(local: &str) -> (tempfile::TempDir, App) {
    let now = chrono::NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M")
        .map(|t| {
            chrono_tz::Europe::Paris
                .from_local_datetime(&t)
                .earliest()
                .expect("the test instants exist in Paris")
                .with_timezone(&Utc)
        })
        .expect("test instants are valid");
    let dir = tempfile::tempdir().expect("temporary directory");
    let app = App::open(dir.path().join("demo.db"), Arc::new(FixedClock(now))).expect("open");
    build(&app).expect("the demo builds");
    (dir, app)
}

fn family(login: &str) -> FamilyId {
    FamilyId::from_uuid(derive_id("family", login))
}

fn lilou() -> ChildId {
    ChildId::from_uuid(derive_id("child", "dupont/lilou"))
}

fn last_cut_off(app: &App) -> Option<DateTime<Utc>> {
    app.query(|conn| Ok(projections::booking::last_transmission(conn)?))
        .expect("query")
        .map(|t| t.cut_off)
}

/// The dates the demo must look alive at: the 1st, the 15th, the last day of a month, a
/// Sunday, 31 December, 01:30 Paris, and a May whose 1st and 8th are Wednesdays (holidays).
const DATES: [&str; 8] = [
    "2026-10-01 09:00",
    "2026-10-15 14:00",
    "2026-09-30 20:00",
    "2026-11-01 11:00",
    "2025-12-31 10:00",
    "2026-11-25 01:30",
    "2026-06-01 01:30",
    "2024-04-30 19:00",
];

#[test]
fn built_at_0130_the_last_transmission_is_last_night_not_tonight() {
    // Given the clock at 01:30 Paris, before tonight's 02:00 transmission
    let (_dir, app) = demo_at("2026-11-25 01:30");
    // When the demo is built
    // Then « Dernière mise à jour » is yesterday's 02:00, not a time still to come
    let cut_off = last_cut_off(&app).expect("the demo has transmissions");
    assert!(cut_off <= app.now(), "{cut_off} is after {}", app.now());
    assert_eq!(
        cut_off,
        domain::deadline::paris_instant(
            NaiveDate::from_ymd_opt(2026, 11, 24)
                .expect("valid")
                .and_time(at(2, 0))
        )
    );
    // And a transmission run now records its decisions instead of finding nothing to do
    let report = booking::transmit(&app, app.now()).expect("transmits");
    assert!(report.transmission_id.is_some(), "{report:?}");
    assert_eq!(report.previous_cut_off, Some(cut_off));
}

#[test]
fn the_last_update_is_never_in_the_future() {
    // Given the demo at 01:30, and a transmission run with a cut-off tomorrow
    let (_dir, app) = demo_at("2026-11-25 01:30");
    let tomorrow = app.now() + chrono::Duration::days(1);
    booking::transmit(&app, tomorrow).expect("transmits");
    // When the header reads « Dernière mise à jour »
    let shown = app
        .query(|conn| booking::last_update(conn, app.now()))
        .expect("query");
    // Then it is not after now
    assert_eq!(shown, Some(app.now()));
    // And a cut-off before the last one is refused, with the reason
    let refused = booking::transmit(&app, app.now());
    assert!(
        matches!(&refused, Err(AppError::Booking(r)) if r.to_string().contains("antérieure")),
        "{refused:?}"
    );
}

#[test]
fn whatever_the_day_it_is_built_the_demo_shows_what_the_guide_describes() {
    for local in DATES {
        // Given the demo built at this date
        let (_dir, app) = demo_at(local);
        let today = app.today();
        let dupont = family("dupont");
        let this_month = today.with_day(1).expect("valid");
        let previous_month = this_month - Months::new(1);
        let end_of_next_month = this_month + Months::new(2) - Days::new(1);

        // Then « Dernière mise à jour » is not in the future
        let cut_off = last_cut_off(&app).expect("transmitted");
        assert!(cut_off <= app.now(), "{local}: {cut_off}");

        // And « Historique des consommations » has lines this month and the month before
        for month in [this_month, previous_month] {
            let history = crate::money::consumption_history(&app, dupont, month).expect("history");
            assert!(
                !history.lines.is_empty(),
                "{local}: no consumption in {month}"
            );
            assert!(history.lines.iter().all(|l| l.day <= today), "{local}");
        }

        // And Lilou's calendar shows the six colour states within this month and the next
        let calendar =
            crate::portal::days(&app, dupont, lilou(), this_month, end_of_next_month, None)
                .expect("calendar");
        let seen: BTreeSet<String> = calendar
            .iter()
            .flat_map(|d| &d.cells)
            .map(|c| format!("{:?}", c.state))
            .collect();
        for state in [
            DayState::Closed,
            DayState::Open,
            DayState::Booked,
            DayState::BookedLocked,
            DayState::FullWaitlistOpen,
            DayState::Full,
        ] {
            assert!(
                seen.contains(&format!("{state:?}")),
                "{local}: {state:?} missing from Lilou's calendar: {seen:?}"
            );
        }

        // When the transmission runs (its cut-off is on the log's clock)
        let report = booking::transmit(&app, Utc::now()).expect("transmits");
        // Then one of Lilou's requests is refused, and Suivi says why
        assert_eq!(report.counts.refused, 1, "{local}: {report:?}");
        let lines = crate::listing::reservations(&app, dupont).expect("Suivi");
        let refused: Vec<_> = lines
            .iter()
            .filter(|l| l.state == domain::booking::ReservationState::Refused)
            .collect();
        assert_eq!(refused.len(), 1, "{local}: {lines:?}");
        assert!(
            refused[0]
                .reason
                .as_deref()
                .is_some_and(|r| r.contains("liste d'attente")),
            "{local}: {refused:?}"
        );

        // When Jean-Paul DUPONT cancels Lilou's morning of the second Wednesday, which a
        // child waits for, and the cancellation is transmitted
        let second = World::new(today, app.now()).coming_wednesdays()[1];
        let place = lines
            .iter()
            .find(|l| l.day == second && l.state == domain::booking::ReservationState::Accepted)
            .and_then(|l| l.reservation_id)
            .expect("Lilou holds the second Wednesday's morning");
        booking::submit_basket(
            &app,
            "family:dupont",
            dupont,
            "test-cancel",
            vec![LineRequest::Cancel {
                reservation_id: ReservationId(place),
            }],
        )
        .expect("the cancellation is in time");
        let report = booking::transmit(&app, Utc::now()).expect("transmits");
        // Then the waiting child gets the place and the family is told by mail (the
        // transmission's report)
        assert_eq!(report.counts.promoted, 1, "{local}: {report:?}");
        let mails = app
            .query(|conn| Ok(mail::list(conn, mail::OutboxFilter::All)?))
            .expect("outbox");
        assert!(
            mails
                .iter()
                .any(|m| m.recipient == "claire.moreau@example.org"),
            "{local}: {mails:?}"
        );
    }
}

#[test]
fn the_demo_s_past_days_were_taken_at_the_desk_but_the_last_wednesday_s_sheet_is_left_to_take() {
    // Given the demo built on Wednesday 25 November 2026
    let (_dir, app) = demo_at("2026-11-25 09:00");
    let marks = |day: &str| {
        let day = NaiveDate::parse_from_str(day, "%Y-%m-%d").expect("day");
        app.query(move |conn| Ok(projections::marks_of_day(conn, day)?))
            .expect("marks")
    };
    // Then Lilou came on the 4th, as every child with a place that day
    assert!(
        marks("2026-11-04")
            .iter()
            .any(|m| m.child_id == lilou() && m.mark == domain::attendance::Mark::Present)
    );
    // And the sheet the guide sends the desk to (last Wednesday, the 18th) is still to take
    assert!(marks("2026-11-18").is_empty());
    // And the CAF's export of October has its children and hours
    let october = crate::exports::export(
        &app,
        &crate::staff::Acting::operator(),
        crate::exports::ExportRequest {
            kind: crate::exports::ExportKind::Attendance,
            month: crate::exports::ExportMonth::parse("2026-10").expect("month"),
            structure: None,
        },
    )
    .expect("the operator exports");
    assert!(
        october.lines > 0,
        "{}",
        String::from_utf8_lossy(&october.bytes)
    );
}
