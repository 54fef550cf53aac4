//! `/` and the welcome page: the structure's messages and the sections of the portal.

use app::accounts;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use maud::html;

use crate::layout::page_refreshing;
use crate::session::{Parent, see_other};
use crate::{Shared, WebError, blocking};

/// `/`: the welcome page for a parent, the log-in page otherwise.
pub async fn home(parent: Result<Parent, Response>) -> Response {
    match parent {
        Ok(_) => see_other("/accueil"),
        Err(_) => see_other("/connexion"),
    }
}

/// The welcome page: the structure's messages and the sections of the portal.
pub async fn welcome(State(services): State<Shared>, parent: Parent) -> Result<Response, WebError> {
    let app = services.app.clone();
    let structure = parent.session.structure_id;
    let family = parent.family();
    let session = parent.session.clone();
    let (messages, opening) = blocking(move || {
        let messages = accounts::welcome_messages(&app, family, structure)?;
        Ok((messages, accounts::coming_opening(&app, &session)?))
    })
    .await?;
    // Logged in before the opening: the page opens the calendars by itself at its instant.
    let refresh = opening.map(|opening| {
        let look = opening.next_look();
        let target = if look.opens {
            "/reservations"
        } else {
            "/accueil"
        };
        format!("{}; url={target}", look.seconds)
    });
    Ok(page_refreshing(
        &parent.chrome,
        "Accueil",
        "accueil",
        refresh.as_deref(),
        html! {
            @if let Some(opening) = &opening {
                section class="card opening" {
                    h2 { (opening) }
                    p { "Gardez cette page ouverte : elle ouvrira les réservations d'elle-même à l'heure dite, inutile de la recharger." }
                }
            }
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
    .into_response())
}
