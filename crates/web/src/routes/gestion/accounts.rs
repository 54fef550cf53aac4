//! `/gestion/comptes` (`Permission::ManageStaff`): the staff accounts, opening one (its
//! activation code shown once), changing its roles and structures, disabling it, handing out a
//! new activation code (the member starts over).

use app::AppError;
use app::listing::StructureListing;
use app::staff::{self, NewStaffAccount, StaffAccountRow, StaffRefusal, role_label};
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::Email;
use domain::ids::{StaffId, StructureId};
use domain::staff::{Permission, Role};
use maud::{Markup, html};

use crate::extract::{Form, FromFields, Query, named};
use crate::layout::{csrf_field, flash};
use crate::session::see_other;
use crate::staff::StaffUser;
use crate::staff_layout::{gestion_page, roles_text};
use crate::{Shared, WebError, blocking};

/// What the page says after a change (`?fait=`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Done {
    Nothing,
    Changed,
    Unchanged,
    Disabled,
}

impl FromFields for Done {
    type Raw = Vec<(String, String)>;
    fn from_fields(raw: Self::Raw) -> Result<Done, WebError> {
        match raw
            .iter()
            .find(|(k, _)| k == "fait")
            .map(|(_, v)| v.as_str())
        {
            None => Ok(Done::Nothing),
            Some("modifie") => Ok(Done::Changed),
            Some("inchange") => Ok(Done::Unchanged),
            Some("desactive") => Ok(Done::Disabled),
            Some(_) => Err(WebError::NotFound),
        }
    }
}

/// One click of the page.
#[derive(Clone, Debug)]
pub(super) enum AccountsAction {
    Open(NewStaffAccount),
    Change {
        staff: StaffId,
        roles: Vec<Role>,
        structures: Vec<StructureId>,
    },
    Disable(StaffId),
    NewCode(StaffId),
}

fn field<'r>(raw: &'r [(String, String)], name: &str) -> Option<&'r str> {
    raw.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

fn rights(raw: &[(String, String)]) -> Result<(Vec<Role>, Vec<StructureId>), WebError> {
    let mut roles = Vec::new();
    let mut structures = Vec::new();
    for (name, value) in raw {
        match name.as_str() {
            "role" => roles.push(Role::parse(value).ok_or(WebError::NotFound)?),
            "structure" => structures.push(named(value)?),
            _ => {}
        }
    }
    Ok((roles, structures))
}

impl FromFields for AccountsAction {
    type Raw = Vec<(String, String)>;
    fn from_fields(raw: Self::Raw) -> Result<AccountsAction, WebError> {
        let staff = || -> Result<StaffId, WebError> {
            field(&raw, "compte")
                .and_then(|s| s.parse().ok())
                .ok_or(WebError::NotFound)
        };
        match field(&raw, "action") {
            Some("ouvrir") => {
                let (roles, structures) = rights(&raw)?;
                let email = match field(&raw, "courriel").map(str::trim) {
                    None | Some("") => None,
                    Some(text) => Some(Email::parse(text).map_err(|_| {
                        WebError::Refused(app::accounts::AccountRefusal::InvalidEmail.to_string())
                    })?),
                };
                Ok(AccountsAction::Open(NewStaffAccount {
                    login: field(&raw, "identifiant").unwrap_or_default().to_owned(),
                    name: field(&raw, "nom").unwrap_or_default().to_owned(),
                    email,
                    roles,
                    structures,
                }))
            }
            Some("modifier") => {
                let (roles, structures) = rights(&raw)?;
                Ok(AccountsAction::Change {
                    staff: staff()?,
                    roles,
                    structures,
                })
            }
            Some("desactiver") => Ok(AccountsAction::Disable(staff()?)),
            Some("code") => Ok(AccountsAction::NewCode(staff()?)),
            _ => Err(WebError::NotFound),
        }
    }
}

/// What the page needs.
struct Listing {
    accounts: Vec<StaffAccountRow>,
    structures: Vec<StructureListing>,
}

async fn listing(services: &Shared, staff: &StaffUser) -> Result<Listing, WebError> {
    let app = services.app.clone();
    let by = staff.acting();
    blocking(move || {
        Ok(Listing {
            accounts: staff::staff_accounts(&app, &by)?,
            structures: app::listing::structures(&app)?,
        })
    })
    .await
}

