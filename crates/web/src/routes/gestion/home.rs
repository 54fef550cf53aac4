//! `/gestion`: the member's home, with what the roles allow.

use axum::response::{IntoResponse, Response};
use domain::staff::Permission;
use maud::html;

use crate::WebError;
use crate::staff::StaffUser;
use crate::staff_layout::{gestion_page, roles_text};

/// The areas of the back office, (path, title, what it is for, the permission it needs).
const AREAS: &[(&str, &str, &str, &[Permission])] = &[
    (
        "/gestion/familles",
        "Familles",
        "Rechercher une famille, ouvrir son dossier, enregistrer un règlement, réserver par téléphone.",
        &[Permission::ViewFamilies],
    ),
    (
        "/gestion/pointage",
        "Pointage",
        "La feuille de présence du jour par structure, et l'émargement à imprimer.",
        &[Permission::TakeAttendance],
    ),
    (
        "/gestion/occupation",
        "Occupation",
        "Par structure, semaine ou mois : places prises, listes d'attente, demandes en cours ; le détail d'une journée et ses actions.",
        &[Permission::ViewBoards],
    ),
    (
        "/gestion/transmission",
        "Transmission",
        "Ce que la prochaine transmission déciderait, les transmissions passées, les courriels envoyés ou en échec.",
        &[Permission::ViewBoards, Permission::ManageOutbox],
    ),
    (
        "/gestion/graphiques",
        "Graphiques",
        "Taux d'occupation, pression des listes d'attente, règlements et consommations par mois.",
        &[Permission::ViewBoards],
    ),
    (
        "/gestion/exports",
        "Exports",
        "Fichiers CSV pour la CAF, le comptable et la régie ; dossiers incomplets.",
        &[Permission::ExportMoney, Permission::ExportAttendance],
    ),
    (
        "/gestion/comptes",
        "Comptes du personnel",
        "Ouvrir, modifier ou désactiver un compte, donner un nouveau code d'activation.",
        &[Permission::ManageStaff],
    ),
    (
        "/gestion/journal-acces",
        "Journal des accès",
        "Qui a consulté quel dossier de famille, et quand (conservé six mois).",
        &[Permission::ViewAccessLog],
    ),
];

pub(super) async fn home(staff: StaffUser) -> Result<Response, WebError> {
    let body = html! {
        p { "Bonjour " (staff.chrome.name) ". Rôles de votre compte : " (roles_text(&staff.chrome.roles)) "." }
        ul class="areas" {
            @for (path, title, what, permissions) in AREAS {
                @if permissions.iter().any(|p| staff.may(*p)) {
                    li {
                        a href=(path) { strong { (title) } }
                        " — " (what)
                    }
                }
            }
        }
    };
    Ok(gestion_page(&staff.chrome, "Gestion", "accueil", body).into_response())
}
