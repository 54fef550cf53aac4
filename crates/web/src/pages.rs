//! Pages that need no session and no database: errors, and `/sante`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, Markup, html};

use crate::{Shared, blocking};

/// A plain page (errors): no header, the stylesheet, a way back.
fn plain(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="fr" {
            (crate::layout::head(title))
            body {
                main id="contenu" {
                    h1 { (title) }
                    (body)
                    p { a href="/accueil" { "Retour à l'accueil du portail" } }
                }
            }
        }
    }
}

pub fn not_found() -> Markup {
    plain(
        "Page introuvable",
        html! { p { "Cette page n'existe pas, ou ce que vous cherchez n'est pas rattaché à votre compte." } },
    )
}

pub fn error_page(status: u16, incident: &str) -> Markup {
    plain(
        "Service momentanément indisponible",
        html! {
            p { "Une erreur est survenue de notre côté (" (status) "). Rien n'a été enregistré par cette demande ; réessayez dans quelques minutes." }
            p { "Si le problème persiste, indiquez ce numéro d'incident à la structure : " strong { (incident) } }
        },
    )
}

/// The disk is full (503): nothing was saved, and it will work again without anyone acting.
pub fn storage_full_page() -> Markup {
    plain(
        "Service momentanément indisponible",
        html! {
            p { "Le portail ne peut pas enregistrer de demande pour le moment. Rien n'a été enregistré : réessayez dans quelques minutes." }
            p { "Vous pouvez continuer à consulter vos pages en attendant." }
        },
    )
}

pub fn refused_page(message: &str) -> Markup {
    plain(
        "Demande refusée",
        html! {
            p class="flash error" role="alert" { (message) }
            p { "Rien n'a été modifié." }
        },
    )
}

pub fn busy_page() -> Markup {
    plain(
        "Beaucoup de connexions en ce moment",
        html! { p { "Le portail reçoit beaucoup de connexions à la fois. Patientez quelques secondes puis réessayez : votre demande n'a pas été perdue, elle n'a simplement pas encore été traitée." } },
    )
}

pub fn csrf_refused() -> Markup {
    plain(
        "Formulaire expiré",
        html! { p { "Ce formulaire n'est plus valable (page ouverte depuis longtemps, ou envoyée d'un autre site). Rechargez la page et recommencez : rien n'a été modifié." } },
    )
}

pub fn undecodable_form() -> Markup {
    plain(
        "Saisie illisible",
        html! { p class="flash error" role="alert" { "Un des champs du formulaire contient des caractères illisibles (un encodage autre que l'UTF-8) : il n'a pas été pris en compte et rien n'a été modifié. Saisissez-le à nouveau au clavier puis recommencez." } },
    )
}

pub fn cross_site_refused() -> Markup {
    plain(
        "Demande refusée",
        html! { p { "Ce formulaire a été envoyé depuis un autre site que le Portail Famille : par sécurité, il n'a pas été pris en compte et rien n'a été modifié. Ouvrez le portail à son adresse habituelle et recommencez." } },
    )
}

pub fn method_not_allowed() -> Markup {
    plain(
        "Action impossible",
        html! { p { "Cette adresse ne s'utilise pas de cette façon (un formulaire s'envoie avec son bouton). Rien n'a été modifié." } },
    )
}

pub fn bad_request() -> Markup {
    plain(
        "Formulaire incomplet",
        html! { p { "Le formulaire reçu est incomplet ou mal rempli. Revenez à la page précédente, rechargez-la et recommencez : rien n'a été modifié." } },
    )
}

pub fn too_large() -> Markup {
    plain(
        "Demande trop volumineuse",
        html! { p { "Le formulaire envoyé est trop volumineux. Rien n'a été modifié." } },
    )
}

/// `/sante`: is the database reachable, is the log's chain whole (as checked at start and
/// periodically), where is the log, when was the last transmission. A broken chain answers 503:
/// the portal records nothing more until the last good backup is restored.
pub async fn health(State(services): State<Shared>) -> Response {
    if let Some(broken) = services.app.store.chain_break() {
        tracing::error!(%broken, "health check: the event log's chain is broken");
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({
                "database": "ok",
                "chain": "broken",
                "broken_at": broken.position,
                "reason": broken.reason.code(),
            })),
        )
            .into_response();
    }
    let app = services.app.clone();
    let result = blocking(move || {
        let head = app.store.head()?;
        let last = app::maintenance::last_transmission(&app)?;
        Ok((head, last))
    })
    .await;
    match result {
        Ok((head, last)) => Json(serde_json::json!({
            "database": "ok",
            "chain": "ok",
            "last_position": head.position,
            "last_recorded_at": head.recorded_at,
            "last_transmission": last.map(|t| serde_json::json!({ "id": t.transmission_id, "cut_off": t.cut_off })),
        }))
        .into_response(),
        Err(error) => {
            let incident = crate::error::incident_id();
            tracing::error!(%incident, %error, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({ "database": "unreachable", "incident": incident })),
            )
                .into_response()
        }
    }
}
