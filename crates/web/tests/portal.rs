//! The seed guide, section by section, as a parent does it in the portal: pages, buttons with
//! the seed's words, figures to the cent, and snapshots of the key pages.
#![allow(clippy::unwrap_used)]

mod common;
mod family_documents;
mod gestion_accounts;
mod gestion_attendance;
mod gestion_console;
mod gestion_days;
mod gestion_desk;
mod gestion_exports;
mod gestion_login;
mod gestion_matrix;
mod gestion_occupancy;
mod gestion_phone;
mod login_rush;

use axum::http::StatusCode;
use common::{Browser, Page, Portal};
use domain::Money;

/// A page's `<main>` as stable text for a snapshot: one element per line, tokens and random
/// ids replaced.
fn snapshot_of(page: &Page) -> String {
    let start = page.body.find("<main").unwrap();
    let end = page.body.find("</main>").unwrap();
    let mut html = page.body[start..end].to_owned();
    for token in page.input_values(web::CSRF_FIELD) {
        html = html.replace(&token, "[jeton]");
    }
    // Ids derived from a basket's random form id change from run to run.
    for name in ["formulaire", "reservation", "demande"] {
        for value in page.input_values(name) {
            html = html.replace(&value, &format!("[{name}]"));
        }
    }
    for tag in [
        "<tr", "<li", "<p", "<h1", "<h2", "<section", "<table", "<form", "<aside", "<nav", "<td",
        "<div", "<dl",
    ] {
        html = html.replace(tag, &format!("\n{tag}"));
    }
    html
}

async fn lilou_calendar_url(browser: &mut Browser) -> String {
    let page = browser.get("/reservations").await;
    assert_eq!(page.status, StatusCode::OK);
    let link = page
        .body
        .split("href=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .find(|href| href.starts_with("/reservations/") && href.len() > 20)
        .unwrap()
        .to_owned();
    assert!(page.text().contains("Lilou DUPONT"));
    link
}

/// Switches the session to the structure named `label` (« Modifier » in the header).
async fn consult(browser: &mut Browser, label: &str) {
    let page = browser.get("/structure").await;
    let chunk = page
        .body
        .split("<form")
        .find(|f| f.contains(label) && f.contains("name=\"structure\""))
        .unwrap();
    let needle = "name=\"structure\" value=\"";
    let start = chunk.find(needle).unwrap() + needle.len();
    let chosen = chunk[start..start + 36].to_owned();
    let answer = browser.post("/structure", &[("structure", &chosen)]).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    let welcome = browser.get("/accueil").await;
    assert!(welcome.text().contains(&format!("Structure : {label}")));
}

/// The id of `label` in the calendar's activity tabs.
fn activity_id(calendar: &Page, label: &str) -> String {
    let needle = format!("\">{label}</a>");
    let end = calendar.body.find(&needle).unwrap();
    let start = calendar.body[..end].rfind("activite=").unwrap() + 9;
    calendar.body[start..end].to_owned()
}

/// Dupont logged in on Quinsac, and Lilou's December calendar for « CDC - ALSH 6-12 Matin »:
/// (browser, the child's calendar address, the Matin month's address, the page).
async fn lilou_matin_in_december(portal: &Portal) -> (Browser, String, String, Page) {
    let mut browser = portal.logged_in("dupont").await;
    consult(&mut browser, "Accueil de Loisirs de Quinsac").await;
    let child = lilou_calendar_url(&mut browser).await;
    let all = browser.get(&format!("{child}?mois=2026-12")).await;
    assert_eq!(all.status, StatusCode::OK);
    let matin = activity_id(&all, "CDC - ALSH 6-12 Matin");
    let month = format!("{child}?mois=2026-12&activite={matin}");
    let calendar = browser.get(&month).await;
    (browser, child, month, calendar)
}

/// Clicks the day `day` in a calendar or day page: the form carrying `action` for that day.
async fn click(
    browser: &mut Browser,
    page: &Page,
    child_url: &str,
    day: &str,
    action: &str,
) -> Page {
    let fields = page
        .form(
            &format!("{child_url}/panier"),
            &[("jour", day), ("action", action)],
        )
        .unwrap_or_else(|| panic!("no « {action} » on {day}"));
    let pairs: Vec<(String, String)> = fields;
    let answer = browser
        .post_raw(&format!("{child_url}/panier"), &pairs)
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());
    browser.get(without_fragment(answer.location())).await
}

/// An address as the browser asks for it: the fragment stays in the browser.
fn without_fragment(location: &str) -> &str {
    location.split('#').next().unwrap()
}

/// The element carrying `id="{id}"`: (its opening tag, its inner HTML). Cells hold no element
/// of their own kind inside them, so the first closing tag ends it.
fn element_by_id(page: &Page, id: &str) -> Option<(String, String)> {
    let at = page.body.find(&format!(" id=\"{id}\""))?;
    let start = page.body[..at].rfind('<')?;
    let name: String = page.body[start + 1..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    let open_end = start + page.body[start..].find('>')? + 1;
    let close = open_end + page.body[open_end..].find(&format!("</{name}>"))?;
    Some((
        page.body[start..open_end].to_owned(),
        page.body[open_end..close].to_owned(),
    ))
}

/// The text a screen reader reads from some HTML: its text without what is `aria-hidden`.
fn spoken_text(html: &str) -> String {
    let mut html = html.to_owned();
    while let Some(at) = html.find(" aria-hidden=\"true\"") {
        let start = html[..at].rfind('<').unwrap();
        let end = at + html[at..].find("</span>").unwrap() + "</span>".len();
        html.replace_range(start..end, "");
    }
    Page {
        status: StatusCode::OK,
        headers: axum::http::HeaderMap::new(),
        body: html,
    }
    .text()
}

/// The table cell (`<td>`) holding the element `id`.
fn cell_holding(page: &Page, id: &str) -> String {
    let at = page.body.find(&format!(" id=\"{id}\"")).unwrap();
    let start = page.body[..at].rfind("<td").unwrap();
    let end = at + page.body[at..].find("</td>").unwrap();
    page.body[start..end].to_owned()
}

#[tokio::test]
async fn the_login_page_shows_the_welcome_messages_and_the_seed_words() {
    let portal = Portal::demo();
    let mut browser = portal.browser();
    let page = browser.get("/connexion").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("lang=\"fr\""));
    assert!(page.body.contains("name=\"identifiant\""));
    assert!(page.body.contains("name=\"mot_de_passe\""));
    assert!(page.text().contains("Le retrouver"));
    insta::assert_snapshot!("connexion", snapshot_of(&page));

    let home = browser.get("/").await;
    assert_eq!(home.location(), "/connexion");
    let private = browser.get("/solde").await;
    assert_eq!(private.status, StatusCode::SEE_OTHER);
    assert!(private.location().starts_with("/connexion"));
}

