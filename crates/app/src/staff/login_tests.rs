//! The staff log-in and accounts, over the demo world.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::staff::{Permission, Role};

use super::*;
use crate::accounts::AccountRefusal;
use crate::demo::DEMO_STAFF;
use crate::{App, AppError, Clock};

/// A clock the test moves.
struct TestClock(Mutex<DateTime<Utc>>);

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

struct World {
    _dir: tempfile::TempDir,
    app: App,
    clock: Arc<TestClock>,
}

impl World {
    fn new() -> World {
        let dir = tempfile::tempdir().unwrap();
        let start = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 10).unwrap();
        let clock = Arc::new(TestClock(Mutex::new(start)));
        let app = App::open(dir.path().join("staff.db"), clock.clone()).unwrap();
        crate::demo::build(&app).unwrap();
        World {
            _dir: dir,
            app,
            clock,
        }
    }

    fn advance(&self, by: Duration) {
        *self.clock.0.lock().unwrap() += by;
    }

    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    fn events(&self) -> u64 {
        self.app.store.head().unwrap().position
    }

    fn demo_secret(&self, login: &str) -> TotpSecret {
        DEMO_STAFF
            .iter()
            .find(|s| s.login == login)
            .unwrap()
            .totp_secret()
    }

    /// The password step of a demo account: the pre-log-in token.
    fn password(&self, login: &str) -> String {
        match staff_login(
            &self.app,
            login,
            &format!("portail-demo-{login}"),
            None,
            None,
        )
        .unwrap()
        {
            StaffLoginOutcome::Started { token, stage } => {
                assert_eq!(stage, Stage::SecondFactor);
                token
            }
            other => panic!("{other:?}"),
        }
    }

    fn member(&self, login: &str) -> StaffMember {
        self.app
            .query(|conn| member_by_login(conn, login))
            .unwrap()
            .unwrap()
    }
}

fn staff_refusal<T: std::fmt::Debug>(result: Result<T, AppError>) -> StaffRefusal {
    match result {
        Err(AppError::Staff(refusal)) => refusal,
        other => panic!("{other:?}"),
    }
}

fn account_refusal<T: std::fmt::Debug>(result: Result<T, AppError>) -> AccountRefusal {
    match result {
        Err(AppError::Account(refusal)) => refusal,
        other => panic!("{other:?}"),
    }
}

