//! The console over the demo world: the dry run against the run it rehearses, the scoped
//! direction's view, the past transmissions, the outbox and « Renvoyer ».

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use domain::ids::{StaffId, StructureId, derive_id};
use domain::staff::{Permission, Role, StaffRights};
use mail::{MailKind, OutboxFilter, OutboxStatus, OutgoingMail, Resent};

use super::*;
use crate::booking::{DecisionCounts, dry_run_transmission, transmit_by};
use crate::staff::{Acting, StaffMember, StaffRefusal};
use crate::{App, AppError, FixedClock};

fn demo() -> (tempfile::TempDir, App) {
    let now = Utc
        .with_ymd_and_hms(2026, 10, 15, 12, 0, 0)
        .single()
        .expect("a valid instant");
    let dir = tempfile::tempdir().expect("temporary directory");
    let app = App::open(dir.path().join("console.db"), Arc::new(FixedClock(now))).expect("open");
    crate::demo::build(&app).expect("the demo builds");
    (dir, app)
}

fn demo_member(app: &App, login: &str) -> Acting {
    let member = app
        .query(|conn| crate::staff::member_by_login(conn, login))
        .expect("query")
        .expect("a demo account");
    Acting::member(&member)
}

fn scoped(role: Role, structure: &str) -> Acting {
    Acting::member(&StaffMember {
        staff_id: StaffId::from_uuid(derive_id("staff", "scoped")),
        login: "scoped".to_owned(),
        name: "Agent".to_owned(),
        email: None,
        rights: StaffRights {
            roles: vec![role],
            structures: vec![StructureId::from_uuid(derive_id("structure", structure))],
        },
        activated: true,
        enrolled: true,
        disabled: false,
        demo: false,
    })
}

fn refused_for(error: AppError, permission: Permission) {
    assert!(
        matches!(error, AppError::Staff(StaffRefusal::NotAllowed(p)) if p == permission),
        "{error:?}"
    );
}

#[test]
fn given_requests_pending_when_dry_run_then_transmitted_the_run_records_what_the_dry_run_showed() {
    let (_dir, app) = demo();
    // The demo's requests are recorded on the wall clock; the log keeps whole seconds.
    let cut_off = Utc
        .timestamp_opt(Utc::now().timestamp() + 1, 0)
        .single()
        .expect("an instant");
    let admin = demo_member(&app, "admin");
    let head = app.store.head().expect("head").position;
    let rehearsed = dry_run_transmission(&app, &admin, cut_off).expect("dry run");
    assert_eq!(
        app.store.head().expect("head").position,
        head,
        "a dry run writes nothing"
    );
    assert!(!rehearsed.lines.is_empty(), "the demo has requests pending");
    assert!(!rehearsed.restricted);

    let done = transmit_by(&app, &admin, cut_off).expect("transmit");
    assert_eq!(done.counts, rehearsed.counts);
    assert_eq!(done.lines, rehearsed.lines);
    assert_eq!(done.mails, rehearsed.mails);
    let decided = DecisionCounts::of(&done.lines);
    assert_eq!(
        (decided.accepted, decided.waitlisted, decided.refused),
        (
            done.counts.accepted,
            done.counts.waitlisted,
            done.counts.refused
        )
    );

    let past = past_transmissions(&app, &admin).expect("past");
    let last = past.first().expect("the run is listed");
    assert_eq!(Some(last.transmission_id), done.transmission_id);
    assert_eq!(last.counts, done.counts);
    assert_eq!(last.mails, done.mails as usize);
    assert_eq!(last.cut_off, cut_off);
    assert!(matches!(&last.ran_by, RanBy::Staff(name) if !name.is_empty()));
    let detail = transmission(&app, &admin, last.transmission_id).expect("detail");
    assert_eq!(detail.mails.len(), done.mails as usize);
    assert!(
        detail
            .mails
            .iter()
            .all(|m| m.kind == MailKind::TransmissionReport)
    );
}

#[test]
fn a_direction_scoped_to_one_centre_sees_that_centre_s_lines_and_an_accueil_sees_nothing() {
    let (_dir, app) = demo();
    let cut_off = Utc::now();
    let whole = dry_run_transmission(&app, &Acting::operator(), cut_off).expect("dry run");
    let quinsac = StructureId::from_uuid(derive_id("structure", "quinsac"));
    let seen = dry_run_transmission(&app, &scoped(Role::Direction, "quinsac"), cut_off)
        .expect("a direction sees the dry run");
    assert!(seen.restricted);
    let expected: Vec<_> = whole
        .lines
        .iter()
        .filter(|l| l.structure_id == quinsac)
        .cloned()
        .collect();
    assert_eq!(seen.lines, expected);
    assert_eq!(seen.counts.accepted, DecisionCounts::of(&expected).accepted);
    assert_eq!(
        seen.mails as usize,
        whole
            .mail_structures
            .iter()
            .filter(|s| **s == quinsac)
            .count()
    );
    let error = dry_run_transmission(&app, &scoped(Role::Accueil, "quinsac"), cut_off)
        .expect_err("accueil has no boards");
    refused_for(error, Permission::ViewBoards);
}

fn queue(app: &App, key: &str) -> String {
    let key = key.to_owned();
    app.execute("system:test", move |command| {
        let now = command.now();
        mail::enqueue(
            command.conn(),
            &OutgoingMail {
                kind: MailKind::PasswordReset,
                dedup_key: key.clone(),
                recipient: "parent@example.org".to_owned(),
                subject: "Sujet".to_owned(),
                body: "Corps\n".to_owned(),
            },
            now,
        )?;
        Ok(())
    })
    .expect("enqueue");
    app.query(|conn| Ok(mail::list(conn, OutboxFilter::All)?))
        .expect("list")
        .into_iter()
        .last()
        .expect("queued")
        .mail_id
}

