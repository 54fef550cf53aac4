//! The calendar feed over the demo world.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use domain::booking::ReservationState;
use domain::ids::{FamilyId, derive_id};

use super::*;
use crate::{App, FixedClock};

fn demo() -> (tempfile::TempDir, App) {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 25, 8, 0, 0)
        .single()
        .expect("a valid instant");
    let dir = tempfile::tempdir().expect("temporary directory");
    let app = App::open(dir.path().join("agenda.db"), Arc::new(FixedClock(now))).expect("open");
    crate::demo::build(&app).expect("the demo builds");
    (dir, app)
}

fn family(login: &str) -> FamilyId {
    FamilyId::from_uuid(derive_id("family", login))
}

#[test]
fn the_feed_lists_the_family_s_accepted_places_once_each_and_nothing_else() {
    let (_dir, app) = demo();
    let token = create_agenda_feed(&app, family("dupont")).expect("created");
    let text = agenda_calendar(&app, &token)
        .expect("read")
        .expect("an active feed");
    let accepted: Vec<_> = app
        .query(|conn| Ok(projections::booking::follow_up(conn, family("dupont"))?))
        .expect("follow-up")
        .into_iter()
        .filter(|r| r.state == ReservationState::Accepted)
        .collect();
    assert!(
        !accepted.is_empty(),
        "dupont has accepted places in the demo"
    );
    assert_eq!(text.matches("BEGIN:VEVENT").count(), accepted.len());
    for place in &accepted {
        let reservation = place
            .reservation_id
            .expect("an accepted place has its reservation");
        assert_eq!(
            text.matches(&format!("UID:{reservation}@portail-famille"))
                .count(),
            1
        );
    }
    assert!(text.contains("Lilou DUPONT") || text.contains("Antoine DUPONT"));
    let again = agenda_calendar(&app, &token)
        .expect("read")
        .expect("still active");
    assert_eq!(
        again
            .lines()
            .filter(|l| l.starts_with("UID:"))
            .collect::<Vec<_>>(),
        text.lines()
            .filter(|l| l.starts_with("UID:"))
            .collect::<Vec<_>>(),
        "UIDs are stable"
    );
}

#[test]
fn a_revoked_or_replaced_address_opens_nothing_and_the_token_is_shown_only_when_handed_back() {
    let (_dir, app) = demo();
    let first = create_agenda_feed(&app, family("dupont")).expect("created");
    let status = agenda_feed(&app, family("dupont"), Some(first.clone())).expect("status");
    assert_eq!(status.token, Some(first.clone()));
    assert!(status.since.is_some());
    let second = create_agenda_feed(&app, family("dupont")).expect("replaced");
    assert_eq!(agenda_calendar(&app, &first).expect("read"), None);
    assert!(agenda_calendar(&app, &second).expect("read").is_some());
    let stale = agenda_feed(&app, family("dupont"), Some(first)).expect("status");
    assert_eq!(
        stale.token, None,
        "an old token is not shown as the address"
    );
    let elsewhere = agenda_feed(&app, family("martin"), Some(second.clone())).expect("status");
    assert_eq!(elsewhere.token, None, "another family's token is not shown");
    revoke_agenda_feed(&app, family("dupont")).expect("revoked");
    assert_eq!(agenda_calendar(&app, &second).expect("read"), None);
    assert_eq!(
        agenda_feed(&app, family("dupont"), None)
            .expect("status")
            .since,
        None
    );
}
