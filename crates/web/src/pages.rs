//! The few pages of this crate, in French, server-rendered with maud (no inline script or style).

use app::online_payment::Settlement;
use maud::{DOCTYPE, Markup, html};

fn layout(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="fr" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — Portail Famille" }
            }
            body {
                main {
                    h1 { (title) }
                    (body)
                }
            }
        }
    }
}

/// What the parent reads when coming back from the payment page.
pub fn payment_result(settlement: &Settlement) -> Markup {
    let (title, text) = match settlement {
        Settlement::Paid { amount } => (
            "Paiement accepté",
            format!("Votre paiement de {amount} € est accepté : votre porte-monnaie est crédité."),
        ),
        Settlement::Failed { state } if state == "refused" => (
            "Paiement refusé",
            "Votre banque a refusé le paiement : rien n'a été débité.".to_owned(),
        ),
        Settlement::Failed { .. } => ("Paiement non abouti", "Le paiement n'a pas abouti : rien n'a été débité.".to_owned()),
        Settlement::Pending => (
            "Paiement en cours",
            "Le paiement n'est pas encore confirmé. S'il aboutit, votre porte-monnaie sera crédité ; vous pouvez le vérifier dans « Solde et Paiement ».".to_owned(),
        ),
        Settlement::AlreadySettled { state } if state == "paid" => (
            "Paiement accepté",
            "Ce paiement est déjà enregistré : votre porte-monnaie est crédité.".to_owned(),
        ),
        Settlement::AlreadySettled { .. } => (
            "Paiement non abouti",
            "Ce paiement n'a pas abouti : rien n'a été débité.".to_owned(),
        ),
        Settlement::Unknown => ("Paiement inconnu", "Nous ne connaissons pas ce paiement.".to_owned()),
    };
    layout(title, html! { p { (text) } })
}

pub fn not_found() -> Markup {
    layout(
        "Page introuvable",
        html! { p { "Cette page n'existe pas." } },
    )
}

pub fn error_page(status: u16, incident: &str) -> Markup {
    layout(
        "Service momentanément indisponible",
        html! {
            p { "Une erreur est survenue de notre côté (" (status) "). Réessayez dans quelques minutes." }
            p { "Si le problème persiste, indiquez ce numéro d'incident à la structure : " strong { (incident) } }
        },
    )
}
