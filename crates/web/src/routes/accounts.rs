//! Log in and out, the welcome page, the structure choice, first activation and password
//! recovery (« Le retrouver »). The existing password is never shown or sent: recovery ends with
//! the parent choosing a new one, and no recovery page depends on whether the identifiant exists.

use app::accounts::{
    self, AccountRefusal, AnswerOutcome, LinkToken, LoginOutcome, RecoveryOutcome, StructureWelcome,
};
use axum::extract::{Form, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;

use crate::layout::{self, Chrome, csrf_field, flash, page};
use crate::session::{
    LINK_FIELD, LinkInPath, Parent, Visitor, link_in_form, rotate_visitor, see_other,
    session_cookie,
};
use crate::{Shared, WebError, blocking};

/// `/`: the welcome page for a parent, the log-in page otherwise.
pub async fn home(parent: Result<Parent, Response>) -> Response {
    match parent {
        Ok(_) => see_other("/accueil"),
        Err(_) => see_other("/connexion"),
    }
}

/// Welcome messages of every structure (the log-in page shows them, as the seed asks).
async fn all_welcome_messages(services: &Shared) -> Result<Vec<StructureWelcome>, WebError> {
    let app = services.app.clone();
    blocking(move || accounts::every_welcome(&app)).await
}

fn welcome_block(messages: &[StructureWelcome]) -> Markup {
    html! {
        @for welcome in messages {
            div class="welcome" {
                h2 { (welcome.structure) }
                @for line in &welcome.messages { p { (line) } }
            }
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct LoginQuery {
    expiree: Option<String>,
    fait: Option<String>,
}

fn login_page(
    chrome: &Chrome,
    messages: &[StructureWelcome],
    login: &str,
    notice: Option<Markup>,
) -> Markup {
    page(
        chrome,
        "Connexion",
        "",
        html! {
            @if let Some(notice) = notice { (notice) }
            (welcome_block(messages))
            section class="card" {
                h2 { "Votre portail famille" }
                form class="stack" method="post" action="/connexion" {
                    (csrf_field(&chrome.csrf))
                    div class="field" {
                        label for="identifiant" { "Identifiant" }
                        input id="identifiant" name="identifiant" type="text" autocomplete="username"
                            required maxlength="100" value=(login) autocapitalize="none" spellcheck="false";
                    }
                    div class="field" {
                        label for="mot_de_passe" { "Mot de passe" }
                        input id="mot_de_passe" name="mot_de_passe" type="password"
                            autocomplete="current-password" required maxlength="128";
                    }
                    div class="actions" { button type="submit" { "Se connecter" } }
                }
                p { "Mot de passe oublié ? " a href="/mot-de-passe-oublie" { "Le retrouver" } }
                p { "Première connexion avec le code remis par la structure ? " a href="/activation" { "Activer votre compte" } }
            }
        },
    )
}

pub async fn login_form(
    State(services): State<Shared>,
    visitor: Visitor,
    Query(query): Query<LoginQuery>,
) -> Response {
    let messages = match all_welcome_messages(&services).await {
        Ok(messages) => messages,
        Err(error) => return error.into_response(),
    };
    let notice = if query.expiree.is_some() {
        Some(flash(
            "info",
            "Votre session a expiré (30 minutes sans activité, ou 12 heures depuis la connexion). Connectez-vous à nouveau.",
        ))
    } else {
        match query.fait.as_deref() {
            Some("deconnexion") => Some(flash("success", "Vous êtes déconnecté.")),
            Some("mot-de-passe") => Some(flash(
                "success",
                "Votre nouveau mot de passe est enregistré. Connectez-vous avec lui.",
            )),
            _ => None,
        }
    };
    login_page(&visitor.chrome, &messages, "", notice).into_response()
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    identifiant: String,
    mot_de_passe: String,
}

pub async fn login(
    State(services): State<Shared>,
    visitor: Visitor,
    Form(form): Form<LoginForm>,
) -> Response {
    let app = services.app.clone();
    let (login, password) = (form.identifiant.clone(), form.mot_de_passe);
    let ip = visitor.ip.clone();
    let previous = visitor.session_token.clone();
    let outcome = services
        .hashing
        .run(move || accounts::login(&app, &login, &password, ip.as_deref(), previous.as_deref()))
        .await;
    let mut retry_after = None;
    let (status, message) = match outcome {
        Ok(LoginOutcome::LoggedIn { token, family }) => {
            tracing::info!(%family, "parent logged in");
            let mut response = see_other("/accueil");
            response.headers_mut().append(
                header::SET_COOKIE,
                session_cookie(&services.config, Some(&token)),
            );
            rotate_visitor(&mut response, &services.config);
            return response;
        }
        Ok(LoginOutcome::Rejected) => (
            StatusCode::UNAUTHORIZED,
            AccountRefusal::LoginRejected.to_string(),
        ),
        Ok(LoginOutcome::Throttled {
            retry_after_seconds,
        }) => {
            retry_after = Some(retry_after_seconds);
            (
                StatusCode::TOO_MANY_REQUESTS,
                AccountRefusal::Throttled {
                    seconds: retry_after_seconds,
                }
                .to_string(),
            )
        }
        Err(error) => return error.into_response(),
    };
    let messages = all_welcome_messages(&services).await.unwrap_or_default();
    let mut response = (
        status,
        login_page(
            &visitor.chrome,
            &messages,
            &form.identifiant,
            Some(flash("error", &message)),
        ),
    )
        .into_response();
    // The actual wait: it grows past a minute with the failures (up to the end of the day).
    if let Some(seconds) = retry_after {
        response.headers_mut().insert(
            header::RETRY_AFTER,
            header::HeaderValue::from(seconds.max(1)),
        );
    }
    response
}

pub async fn logout(State(services): State<Shared>, parent: Result<Parent, Response>) -> Response {
    if let Ok(parent) = parent {
        let app = services.app.clone();
        let token = parent.token.clone();
        if let Err(error) = blocking(move || accounts::close_session(&app, &token)).await {
            return error.into_response();
        }
    }
    let mut response = see_other("/connexion?fait=deconnexion");
    response
        .headers_mut()
        .append(header::SET_COOKIE, session_cookie(&services.config, None));
    rotate_visitor(&mut response, &services.config);
    response
}

/// The welcome page: the structure's messages and the sections of the portal.
pub async fn welcome(State(services): State<Shared>, parent: Parent) -> Response {
    let app = services.app.clone();
    let structure = parent.session.structure_id;
    let family = parent.family();
    let loaded = blocking(move || accounts::welcome_messages(&app, family, structure)).await;
    let messages = match loaded {
        Ok(messages) => messages,
        Err(error) => return error.into_response(),
    };
    page(
        &parent.chrome,
        "Accueil",
        "accueil",
        html! {
            @if !messages.is_empty() {
                div class="welcome" {
                    h2 { "Informations de la structure" }
                    @for line in &messages { p { (line) } }
                }
            }
            ul class="choices" {
                li { a class="choice" href="/reservations" { strong { "Réservations" } br; "Réserver les mercredis et les vacances de vos enfants." } }
                li { a class="choice" href="/suivi" { strong { "Suivi" } br; "L'état de vos demandes et de vos réservations." } }
                li { a class="choice" href="/solde" { strong { "Solde et Paiement" } br; "Votre solde et le paiement par carte bancaire." } }
                li { a class="choice" href="/historique/consommations" { strong { "Historique des consommations" } br; "Les journées consommées, mois par mois." } }
                li { a class="choice" href="/historique/reglements" { strong { "Historique des règlements" } br; "Vos paiements, mois par mois." } }
                li { a class="choice" href="/profil" { strong { "Profil" } br; "Mot de passe, adresse mail, question de secours." } }
            }
        },
    )
    .into_response()
}

/// `/structure`: choose the structure to consult.
pub async fn structures(State(services): State<Shared>, parent: Parent) -> Response {
    let app = services.app.clone();
    let family = parent.family();
    let list = match blocking(move || accounts::family_structures(&app, family)).await {
        Ok(list) => list,
        Err(error) => return error.into_response(),
    };
    let current = parent.session.structure_id;
    page(
        &parent.chrome,
        "Choisir la structure",
        "",
        html! {
            p { "Choisissez la structure que vous souhaitez consulter." }
            ul class="choices" {
                @for (id, label) in &list {
                    li {
                        form method="post" action="/structure" {
                            (csrf_field(parent.csrf()))
                            input type="hidden" name="structure" value=(id);
                            button class="choice" type="submit" aria-pressed=(if current == Some(*id) { "true" } else { "false" }) {
                                (label)
                                @if current == Some(*id) { " (structure consultée)" }
                            }
                        }
                    }
                }
            }
        },
    )
    .into_response()
}

#[derive(Debug, Deserialize)]
pub struct StructureForm {
    structure: String,
}

pub async fn choose_structure(
    State(services): State<Shared>,
    parent: Parent,
    Form(form): Form<StructureForm>,
) -> Response {
    let Ok(structure) = form.structure.trim().parse::<domain::ids::StructureId>() else {
        return WebError::NotFound.into_response();
    };
    let app = services.app.clone();
    let session = parent.session.clone();
    let result = blocking(move || accounts::choose_structure(&app, &session, structure)).await;
    match result {
        Ok(true) => see_other("/accueil"),
        Ok(false) => WebError::NotFound.into_response(),
        Err(error) => error.into_response(),
    }
}

fn activation_page(chrome: &Chrome, login: &str, error: Option<&str>) -> Markup {
    page(
        chrome,
        "Activer votre compte",
        "",
        html! {
            @if let Some(error) = error { (flash("error", error)) }
            p { "Saisissez l'identifiant et le code d'activation remis par la structure, puis choisissez votre mot de passe. Le code ne sert qu'une fois." }
            form class="stack" method="post" action="/activation" {
                (csrf_field(&chrome.csrf))
                div class="field" {
                    label for="identifiant" { "Identifiant" }
                    input id="identifiant" name="identifiant" type="text" autocomplete="username" required maxlength="100" value=(login);
                }
                div class="field" {
                    label for="code" { "Code d'activation" }
                    input id="code" name="code" type="text" autocomplete="one-time-code" required maxlength="40" aria-describedby="code-aide";
                    p class="hint" id="code-aide" { "Douze caractères, par exemple ABCD-EFGH-JKMN." }
                }
                (new_password_fields())
                div class="actions" { button type="submit" { "Activer mon compte" } }
            }
        },
    )
}

/// The two fields of a new password, with the policy in words.
pub fn new_password_fields() -> Markup {
    html! {
        div class="field" {
            label for="nouveau" { "Nouveau mot de passe" }
            input id="nouveau" name="nouveau" type="password" autocomplete="new-password" required
                minlength=(app::credentials::MIN_PASSWORD_CHARS) maxlength=(app::credentials::MAX_PASSWORD_CHARS) aria-describedby="nouveau-aide";
            p class="hint" id="nouveau-aide" {
                "Au moins " (app::credentials::MIN_PASSWORD_CHARS) " caractères ; une phrase facile à retenir convient très bien (par exemple : « le chat dort sur la table bleue »)."
            }
        }
        div class="field" {
            label for="confirmation" { "Nouveau mot de passe (confirmation)" }
            input id="confirmation" name="confirmation" type="password" autocomplete="new-password" required maxlength=(app::credentials::MAX_PASSWORD_CHARS);
        }
    }
}

pub async fn activation_form(visitor: Visitor) -> Markup {
    activation_page(&visitor.chrome, "", None)
}

#[derive(Debug, Deserialize)]
pub struct ActivationForm {
    identifiant: String,
    code: String,
    nouveau: String,
    confirmation: String,
}

pub async fn activate(
    State(services): State<Shared>,
    visitor: Visitor,
    Form(form): Form<ActivationForm>,
) -> Response {
    if form.nouveau != form.confirmation {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            activation_page(
                &visitor.chrome,
                &form.identifiant,
                Some("Les deux saisies du nouveau mot de passe sont différentes."),
            ),
        )
            .into_response();
    }
    let app = services.app.clone();
    let ip = visitor.ip.clone();
    let (login, code, password) = (form.identifiant.clone(), form.code, form.nouveau);
    let result = services
        .hashing
        .run(move || accounts::activate(&app, &login, &code, &password, ip.as_deref()))
        .await;
    match result {
        Ok(token) => {
            let mut response = see_other("/accueil");
            response.headers_mut().append(
                header::SET_COOKIE,
                session_cookie(&services.config, Some(&token)),
            );
            rotate_visitor(&mut response, &services.config);
            response
        }
        Err(WebError::Refused(message)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            activation_page(&visitor.chrome, &form.identifiant, Some(&message)),
        )
            .into_response(),
        Err(error) => error.into_response(),
    }
}

/// One of the two recovery forms: the identifiant alone, posted to `action`.
fn identifiant_form(chrome: &Chrome, action: &str, id: &str, button: &str) -> Markup {
    html! {
        form class="stack" method="post" action=(action) {
            (csrf_field(&chrome.csrf))
            div class="field" {
                label for=(id) { "Identifiant" }
                input id=(id) name="identifiant" type="text" autocomplete="username" required maxlength="100" autocapitalize="none" spellcheck="false";
            }
            div class="actions" { button type="submit" { (button) } }
        }
    }
}

/// « Le retrouver »: the two ways, offered to everyone, and the structure's contact for a parent
/// who set up neither. Nothing on these pages depends on whether the identifiant exists.
fn recovery_start(chrome: &Chrome, error: Option<&str>) -> Markup {
    page(
        chrome,
        "Mot de passe oublié",
        "",
        html! {
            @if let Some(error) = error { (flash("error", error)) }
            p { "Votre mot de passe actuel n'est jamais affiché ni envoyé : vous allez en choisir un nouveau, par l'un des deux moyens que vous avez pu prévoir dans votre profil." }
            section class="card" {
                h2 { "Recevoir un lien par mail" }
                p { "Si une adresse mail est renseignée dans votre profil, un lien pour choisir un nouveau mot de passe y sera envoyé. Il ne sert qu'une fois et n'est valable qu'une heure." }
                (identifiant_form(chrome, "/mot-de-passe-oublie/lien", "identifiant-lien", "Envoyer le lien"))
            }
            section class="card" {
                h2 { "Répondre à votre question de secours" }
                p { "Si vous avez enregistré une question et sa réponse dans votre profil, répondez-y pour choisir un nouveau mot de passe." }
                (identifiant_form(chrome, "/mot-de-passe-oublie", "identifiant-question", "Voir la question"))
            }
            (contact_the_structure(chrome))
            p { a href="/connexion" { "Retour à la connexion" } }
        },
    )
}

pub async fn recovery_form(visitor: Visitor) -> Markup {
    recovery_start(&visitor.chrome, None)
}

#[derive(Debug, Deserialize)]
pub struct LoginOnlyForm {
    identifiant: String,
}

fn contact_the_structure(chrome: &Chrome) -> Markup {
    html! {
        section class="card" {
            h2 { "Ni adresse mail ni question dans votre profil ?" }
            p { "Le mot de passe ne peut alors pas être retrouvé depuis le site. Contactez la Communauté de Communes :" }
            (layout::contact_block(&chrome.contact))
        }
    }
}

/// The question page: the same for every identifiant (its own question, or a stand-in).
fn question_page(chrome: &Chrome, login: &str, question: &str, error: Option<&str>) -> Markup {
    page(
        chrome,
        "Mot de passe oublié",
        "",
        html! {
            @if let Some(error) = error { (flash("error", error)) }
            section class="card" {
                h2 { "Répondre à votre question de secours" }
                form class="stack" method="post" action="/mot-de-passe-oublie/reponse" {
                    (csrf_field(&chrome.csrf))
                    input type="hidden" name="identifiant" value=(login);
                    div class="field" {
                        label for="reponse" { (question) }
                        input id="reponse" name="reponse" type="text" autocomplete="off" required maxlength="100";
                    }
                    div class="actions" { button type="submit" { "Valider la réponse" } }
                }
                p class="hint" { "Vous ne reconnaissez pas cette question ? Vérifiez l'identifiant saisi (" strong { (login) } ") : si c'est bien le vôtre, aucune question n'est enregistrée dans votre profil. Demandez plutôt un lien par mail." }
            }
            p { a href="/mot-de-passe-oublie" { "Revenir au choix" } " · " a href="/connexion" { "Retour à la connexion" } }
        },
    )
}

/// A recovery request that must wait: 429 with `Retry-After`, the same for every identifiant.
fn throttled(body: Markup, seconds: i64) -> Response {
    let mut response = (StatusCode::TOO_MANY_REQUESTS, body).into_response();
    response.headers_mut().insert(
        header::RETRY_AFTER,
        header::HeaderValue::from(seconds.max(1)),
    );
    response
}

fn missing_login(chrome: &Chrome) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        recovery_start(chrome, Some("Saisissez votre identifiant.")),
    )
        .into_response()
}

/// `POST /mot-de-passe-oublie`: the question of the identifiant, after the throttle.
pub async fn recovery(
    State(services): State<Shared>,
    visitor: Visitor,
    Form(form): Form<LoginOnlyForm>,
) -> Response {
    let login = form.identifiant.trim().to_owned();
    if login.is_empty() {
        return missing_login(&visitor.chrome);
    }
    let app = services.app.clone();
    let ip = visitor.ip.clone();
    let lookup = login.clone();
    match blocking(move || accounts::ask_recovery_question(&app, &lookup, ip.as_deref())).await {
        Ok(RecoveryOutcome::Done(question)) => {
            question_page(&visitor.chrome, &login, &question, None).into_response()
        }
        Ok(RecoveryOutcome::Throttled {
            retry_after_seconds,
        }) => recovery_throttled(&visitor.chrome, retry_after_seconds),
        Err(error) => error.into_response(),
    }
}

/// A recovery request over its throttle: the start page again, with the wait, as a 429.
fn recovery_throttled(chrome: &Chrome, retry_after_seconds: i64) -> Response {
    throttled(
        recovery_start(
            chrome,
            Some(
                &AccountRefusal::Throttled {
                    seconds: retry_after_seconds,
                }
                .to_string(),
            ),
        ),
        retry_after_seconds,
    )
}

pub async fn send_reset_link(
    State(services): State<Shared>,
    visitor: Visitor,
    Form(form): Form<LoginOnlyForm>,
) -> Response {
    let login = form.identifiant.trim().to_owned();
    if login.is_empty() {
        return missing_login(&visitor.chrome);
    }
    let app = services.app.clone();
    let base = services.config.base_url.clone();
    let ip = visitor.ip.clone();
    let outcome =
        blocking(move || accounts::send_reset_link(&app, &login, ip.as_deref(), &base)).await;
    match outcome {
        Ok(RecoveryOutcome::Done(())) => page(
            &visitor.chrome,
            "Mot de passe oublié",
            "",
            html! {
                (flash("success", "Si un compte correspond à cet identifiant et qu'une adresse mail est renseignée dans son profil, un courriel a été envoyé. Ouvrez le lien dans l'heure pour choisir un nouveau mot de passe."))
                p { "Pensez à regarder dans les courriers indésirables. Chaque nouvelle demande remplace le lien précédent." }
                p { a href="/connexion" { "Retour à la connexion" } }
            },
        )
        .into_response(),
        Ok(RecoveryOutcome::Throttled {
            retry_after_seconds,
        }) => recovery_throttled(&visitor.chrome, retry_after_seconds),
        Err(error) => error.into_response(),
    }
}

#[derive(Debug, Deserialize)]
pub struct AnswerForm {
    identifiant: String,
    reponse: String,
}

pub async fn answer_question(
    State(services): State<Shared>,
    visitor: Visitor,
    Form(form): Form<AnswerForm>,
) -> Response {
    let app = services.app.clone();
    let ip = visitor.ip.clone();
    let (login, answer) = (form.identifiant.trim().to_owned(), form.reponse);
    let lookup = login.clone();
    let outcome = services
        .hashing
        .run(move || accounts::answer_question(&app, &lookup, &answer, ip.as_deref()))
        .await;
    let (message, wait) = match outcome {
        Ok(AnswerOutcome::Correct { reset_token }) => {
            return see_other(&format!("/reinitialisation/{reset_token}"));
        }
        Ok(AnswerOutcome::Wrong) => ("Réponse incorrecte.".to_owned(), None),
        Ok(AnswerOutcome::Throttled {
            retry_after_seconds,
        }) => (
            AccountRefusal::Throttled {
                seconds: retry_after_seconds,
            }
            .to_string(),
            Some(retry_after_seconds),
        ),
        Err(error) => return error.into_response(),
    };
    let app = services.app.clone();
    let lookup = login.clone();
    let question = match blocking(move || accounts::recovery_question_again(&app, &lookup)).await {
        Ok(question) => question,
        Err(error) => return error.into_response(),
    };
    let body = question_page(&visitor.chrome, &login, &question, Some(&message));
    match wait {
        Some(seconds) => throttled(body, seconds),
        None => (StatusCode::UNPROCESSABLE_ENTITY, body).into_response(),
    }
}

fn reset_page(chrome: &Chrome, token: &LinkToken, login: &str, error: Option<&str>) -> Markup {
    page(
        chrome,
        "Choisir un nouveau mot de passe",
        "",
        html! {
            @if let Some(error) = error { (flash("error", error)) }
            p { "Identifiant : " strong { (login) } }
            form class="stack" method="post" action="/reinitialisation" {
                (csrf_field(&chrome.csrf))
                input type="hidden" name=(LINK_FIELD) value=(token);
                (new_password_fields())
                div class="actions" { button type="submit" { "Enregistrer le nouveau mot de passe" } }
            }
        },
    )
}

fn dead_link_page(chrome: &Chrome) -> Response {
    (
        StatusCode::NOT_FOUND,
        page(
            chrome,
            "Lien expiré",
            "",
            html! {
                (flash("error", "Ce lien n'est plus valable (il a déjà servi, a expiré ou a été remplacé par un plus récent)."))
                p { a href="/mot-de-passe-oublie" { "Refaire une demande" } }
            },
        ),
    )
        .into_response()
}

pub async fn reset_form(
    State(services): State<Shared>,
    visitor: Visitor,
    LinkInPath(token): LinkInPath,
) -> Response {
    let app = services.app.clone();
    let lookup = token.clone();
    match blocking(move || accounts::reset_link_login(&app, &lookup)).await {
        Ok(Some(login)) => reset_page(&visitor.chrome, &token, &login, None).into_response(),
        Ok(None) => dead_link_page(&visitor.chrome),
        Err(error) => error.into_response(),
    }
}

#[derive(Debug, Deserialize)]
pub struct NewPasswordForm {
    lien: String,
    nouveau: String,
    confirmation: String,
}

pub async fn reset(
    State(services): State<Shared>,
    visitor: Visitor,
    Form(form): Form<NewPasswordForm>,
) -> Response {
    let token = match link_in_form(&form.lien) {
        Ok(token) => token,
        Err(error) => return error.into_response(),
    };
    let app = services.app.clone();
    let spent = token.clone();
    let result = services
        .hashing
        .run(move || accounts::reset_password(&app, &spent, &form.nouveau, &form.confirmation))
        .await;
    match result {
        Ok(()) => {
            let mut response = see_other("/connexion?fait=mot-de-passe");
            response
                .headers_mut()
                .append(header::SET_COOKIE, session_cookie(&services.config, None));
            rotate_visitor(&mut response, &services.config);
            response
        }
        Err(WebError::Refused(message)) => {
            let app = services.app.clone();
            let lookup = token.clone();
            match blocking(move || accounts::reset_link_login(&app, &lookup)).await {
                Ok(Some(login)) => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    reset_page(&visitor.chrome, &token, &login, Some(&message)),
                )
                    .into_response(),
                Ok(None) => dead_link_page(&visitor.chrome),
                Err(error) => error.into_response(),
            }
        }
        Err(error) => error.into_response(),
    }
}
