//! A broken chain as the CLI tells it: what broke, and what to do (`audit verify`, `rebuild`,
//! `serve`, `restore`, and any command whose append the store refused).

use store::{BreakReason, ChainBreak};

/// The French wording of a break of the chain (one home for the CLI: `audit verify`, `rebuild`,
/// `serve`, `restore`).
pub(crate) fn break_text(broken: &ChainBreak) -> String {
    let reason = match broken.reason {
        BreakReason::Missing { found } => {
            format!("la position est absente (le journal saute à la position {found})")
        }
        BreakReason::RowChanged => {
            "l'événement ne correspond plus à son empreinte (modifié après son écriture)".to_owned()
        }
        BreakReason::HeadPosition { head, last } => format!(
            "la tête de chaîne indique la position {head} mais le journal s'arrête à la position {last}"
        ),
        BreakReason::HeadHash => {
            "l'empreinte du dernier événement diffère de la tête de chaîne".to_owned()
        }
    };
    format!("Chaîne rompue à la position {} : {reason}", broken.position)
}

/// The break behind a refused append, however the error was wrapped on its way up.
pub(crate) fn broken_chain_of(error: &anyhow::Error) -> Option<ChainBreak> {
    use store::{AppendError, StoreError};
    let from_store = |error: &StoreError| match error {
        StoreError::ChainBroken(broken) => Some(broken.clone()),
        _ => None,
    };
    let from_append = |error: &AppendError| match error {
        AppendError::Store(error) => from_store(error),
        _ => None,
    };
    error.chain().find_map(|cause| {
        if let Some(error) = cause.downcast_ref::<app::AppError>() {
            return match error {
                app::AppError::Store(error) => from_store(error),
                app::AppError::Append(error) => from_append(error),
                _ => None,
            };
        }
        if let Some(error) = cause.downcast_ref::<AppendError>() {
            return from_append(error);
        }
        cause.downcast_ref::<StoreError>().and_then(from_store)
    })
}

/// What to do when the log itself cannot be trusted; the runbook section it points to.
pub(crate) const RESTORE_ADVICE: &str = "À faire : n'écrivez rien dans cette base ; gardez-la de côté comme preuve et restaurez la dernière sauvegarde qui se vérifie (portail restore, docs/operations.md § 7 « Journal rompu ou réécrit »). Ne lancez pas portail rebuild : il recopierait la falsification dans les soldes et les réservations.";
