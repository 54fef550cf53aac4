//! The boards over the demo world on Wednesday 25 November 2026: every figure equals what
//! `portail waitlist show` and `portail activities list` read, the states follow the figures,
//! and a member of another structure is refused.

use std::sync::Arc;

use chrono::{NaiveDate, TimeZone, Utc};
use domain::booking::{BoardState, RequestKind};
use domain::ids::{ActivityId, StaffId, StructureId, derive_id};
use domain::staff::{Permission, Role, StaffRights};

use super::*;
use crate::staff::{Acting, StaffMember, StaffRefusal};
use crate::{App, AppError, FixedClock};

fn demo() -> (tempfile::TempDir, App) {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 25, 8, 0, 0)
        .single()
        .expect("a valid instant");
    let dir = tempfile::tempdir().expect("temporary directory");
    let app = App::open(dir.path().join("boards.db"), Arc::new(FixedClock(now))).expect("open");
    crate::demo::build(&app).expect("the demo builds");
    (dir, app)
}

fn structure(key: &str) -> StructureId {
    StructureId::from_uuid(derive_id("structure", key))
}

fn activity(key: &str) -> ActivityId {
    ActivityId::from_uuid(derive_id("activity", key))
}

fn day(text: &str) -> NaiveDate {
    text.parse().expect("a day")
}

fn director_of(structures: &[StructureId]) -> Acting {
    Acting::member(&StaffMember {
        staff_id: StaffId::from_uuid(derive_id("staff", "directrice")),
        login: "directrice".to_owned(),
        name: "Directrice".to_owned(),
        email: None,
        rights: StaffRights {
            roles: vec![Role::Direction],
            structures: structures.to_vec(),
        },
        activated: true,
        enrolled: true,
        disabled: false,
        demo: false,
    })
}

fn board(app: &App, period: Period) -> OccupancyBoard {
    occupancy(
        app,
        &director_of(&[structure("quinsac")]),
        structure("quinsac"),
        period,
    )
    .expect("the board reads")
    .expect("quinsac exists")
}

#[test]
fn given_the_demo_when_the_month_is_shown_then_every_cell_equals_the_cli_listings() {
    let (_dir, app) = demo();
    let board = board(&app, Period::Month(day("2026-12-01")));
    let listed = crate::listing::activities(&app).expect("activities list");
    assert!(!board.days.is_empty());
    assert!(board.rows.len() >= 2, "{board:?}");
    let mut compared = 0;
    for row in &board.rows {
        let setup = listed
            .iter()
            .find(|a| a.id == row.activity_id.0)
            .expect("the activity is listed");
        assert_eq!(row.label, setup.label);
        assert_eq!(row.cells.len(), board.days.len());
        for (shown, cell) in board.days.iter().zip(&row.cells) {
            let cell = cell.expect("the activity runs in December");
            assert_eq!(cell.day, *shown);
            let slot = crate::listing::slot(&app, row.activity_id, *shown).expect("waitlist show");
            assert_eq!(
                cell.figures,
                SlotFigures {
                    accepted: slot.accepted,
                    capacity: slot.capacity,
                    waitlisted: slot.waitlisted,
                    waitlist_size: slot.waitlist_size,
                    pending: slot.pending,
                },
                "{} {shown}",
                row.label
            );
            assert_eq!(cell.figures.capacity, setup.capacity);
            assert_eq!(cell.figures.waitlist_size, setup.waitlist);
            compared += 1;
        }
    }
    assert!(compared > 10, "{compared} cells compared");
}

