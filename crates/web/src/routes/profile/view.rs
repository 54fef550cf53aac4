//! « Profil »: the account's data, and what the last change did.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use domain::Email;
use maud::html;
use serde::Deserialize;

use super::load;
use crate::layout::{flash, page};
use crate::session::Parent;
use crate::{Shared, WebError, blocking};

#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    fait: Option<String>,
    /// The calendar feed's token, handed back right after its creation.
    agenda: Option<String>,
}

fn done_message(code: Option<&str>) -> Option<&'static str> {
    match code? {
        "mot-de-passe" => {
            Some("Votre nouveau mot de passe est enregistré. Vos autres sessions ont été fermées.")
        }
        "courriel" => Some(
            "Un lien de confirmation a été envoyé à la nouvelle adresse : elle sera celle de votre compte dès que vous l'aurez ouvert.",
        ),
        "question" => Some("Votre question et sa réponse sont enregistrées."),
        "courriel-confirme" => Some("Votre adresse mail est confirmée."),
        "agenda-revoque" => Some("L'adresse de l'agenda est révoquée : elle ne donne plus rien."),
        "appareils" => Some("Les sessions de vos autres appareils sont fermées."),
        _ => None,
    }
}

pub async fn profile(
    State(services): State<Shared>,
    parent: Parent,
    Query(query): Query<DoneQuery>,
) -> Result<Response, WebError> {
    let profile = load(&services, &parent).await?;
    let app = services.app.clone();
    let family = parent.family();
    let shown = query
        .agenda
        .as_deref()
        .and_then(app::accounts::LinkToken::parse);
    let feed = blocking(move || app::agenda::agenda_feed(&app, family, shown)).await?;
    let devices = crate::routes::accounts::devices_section(&services, &parent).await?;
    Ok(page(
        &parent.chrome,
        "Profil",
        "profil",
        html! {
            @if let Some(message) = done_message(query.fait.as_deref()) { (flash("success", message)) }
            section class="card" {
                dl class="profile" {
                    div { dt { "Nom" } dd { (profile.account.addressee()) } }
                    div { dt { "Identifiant" } dd { (profile.account.login) } }
                    div { dt { "Adresse mail" } dd {
                        (profile.account.email.as_ref().map_or("non renseignée", Email::as_str))
                        @if let Some(pending) = &profile.email_pending { " (en attente de confirmation : " (pending) ")" }
                    } }
                    div { dt { "Question de secours" } dd { (profile.question.as_deref().unwrap_or("non renseignée")) } }
                    div { dt { "Mot de passe" } dd { "•••••••• (jamais affiché)" } }
                }
                @if profile.account.email.is_none() {
                    p { "Renseignez votre adresse mail : vous recevrez le compte rendu de vos réservations et vous serez averti si une place en liste d'attente vous est attribuée." }
                }
                div class="actions" { a class="button" href="/profil/modifier" { "Modifier" } }
            }
            (super::agenda::section(&parent, &services.config.base_url, &feed))
            (devices)
            section class="card" {
                h2 { "Vos données" }
                p { "Téléchargez tout ce que le portail conserve sur votre famille (compte, enfants, réservations, consommations, règlements, solde), dans un fichier lisible par un tableur ou un éditeur de texte." }
                p { a class="button secondary" href="/profil/donnees" download { "Télécharger mes données" } }
            }
        },
    )
    .into_response())
}