fn ready(outcome: SecondFactorOutcome) -> String {
    match outcome {
        SecondFactorOutcome::Ready { token } => token,
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_demo_member_logs_in_with_password_then_totp_and_the_token_changes() {
    let world = World::new();
    let pre = world.password("accueil");
    let session = staff_session(&world.app, &pre).unwrap().unwrap();
    assert_eq!(session.stage, Stage::SecondFactor);
    let code = world.demo_secret("accueil").code_at(world.now());
    let token = ready(second_factor(&world.app, &pre, &code, None).unwrap());
    assert_ne!(token, pre);
    assert_eq!(staff_session(&world.app, &pre).unwrap(), None, "rotated");
    let session = staff_session(&world.app, &token).unwrap().unwrap();
    assert_eq!(session.stage, Stage::Ready);
    assert_eq!(session.member.login, "accueil");
}

#[test]
fn a_code_used_once_is_refused_the_second_time_and_two_steps_away_always() {
    let world = World::new();
    let secret = world.demo_secret("regie");
    let code = secret.code_at(world.now());
    ready(second_factor(&world.app, &world.password("regie"), &code, None).unwrap());
    let again = world.password("regie");
    assert_eq!(
        second_factor(&world.app, &again, &code, None).unwrap(),
        SecondFactorOutcome::Rejected,
        "reused"
    );
    let step = time_step(world.now());
    for offset in [-2, 2] {
        assert_eq!(
            second_factor(
                &world.app,
                &again,
                &secret.code_at_step(step + offset),
                None
            )
            .unwrap(),
            SecondFactorOutcome::Rejected,
            "{offset}"
        );
    }
    world.advance(Duration::seconds(6));
    ready(second_factor(&world.app, &again, &secret.code_at_step(step + 1), None).unwrap());
}

#[test]
fn unknown_disabled_and_wrong_passwords_get_the_same_answer() {
    let world = World::new();
    let rejected =
        |login: &str, password: &str| staff_login(&world.app, login, password, None, None).unwrap();
    assert_eq!(
        rejected("personne", "portail-demo-personne"),
        StaffLoginOutcome::Rejected
    );
    assert_eq!(
        rejected("accueil", "portail-demo-autre"),
        StaffLoginOutcome::Rejected
    );
    assert_eq!(
        rejected("dupont", "portail-demo-dupont"),
        StaffLoginOutcome::Rejected,
        "a parent"
    );
    let regie = world.member("regie").staff_id;
    disable_account(&world.app, &Acting::operator(), regie).unwrap();
    assert_eq!(
        rejected("regie", "portail-demo-regie"),
        StaffLoginOutcome::Rejected
    );
}

#[test]
fn failed_codes_are_throttled_like_the_parents_log_in() {
    let world = World::new();
    let pre = world.password("direction");
    for _ in 0..3 {
        assert_eq!(
            second_factor(&world.app, &pre, "000000", None).unwrap(),
            SecondFactorOutcome::Rejected
        );
    }
    let code = world.demo_secret("direction").code_at(world.now());
    assert!(matches!(
        second_factor(&world.app, &pre, &code, None).unwrap(),
        SecondFactorOutcome::Throttled { retry_after_seconds } if retry_after_seconds > 0
    ));
}

/// Opens an account as the operator, activates it: the token of its enrolment session.
fn activated(world: &World, login: &str) -> String {
    let (_, code) = open_account(
        &world.app,
        &Acting::operator(),
        NewStaffAccount {
            login: login.to_owned(),
            name: "Nadia Martin".to_owned(),
            email: None,
            roles: vec![Role::Regie],
            structures: vec![],
        },
    )
    .unwrap();
    activate_staff(
        &world.app,
        login,
        &code,
        "une phrase de passe bien longue",
        None,
    )
    .unwrap()
}

#[test]
fn enrolment_shows_one_secret_confirms_it_with_a_code_and_hands_out_ten_recovery_codes_once_each() {
    let world = World::new();
    let token = activated(&world, "nadia");
    assert_eq!(
        staff_session(&world.app, &token).unwrap().unwrap().stage,
        Stage::Enrolment
    );
    let shown = enrolment(&world.app, &token).unwrap();
    assert_eq!(
        enrolment(&world.app, &token).unwrap(),
        shown,
        "same secret on a reload"
    );
    assert!(
        shown
            .uri
            .starts_with("otpauth://totp/Portail%20Famille:nadia?secret=")
    );
    assert_eq!(
        confirm_enrolment(&world.app, &token, "000000", None).unwrap(),
        EnrolmentOutcome::Rejected
    );
    let code = shown.secret.code_at(world.now());
    let EnrolmentOutcome::Enrolled {
        token: ready_token,
        recovery_codes,
    } = confirm_enrolment(&world.app, &token, &code, None).unwrap()
    else {
        panic!("not enrolled");
    };
    assert_eq!(recovery_codes.len(), RECOVERY_CODES);
    assert_eq!(
        staff_session(&world.app, &ready_token)
            .unwrap()
            .unwrap()
            .stage,
        Stage::Ready
    );
    assert!(world.member("nadia").enrolled);

    let password = |w: &World| match staff_login(
        &w.app,
        "nadia",
        "une phrase de passe bien longue",
        None,
        None,
    )
    .unwrap()
    {
        StaffLoginOutcome::Started {
            token,
            stage: Stage::SecondFactor,
        } => token,
        other => panic!("{other:?}"),
    };
    let pre = password(&world);
    assert_eq!(
        second_factor(&world.app, &pre, &code, None).unwrap(),
        SecondFactorOutcome::Rejected,
        "the enrolment's code is used"
    );
    ready(second_factor(&world.app, &pre, &recovery_codes[3].to_lowercase(), None).unwrap());
    let pre = password(&world);
    assert_eq!(
        second_factor(&world.app, &pre, &recovery_codes[3], None).unwrap(),
        SecondFactorOutcome::Rejected,
        "a recovery code serves once"
    );
    ready(second_factor(&world.app, &pre, &recovery_codes[4], None).unwrap());
}

#[test]
fn a_session_at_enrolment_cannot_pass_the_second_factor_step_nor_the_reverse() {
    let world = World::new();
    let token = activated(&world, "nadia");
    assert_eq!(
        account_refusal(second_factor(&world.app, &token, "123456", None)),
        AccountRefusal::SessionEnded
    );
    let pre = world.password("admin");
    assert_eq!(
        account_refusal(enrolment(&world.app, &pre)),
        AccountRefusal::SessionEnded
    );
}

#[test]
fn staff_sessions_end_after_15_idle_minutes_and_8_hours_in_all() {
    let world = World::new();
    let code = world.demo_secret("admin").code_at(world.now());
    let token = ready(second_factor(&world.app, &world.password("admin"), &code, None).unwrap());
    world.advance(Duration::minutes(14));
    assert!(staff_session(&world.app, &token).unwrap().is_some());
    world.advance(Duration::minutes(16));
    assert_eq!(staff_session(&world.app, &token).unwrap(), None, "idle");

    world.advance(Duration::minutes(1));
    let code = world.demo_secret("admin").code_at(world.now());
    let token = ready(second_factor(&world.app, &world.password("admin"), &code, None).unwrap());
    for _ in 0..34 {
        world.advance(Duration::minutes(14));
        assert!(staff_session(&world.app, &token).unwrap().is_some());
    }
    world.advance(Duration::minutes(14));
    assert_eq!(staff_session(&world.app, &token).unwrap(), None, "8 hours");
}

#[test]
fn accounts_need_a_free_identifiant_a_role_and_structures_for_scoped_roles() {
    let world = World::new();
    let open = |login: &str, roles: Vec<Role>| {
        open_account(
            &world.app,
            &Acting::operator(),
            NewStaffAccount {
                login: login.to_owned(),
                name: "Quelqu'un".to_owned(),
                email: None,
                roles,
                structures: vec![],
            },
        )
        .map(|_| ())
    };
    let before = world.events();
    let refused = |r: StaffRefusal| r;
    assert_eq!(
        staff_refusal(open("accueil", vec![Role::Regie])),
        refused(StaffRefusal::LoginTaken)
    );
    assert_eq!(
        staff_refusal(open("dupont", vec![Role::Regie])),
        refused(StaffRefusal::LoginTaken),
        "a family's"
    );
    assert_eq!(
        staff_refusal(open("Avec Espace", vec![Role::Regie])),
        refused(StaffRefusal::InvalidLogin)
    );
    assert_eq!(
        staff_refusal(open("nadia", vec![])),
        refused(StaffRefusal::NoRole)
    );
    assert_eq!(
        staff_refusal(open("nadia", vec![Role::Accueil])),
        refused(StaffRefusal::NoStructure)
    );
    assert_eq!(world.events(), before, "nothing written");
    open("Nadia", vec![Role::Regie]).unwrap();
    assert_eq!(world.member("nadia").rights.roles, vec![Role::Regie]);
}

#[test]
fn only_administration_manages_accounts_and_each_event_names_its_author() {
    let world = World::new();
    let accueil = Acting::member(&world.member("accueil"));
    let admin = Acting::member(&world.member("admin"));
    let regie = world.member("regie").staff_id;
    let before = world.events();
    assert_eq!(
        staff_refusal(disable_account(&world.app, &accueil, regie)),
        StaffRefusal::NotAllowed(Permission::ManageStaff)
    );
    assert_eq!(
        staff_refusal(new_activation_code(&world.app, &accueil, regie)),
        StaffRefusal::NotAllowed(Permission::ManageStaff)
    );
    assert_eq!(world.events(), before, "nothing written");

    assert!(
        !change_account(&world.app, &admin, regie, vec![Role::Regie], vec![]).unwrap(),
        "unchanged"
    );
    assert_eq!(world.events(), before, "no event when nothing differs");
    assert!(
        change_account(
            &world.app,
            &admin,
            regie,
            vec![Role::Regie, Role::Administration],
            vec![]
        )
        .unwrap()
    );
    let events = world.app.store.read_stream(&regie.stream()).unwrap();
    let last = events.last().unwrap();
    assert_eq!(last.event_type, "StaffAccountChanged");
    let metadata: serde_json::Value = serde_json::from_str(&last.metadata).unwrap();
    assert_eq!(
        metadata["actor"],
        format!("staff:{}", world.member("admin").staff_id)
    );
    assert_eq!(
        staff_refusal(disable_account(
            &world.app,
            &admin,
            world.member("admin").staff_id
        )),
        StaffRefusal::OwnAccount
    );
}

#[test]
fn disabling_ends_the_sessions_and_a_new_activation_code_makes_the_member_start_over() {
    let world = World::new();
    let code = world.demo_secret("accueil").code_at(world.now());
    let token = ready(second_factor(&world.app, &world.password("accueil"), &code, None).unwrap());
    let accueil = world.member("accueil").staff_id;
    let activation = new_activation_code(&world.app, &Acting::operator(), accueil).unwrap();
    assert_eq!(
        staff_session(&world.app, &token).unwrap(),
        None,
        "session ended"
    );
    let member = world.member("accueil");
    assert!(!member.activated && !member.enrolled);
    assert_eq!(
        staff_login(&world.app, "accueil", "portail-demo-accueil", None, None).unwrap(),
        StaffLoginOutcome::Rejected,
        "the old password is gone"
    );
    let enrolling = activate_staff(
        &world.app,
        "accueil",
        &activation,
        "une autre phrase bien longue",
        None,
    )
    .unwrap();
    assert_eq!(
        staff_session(&world.app, &enrolling)
            .unwrap()
            .unwrap()
            .stage,
        Stage::Enrolment
    );
    assert_eq!(
        account_refusal(activate_staff(
            &world.app,
            "accueil",
            &activation,
            "une autre phrase bien longue",
            None
        )),
        AccountRefusal::WrongActivationCode,
        "the code serves once"
    );
    disable_account(&world.app, &Acting::operator(), accueil).unwrap();
    assert_eq!(staff_session(&world.app, &enrolling).unwrap(), None);
}