#[test]
fn given_the_demo_wednesdays_then_the_board_shows_the_states_of_the_seed_guide() {
    let (_dir, app) = demo();
    let board = board(&app, Period::Month(day("2026-12-01")));
    let state = |key: &str, on: &str| {
        let row = board
            .rows
            .iter()
            .find(|r| r.activity_id == activity(key))
            .expect("the activity is on the board");
        let i = board
            .days
            .iter()
            .position(|d| *d == day(on))
            .expect("the day is shown");
        row.cells[i].expect("a cell").state
    };
    // The second Wednesday's morning is full, one child waits; the third's waitlist is full.
    assert_eq!(
        state("alsh-6-12-matin", "2026-12-09"),
        BoardState::FullWaitlistOpen
    );
    assert_eq!(state("alsh-6-12-matin", "2026-12-16"), BoardState::Full);
    assert_eq!(
        state("alsh-3-6-journee", "2026-12-09"),
        BoardState::FreePlaces
    );
    for cell in board.rows.iter().flat_map(|r| r.cells.iter().flatten()) {
        assert!(!state_label(cell.state).is_empty());
    }
    // A week is the seven days from its Monday, those with nothing open left out.
    let week = self::board(&app, Period::week_of(day("2026-12-10")));
    assert_eq!(week.period, Period::Week(day("2026-12-07")));
    assert!(week.days.contains(&day("2026-12-09")));
    assert!(
        week.days
            .iter()
            .all(|d| *d >= day("2026-12-07") && *d <= day("2026-12-13"))
    );
}

#[test]
fn given_a_day_when_its_detail_is_read_then_the_lists_match_the_figures_and_the_waitlist_show() {
    let (_dir, app) = demo();
    let by = director_of(&[structure("quinsac")]);
    let (matin, second) = (activity("alsh-6-12-matin"), day("2026-12-09"));
    let detail = day_detail(&app, &by, matin, second)
        .expect("the detail reads")
        .expect("the activity exists");
    let slot = crate::listing::slot(&app, matin, second).expect("waitlist show");
    assert_eq!(detail.accepted.len() as u32, detail.figures.accepted);
    assert_eq!(detail.figures.accepted, slot.accepted);
    let ranks: Vec<(u32, uuid::Uuid)> = detail
        .waitlist
        .iter()
        .map(|w| (w.rank, w.reservation_id.0))
        .collect();
    let shown: Vec<(u32, uuid::Uuid)> = slot
        .waitlist
        .iter()
        .map(|e| (e.rank.unwrap_or(0), e.reservation_id))
        .collect();
    assert_eq!(ranks, shown);
    assert!(!detail.waitlist.is_empty());
    assert!(detail.waitlist.iter().all(|w| w.since.is_some()));
    assert!(detail.accepted.iter().any(|a| a.child == "DUPONT Lilou"));
    assert_eq!(detail.structure_id, structure("quinsac"));
    assert_eq!(detail.state, BoardState::FullWaitlistOpen);
}

#[test]
fn given_a_request_not_transmitted_then_the_detail_lists_it_in_log_order_with_its_kind() {
    let (_dir, app) = demo();
    let by = director_of(&[structure("quinsac")]);
    let (afternoon, third) = (activity("alsh-6-12-apres-midi"), day("2026-12-16"));
    let detail = day_detail(&app, &by, afternoon, third)
        .expect("the detail reads")
        .expect("the activity exists");
    assert_eq!(detail.pending.len() as u32, detail.figures.pending);
    let lilou = detail
        .pending
        .iter()
        .find(|p| p.child == "DUPONT Lilou")
        .expect("Lilou's request waits for the transmission");
    assert_eq!(lilou.kind, RequestKind::Booking);
    assert_eq!(request_kind_label(lilou.kind), "réservation");
    assert!(lilou.received_at.is_some());
    let times: Vec<_> = detail.pending.iter().map(|p| p.received_at).collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted);
}

#[test]
fn given_a_director_of_another_structure_then_the_boards_are_refused_and_not_offered() {
    let (_dir, app) = demo();
    let latresne = director_of(&[structure("latresne")]);
    let refused = occupancy(
        &app,
        &latresne,
        structure("quinsac"),
        Period::week_of(day("2026-12-09")),
    );
    assert!(matches!(
        refused,
        Err(AppError::Staff(StaffRefusal::NotAllowed(
            Permission::ViewBoards
        )))
    ));
    let detail = day_detail(
        &app,
        &latresne,
        activity("alsh-6-12-matin"),
        day("2026-12-09"),
    );
    assert!(matches!(
        detail,
        Err(AppError::Staff(StaffRefusal::NotAllowed(
            Permission::ViewBoards
        )))
    ));
    let offered: Vec<StructureId> = board_structures(&app, &latresne)
        .expect("structures")
        .into_iter()
        .map(|s| s.structure_id)
        .collect();
    assert_eq!(offered, vec![structure("latresne")]);
    let operator: Vec<StructureId> = board_structures(&app, &Acting::operator())
        .expect("structures")
        .into_iter()
        .map(|s| s.structure_id)
        .collect();
    assert_eq!(operator.len(), 2);
}

