use std::sync::Arc;

use chrono::{Datelike, Days, TimeZone, Utc};
use domain::booking::DayState;
use domain::ids::{ChildId, FamilyId, derive_id};

use crate::{App, FixedClock};

pub(crate) fn demo() -> (tempfile::TempDir, App) {
    let now = Utc
        .with_ymd_and_hms(2026, 10, 1, 8, 0, 0)
        .single()
        .unwrap_or_else(|| panic!("a valid instant"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let app = App::open(dir.path().join("demo.db"), Arc::new(FixedClock(now)))
        .unwrap_or_else(|e| panic!("{e}"));
    crate::demo::build(&app).unwrap_or_else(|e| panic!("{e}"));
    (dir, app)
}

fn dupont() -> FamilyId {
    FamilyId::from_uuid(derive_id("family", "dupont"))
}

fn lilou() -> ChildId {
    ChildId::from_uuid(derive_id("child", "dupont/lilou"))
}

#[test]
fn a_capacity_changed_in_the_middle_of_the_month_shows_from_that_day_as_each_day_alone_shows_it() {
    // Given Lilou's month, and an activity of hers whose capacity falls to nothing from a day
    // in the middle of the month
    let (_dir, app) = demo();
    let month = app.today().with_day(1).unwrap_or_else(|| app.today());
    let before =
        super::month(&app, dupont(), lilou(), month, None).unwrap_or_else(|e| panic!("{e}"));
    let (from, activity) = before
        .iter()
        .filter(|d| d.day.day() >= 10)
        .find_map(|d| {
            d.cells
                .iter()
                .find(|c| c.state != DayState::Closed && c.booking.is_none())
                .map(|c| (d.day, c.activity_id))
        })
        .unwrap_or_else(|| panic!("Lilou has an open day after the 10th"));
    app.execute("test:capacity", move |command| {
        command.emit(domain::event::payloads::ActivityCapacityChanged {
            activity_id: activity,
            effective_from: from,
            capacity: 0,
            waitlist_size: 0,
        })?;
        Ok(())
    })
    .unwrap_or_else(|e| panic!("{e}"));
    // When the month is read whole
    let after =
        super::month(&app, dupont(), lilou(), month, None).unwrap_or_else(|e| panic!("{e}"));
    // Then every day reads as that day alone reads, the change shows from its day on, and the
    // days before it are as they were
    for day in &after {
        let alone = super::days(&app, dupont(), lilou(), day.day, day.day, None)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(alone.as_slice(), std::slice::from_ref(day), "{}", day.day);
    }
    let state_on = |days: &[super::CalendarDay], on| {
        days.iter()
            .find(|d| d.day == on)
            .and_then(|d| d.cells.iter().find(|c| c.activity_id == activity))
            .map(|c| c.state)
    };
    assert_ne!(state_on(&before, from), state_on(&after, from));
    let earlier = from - Days::new(1);
    assert_eq!(state_on(&before, earlier), state_on(&after, earlier));
}
