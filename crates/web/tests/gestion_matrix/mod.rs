//! Every back-office route, with every demo role, an anonymous visitor and a logged-in parent:
//! allowed, or refused (the French 403 page for a member, the staff log-in page for the others)
//! with nothing written. The expected answer comes from `domain::staff` (the roles' table); the
//! list of routes is checked against the router's source, so a new route cannot skip the walk.

use axum::http::StatusCode;
use domain::ids::{StructureId, WalletId, derive_id};
use domain::staff::{Permission, Role, StaffRights};

use crate::common::{Browser, Portal};

/// Who calls.
#[derive(Clone, Copy, Debug)]
enum Caller {
    Anonymous,
    Parent,
    Staff(&'static str, Role),
}

const CALLERS: [Caller; 6] = [
    Caller::Anonymous,
    Caller::Parent,
    Caller::Staff("accueil", Role::Accueil),
    Caller::Staff("direction", Role::Direction),
    Caller::Staff("regie", Role::Regie),
    Caller::Staff("admin", Role::Administration),
];

/// What a route needs: any complete staff log-in, or one of some permissions.
#[derive(Clone, Copy, Debug)]
enum Needs {
    AnyStaff,
    AnyOf(&'static [Permission]),
}

/// One request of the walk: method, the route's template (as in the router), the path with the
/// demo's ids, the form fields, and what it needs.
struct Case {
    post: bool,
    template: &'static str,
    path: String,
    fields: Vec<(&'static str, String)>,
    needs: Needs,
}

/// The routes that need no complete staff log-in (the log-in steps themselves), left out of
/// the walk and tested in `gestion_login`.
const LOG_IN_ROUTES: &[&str] = &[
    "/gestion/connexion",
    "/gestion/connexion/code",
    "/gestion/deconnexion",
    "/gestion/enrolement",
    "/gestion/activation",
];

fn cases(portal: &Portal, payment: &str) -> Vec<Case> {
    use Permission::*;
    let family = portal.family("dupont").to_string();
    let child = derive_id("child", "dupont/lilou").to_string();
    let activity = uuid::Uuid::from_u128(1).to_string();
    let nil = uuid::Uuid::nil().to_string();
    let form = "0".repeat(32);
    let quinsac = derive_id("structure", "quinsac").to_string();
    let transmission =
        app::console::past_transmissions(&portal.app, &app::staff::Acting::operator())
            .unwrap()
            .first()
            .map(|t| t.transmission_id.to_string())
            .unwrap_or_else(|| nil.clone());
    let f = |p: &str| format!("/gestion/familles/{family}{p}");
    let get = |template, path: String, needs| Case {
        post: false,
        template,
        path,
        fields: vec![],
        needs,
    };
    let post = |template, path: String, fields: Vec<(&'static str, String)>, needs| Case {
        post: true,
        template,
        path,
        fields,
        needs,
    };
    vec![
        get("/gestion", "/gestion".to_owned(), Needs::AnyStaff),
        get(
            "/gestion/comptes",
            "/gestion/comptes".to_owned(),
            Needs::AnyOf(&[ManageStaff]),
        ),
        post(
            "/gestion/comptes",
            "/gestion/comptes".to_owned(),
            vec![("action", "code".to_owned()), ("compte", nil.clone())],
            Needs::AnyOf(&[ManageStaff]),
        ),
        get(
            "/gestion/journal-acces",
            "/gestion/journal-acces".to_owned(),
            Needs::AnyOf(&[ViewAccessLog]),
        ),
        get(
            "/gestion/familles",
            "/gestion/familles?q=dupont".to_owned(),
            Needs::AnyOf(&[ViewFamilies]),
        ),
        get(
            "/gestion/familles/{family}",
            f(""),
            Needs::AnyOf(&[ViewFamilies]),
        ),
        post(
            "/gestion/familles/{family}/dossier",
            f("/dossier"),
            vec![("recu", "Fiche sanitaire".to_owned())],
            Needs::AnyOf(&[UpdateFamilyFile]),
        ),
        post(
            "/gestion/familles/{family}/quotient",
            f("/quotient"),
            vec![
                ("quotient", "640".to_owned()),
                ("date", "2026-12-01".to_owned()),
            ],
            Needs::AnyOf(&[UpdateFamilyFile]),
        ),
        post(
            "/gestion/familles/{family}/deblocage",
            f("/deblocage"),
            vec![],
            Needs::AnyOf(&[AssistFamilyAccess]),
        ),
        post(
            "/gestion/familles/{family}/lien",
            f("/lien"),
            vec![],
            Needs::AnyOf(&[AssistFamilyAccess]),
        ),
        post(
            "/gestion/familles/{family}/activation",
            f("/activation"),
            vec![],
            Needs::AnyOf(&[AssistFamilyAccess]),
        ),
        get(
            "/gestion/familles/{family}/reglement",
            f("/reglement"),
            Needs::AnyOf(&[RecordPayment]),
        ),
        post(
            "/gestion/familles/{family}/reglement",
            f("/reglement"),
            vec![
                ("porte_monnaie", derive_id("wallet", "pe2m").to_string()),
                ("montant", "7,00".to_owned()),
                ("mode", "ESP".to_owned()),
            ],
            Needs::AnyOf(&[RecordPayment]),
        ),
        get(
            "/gestion/reglements/{payment}",
            format!("/gestion/reglements/{payment}"),
            Needs::AnyOf(&[RecordPayment, CancelPayment]),
        ),
        post(
            "/gestion/reglements/{payment}/annulation",
            format!("/gestion/reglements/{payment}/annulation"),
            vec![("motif", "Saisi deux fois".to_owned())],
            Needs::AnyOf(&[CancelPayment]),
        ),
        get(
            "/gestion/familles/{family}/documents",
            f("/documents"),
            Needs::AnyOf(&[IssueAttestations]),
        ),
        get(
            "/gestion/familles/{family}/documents/frais-de-garde",
            f("/documents/frais-de-garde?annee=2026&format=html"),
            Needs::AnyOf(&[IssueAttestations]),
        ),
        get(
            "/gestion/familles/{family}/documents/releve",
            f("/documents/releve?du=2026-01-01&au=2026-12-31"),
            Needs::AnyOf(&[IssueAttestations]),
        ),
        get(
            "/gestion/familles/{family}/documents/recu/{payment}",
            f(&format!("/documents/recu/{payment}")),
            Needs::AnyOf(&[IssueAttestations]),
        ),
        get(
            "/gestion/familles/{family}/reservations",
            f("/reservations"),
            Needs::AnyOf(&[BookByPhone]),
        ),
        get(
            "/gestion/familles/{family}/reservations/{child}",
            f(&format!("/reservations/{child}")),
            Needs::AnyOf(&[BookByPhone]),
        ),
        post(
            "/gestion/familles/{family}/reservations/{child}/panier",
            f(&format!("/reservations/{child}/panier")),
            vec![
                ("action", "reserver".to_owned()),
                ("activite", activity.clone()),
                ("jour", "2026-12-09".to_owned()),
            ],
            Needs::AnyOf(&[BookByPhone]),
        ),
        get(
            "/gestion/familles/{family}/recapitulatif",
            f("/recapitulatif"),
            Needs::AnyOf(&[BookByPhone]),
        ),
        post(
            "/gestion/familles/{family}/recapitulatif",
            f("/recapitulatif"),
            vec![("formulaire", form.clone())],
            Needs::AnyOf(&[BookByPhone]),
        ),
        post(
            "/gestion/familles/{family}/abandonner",
            f("/abandonner"),
            vec![],
            Needs::AnyOf(&[BookByPhone]),
        ),
        get(
            "/gestion/familles/{family}/suivi",
            f("/suivi"),
            Needs::AnyOf(&[BookByPhone]),
        ),
        post(
            "/gestion/familles/{family}/suivi",
            f("/suivi"),
            vec![("demande", nil.clone())],
            Needs::AnyOf(&[BookByPhone]),
        ),
        get(
            "/gestion/pointage",
            format!("/gestion/pointage?structure={quinsac}&jour=2026-11-25"),
            Needs::AnyOf(&[TakeAttendance]),
        ),
        post(
            "/gestion/pointage",
            "/gestion/pointage".to_owned(),
            vec![
                ("place", nil.clone()),
                ("marque", "present".to_owned()),
                ("structure", quinsac.clone()),
                ("jour", "2026-11-25".to_owned()),
            ],
            Needs::AnyOf(&[TakeAttendance]),
        ),
        get(
            "/gestion/pointage/emargement",
            format!("/gestion/pointage/emargement?structure={quinsac}&jour=2026-11-25"),
            Needs::AnyOf(&[TakeAttendance]),
        ),
        post(
            "/gestion/pointage/ajout",
            "/gestion/pointage/ajout".to_owned(),
            vec![
                ("enfant", child.clone()),
                ("activite", activity.clone()),
                ("structure", quinsac.clone()),
                ("jour", "2026-11-25".to_owned()),
            ],
            Needs::AnyOf(&[TakeAttendance]),
        ),
        get(
            "/gestion/occupation",
            format!("/gestion/occupation?structure={quinsac}&semaine=2026-12-09"),
            Needs::AnyOf(&[ViewBoards]),
        ),
        get(
            "/gestion/occupation/{activity}/{day}",
            format!(
                "/gestion/occupation/{}/2026-12-09",
                derive_id("activity", "alsh-6-12-matin")
            ),
            Needs::AnyOf(&[ViewBoards]),
        ),
        get(
            "/gestion/occupation/{activity}/{day}/capacite",
            format!("/gestion/occupation/{activity}/2026-12-09/capacite"),
            Needs::AnyOf(&[ManageDays]),
        ),
        post(
            "/gestion/occupation/{activity}/{day}/capacite",
            format!("/gestion/occupation/{activity}/2026-12-09/capacite"),
            vec![
                ("capacite", "30".to_owned()),
                ("attente", "5".to_owned()),
                ("a_partir_du", "2026-12-09".to_owned()),
                ("motif", "Renfort".to_owned()),
            ],
            Needs::AnyOf(&[ManageDays]),
        ),
        get(
            "/gestion/occupation/{activity}/{day}/promotion",
            format!("/gestion/occupation/{activity}/2026-12-09/promotion?place={nil}"),
            Needs::AnyOf(&[ManageDays]),
        ),
        post(
            "/gestion/occupation/{activity}/{day}/promotion",
            format!("/gestion/occupation/{activity}/2026-12-09/promotion"),
            vec![("place", nil.clone()), ("motif", "Fratrie".to_owned())],
            Needs::AnyOf(&[ManageDays]),
        ),
        get(
            "/gestion/occupation/{activity}/{day}/rang",
            format!("/gestion/occupation/{activity}/2026-12-09/rang?place={nil}&sens=monter"),
            Needs::AnyOf(&[ManageDays]),
        ),
        post(
            "/gestion/occupation/{activity}/{day}/rang",
            format!("/gestion/occupation/{activity}/2026-12-09/rang"),
            vec![
                ("place", nil.clone()),
                ("sens", "monter".to_owned()),
                ("motif", "Fratrie".to_owned()),
            ],
            Needs::AnyOf(&[ManageDays]),
        ),
        get(
            "/gestion/occupation/{activity}/{day}/fermeture",
            format!("/gestion/occupation/{activity}/2026-12-09/fermeture"),
            Needs::AnyOf(&[ManageDays]),
        ),
        post(
            "/gestion/occupation/{activity}/{day}/fermeture",
            format!("/gestion/occupation/{activity}/2026-12-09/fermeture"),
            vec![("motif", "Panne de chauffage".to_owned())],
            Needs::AnyOf(&[ManageDays]),
        ),
        get(
            "/gestion/exports",
            "/gestion/exports".to_owned(),
            Needs::AnyOf(&[ExportMoney, ExportAttendance]),
        ),
        get(
            "/gestion/exports/presences.csv",
            format!("/gestion/exports/presences.csv?mois=2026-11&structure={quinsac}"),
            Needs::AnyOf(&[ExportAttendance]),
        ),
        get(
            "/gestion/exports/consommations.csv",
            "/gestion/exports/consommations.csv?mois=2026-11".to_owned(),
            Needs::AnyOf(&[ExportMoney]),
        ),
        get(
            "/gestion/exports/reglements.csv",
            "/gestion/exports/reglements.csv?mois=2026-11".to_owned(),
            Needs::AnyOf(&[ExportMoney]),
        ),
        get(
            "/gestion/exports/dossiers-incomplets.csv",
            format!("/gestion/exports/dossiers-incomplets.csv?structure={quinsac}"),
            Needs::AnyOf(&[ExportAttendance]),
        ),
        get(
            "/gestion/transmission",
            "/gestion/transmission".to_owned(),
            Needs::AnyOf(&[ViewBoards]),
        ),
        post(
            "/gestion/transmission",
            "/gestion/transmission".to_owned(),
            vec![("confirmer", "oui".to_owned())],
            Needs::AnyOf(&[RunTransmission]),
        ),
        get(
            "/gestion/transmission/{transmission}",
            format!("/gestion/transmission/{transmission}"),
            Needs::AnyOf(&[ViewBoards]),
        ),
        get(
            "/gestion/graphiques",
            "/gestion/graphiques".to_owned(),
            Needs::AnyOf(&[ViewBoards]),
        ),
        get(
            "/gestion/courriels",
            "/gestion/courriels?etat=echec".to_owned(),
            Needs::AnyOf(&[ManageOutbox]),
        ),
        post(
            "/gestion/courriels/{mail}/renvoi",
            format!("/gestion/courriels/{nil}/renvoi"),
            vec![],
            Needs::AnyOf(&[ManageOutbox]),
        ),
    ]
}

/// The rights of a demo account holding `role` (the demo's scoped accounts act on every centre).
fn rights(role: Role) -> StaffRights {
    StaffRights {
        roles: vec![role],
        structures: vec![StructureId::from_uuid(derive_id("structure", "quinsac"))],
    }
}

fn allowed(caller: Caller, needs: Needs) -> bool {
    match (caller, needs) {
        (Caller::Anonymous | Caller::Parent, _) => false,
        (Caller::Staff(..), Needs::AnyStaff) => true,
        (Caller::Staff(_, role), Needs::AnyOf(permissions)) => {
            permissions.iter().any(|p| rights(role).may(*p))
        }
    }
}

async fn browser_of(portal: &Portal, caller: Caller) -> Browser {
    match caller {
        Caller::Anonymous => portal.browser(),
        Caller::Parent => portal.logged_in("dupont").await,
        Caller::Staff(login, _) => portal.staff_logged_in(login).await,
    }
}

fn accesses(portal: &Portal) -> i64 {
    portal
        .app
        .query(
            |conn| Ok(conn.query_row("SELECT count(*) FROM staff_access_log", [], |r| r.get(0))?),
        )
        .unwrap()
}

#[tokio::test]
async fn every_back_office_route_answers_every_role_as_the_roles_table_says_and_refusals_write_nothing()
 {
    let portal = Portal::demo();
    let payment = app::money::record_payment(
        &portal.app,
        &app::staff::Acting::operator(),
        app::money::DeskPayment {
            family: portal.family("dupont"),
            wallet: WalletId::from_uuid(derive_id("wallet", "pe2m")),
            amount: domain::Money::parse("5.00").unwrap(),
            mode: domain::values::PaymentMode::Cheque,
            number: None,
            bank: None,
            payer: None,
            paid_on: portal.app.today(),
        },
    )
    .unwrap()
    .to_string();
    let mut walked = 0;
    for caller in CALLERS {
        let mut browser = browser_of(&portal, caller).await;
        for case in cases(&portal, &payment) {
            let (head, seen) = (portal.head(), accesses(&portal));
            let page = if case.post {
                // A fresh token of the side the caller is on (the staff cookie, or a visitor's).
                browser.get("/gestion").await;
                if !matches!(caller, Caller::Staff(..)) {
                    browser.get("/gestion/connexion").await;
                }
                let fields: Vec<(&str, &str)> =
                    case.fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                browser.post(&case.path, &fields).await
            } else {
                browser.get(&case.path).await
            };
            let what = format!(
                "{caller:?} {} {} → {}",
                if case.post { "POST" } else { "GET" },
                case.path,
                page.status
            );
            let to_log_in = page.status == StatusCode::SEE_OTHER
                && page.location().starts_with("/gestion/connexion");
            if allowed(caller, case.needs) {
                assert!(
                    page.status != StatusCode::FORBIDDEN && !to_log_in,
                    "{what}: should be allowed\n{}",
                    page.text()
                );
            } else {
                match caller {
                    Caller::Staff(..) => {
                        assert_eq!(page.status, StatusCode::FORBIDDEN, "{what}");
                        assert!(page.text().contains("Accès refusé"), "{what}");
                    }
                    _ => assert!(to_log_in, "{what}: should get the staff log-in page"),
                }
                assert_eq!(portal.head(), head, "{what}: an event was written");
                assert_eq!(accesses(&portal), seen, "{what}: an access was logged");
            }
            walked += 1;
        }
    }
    assert_eq!(walked, CALLERS.len() * cases(&portal, &payment).len());
}

#[test]
fn the_walk_covers_every_route_of_the_back_office() {
    let source = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src/routes/gestion/mod.rs"
    ))
    .unwrap();
    let portal_less: Vec<&str> = source
        .split('"')
        .filter(|piece| piece.starts_with("/gestion"))
        .collect();
    let portal = Portal::demo();
    let walked: Vec<&str> = cases(&portal, "p").iter().map(|c| c.template).collect();
    for route in portal_less {
        assert!(
            walked.contains(&route) || LOG_IN_ROUTES.contains(&route),
            "{route} is not in the role × route walk"
        );
    }
}