fn state_text(account: &StaffAccountRow) -> &'static str {
    if account.disabled {
        "Désactivé"
    } else if !account.activated {
        "En attente d'activation"
    } else if !account.enrolled {
        "Double authentification à activer"
    } else {
        "Actif"
    }
}

fn rights_fields(
    prefix: &str,
    listing: &Listing,
    roles: &[Role],
    structures: &[StructureId],
) -> Markup {
    html! {
        fieldset {
            legend { "Rôles" }
            @for role in Role::ALL {
                @let id = format!("{prefix}-role-{}", role.code());
                div {
                    input id=(id) type="checkbox" name="role" value=(role.code()) checked[roles.contains(&role)];
                    label for=(id) { " " (role_label(role)) }
                }
            }
        }
        fieldset {
            legend { "Structures (pour Accueil et Direction)" }
            @for structure in &listing.structures {
                @let id = format!("{prefix}-structure-{}", structure.id);
                div {
                    input id=(id) type="checkbox" name="structure" value=(structure.id)
                        checked[structures.iter().any(|s| s.0 == structure.id)];
                    label for=(id) { " " (structure.label) }
                }
            }
        }
    }
}

fn account_row(staff: &StaffUser, listing: &Listing, account: &StaffAccountRow) -> Markup {
    let prefix = format!("compte-{}", account.login);
    let own = account.staff_id == staff.session.member.staff_id;
    let structures: Vec<StructureId> = account.structures.iter().map(|s| s.id).collect();
    html! {
        section class="card" aria-labelledby=(format!("{prefix}-titre")) {
            h3 id=(format!("{prefix}-titre")) { (account.name) " (" (account.login) ")" }
            p {
                "Rôles : " (roles_text(&account.roles))
                @if !account.structures.is_empty() {
                    " — structures : "
                    (account.structures.iter().map(|s| s.label.as_str()).collect::<Vec<_>>().join(", "))
                }
                " — " (state_text(account))
                @if let Some(email) = &account.email { " — " (email.as_str()) }
            }
            @if !account.disabled {
                details {
                    summary { "Modifier les rôles et les structures" }
                    form class="stack" method="post" action="/gestion/comptes" {
                        (csrf_field(staff.csrf()))
                        input type="hidden" name="action" value="modifier";
                        input type="hidden" name="compte" value=(account.staff_id);
                        (rights_fields(&prefix, listing, &account.roles, &structures))
                        div class="actions" { button type="submit" { "Enregistrer les droits de " (account.login) } }
                    }
                }
                div class="actions" {
                    form method="post" action="/gestion/comptes" {
                        (csrf_field(staff.csrf()))
                        input type="hidden" name="action" value="code";
                        input type="hidden" name="compte" value=(account.staff_id);
                        button type="submit" { "Nouveau code d'activation pour " (account.login) }
                    }
                    @if !own {
                        form method="post" action="/gestion/comptes" {
                            (csrf_field(staff.csrf()))
                            input type="hidden" name="action" value="desactiver";
                            input type="hidden" name="compte" value=(account.staff_id);
                            button type="submit" class="danger" { "Désactiver " (account.login) }
                        }
                    }
                }
            }
        }
    }
}

fn accounts_page(staff: &StaffUser, listing: &Listing, notice: Option<Markup>) -> Markup {
    let body = html! {
        @if let Some(notice) = notice { (notice) }
        p { "Un nouveau compte reçoit un code d'activation, affiché une seule fois : remettez-le à la personne, qui choisira son mot de passe sur la page « Activer votre compte » de la connexion du personnel, puis activera la double authentification." }
        h2 { "Comptes" }
        @for account in &listing.accounts { (account_row(staff, listing, account)) }
        section class="card" aria-labelledby="ouvrir-titre" {
            h2 id="ouvrir-titre" { "Ouvrir un compte" }
            form class="stack" method="post" action="/gestion/comptes" {
                (csrf_field(staff.csrf()))
                input type="hidden" name="action" value="ouvrir";
                div class="field" {
                    label for="identifiant" { "Identifiant" }
                    input id="identifiant" name="identifiant" type="text" required maxlength="40"
                        autocapitalize="none" spellcheck="false" aria-describedby="identifiant-aide";
                    p class="hint" id="identifiant-aide" { "2 à 40 caractères : lettres minuscules sans accent, chiffres, point, tiret." }
                }
                div class="field" {
                    label for="nom" { "Nom" }
                    input id="nom" name="nom" type="text" required maxlength="100";
                }
                div class="field" {
                    label for="courriel" { "Adresse électronique (facultative)" }
                    input id="courriel" name="courriel" type="email" maxlength="80";
                }
                (rights_fields("nouveau", listing, &[], &[]))
                div class="actions" { button type="submit" { "Ouvrir le compte" } }
            }
        }
    };
    gestion_page(&staff.chrome, "Comptes du personnel", "comptes", body)
}

