//! The family's documents: a parent downloads their own from « Solde et Paiement », never
//! another family's; staff issue them from the family's file.

use axum::http::{StatusCode, header};
use domain::ids::{WalletId, derive_id};

use crate::common::Portal;

/// A desk cheque of `amount` for `login`, recorded today; its id.
fn cheque(portal: &Portal, login: &str, amount: &str) -> String {
    app::money::record_payment(
        &portal.app,
        &app::staff::Acting::operator(),
        app::money::DeskPayment {
            family: portal.family(login),
            wallet: WalletId::from_uuid(derive_id("wallet", "pe2m")),
            amount: domain::Money::parse(amount).unwrap(),
            mode: domain::values::PaymentMode::Cheque,
            number: None,
            bank: None,
            payer: None,
            paid_on: portal.app.today(),
        },
    )
    .unwrap()
    .to_string()
}

#[tokio::test]
async fn a_parent_finds_the_documents_from_solde_and_gets_the_attestation_as_page_and_pdf() {
    let portal = Portal::demo();
    let payment = cheque(&portal, "dupont", "123.45");
    let mut parent = portal.logged_in("dupont").await;
    let solde = parent.get("/solde").await;
    assert!(solde.body.contains("href=\"/documents\""));
    let list = parent.get("/documents").await;
    assert_eq!(list.status, StatusCode::OK);
    let text = list.main_text();
    assert!(text.contains("Attestations de frais de garde"), "{text}");
    assert!(text.contains("Année 2026"), "{text}");
    assert!(
        list.body
            .contains(&format!("/documents/recu/{payment}?format=pdf"))
    );
    let page = parent.get("/documents/frais-de-garde?annee=2026").await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.main_text();
    assert!(
        text.contains("Attestation de frais de garde — année 2026"),
        "{text}"
    );
    assert!(text.contains("N° FG-2026-00001"), "{text}");
    assert!(text.contains("DUPONT Antoine"), "{text}");
    assert!(!text.contains("DUPONT Lilou"), "Lilou is over six: {text}");
    let pdf = parent
        .get("/documents/frais-de-garde?annee=2026&format=pdf")
        .await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.headers[header::CONTENT_TYPE], "application/pdf");
    assert!(pdf.body.starts_with("%PDF-"));
    let receipt = parent.get(&format!("/documents/recu/{payment}")).await;
    assert_eq!(receipt.status, StatusCode::OK);
    assert!(
        receipt
            .main_text()
            .contains("cent vingt-trois euros et quarante-cinq centimes")
    );
    let statement = parent
        .get("/documents/releve?du=2026-01-01&au=2026-11-25")
        .await;
    assert_eq!(statement.status, StatusCode::OK);
    assert!(
        statement
            .main_text()
            .contains("Solde au début de la période")
    );
}

#[tokio::test]
async fn a_parent_never_gets_another_family_s_receipt_and_a_bad_year_is_told() {
    let portal = Portal::demo();
    let dupont_s = cheque(&portal, "dupont", "10");
    let mut martin = portal.logged_in("martin").await;
    for path in [
        format!("/documents/recu/{dupont_s}"),
        format!("/documents/recu/{dupont_s}?format=pdf"),
        "/documents/recu/pas-un-id".to_owned(),
        "/documents/frais-de-garde?annee=2026&format=docx".to_owned(),
    ] {
        let page = martin.get(&path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!page.body.contains("DUPONT"), "{path}");
    }
    let bad = martin.get("/documents/frais-de-garde?annee=26").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().contains("Année invalide"));
    let anonymous = portal.browser().get("/documents").await;
    assert_ne!(anonymous.status, StatusCode::OK);
}

#[tokio::test]
async fn staff_open_the_documents_from_the_file_and_another_family_s_payment_is_a_404() {
    let portal = Portal::demo();
    let dupont_s = cheque(&portal, "dupont", "10");
    let mut accueil = portal.staff_logged_in("accueil").await;
    let dupont = portal.family("dupont");
    let file = accueil.get(&format!("/gestion/familles/{dupont}")).await;
    assert!(
        file.body
            .contains(&format!("/gestion/familles/{dupont}/documents"))
    );
    let list = accueil
        .get(&format!("/gestion/familles/{dupont}/documents"))
        .await;
    assert_eq!(list.status, StatusCode::OK);
    let receipt = accueil
        .get(&format!(
            "/gestion/familles/{dupont}/documents/recu/{dupont_s}?format=pdf"
        ))
        .await;
    assert_eq!(receipt.status, StatusCode::OK);
    assert!(receipt.body.starts_with("%PDF-"));
    let martin = portal.family("martin");
    let crossed = accueil
        .get(&format!(
            "/gestion/familles/{martin}/documents/recu/{dupont_s}"
        ))
        .await;
    assert_eq!(crossed.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_agenda_address_is_created_from_the_profile_serves_the_places_and_answers_404_once_revoked()
 {
    let portal = Portal::demo();
    let mut parent = portal.logged_in("dupont").await;
    let profile = parent.get("/profil").await;
    assert!(profile.text().contains("Créer l'adresse de l'agenda"));
    let created = parent.post("/profil/agenda", &[("action", "creer")]).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER);
    let location = created.location().to_owned();
    assert!(location.starts_with("/profil?agenda="), "{location}");
    let shown = parent.get(&location).await;
    let address = shown
        .body
        .split("value=\"")
        .skip(1)
        .filter_map(|v| v.split('"').next())
        .find(|v| v.contains("/agenda/") && v.ends_with(".ics"))
        .expect("the address is shown once");
    let path = &address[address.find("/agenda/").unwrap()..];
    let mut phone = portal.browser();
    let feed = phone.get(path).await;
    assert_eq!(feed.status, StatusCode::OK);
    assert!(
        feed.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    assert!(feed.body.starts_with("BEGIN:VCALENDAR\r\n"));
    assert!(feed.body.contains("BEGIN:VEVENT\r\n"));
    assert!(feed.body.contains("DTSTART;VALUE=DATE:"));
    let later = parent.get("/profil").await;
    assert!(!later.body.contains(path), "the address is not shown again");
    let revoked = parent
        .post("/profil/agenda", &[("action", "revoquer")])
        .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    assert_eq!(phone.get(path).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        phone.get("/agenda/pas-un-secret.ics").await.status,
        StatusCode::NOT_FOUND
    );
}
