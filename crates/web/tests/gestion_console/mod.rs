//! The transmission console and the outbox over the router, in the demo world: a director
//! sees the dry run but cannot transmit (nothing written), administration transmits after the
//! confirmation and lands on the result page; the outbox's « Renvoyer » makes a failed mail
//! due again.

mod charts;

use axum::http::StatusCode;
use mail::{MailKind, OutboxFilter, OutboxStatus, OutgoingMail};

use crate::common::Portal;

fn outbox(portal: &Portal) -> Vec<mail::OutboxEntry> {
    portal
        .app
        .query(|conn| Ok(mail::list(conn, OutboxFilter::All)?))
        .unwrap()
}

fn past(portal: &Portal) -> usize {
    app::console::past_transmissions(&portal.app, &app::staff::Acting::operator())
        .unwrap()
        .len()
}

#[tokio::test]
async fn a_director_sees_the_dry_run_and_the_past_transmissions_but_cannot_transmit() {
    let portal = Portal::demo();
    let mut direction = portal.staff_logged_in("direction").await;
    let page = direction.get("/gestion/transmission").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let text = page.main_text();
    assert!(
        text.contains("Simulation de la prochaine transmission"),
        "{text}"
    );
    assert!(text.contains("Transmissions passées"), "{text}");
    assert!(text.contains("historique de démonstration"), "{text}");
    assert!(!page.body.contains("action=\"/gestion/transmission\""));
    assert!(page.body.contains("aria-current=\"page\""));

    let (head, runs) = (portal.head(), past(&portal));
    let refused = direction
        .post("/gestion/transmission", &[("confirmer", "oui")])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.text().contains("Accès refusé"));
    assert_eq!(portal.head(), head, "nothing written");
    assert_eq!(past(&portal), runs);

    let mut accueil = portal.staff_logged_in("accueil").await;
    assert_eq!(
        accueil.get("/gestion/transmission").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_dry_run_names_the_family_that_would_be_refused_and_counts_per_structure() {
    let portal = Portal::demo();
    // The demo's requests are recorded on the wall clock: bring « now » after them.
    let ahead = chrono::Utc::now() - crate::common::demo_instant() + chrono::Duration::hours(1);
    portal.clock.advance(ahead);
    let mut direction = portal.staff_logged_in("direction").await;
    let head = portal.head();
    let page = direction.get("/gestion/transmission").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let text = page.main_text();
    assert!(text.contains("Par structure"), "{text}");
    assert!(text.contains("Par activité et par jour"), "{text}");
    assert!(text.contains("Familles refusées"), "{text}");
    assert!(text.contains("DUPONT"), "{text}");
    assert!(text.contains("complet"), "{text}");
    assert_eq!(portal.head(), head, "a dry run writes nothing");
}

#[tokio::test]
async fn administration_transmits_now_after_confirming_and_reads_the_result() {
    let portal = Portal::demo();
    let mut admin = portal.staff_logged_in("admin").await;
    let page = admin.get("/gestion/transmission").await;
    assert!(page.body.contains("action=\"/gestion/transmission\""));
    assert!(page.main_text().contains("Transmettre maintenant"));

    let (head, runs) = (portal.head(), past(&portal));
    let unconfirmed = admin.post("/gestion/transmission", &[]).await;
    assert_eq!(unconfirmed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unconfirmed
            .text()
            .contains("Cochez la case de confirmation")
    );
    assert_eq!(
        portal.head(),
        head,
        "nothing written without the confirmation"
    );

    admin.get("/gestion/transmission").await;
    let done = admin
        .post("/gestion/transmission", &[("confirmer", "oui")])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text());
    assert!(done.location().starts_with("/gestion/transmission/"));
    assert!(portal.head() > head, "the transmission is recorded");
    assert_eq!(past(&portal), runs + 1);

    let result = admin.get(done.location()).await;
    assert_eq!(result.status, StatusCode::OK);
    let text = result.main_text();
    assert!(text.contains("Transmission enregistrée"), "{text}");
    assert!(text.contains("Lancée par Marc Administration"), "{text}");
    assert!(text.contains("Chiffres de la transmission"), "{text}");

    let unknown = admin
        .get(&format!("/gestion/transmission/{}", uuid::Uuid::nil()))
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_outbox_shows_a_failed_mail_with_its_error_and_renvoyer_makes_it_due_again() {
    let portal = Portal::demo();
    portal
        .app
        .execute("system:test", |command| {
            let now = command.now();
            mail::enqueue(
                command.conn(),
                &OutgoingMail {
                    kind: MailKind::PasswordReset,
                    dedup_key: "test:failed".to_owned(),
                    recipient: "jp.dupont@example.org".to_owned(),
                    subject: "Votre lien".to_owned(),
                    body: "Bonjour\n".to_owned(),
                },
                now,
            )?;
            command.conn().execute(
                "UPDATE mail_outbox SET attempts = 99, last_error = 'SMTP 550 boîte inconnue' WHERE dedup_key = 'test:failed'",
                [],
            )?;
            Ok(())
        })
        .unwrap();
    let failed = outbox(&portal)
        .into_iter()
        .find(|m| m.status == OutboxStatus::Failed)
        .unwrap();

    let mut regie = portal.staff_logged_in("regie").await;
    assert_eq!(
        regie.get("/gestion/courriels").await.status,
        StatusCode::FORBIDDEN
    );

    let mut admin = portal.staff_logged_in("admin").await;
    let page = admin.get("/gestion/courriels?etat=echec").await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.main_text();
    assert!(text.contains("SMTP 550 boîte inconnue"), "{text}");
    assert!(text.contains("Échec"), "{text}");
    assert_eq!(
        admin.get("/gestion/courriels?etat=perdu").await.status,
        StatusCode::NOT_FOUND
    );

    let head = portal.head();
    let before = outbox(&portal);
    let resent = admin
        .post(
            &format!("/gestion/courriels/{}/renvoi", failed.mail_id),
            &[],
        )
        .await;
    assert_eq!(resent.status, StatusCode::SEE_OTHER, "{}", resent.text());
    let after = outbox(&portal);
    assert_eq!(after.len(), before.len());
    let again = after.iter().find(|m| m.mail_id == failed.mail_id).unwrap();
    assert_eq!((again.status, again.attempts), (OutboxStatus::Pending, 0));
    assert_eq!(portal.head(), head, "no event");
    let page = admin.get(resent.location()).await;
    assert!(page.main_text().contains("Courriel remis dans la file"));
}
