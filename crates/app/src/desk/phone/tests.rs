//! The phone basket in a staff session: the parent's basket and rules, for one family at a
//! time, recorded under the member's actor.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use domain::ids::{ActivityId, ChildId, FamilyId, StaffId, StructureId, derive_id};
use domain::staff::{Role, StaffRights};

use crate::booking::LineOutcome;
use crate::portal::{Click, Clicked, DayChoice};
use crate::staff::{Acting, StaffMember, StaffSession, Stage, open_staff_session, staff_session};
use crate::{App, AppError, FixedClock};

const SETUP: &str = r#"
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
ages = [3, 12]
price = "10.00"
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
structures = ["centre"]

[[families.children]]
key = "lilou"
first_name = "Lilou"
last_name = "DUPONT"
birth_date = "2017-05-12"

[[families]]
login = "petit"
payer = "PETIT Anne"
structures = ["centre"]

[[families.children]]
key = "jules"
first_name = "Jules"
last_name = "PETIT"
birth_date = "2016-01-02"
"#;

fn family(login: &str) -> FamilyId {
    FamilyId(derive_id("family", login))
}

fn child(path: &str) -> ChildId {
    ChildId(derive_id("child", path))
}

fn wednesday(path: &str, day: &str) -> Click {
    Click::Book(DayChoice {
        child_id: child(path),
        activity_id: ActivityId(derive_id("activity", "journee")),
        day: day.parse().unwrap(),
    })
}

/// The test world on Monday 4 January 2027, and a session of a member with `role` on the
/// centre.
fn world(dir: &tempfile::TempDir, role: Role) -> (App, Acting, StaffSession) {
    let now = Utc.with_ymd_and_hms(2027, 1, 4, 9, 0, 0).unwrap();
    let app = App::open(dir.path().join("phone.db"), Arc::new(FixedClock(now))).unwrap();
    let setup = crate::setup::file::parse_setup(SETUP, "t.toml").unwrap();
    crate::setup::import::import(&app, &Acting::operator(), setup, app.today()).unwrap();
    let member = StaffMember {
        staff_id: StaffId(uuid::Uuid::from_u128(7)),
        login: role.code().to_owned(),
        name: "Agent".to_owned(),
        email: None,
        rights: StaffRights {
            roles: vec![role],
            structures: vec![StructureId(derive_id("structure", "centre"))],
        },
        activated: true,
        enrolled: true,
        disabled: false,
        demo: false,
    };
    let opened = member.clone();
    let token = app
        .execute("test:staff", move |command| {
            command.conn().execute(
                "INSERT INTO staff_accounts (staff_id, login, name, roles, structure_ids, password_hash, totp_enrolled_at)
                 VALUES (?1, ?2, 'Agent', ?3, ?4, 'x', '2027-01-01T00:00:00Z')",
                rusqlite::params![
                    opened.staff_id.to_string(),
                    opened.login,
                    serde_json::to_string(&opened.rights.roles).unwrap(),
                    serde_json::to_string(&opened.rights.structures).unwrap()
                ],
            )?;
            open_staff_session(command.conn(), &opened, Stage::Ready, command.now())
        })
        .unwrap();
    let session = staff_session(&app, &token).unwrap().unwrap();
    (app, Acting::member(&member), session)
}

#[test]
fn a_day_clicked_for_a_family_goes_into_the_session_s_phone_basket_and_is_recorded_under_the_member()
 {
    let dir = tempfile::tempdir().unwrap();
    let (app, agent, session) = world(&dir, Role::Accueil);
    let dupont = family("dupont");
    let click = wednesday("dupont/lilou", "2027-01-13");
    let clicked =
        super::phone_click(&app, &agent, &session, dupont, child("dupont/lilou"), click).unwrap();
    assert_eq!(clicked, Clicked::Done);
    let phone = super::phone_basket(&app, &session).unwrap();
    assert_eq!(phone.family, Some(dupont));
    assert_eq!(phone.basket.lines.len(), 1);

    let form = phone.basket.form_id.clone();
    let receipt =
        super::validate_phone_basket(&app, &agent, &session, dupont, &form, None).unwrap();
    assert!(matches!(receipt.lines[0].1, LineOutcome::Requested { .. }));
    let last = app
        .store
        .read_range(1, None, 256)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.event_type == "BookingRequested")
        .last()
        .unwrap();
    assert_eq!(last.metadata_json().unwrap()["actor"], agent.actor_text());
    let renewed = super::phone_basket(&app, &session).unwrap();
    assert!(renewed.basket.lines.is_empty());
    assert_ne!(
        renewed.basket.form_id, form,
        "a new form for the next basket"
    );
}

#[test]
fn acting_for_another_family_empties_the_phone_basket_of_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let (app, agent, session) = world(&dir, Role::Accueil);
    let (dupont, petit) = (family("dupont"), family("petit"));
    let lilou = wednesday("dupont/lilou", "2027-01-13");
    super::phone_click(&app, &agent, &session, dupont, child("dupont/lilou"), lilou).unwrap();
    let phone = super::phone_basket(&app, &session).unwrap();
    assert!(phone.holds_other_family(petit));
    assert!(phone.for_family(petit).lines.is_empty());

    let jules = wednesday("petit/jules", "2027-01-20");
    super::phone_click(&app, &agent, &session, petit, child("petit/jules"), jules).unwrap();
    let phone = super::phone_basket(&app, &session).unwrap();
    assert_eq!(phone.family, Some(petit));
    assert_eq!(
        phone.basket.lines.len(),
        1,
        "only Jules's day: Lilou's went"
    );
    assert!(phone.for_family(dupont).lines.is_empty());
}

#[test]
fn a_child_of_another_family_names_nothing_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (app, agent, session) = world(&dir, Role::Accueil);
    let jules = wednesday("petit/jules", "2027-01-13");
    let clicked = super::phone_click(
        &app,
        &agent,
        &session,
        family("dupont"),
        child("petit/jules"),
        jules,
    )
    .unwrap();
    assert_eq!(clicked, Clicked::NotTheirs);
    assert_eq!(super::phone_basket(&app, &session).unwrap().family, None);
}

#[test]
fn a_member_who_may_not_book_by_phone_changes_no_basket() {
    let dir = tempfile::tempdir().unwrap();
    let (app, regie, session) = world(&dir, Role::Regie);
    let click = wednesday("dupont/lilou", "2027-01-13");
    let refused = super::phone_click(
        &app,
        &regie,
        &session,
        family("dupont"),
        child("dupont/lilou"),
        click,
    );
    assert!(matches!(refused, Err(AppError::Staff(_))), "{refused:?}");
    assert_eq!(super::phone_basket(&app, &session).unwrap().family, None);
    let served = super::phone_family(&app, &regie, family("dupont"));
    assert!(matches!(served, Err(AppError::Staff(_))));
}

#[test]
fn only_a_director_may_set_a_deadline_aside_for_the_family() {
    let dir = tempfile::tempdir().unwrap();
    let (app, agent, _) = world(&dir, Role::Accueil);
    let served = super::phone_family(&app, &agent, family("dupont"))
        .unwrap()
        .unwrap();
    assert!(!served.may_override);
    assert_eq!(served.children.len(), 1);
    let dir = tempfile::tempdir().unwrap();
    let (app, director, _) = world(&dir, Role::Direction);
    let served = super::phone_family(&app, &director, family("dupont"))
        .unwrap()
        .unwrap();
    assert!(served.may_override);
    let unknown = super::phone_family(&app, &director, FamilyId(derive_id("family", "x")));
    assert_eq!(unknown.unwrap(), None);
}