#[test]
fn given_an_unknown_structure_or_activity_then_nothing_is_shown() {
    let (_dir, app) = demo();
    let unknown = StructureId::from_uuid(uuid::Uuid::from_u128(7));
    let board = occupancy(
        &app,
        &Acting::operator(),
        unknown,
        Period::week_of(day("2026-12-09")),
    )
    .expect("reads");
    assert_eq!(board, None);
    let detail = day_detail(
        &app,
        &Acting::operator(),
        ActivityId::from_uuid(uuid::Uuid::from_u128(7)),
        day("2026-12-09"),
    )
    .expect("reads");
    assert_eq!(detail, None);
}

#[test]
fn given_a_capacity_raise_then_the_detail_lists_it_with_its_reason_and_the_figures_follow() {
    let (_dir, app) = demo();
    let by = director_of(&[structure("quinsac")]);
    let (matin, second) = (activity("alsh-6-12-matin"), day("2026-12-09"));
    let before = day_detail(&app, &by, matin, second)
        .expect("reads")
        .expect("exists");
    assert!(before.actions.is_empty());
    let reason = crate::days::Reason::parse("Un animateur de plus").expect("a reason");
    let raised = before.figures.capacity + 2;
    crate::days::change_capacity(
        &app,
        &by,
        matin,
        second,
        raised,
        before.figures.waitlist_size,
        reason,
    )
    .expect("the capacity changes");
    let after = day_detail(&app, &by, matin, second)
        .expect("reads")
        .expect("exists");
    let slot = crate::listing::slot(&app, matin, second).expect("waitlist show");
    assert_eq!(after.figures.capacity, raised);
    assert_eq!(after.figures.accepted, slot.accepted);
    assert_eq!(after.figures.waitlisted, slot.waitlisted);
    assert!(after.figures.accepted > before.figures.accepted, "promoted");
    assert_eq!(after.actions.len(), 1);
    assert_eq!(after.actions[0].reason, "Un animateur de plus");
    assert!(matches!(
        after.actions[0].what,
        crate::days::DayActionKind::CapacityChanged { capacity, .. } if capacity == raised
    ));
}

#[test]
fn given_a_day_closed_exceptionally_then_the_board_says_so_and_the_figures_follow_the_cli() {
    let (_dir, app) = demo();
    let by = director_of(&[structure("quinsac")]);
    let (matin, second) = (activity("alsh-6-12-matin"), day("2026-12-09"));
    let reason = crate::days::Reason::parse("Fuite d'eau au centre").expect("a reason");
    crate::days::close_day(&app, &by, matin, second, reason).expect("the day closes");
    let board = board(&app, Period::week_of(second));
    let i = board
        .days
        .iter()
        .position(|d| *d == second)
        .expect("the day is still shown");
    let row = board
        .rows
        .iter()
        .find(|r| r.activity_id == matin)
        .expect("the activity");
    let cell = row.cells[i].expect("a cell");
    assert_eq!(cell.state, BoardState::ClosedExceptionally);
    assert_eq!(state_label(cell.state), "Fermé exceptionnellement");
    let slot = crate::listing::slot(&app, matin, second).expect("waitlist show");
    assert_eq!(cell.figures.accepted, slot.accepted);
    assert_eq!(cell.figures.waitlisted, slot.waitlisted);
    let detail = day_detail(&app, &by, matin, second)
        .expect("reads")
        .expect("exists");
    assert_eq!(detail.state, BoardState::ClosedExceptionally);
    assert!(detail.accepted.is_empty(), "the places were cancelled");
    assert!(detail.actions.iter().any(|a| {
        a.what == crate::days::DayActionKind::Closed && a.reason == "Fuite d'eau au centre"
    }));
}