fn set(app: &App, sql: &'static str, mail_id: &str) {
    let mail_id = mail_id.to_owned();
    app.execute("system:test", move |command| {
        command.conn().execute(sql, [&mail_id])?;
        Ok(())
    })
    .expect("update");
}

fn outbox(app: &App) -> Vec<mail::OutboxEntry> {
    app.query(|conn| Ok(mail::list(conn, OutboxFilter::All)?))
        .expect("list")
}

#[test]
fn given_a_failed_mail_when_resent_then_it_is_due_again_and_nothing_else_changes() {
    let (_dir, app) = demo();
    let admin = demo_member(&app, "admin");
    let failed = queue(&app, "test:failed");
    let _other = queue(&app, "test:other");
    set(
        &app,
        "UPDATE mail_outbox SET attempts = 99, next_attempt_at = '2030-01-01T00:00:00.000000Z', last_error = 'SMTP 550' WHERE mail_id = ?1",
        &failed,
    );
    let before = outbox(&app);
    assert_eq!(
        before
            .iter()
            .find(|m| m.mail_id == failed)
            .map(|m| m.status),
        Some(OutboxStatus::Failed)
    );
    let head = app.store.head().expect("head").position;

    let id = failed.parse().expect("uuid");
    assert_eq!(
        resend_mail(&app, &admin, id).expect("resend"),
        Resent::Retried
    );

    let after = outbox(&app);
    assert_eq!(after.len(), before.len());
    for (was, is) in before.iter().zip(&after) {
        if is.mail_id == failed {
            assert_eq!(is.status, OutboxStatus::Pending);
            assert_eq!(is.attempts, 0);
            assert_eq!(is.next_attempt_at, app.now());
            assert_eq!((&is.subject, &is.recipient), (&was.subject, &was.recipient));
        } else {
            assert_eq!(is, was);
        }
    }
    assert_eq!(app.store.head().expect("head").position, head, "no event");
}

#[test]
fn given_a_sent_mail_when_resent_then_a_copy_is_queued_and_the_sent_one_stays() {
    let (_dir, app) = demo();
    let admin = demo_member(&app, "admin");
    let sent = queue(&app, "test:sent");
    set(
        &app,
        "UPDATE mail_outbox SET sent_at = created_at WHERE mail_id = ?1",
        &sent,
    );
    let before = outbox(&app);
    let id = sent.parse().expect("uuid");
    let Resent::Copied { mail_id: copy } = resend_mail(&app, &admin, id).expect("resend") else {
        panic!("a sent mail is copied");
    };
    let after = outbox(&app);
    assert_eq!(after.len(), before.len() + 1);
    let original = after.iter().find(|m| m.mail_id == sent).expect("kept");
    assert_eq!(Some(original), before.iter().find(|m| m.mail_id == sent));
    let copied = after.iter().find(|m| m.mail_id == copy).expect("copy");
    assert_eq!(copied.status, OutboxStatus::Pending);
    assert_eq!(
        (&copied.subject, &copied.recipient),
        (&original.subject, &original.recipient)
    );
}

#[test]
fn a_pending_mail_is_not_resent_and_only_administration_manages_the_outbox() {
    let (_dir, app) = demo();
    let pending = queue(&app, "test:pending");
    let before = outbox(&app);
    let id = pending.parse().expect("uuid");
    let error = resend_mail(&app, &demo_member(&app, "admin"), id).expect_err("pending");
    assert!(matches!(
        error,
        AppError::Console(ConsoleRefusal::MailStillPending)
    ));
    let error = resend_mail(&app, &demo_member(&app, "regie"), id).expect_err("regie");
    refused_for(error, Permission::ManageOutbox);
    let error = outbox_page(&app, &demo_member(&app, "direction"), OutboxFilter::All, 1)
        .expect_err("direction");
    refused_for(error, Permission::ManageOutbox);
    assert_eq!(outbox(&app), before);
    let unknown = resend_mail(&app, &demo_member(&app, "admin"), uuid::Uuid::nil());
    assert!(matches!(
        unknown,
        Err(AppError::Console(ConsoleRefusal::UnknownMail))
    ));
}

#[test]
fn the_outbox_pages_newest_first_by_state() {
    let (_dir, app) = demo();
    let admin = demo_member(&app, "admin");
    let first = queue(&app, "test:first");
    let second = queue(&app, "test:second");
    set(
        &app,
        "UPDATE mail_outbox SET sent_at = created_at WHERE mail_id = ?1",
        &first,
    );
    let all = outbox_page(&app, &admin, OutboxFilter::All, 1).expect("page");
    assert_eq!(all.total, outbox(&app).len());
    let sent = outbox_page(&app, &admin, OutboxFilter::Sent, 1).expect("sent");
    assert!(sent.mails.iter().any(|m| m.mail_id == first));
    assert!(sent.mails.iter().all(|m| m.status == OutboxStatus::Sent));
    let pending = outbox_page(&app, &admin, OutboxFilter::Pending, 1).expect("pending");
    assert_eq!(
        pending.mails.first().map(|m| m.mail_id.as_str()),
        Some(second.as_str())
    );
    assert!(!pending.has_next() || pending.total > OUTBOX_PAGE);
}