#[tokio::test]
async fn the_header_names_the_parent_the_structure_and_the_last_update() {
    let portal = Portal::demo();
    let mut browser = portal.logged_in("dupont").await;
    let page = browser.get("/accueil").await;
    let text = page.text();
    assert!(text.contains("M. DUPONT Jean-Paul"), "{text}");
    // The structure of the family's latest request; « Modifier » when there are several.
    assert!(
        text.contains("Structure : Accueil de Loisirs de Quinsac Modifier"),
        "{text}"
    );
    assert!(text.contains("Dernière mise à jour : "));
    assert!(text.contains("Se déconnecter"));
    consult(&mut browser, "Accueil de Loisirs de Latresne").await;
    let logout = browser.post("/deconnexion", &[]).await;
    assert_eq!(logout.location(), "/connexion?fait=deconnexion");
    assert_eq!(browser.get("/accueil").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn dupont_books_for_lilou_validates_and_follows_the_request_to_its_final_state() {
    let portal = Portal::demo();
    let (mut browser, child, month, calendar) = lilou_matin_in_december(&portal).await;
    insta::assert_snapshot!("calendrier_matin", snapshot_of(&calendar));
    // Every day is a button with its state in words, or a text: never colour alone.
    let (_, button) = element_by_id(&calendar, "jour-2026-12-28").unwrap();
    assert_eq!(
        spoken_text(&button),
        "Lun 28 ouvert, aucune réservation — lundi 28 décembre 2026, CDC - ALSH 6-12 Matin : réserver"
    );

    // Click the 28th (orange: in the basket), then « Valider ».
    let calendar = click(&mut browser, &calendar, &child, "2026-12-28", "reserver").await;
    assert!(calendar.body.contains("state-adding"));
    assert!(
        calendar
            .text()
            .contains("1 réservation et 0 annulation à valider")
    );
    let head = portal.head();
    let summary = browser.get("/reservations/recapitulatif").await;
    assert_eq!(portal.head(), head, "the récapitulatif records nothing");
    let text = summary.main_text();
    assert!(text.contains("lundi 28 décembre 2026 DUPONT Lilou CDC - ALSH 6-12 Matin Réservation place disponible 10.35"), "{text}");
    assert!(text.contains("Coût estimé total (€) 10.35"));
    for button in ["Valider", "Retour", "Abandonner"] {
        assert!(summary.body.contains(&format!(">{button}</")), "{button}");
    }
    insta::assert_snapshot!("recapitulatif", snapshot_of(&summary));

    // « Retour » keeps the basket.
    let back = browser.get(&month).await;
    assert!(back.body.contains("state-adding"));

    // The final « Valider »: recorded once, even if the form is sent twice.
    let form_id = summary.input_values("formulaire")[0].clone();
    let answer = browser
        .post("/reservations/recapitulatif", &[("formulaire", &form_id)])
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    let after_first = portal.head();
    assert!(after_first > head);
    let again = browser
        .post("/reservations/recapitulatif", &[("formulaire", &form_id)])
        .await;
    assert_eq!(again.location(), answer.location());
    assert_eq!(
        portal.head(),
        after_first,
        "a resubmitted form is recorded once"
    );
    let result = browser.get(answer.location()).await;
    assert!(result.main_text().contains("1 demande enregistrée"));

    // Suivi: « Non transmis », with « Retirer ».
    let follow_up = browser.get("/suivi").await;
    let text = follow_up.main_text();
    assert!(
        text.contains(
            "lundi 28 décembre 2026 DUPONT Lilou CDC - ALSH 6-12 Matin Non transmis Retirer"
        ),
        "{text}"
    );

    // The nightly transmission, then the final state.
    let app = portal.app.clone();
    // The cut-off is judged on the log's recording instants, which come from the real clock.
    tokio::task::spawn_blocking(move || app::booking::transmit(&app, chrono::Utc::now()).unwrap())
        .await
        .unwrap();
    let follow_up = browser.get("/suivi").await;
    let text = follow_up.main_text();
    assert!(
        text.contains("lundi 28 décembre 2026 DUPONT Lilou CDC - ALSH 6-12 Matin Acceptée Annuler"),
        "{text}"
    );
    insta::assert_snapshot!("suivi", snapshot_of(&follow_up));
}

#[tokio::test]
async fn abandonner_empties_the_basket_and_records_nothing() {
    let portal = Portal::demo();
    let (mut browser, child, _, calendar) = lilou_matin_in_december(&portal).await;
    let head = portal.head();
    // Clicked out of order, listed in calendar order.
    let calendar = click(&mut browser, &calendar, &child, "2026-12-31", "reserver").await;
    click(&mut browser, &calendar, &child, "2026-12-28", "reserver").await;
    let summary = browser.get("/reservations/recapitulatif").await;
    let text = summary.main_text();
    let (first, last) = (
        text.find("28 décembre").unwrap(),
        text.find("31 décembre").unwrap(),
    );
    assert!(first < last, "{text}");
    let answer = browser.post("/reservations/abandonner", &[]).await;
    assert_eq!(answer.location(), "/reservations");
    let summary = browser.get("/reservations/recapitulatif").await;
    assert!(summary.main_text().contains("Votre panier est vide."));
    assert_eq!(portal.head(), head);
}

#[tokio::test]
async fn a_click_on_a_booked_day_cancels_it_through_the_basket() {
    let portal = Portal::demo();
    let (mut browser, child, _, calendar) = lilou_matin_in_december(&portal).await;
    // The 2nd is booked (accepted) and still modifiable: clicking it puts a cancellation in the
    // basket (green).
    let calendar = click(&mut browser, &calendar, &child, "2026-12-02", "annuler").await;
    assert!(calendar.body.contains("state-removing"));
    let summary = browser.get("/reservations/recapitulatif").await;
    let text = summary.main_text();
    assert!(text.contains("mercredi 2 décembre 2026 DUPONT Lilou CDC - ALSH 6-12 Matin Annulation annulation possible -10.35"), "{text}");
    let form_id = summary.input_values("formulaire")[0].clone();
    let answer = browser
        .post("/reservations/recapitulatif", &[("formulaire", &form_id)])
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    let follow_up = browser.get("/suivi").await;
    assert!(follow_up.main_text().contains("mercredi 2 décembre 2026 DUPONT Lilou CDC - ALSH 6-12 Matin Acceptée — annulation demandée (non transmise)"));
}

#[tokio::test]
async fn a_request_not_transmitted_can_be_withdrawn_from_suivi() {
    let portal = Portal::demo();
    let mut browser = portal.logged_in("dupont").await;
    let follow_up = browser.get("/suivi").await;
    assert!(follow_up.main_text().contains(
        "mercredi 16 décembre 2026 DUPONT Lilou CDC - ALSH 6-12 Après-midi Non transmis Retirer"
    ));
    let request = follow_up.input_values("demande")[0].clone();
    let answer = browser
        .post("/suivi/retirer", &[("demande", &request)])
        .await;
    assert_eq!(answer.location(), "/suivi?fait=retiree");
    let follow_up = browser.get(answer.location()).await;
    let text = follow_up.main_text();
    assert!(text.contains("La demande est retirée"));
    assert!(!text.contains(
        "mercredi 16 décembre 2026 DUPONT Lilou CDC - ALSH 6-12 Après-midi Non transmis"
    ));
    // Filters by child and month.
    let filtered = browser.get("/suivi?enfant=&mois=2026-10").await;
    let text = filtered.main_text();
    assert!(text.contains("octobre 2026"));
    assert!(!text.contains("décembre 2026 DUPONT"));
}

#[tokio::test]
async fn all_activities_mode_lists_a_day_then_retour_goes_back_to_the_calendar() {
    let portal = Portal::demo();
    let mut browser = portal.logged_in("dupont").await;
    consult(&mut browser, "Accueil de Loisirs de Quinsac").await;
    let child = lilou_calendar_url(&mut browser).await;
    let all = browser.get(&format!("{child}?mois=2026-12")).await;
    assert!(
        all.body
            .contains(&format!("href=\"{child}/jour/2026-12-28\""))
    );
    let day = browser.get(&format!("{child}/jour/2026-12-28")).await;
    let text = day.main_text();
    assert!(text.contains("Activités disponibles"));
    assert!(text.contains("CDC - ALSH 6-12 Après-midi"));
    assert!(day.body.contains(&format!(
        "href=\"{child}?mois=2026-12#jour-2026-12-28\">Retour</a>"
    )));
    let day = click(&mut browser, &day, &child, "2026-12-28", "reserver").await;
    assert!(day.body.contains("state-adding"));
    assert!(day.text().contains("à réserver (dans votre panier)"));
}

#[tokio::test]
async fn booking_is_refused_with_the_exact_reason_when_the_account_owes_or_the_file_is_incomplete()
{
    let portal = Portal::demo();
    let mut martin = portal.logged_in("martin").await;
    let page = martin.get("/reservations").await;
    let text = page.main_text();
    assert!(
        text.contains("Vous ne pouvez pas réserver pour le moment."),
        "{text}"
    );
    assert!(text.contains("59.40"), "{text}");
    let mut bernard = portal.logged_in("bernard").await;
    let text = bernard.get("/reservations").await.main_text();
    assert!(text.contains("dossier"), "{text}");
}

#[tokio::test]
async fn the_blocked_notice_states_the_configured_threshold() {
    // Given an organisation that blocks booking from 50.00 € owed (not the seed's 30 €)
    let portal = Portal::demo();
    let app = portal.app.clone();
    tokio::task::spawn_blocking(move || {
        app.execute("staff:test", |command| {
            command.emit(domain::event::payloads::OrganisationConfigured {
                organisation_id: app::setup::import::organisation_id(),
                debt_threshold: Money::parse("50").unwrap(),
            })?;
            Ok(())
        })
        .unwrap()
    })
    .await
    .unwrap();
    // When MARTIN, who owes 59.40 €, opens « Réservations »
    let mut martin = portal.logged_in("martin").await;
    let text = martin.get("/reservations").await.main_text();
    // Then both the reason and the rule give the configured threshold, never 30 €
    assert!(
        text.contains("la réservation est bloquée à partir de 50.00 €"),
        "{text}"
    );
    assert!(
        text.contains("Vous ne pouvez pas accéder à la réservation si votre compte famille est débiteur de 50.00 € ou plus"),
        "{text}"
    );
    assert!(!text.contains("30 €"), "{text}");
}

#[tokio::test]
async fn histories_show_the_seed_tables_with_exact_totals_and_month_arrows() {
    let portal = Portal::demo();
    let family = portal.family("dupont");
    let app = portal.app.clone();
    let history = tokio::task::spawn_blocking(move || {
        app::money::consumption_history(&app, family, app.today()).unwrap()
    })
    .await
    .unwrap();
    let month = history.months_with_data.last().unwrap().clone();
    let mut browser = portal.logged_in("dupont").await;
    let page = browser
        .get(&format!("/historique/consommations?mois={month}"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.main_text();
    for column in [
        "Jour",
        "Consommateur",
        "Activité",
        "Prix (€)",
        "Qté",
        "Total",
        "TOTAL (€)",
    ] {
        assert!(text.contains(column), "{column}");
    }
    let app = portal.app.clone();
    let first = chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").unwrap();
    let expected = tokio::task::spawn_blocking(move || {
        app::money::consumption_history(&app, family, first).unwrap()
    })
    .await
    .unwrap();
    let sum: Money = expected.lines.iter().map(|l| l.total).sum();
    assert!(text.contains(&format!("TOTAL (€) {sum}")), "{text}");
    assert!(page.body.contains("rel=\"prev\""));
    assert!(page.body.contains("rel=\"next\""));
    insta::assert_snapshot!("historique_consommations", snapshot_of(&page));

    let payments = browser.get("/historique/reglements?mois=2026-10").await;
    let text = payments.main_text();
    for column in [
        "Date reglt",
        "Mode règlement",
        "N° pièce",
        "Nom Payeur",
        "Nom Banque",
        "Montant",
    ] {
        assert!(text.contains(column), "{column}");
    }
}

#[tokio::test]
async fn solde_shows_the_wallet_as_the_seed_and_the_boxes_change_the_estimate() {
    let portal = Portal::demo();
    let family = portal.family("dupont");
    let app = portal.app.clone();
    let statement = tokio::task::spawn_blocking(move || {
        app::money::statement(&app, family, true, true).unwrap()
    })
    .await
    .unwrap();
    let mut browser = portal.logged_in("dupont").await;
    let page = browser.get("/solde").await;
    let text = page.main_text();
    for words in [
        "Solde",
        "Coût estimé",
        "Nouveau solde",
        "Confirmées",
        "En attente",
        // In credit: the first box reads as a credit (a debt reads « Montant dû »).
        "Crédit disponible",
        "Montant des réservations",
        "Solde estimé",
    ] {
        assert!(text.contains(words), "{words}");
    }
    let wallet = &statement[0];
    assert!(
        text.contains(&format!(
            "{} {} {} {}",
            wallet.wallet,
            wallet.balance,
            wallet.estimated_confirmed + wallet.estimated_pending,
            wallet.estimated_balance
        )),
        "{text}"
    );
    insta::assert_snapshot!("solde", snapshot_of(&page));
    // No box checked: nothing estimated, the new balance is the balance.
    let unchecked = browser.get("/solde?choix=1").await;
    assert!(unchecked.main_text().contains(&format!(
        "{} {} 0.00 {}",
        wallet.wallet, wallet.balance, wallet.balance
    )));
}

#[tokio::test]
async fn profile_changes_apply_at_once_and_a_new_email_is_confirmed_by_a_link() {
    let portal = Portal::demo();
    let mut browser = portal.logged_in("dupont").await;
    let profile = browser.get("/profil").await;
    assert!(profile.main_text().contains("carteplus@wanadoo.fr"));
    assert!(profile.body.contains(">Modifier</a>"));
    let edit = browser.get("/profil/modifier").await;
    assert_eq!(edit.status, StatusCode::OK);
    let answer = browser
        .post(
            "/profil/courriel",
            &[
                ("courriel", "jean-paul.dupont@exemple.fr"),
                ("actuel", "portail-demo-dupont"),
            ],
        )
        .await;
    assert_eq!(answer.location(), "/profil?fait=courriel");
    let mails = portal.mails("email_confirmation");
    let (recipient, body) = mails.last().unwrap();
    assert_eq!(recipient, "jean-paul.dupont@exemple.fr");
    let link = body
        .lines()
        .find(|l| l.starts_with("https://portail.example.fr/profil/confirmation/"))
        .unwrap();
    let path = link.trim_start_matches("https://portail.example.fr");
    // Opening the link changes nothing until the button is pressed.
    let confirm = browser.get(path).await;
    assert!(
        browser
            .get("/profil")
            .await
            .main_text()
            .contains("en attente de confirmation : jean-paul.dupont@exemple.fr")
    );
    assert!(confirm.body.contains("Confirmer l'adresse"));
    let secret = path.trim_start_matches("/profil/confirmation/");
    let fields = confirm
        .form("/profil/confirmation", &[("lien", secret)])
        .expect("the button posts the link's secret");
    let done = browser.post_raw("/profil/confirmation", &fields).await;
    assert!(
        done.main_text()
            .contains("jean-paul.dupont@exemple.fr est maintenant celle de votre compte")
    );
    assert!(
        browser
            .get("/profil")
            .await
            .main_text()
            .contains("Adresse mail jean-paul.dupont@exemple.fr")
    );
    // Wrong current password: refused, nothing changed.
    let refused = browser
        .post(
            "/profil/question",
            &[
                ("question", "Nom de mon premier chat ?"),
                ("reponse", "Minou"),
                ("actuel", "pas le bon mot de passe"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .main_text()
            .contains("Le mot de passe actuel est incorrect")
    );
    assert!(
        browser
            .get("/profil")
            .await
            .main_text()
            .contains("Question de secours non renseignée")
    );
}

#[tokio::test]
async fn a_new_account_is_activated_with_its_one_time_code() {
    let portal = Portal::demo();
    let family = portal.family("bernard");
    let app = portal.app.clone();
    tokio::task::spawn_blocking(move || {
        app.execute("staff:test", move |command| {
            app::registry::set_activation_code_hash(
                command.conn(),
                family,
                &app::setup::import::hash_activation_code("ABCD-EFGH-JKMN"),
            )
        })
        .unwrap()
    })
    .await
    .unwrap();
    let mut browser = portal.browser();
    browser.get("/activation").await;
    let too_short = browser
        .post(
            "/activation",
            &[
                ("identifiant", "bernard"),
                ("code", "abcd efgh jkmn"),
                ("nouveau", "court"),
                ("confirmation", "court"),
            ],
        )
        .await;
    assert_eq!(too_short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(too_short.main_text().contains("au moins 15 caractères"));
    let phrase = "trois petits chats dans le jardin";
    let done = browser
        .post(
            "/activation",
            &[
                ("identifiant", "bernard"),
                ("code", "abcd efgh jkmn"),
                ("nouveau", phrase),
                ("confirmation", phrase),
            ],
        )
        .await;
    assert_eq!(done.location(), "/accueil");
    assert!(browser.get("/accueil").await.text().contains("BERNARD"));
    // The code served once.
    let mut other = portal.browser();
    other.get("/activation").await;
    let again = other
        .post(
            "/activation",
            &[
                ("identifiant", "bernard"),
                ("code", "ABCD-EFGH-JKMN"),
                ("nouveau", phrase),
                ("confirmation", phrase),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    other.login("bernard", phrase).await;
}

#[tokio::test]
async fn without_email_nor_question_the_recovery_page_gives_the_contact_of_the_cdc() {
    let portal = Portal::demo();
    let mut browser = portal.browser();
    // Offered to everyone on « Le retrouver », before any identifiant is typed: the page tells
    // nothing about an account.
    let page = browser.get("/mot-de-passe-oublie").await;
    let text = page.main_text();
    assert!(
        text.contains("Ni adresse mail ni question dans votre profil ?"),
        "{text}"
    );
    assert!(
        text.contains("Contactez la Communauté de Communes"),
        "{text}"
    );
    assert!(text.contains("05 56 20 83 60"));
}

#[tokio::test]
async fn every_page_is_french_labelled_and_keyboard_reachable() {
    let portal = Portal::demo();
    let mut browser = portal.logged_in("dupont").await;
    consult(&mut browser, "Accueil de Loisirs de Quinsac").await;
    let child = lilou_calendar_url(&mut browser).await;
    let pages = [
        "/accueil".to_owned(),
        "/reservations".to_owned(),
        format!("{child}?mois=2026-12"),
        format!("{child}/jour/2026-12-28"),
        "/reservations/recapitulatif".to_owned(),
        "/suivi".to_owned(),
        "/solde".to_owned(),
        "/historique/consommations".to_owned(),
        "/historique/reglements".to_owned(),
        "/profil".to_owned(),
        "/profil/modifier".to_owned(),
        "/structure".to_owned(),
    ];
    for path in pages {
        let page = browser.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(page.body.contains("<html lang=\"fr\">"), "{path}");
        assert!(
            page.body.contains("<a class=\"skip\" href=\"#contenu\">"),
            "{path}"
        );
        // Every visible input has a label naming it.
        for input in page.body.split("<input").skip(1) {
            let tag = &input[..input.find('>').unwrap()];
            if tag.contains("type=\"hidden\"") {
                continue;
            }
            if tag.contains("type=\"checkbox\"") {
                continue; // wrapped in its <label>
            }
            let id = tag
                .split("id=\"")
                .nth(1)
                .map(|s| &s[..s.find('"').unwrap()]);
            let id = id.unwrap_or_else(|| panic!("{path}: input without id: {tag}"));
            assert!(
                page.body.contains(&format!("<label for=\"{id}\"")),
                "{path}: no label for {id}"
            );
        }
        // No inline script or style: the CSP forbids them anyway.
        assert!(!page.body.contains("<script"), "{path}");
        assert!(!page.body.contains(" style="), "{path}");
    }
}

/// A desk payment for DUPONT, as staff record it.
async fn desk_payment(portal: &Portal, amount: &str) {
    let app = portal.app.clone();
    let family = portal.family("dupont");
    let amount = Money::parse(amount).unwrap();
    tokio::task::spawn_blocking(move || {
        let wallet = app::money::statement(&app, family, true, true).unwrap()[0].wallet_id;
        app::money::record_payment(
            &app,
            &app::staff::Acting::operator(),
            app::money::DeskPayment {
                family,
                wallet: domain::ids::WalletId(wallet),
                amount,
                mode: domain::values::PaymentMode::Cash,
                number: None,
                bank: None,
                payer: None,
                paid_on: app.today(),
            },
        )
        .unwrap();
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn solde_reads_a_credit_as_a_credit_and_a_debt_as_montant_du() {
    let portal = Portal::demo();
    // Given DUPONT with 22.50 € in credit
    let mut dupont = portal.logged_in("dupont").await;
    let text = dupont.get("/solde").await.main_text();
    // Then the first box reads as a credit, not as a debt
    assert!(text.contains("Crédit disponible 22.50 €"), "{text}");
    assert!(!text.contains("Montant dû"), "{text}");
    // Given MARTIN, who owes 59.40 €
    let mut martin = portal.logged_in("martin").await;
    let text = martin.get("/solde").await.main_text();
    // Then the box says what is owed, as a positive amount, and the table keeps the sign
    assert!(text.contains("Montant dû 59.40 €"), "{text}");
    assert!(!text.contains("Crédit disponible"), "{text}");
    assert!(text.contains(" -59.40 "), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paiement_cb_says_what_the_proposed_amount_is_and_the_parent_may_change_it() {
    let (portal, _simulator) = Portal::with_payment_simulator().await;
    let mut browser = portal.logged_in("dupont").await;
    // Given DUPONT whose estimated balance is -61.15 € (22.50 € in credit, 83.65 € estimated)
    let form = browser.get("/paiement").await;
    let text = form.main_text();
    // Then the page has the seed's words and says the figure clears the estimated balance
    for words in [
        "Paiement réservations",
        "Porte-monnaie Solde Coût estimé Montant à créditer Nouveau solde",
        "CDC PE2M - APS ET CLSH 22.50 83.65 61.15 0.00",
        "TOTAL Paiement (€) 61.15",
        "le montant proposé, 61.15 €, ramène votre solde estimé à zéro",
    ] {
        assert!(text.contains(words), "« {words} » not in {text}");
    }
    let fields = form.form("/paiement", &[]).unwrap();
    let field = |name: &str| fields.iter().find(|(n, _)| n == name).unwrap().1.clone();
    assert_eq!(
        field("montant"),
        "61.15",
        "the proposed amount is the default"
    );
    let wallet = field("porte_monnaie");
    let pay = |amount: &'static str| {
        let wallet = wallet.clone();
        (wallet, amount)
    };

    // When the parent types an amount the one parser refuses, or one outside PayFiP's bounds
    let head = portal.head();
    for (typed, message) in [
        ("1e3", "Montant à créditer : « 1e3 » n'est pas un montant"),
        (
            "-5",
            "Montant à créditer : « -5 » : un montant ne peut pas être négatif",
        ),
        (
            "100000.01",
            "Montant à créditer : « 100000.01 » dépasse le montant maximal de 100000.00 €",
        ),
        ("0,50", "doit être compris entre 1.00 € et 100000.00 €"),
    ] {
        let (wallet, amount) = pay(typed);
        let refused = browser
            .post(
                "/paiement",
                &[
                    ("porte_monnaie", &wallet),
                    ("montant", amount),
                    ("email", "carteplus@wanadoo.fr"),
                ],
            )
            .await;
        // Then it is refused in French and nothing is started
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{typed}");
        assert!(
            refused.main_text().contains(message),
            "{typed}: {}",
            refused.main_text()
        );
        assert_eq!(portal.head(), head, "{typed} started something");
    }
    // When the parent pays less than proposed, with a comma
    let (wallet, amount) = pay("10,00");
    let started = browser
        .post(
            "/paiement",
            &[
                ("porte_monnaie", &wallet),
                ("montant", amount),
                ("email", "carteplus@wanadoo.fr"),
            ],
        )
        .await;
    // Then the payment starts for that amount
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.text());
    assert!(portal.head() > head);

    // Given the family then pays 72.20 € at the desk: 94.70 € in credit, 83.65 € estimated, 11.05 € estimated balance
    desk_payment(&portal, "72.20").await;
    let text = browser.get("/paiement").await.main_text();
    // Then the page does not pretend the minimum clears a debt: it says what the figure is
    assert!(
        text.contains("CDC PE2M - APS ET CLSH 94.70 83.65 1.00 12.05"),
        "{text}"
    );
    assert!(!text.contains("ramène votre solde estimé à zéro"), "{text}");
    assert!(
        text.contains(
            "votre solde estimé est de 11.05 € : vous ne devez rien. Le montant proposé, 1.00 €, est le minimum d'un paiement par carte : il porte votre solde estimé à 12.05 €."
        ),
        "{text}"
    );
    assert!(text.contains("TOTAL Paiement (€) 1.00"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paiement_cb_goes_to_the_provider_and_credits_the_wallet_once() {
    let (portal, simulator) = Portal::with_payment_simulator().await;
    let family = portal.family("dupont");
    let mut browser = portal.logged_in("dupont").await;
    let wallet_page = browser.get("/solde").await;
    assert!(
        wallet_page
            .body
            .contains("href=\"/paiement\">Paiement CB</a>")
    );
    let form = browser.get("/paiement").await;
    assert_eq!(form.status, StatusCode::OK);
    let text = form.main_text();
    assert!(text.contains("Montant à créditer"), "{text}");
    let fields = form.form("/paiement", &[]).unwrap();
    let field = |name: &str| fields.iter().find(|(n, _)| n == name).unwrap().1.clone();
    let (wallet, suggested) = (field("porte_monnaie"), field("montant"));
    assert_eq!(field("email"), "carteplus@wanadoo.fr");

    // Less than PayFiP's minimum: refused, nothing started.
    let head = portal.head();
    let too_little = browser
        .post(
            "/paiement",
            &[
                ("porte_monnaie", &wallet),
                ("montant", "0.50"),
                ("email", "carteplus@wanadoo.fr"),
            ],
        )
        .await;
    assert_eq!(too_little.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        too_little
            .main_text()
            .contains("doit être compris entre 1.00 € et 100000.00 €"),
        "{}",
        too_little.main_text()
    );
    assert_eq!(portal.head(), head);

    let app = portal.app.clone();
    let balance = move || app::money::statement(&app, family, true, true).unwrap()[0].balance;
    let check = balance.clone();
    let before = tokio::task::spawn_blocking(check).await.unwrap();
    let started = browser
        .post(
            "/paiement",
            &[
                ("porte_monnaie", &wallet),
                ("montant", &suggested),
                ("email", "carteplus@wanadoo.fr"),
            ],
        )
        .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER);
    let redirect = started.location().to_owned();
    assert!(
        redirect.contains("/simulateur-payfip/tpa/paiementws.web?idop="),
        "{redirect}"
    );
    let operation = redirect.split("idop=").nth(1).unwrap().to_owned();
    // Back from the provider before paying (the provider answers with a SOAP fault: still in
    // progress): nothing credited yet, the parent is told so.
    let early = browser
        .get(&format!("/paiement/retour?idOp={operation}"))
        .await;
    assert!(
        early.main_text().contains("Paiement en cours"),
        "{}",
        early.main_text()
    );
    // The parent presses « Payer » on the provider's page; it notifies us and sends the
    // browser back.
    let sim = simulator.clone();
    let back = tokio::task::spawn_blocking(move || {
        sim.choose(&operation, payment::simulator::Choice::Pay)
            .unwrap()
    })
    .await
    .unwrap();
    let path = &back[back.find("/paiement/retour").unwrap()..];
    let result = browser.get(path).await;
    assert!(
        result.main_text().contains("Paiement accepté"),
        "{}",
        result.main_text()
    );
    let after = tokio::task::spawn_blocking(balance).await.unwrap();
    assert_eq!(
        after - before,
        Money::parse(&suggested).unwrap(),
        "credited exactly once"
    );
}

#[tokio::test]
async fn errors_of_the_framework_are_french_pages_too() {
    let portal = Portal::demo();
    let mut browser = portal.browser();
    browser.get("/connexion").await;
    // A form without its fields.
    let incomplete = browser
        .post("/connexion", &[("identifiant", "dupont")])
        .await;
    assert_eq!(incomplete.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        incomplete.text().contains("Formulaire incomplet"),
        "{}",
        incomplete.text()
    );
    assert!(incomplete.body.contains("lang=\"fr\""));
    // A POST-only address opened as a link.
    let wrong_method = browser.get("/deconnexion").await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(wrong_method.text().contains("Action impossible"));
}

#[tokio::test]
async fn a_panic_becomes_the_french_error_page_with_an_incident_number() {
    use axum::routing::get;
    use tower::ServiceExt;
    async fn broken() -> &'static str {
        panic!("boom")
    }
    let router = axum::Router::new()
        .route("/", get(broken))
        .layer(axum::middleware::from_fn(web::catch_panics));
    let response = router
        .oneshot(
            axum::http::Request::get("/")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    let text = String::from_utf8(body.to_vec()).unwrap();
    assert!(text.contains("numéro d'incident"), "{text}");
    assert!(!text.contains("boom"), "the detail stays in the logs");
}

#[tokio::test]
async fn a_parent_downloads_what_the_portal_holds_about_the_family() {
    let portal = Portal::demo();
    let mut browser = portal.logged_in("dupont").await;
    let profile = browser.get("/profil").await;
    assert!(profile.body.contains("href=\"/profil/donnees\""));
    let data = browser.get("/profil/donnees").await;
    assert_eq!(data.status, StatusCode::OK);
    assert!(
        data.headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("portail-famille-dupont.json")
    );
    let json: serde_json::Value = serde_json::from_str(&data.body).unwrap();
    assert_eq!(json["account"]["login"], "dupont");
    assert_eq!(json["account"]["email"], "carteplus@wanadoo.fr");
    let children: Vec<&str> = json["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["first_name"].as_str().unwrap())
        .collect();
    assert!(children.contains(&"Lilou") && children.contains(&"Antoine"));
    assert!(!json["consumptions"].as_array().unwrap().is_empty());
    assert!(!json["payments"].as_array().unwrap().is_empty());
    assert!(!json["reservations"].as_array().unwrap().is_empty());
    assert_eq!(json["documents"], serde_json::json!([]));
    assert_eq!(json["agenda_feed_since"], serde_json::Value::Null);
    // A document issued and a calendar address created are in the download, never its secret.
    let attestation = browser.get("/documents/frais-de-garde?annee=2026").await;
    assert_eq!(attestation.status, StatusCode::OK);
    let created = browser.post("/profil/agenda", &[("action", "creer")]).await;
    let token = created.headers["location"]
        .to_str()
        .unwrap()
        .split("agenda=")
        .nth(1)
        .and_then(|rest| rest.split('#').next())
        .unwrap()
        .to_owned();
    assert_eq!(token.len(), 64, "the address's secret: {token}");
    let data = browser.get("/profil/donnees").await;
    let json: serde_json::Value = serde_json::from_str(&data.body).unwrap();
    assert_eq!(json["documents"][0]["number"], "FG-2026-00001");
    assert!(json["agenda_feed_since"].is_string());
    assert!(!data.body.contains(&token));
    // Never a password or a hash.
    assert!(!data.body.contains("argon2") && !data.body.contains("portail-demo-dupont"));
    // Only one's own family.
    let mut martin = portal.logged_in("martin").await;
    let theirs = martin.get("/profil/donnees").await;
    assert!(!theirs.body.contains("DUPONT") && theirs.body.contains("MARTIN"));
}

/// Item 11: in « Toutes les activités » the whole day (number and boxes) is one link, named by
/// what it shows; in one activity's calendar the whole day is the one button.
#[tokio::test]
async fn a_whole_day_is_one_control_named_by_its_visible_text() {
    let portal = Portal::demo();
    let (_, child, _, matin) = lilou_matin_in_december(&portal).await;
    let mut browser = portal.logged_in("dupont").await;
    consult(&mut browser, "Accueil de Loisirs de Quinsac").await;
    let all = browser.get(&format!("{child}?mois=2026-12")).await;

    // Given the calendar of all activities, when the parent looks at Monday 28,
    let cell = cell_holding(&all, "jour-2026-12-28");
    // then the day is one link holding the number and every box, and nothing else to click;
    assert_eq!(cell.matches("<a ").count(), 1, "{cell}");
    assert!(!cell.contains("<button"), "{cell}");
    let (tag, inner) = element_by_id(&all, "jour-2026-12-28").unwrap();
    assert!(tag.starts_with("<a "), "{tag}");
    assert!(
        tag.contains(&format!("href=\"{child}/jour/2026-12-28\"")),
        "{tag}"
    );
    // its name is its text (no aria-label hiding it), starting with « Lun 28 ».
    assert!(!tag.contains("aria-label"), "{tag}");
    let spoken = spoken_text(&inner);
    assert!(
        spoken.starts_with("Lun 28 CDC - ALSH 6-12 Après-midi ouvert, aucune réservation CDC"),
        "{spoken}"
    );
    assert!(
        spoken.ends_with("lundi 28 décembre 2026 : choisir une activité"),
        "{spoken}"
    );

    // Every link and button of a calendar day is named by its own text.
    for page in [&all, &matin] {
        for chunk in page.body.split("class=\"day-link\"").skip(1) {
            let tag = &chunk[..chunk.find('>').unwrap()];
            assert!(!tag.contains("aria-label"), "{tag}");
        }
    }
    let (tag, button) = element_by_id(&matin, "jour-2026-12-02").unwrap();
    assert!(tag.starts_with("<button "), "{tag}");
    assert!(
        spoken_text(&button).starts_with("Mer 2 réservé, modifiable"),
        "{button}"
    );
}

/// Item 12: after a click the parent is back on the day clicked (its id in the redirect, on
/// the control itself, so the focus is there and Tab goes on to the next day).
#[tokio::test]
async fn a_click_brings_the_parent_back_to_the_day_clicked() {
    let portal = Portal::demo();
    let (mut browser, child, month, calendar) = lilou_matin_in_december(&portal).await;
    // Every day of the month has its id.
    for day in 1..=31 {
        let id = format!("jour-2026-12-{day:02}");
        assert!(element_by_id(&calendar, &id).is_some(), "{id}");
    }
    // Given the Matin calendar, when the parent clicks the 28th,
    let fields = calendar
        .form(
            &format!("{child}/panier"),
            &[("jour", "2026-12-28"), ("action", "reserver")],
        )
        .unwrap();
    let answer = browser.post_raw(&format!("{child}/panier"), &fields).await;
    // then the redirect names that day,
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.location(), format!("{month}#jour-2026-12-28"));
    // and on the page it leads to, that id is the day's button (focusable).
    let back = browser.get(without_fragment(answer.location())).await;
    let (tag, inner) = element_by_id(&back, "jour-2026-12-28").unwrap();
    assert!(tag.starts_with("<button "), "{tag}");
    assert!(inner.contains("à réserver (dans votre panier)"), "{inner}");

    // The same from the day page: back to the activity clicked, « Retour » to the day.
    let day = browser.get(&format!("{child}/jour/2026-12-29")).await;
    let fields = day
        .form(
            &format!("{child}/panier"),
            &[("jour", "2026-12-29"), ("action", "reserver")],
        )
        .unwrap();
    let activity = fields
        .iter()
        .find(|(n, _)| n == "activite")
        .unwrap()
        .1
        .clone();
    let answer = browser.post_raw(&format!("{child}/panier"), &fields).await;
    assert_eq!(
        answer.location(),
        format!("{child}/jour/2026-12-29#activite-{activity}")
    );
    let day = browser.get(without_fragment(answer.location())).await;
    assert!(element_by_id(&day, &format!("activite-{activity}")).is_some());
    assert!(
        day.body
            .contains(&format!("href=\"{child}?mois=2026-12#jour-2026-12-29\""))
    );
}

/// The phone part of the stylesheet (`max-width: 37.49rem`), up to the next `@media`.
fn phone_rules(css: &str) -> &str {
    let start = css.find("@media (max-width: 37.49rem)").unwrap();
    let end = start + 10 + css[start + 10..].find("@media").unwrap();
    &css[start..end]
}

/// Items 12 and 13: on a phone the day's number and its boxes are laid out one after the
/// other (never one over the other), and the header keeps the menu on one line.
#[tokio::test]
async fn on_a_phone_nothing_covers_the_day_numbers_and_the_menu_is_one_line() {
    let portal = Portal::demo();
    let mut browser = portal.browser();
    let css = browser.get("/style.css").await.body;
    let phone = phone_rules(&css);
    // No box or number is taken out of the flow to be placed over the others.
    for rule in phone.split('}') {
        if rule.contains(".day") || rule.contains(".calendar td") {
            assert!(!rule.contains("position: absolute"), "{rule}");
        }
    }
    assert!(!css.contains(".day-number { position: absolute"));
    // The menu scrolls sideways on one line instead of filling the screen.
    let start = css.find("@media (max-width: 63.99rem)").unwrap();
    let narrow = &css[start..start + css[start..].find("\n}").unwrap()];
    let menu = narrow
        .split('}')
        .find(|r| r.contains(".menu ul {"))
        .unwrap();
    assert!(
        menu.contains("flex-wrap: nowrap") && menu.contains("overflow-x: auto"),
        "{menu}"
    );
}

/// The relative luminance of `#rrggbb` (WCAG 2.1).
fn luminance(hex: &str) -> f64 {
    let hex = hex.trim_start_matches('#');
    let hex = if hex.len() == 3 {
        hex.chars().flat_map(|c| [c, c]).collect::<String>()
    } else {
        hex.to_owned()
    };
    let channel = |i: usize| {
        let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4)
}

/// Item 13: every state box has text at 4.5:1 at least on its background, and the Solde table
/// that scrolls sideways on a phone is reachable and named for the keyboard.
#[tokio::test]
async fn state_boxes_are_contrasted_and_the_solde_table_is_a_named_focusable_region() {
    let portal = Portal::demo();
    let mut browser = portal.logged_in("dupont").await;
    let css = browser.get("/style.css").await.body;
    let mut checked = 0;
    for line in css
        .lines()
        .filter(|l| l.starts_with(".state-") && l.contains("background:"))
    {
        let value = |name: &str| {
            let at = line.find(&format!("{name}:")).unwrap() + name.len() + 1;
            let rest = line[at..].trim_start();
            rest[..rest.find(';').unwrap()].to_owned()
        };
        let (a, b) = (luminance(&value("background")), luminance(&value(" color")));
        let ratio = (a.max(b) + 0.05) / (a.min(b) + 0.05);
        assert!(ratio >= 4.5, "{line}: {ratio:.2}:1");
        checked += 1;
    }
    // The parents' nine, and the two states only the staff's occupancy board shows.
    assert_eq!(checked, 11);
    let solde = browser.get("/solde").await;
    assert!(solde.body.contains(
        "<div class=\"table-wrap\" role=\"region\" aria-label=\"Solde porte-monnaie\" tabindex=\"0\">"
    ));
}

/// Item 14: a pending cancellation shows « annulation demandée (non transmise) » and
/// « Retirer », in « Suivi » and in the calendar (which no longer offers « annuler » on it),
/// and « Retirer » gives the place back as it was.
#[tokio::test]
async fn a_pending_cancellation_is_withdrawn_like_a_request() {
    let portal = Portal::demo();
    let (mut browser, child, month, calendar) = lilou_matin_in_december(&portal).await;
    let line = "mercredi 2 décembre 2026 DUPONT Lilou CDC - ALSH 6-12 Matin";
    async fn request_cancellation(browser: &mut Browser, calendar: &Page, child: &str) {
        click(browser, calendar, child, "2026-12-02", "annuler").await;
        let summary = browser.get("/reservations/recapitulatif").await;
        assert!(
            summary
                .main_text()
                .contains("Annulation annulation possible"),
            "{}",
            summary.main_text()
        );
        let form_id = summary.input_values("formulaire")[0].clone();
        let answer = browser
            .post("/reservations/recapitulatif", &[("formulaire", &form_id)])
            .await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER);
    }
    // Given a cancellation of the 2nd validated, not transmitted yet,
    request_cancellation(&mut browser, &calendar, &child).await;
    // then « Suivi » says so and offers « Retirer »;
    let follow_up = browser.get("/suivi").await;
    let text = follow_up.main_text();
    assert!(
        text.contains(&format!(
            "{line} Acceptée — annulation demandée (non transmise) Retirer"
        )),
        "{text}"
    );
    // and the calendar shows it, with « Retirer » and no « annuler ».
    let calendar = browser.get(&month).await;
    let (_, cell) = element_by_id(&calendar, "jour-2026-12-02").unwrap();
    assert!(
        spoken_text(&cell).starts_with("Mer 2 annulation demandée (non transmise)"),
        "{cell}"
    );
    assert!(
        calendar
            .form(
                &format!("{child}/panier"),
                &[("jour", "2026-12-02"), ("action", "annuler")]
            )
            .is_none()
    );

    // When the parent withdraws it from « Suivi », the place is back, cancellable.
    let form = follow_up
        .forms()
        .into_iter()
        .find(|(action, _)| action == "/suivi/retirer")
        .unwrap();
    let request = form
        .1
        .iter()
        .find(|(n, _)| n == "demande")
        .unwrap()
        .1
        .clone();
    let head = portal.head();
    let answer = browser
        .post("/suivi/retirer", &[("demande", &request)])
        .await;
    assert_eq!(answer.location(), "/suivi?fait=retiree");
    assert!(portal.head() > head);
    let text = browser.get(answer.location()).await.main_text();
    assert!(text.contains("La demande est retirée"), "{text}");
    assert!(text.contains(&format!("{line} Acceptée Annuler")), "{text}");

    // Again, withdrawn from the calendar this time.
    let calendar = browser.get(&month).await;
    request_cancellation(&mut browser, &calendar, &child).await;
    let calendar = browser.get(&month).await;
    let calendar = click(
        &mut browser,
        &calendar,
        &child,
        "2026-12-02",
        "retirer_demande",
    )
    .await;
    let (_, cell) = element_by_id(&calendar, "jour-2026-12-02").unwrap();
    assert!(
        spoken_text(&cell).starts_with("Mer 2 réservé, modifiable"),
        "{cell}"
    );
    let text = browser.get("/suivi").await.main_text();
    assert!(text.contains(&format!("{line} Acceptée Annuler")), "{text}");
}
