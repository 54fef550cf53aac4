//! The frame of the back-office pages: the member's name and roles, a menu of what the roles
//! allow, « Se déconnecter », the organisation's contact block; and the 403 page.

use app::staff::{StaffSession, role_label};
use app::{App, AppError};
use domain::staff::{Permission, Role};
use mail::templates::ContactBlock;
use maud::{DOCTYPE, Markup, html};

use crate::layout::{contact_block, csrf_field, head};

/// What the frame shows around a back-office page.
#[derive(Clone, Debug)]
pub struct StaffChrome {
    pub contact: ContactBlock,
    /// The token every form of the page carries.
    pub csrf: String,
    pub name: String,
    pub login: String,
    pub roles: Vec<Role>,
    /// The menu entries the member's roles allow.
    pub menu: Vec<MenuEntry>,
}

/// One entry of the back-office menu.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MenuEntry {
    pub key: &'static str,
    pub path: &'static str,
    pub label: &'static str,
}

/// Menu entries: (key, path, label, the permissions that show it, any of them; empty: every
/// member).
const MENU: &[(&str, &str, &str, &[Permission])] = &[
    ("accueil", "/gestion", "Accueil", &[]),
    (
        "familles",
        "/gestion/familles",
        "Familles",
        &[Permission::ViewFamilies],
    ),
    (
        "pointage",
        "/gestion/pointage",
        "Pointage",
        &[Permission::TakeAttendance],
    ),
    (
        "occupation",
        "/gestion/occupation",
        "Occupation",
        &[Permission::ViewBoards],
    ),
    (
        "transmission",
        "/gestion/transmission",
        "Transmission",
        &[Permission::ViewBoards, Permission::ManageOutbox],
    ),
    (
        "graphiques",
        "/gestion/graphiques",
        "Graphiques",
        &[Permission::ViewBoards],
    ),
    (
        "exports",
        "/gestion/exports",
        "Exports",
        &[Permission::ExportMoney, Permission::ExportAttendance],
    ),
    (
        "comptes",
        "/gestion/comptes",
        "Comptes du personnel",
        &[Permission::ManageStaff],
    ),
    (
        "journal",
        "/gestion/journal-acces",
        "Journal des accès",
        &[Permission::ViewAccessLog],
    ),
];

pub fn staff_chrome(
    app: &App,
    session: &StaffSession,
    csrf: String,
) -> Result<StaffChrome, AppError> {
    let contact = app.query(app::notify::contact_block)?;
    let member = &session.member;
    let menu = MENU
        .iter()
        .filter(|(_, _, _, needs)| needs.is_empty() || needs.iter().any(|p| member.rights.may(*p)))
        .map(|(key, path, label, _)| MenuEntry { key, path, label })
        .collect();
    Ok(StaffChrome {
        contact,
        csrf,
        name: member.name.clone(),
        login: member.login.clone(),
        roles: member.rights.roles.clone(),
        menu,
    })
}

/// The roles of a member in words: « Accueil, Régie ».
pub fn roles_text(roles: &[Role]) -> String {
    roles
        .iter()
        .map(|r| role_label(*r))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A whole back-office page. `current`: the menu entry to mark (`aria-current`).
pub fn gestion_page(chrome: &StaffChrome, title: &str, current: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="fr" {
            (head(&format!("{title} — Gestion")))
            body class="gestion" {
                a class="skip" href="#contenu" { "Aller au contenu" }
                header class="site" {
                    div class="brand" {
                        a href="/gestion" { "Portail Famille — Gestion" }
                        " "
                        span class="org" { (chrome.contact.name) }
                    }
                    div class="account" {
                        span class="who" { (chrome.name) " (" (chrome.login) ")" }
                        span class="structure" { "Rôles : " (roles_text(&chrome.roles)) }
                        form class="logout" method="post" action="/gestion/deconnexion" {
                            (csrf_field(&chrome.csrf))
                            button class="link" type="submit" { "Se déconnecter" }
                        }
                    }
                    nav class="menu" aria-label="Menu de la gestion" {
                        ul {
                            @for entry in &chrome.menu {
                                li {
                                    @if entry.key == current {
                                        a href=(entry.path) aria-current="page" { (entry.label) }
                                    } @else {
                                        a href=(entry.path) { (entry.label) }
                                    }
                                }
                            }
                        }
                    }
                }
                main id="contenu" {
                    h1 { (title) }
                    (body)
                }
                footer class="site" {
                    (contact_block(&chrome.contact))
                }
            }
        }
    }
}

/// A back-office page without a logged-in member (log-in steps, activation).
pub fn gestion_visitor_page(contact: &ContactBlock, title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="fr" {
            (head(&format!("{title} — Gestion")))
            body class="gestion" {
                a class="skip" href="#contenu" { "Aller au contenu" }
                header class="site" {
                    div class="brand" {
                        a href="/gestion/connexion" { "Portail Famille — Gestion" }
                        " "
                        span class="org" { (contact.name) }
                    }
                }
                main id="contenu" {
                    h1 { (title) }
                    (body)
                }
                footer class="site" {
                    (contact_block(contact))
                }
            }
        }
    }
}

/// The 403 page: what the member's account does not allow; nothing was read or written.
pub fn forbidden_page(permission: Permission) -> Markup {
    html! {
        (DOCTYPE)
        html lang="fr" {
            (head("Accès refusé — Gestion"))
            body class="gestion" {
                main id="contenu" {
                    h1 { "Accès refusé" }
                    p class="flash error" role="alert" {
                        (app::staff::not_allowed_text(permission))
                        ". Rien n'a été consulté ni enregistré."
                    }
                    p { "Si vous en avez besoin, demandez à un administrateur d'ajouter le rôle qui convient à votre compte." }
                    p { a href="/gestion" { "Retour à l'accueil de la gestion" } }
                }
            }
        }
    }
}