pub(super) async fn accounts(
    State(services): State<Shared>,
    staff: StaffUser,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    staff.require(Permission::ManageStaff)?;
    let listing = listing(&services, &staff).await?;
    let notice = match done {
        Done::Nothing => None,
        Done::Changed => Some(flash("success", "Les droits du compte sont enregistrés.")),
        Done::Unchanged => Some(flash(
            "info",
            "Rien n'a changé : les droits étaient déjà ceux-là.",
        )),
        Done::Disabled => Some(flash(
            "success",
            "Le compte est désactivé ; ses sessions sont fermées.",
        )),
    };
    Ok(accounts_page(&staff, &listing, notice).into_response())
}

/// The page with a one-time activation code: answered directly (never stored in clear, so
/// it cannot be shown after a redirect), and not kept by the browser's cache.
fn code_shown(staff: &StaffUser, listing: &Listing, login: &str, code: &str) -> Response {
    let notice = html! {
        div class="flash success" role="status" {
            p { "Code d'activation de " strong { (login) } " (affiché une seule fois, il ne sert qu'une fois) :" }
            p class="secret" { code { (code) } }
        }
    };
    let mut response = accounts_page(staff, listing, Some(notice)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// What a click did.
enum Outcome {
    /// A new activation code, for the account `login`.
    Code {
        login: String,
        code: String,
    },
    Redirect(&'static str),
}

fn run(app: &app::App, by: &staff::Acting, action: AccountsAction) -> Result<Outcome, AppError> {
    match action {
        AccountsAction::Open(new) => {
            let (_, code) = staff::open_account(app, by, new.clone())?;
            let login = staff::parse_login(&new.login)?;
            Ok(Outcome::Code { login, code })
        }
        AccountsAction::NewCode(account) => {
            let code = staff::new_activation_code(app, by, account)?;
            let login = staff::staff_accounts(app, by)?
                .into_iter()
                .find(|a| a.staff_id == account)
                .map(|a| a.login)
                .unwrap_or_default();
            Ok(Outcome::Code { login, code })
        }
        AccountsAction::Change {
            staff: account,
            roles,
            structures,
        } => Ok(Outcome::Redirect(
            if staff::change_account(app, by, account, roles, structures)? {
                "/gestion/comptes?fait=modifie"
            } else {
                "/gestion/comptes?fait=inchange"
            },
        )),
        AccountsAction::Disable(account) => {
            staff::disable_account(app, by, account)?;
            Ok(Outcome::Redirect("/gestion/comptes?fait=desactive"))
        }
    }
}

pub(super) async fn act(
    State(services): State<Shared>,
    staff: StaffUser,
    Form(action): Form<AccountsAction>,
) -> Result<Response, WebError> {
    staff.require(Permission::ManageStaff)?;
    let app = services.app.clone();
    let by = staff.acting();
    let outcome = blocking(move || Ok(run(&app, &by, action))).await?;
    match outcome {
        Ok(Outcome::Redirect(target)) => Ok(see_other(target)),
        Ok(Outcome::Code { login, code }) => {
            let listing = listing(&services, &staff).await?;
            Ok(code_shown(&staff, &listing, &login, &code))
        }
        Err(error)
            if error.is_user_error()
                && !matches!(error, AppError::Staff(StaffRefusal::NotAllowed(_))) =>
        {
            let listing = listing(&services, &staff).await?;
            let page = accounts_page(&staff, &listing, Some(flash("error", &error.to_string())));
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(error) => Err(error.into()),
    }
}
