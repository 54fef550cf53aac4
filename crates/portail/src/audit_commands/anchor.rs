//! `audit anchor`: a new anchor key, or the head of the log signed and appended.

use std::process::ExitCode;

use anyhow::Context;

use crate::broken_chain::{RESTORE_ADVICE, break_text};
use crate::cli::{AnchorArgs, Cli};

/// `portail audit anchor`: a new key (`--new-key`), or the head signed and appended.
pub(crate) fn anchor(cli: &Cli, args: &AnchorArgs) -> anyhow::Result<ExitCode> {
    if let Some(path) = &args.new_key {
        let key = match store::anchor::AnchorKey::create(path) {
            Ok(key) => key,
            Err(error) => {
                eprintln!("{}", app::audit::AuditRefusal::Anchor(error));
                return Ok(ExitCode::FAILURE);
            }
        };
        let public = key.public();
        let public_path = std::path::PathBuf::from(format!("{}.pub", path.display()));
        std::fs::write(&public_path, format!("{}\n", public.to_hex()))
            .with_context(|| format!("écriture de {}", public_path.display()))?;
        out!(
            "Clé d'ancrage créée : {} (lisible par son seul propriétaire ; gardez-la hors de la base et de ses sauvegardes).",
            path.display()
        );
        out!(
            "Clé publique (à remettre à l'auditeur, aussi dans {}) :",
            public_path.display()
        );
        out!("{}", public.to_hex());
        out!("Identifiant de la clé : {}", public.key_id());
        return Ok(ExitCode::SUCCESS);
    }
    let (Some(key), Some(anchors)) = (&args.key, &args.anchors) else {
        eprintln!("--key et --anchors sont nécessaires pour ancrer le journal.");
        return Ok(ExitCode::FAILURE);
    };
    let app = crate::shared::open_app(cli)?;
    let anchoring = app::audit::Anchoring {
        key: key.clone(),
        anchors: anchors.clone(),
        mail_to: args.mail_to.clone(),
    };
    match app::audit::anchor(&app, &anchoring) {
        Ok(app::audit::Anchored::Signed { anchor, mailed }) => {
            out!(
                "Ancre ajoutée à {} : position {}, empreinte {}, {} (clé {}).",
                anchors.display(),
                anchor.position,
                anchor.hash,
                anchor.instant,
                anchor.key_id
            );
            if mailed && let Some(to) = &args.mail_to {
                out!("Ancre envoyée à {to} par la file des courriels (portail mail send).");
            }
            Ok(ExitCode::SUCCESS)
        }
        Ok(app::audit::Anchored::Broken(broken)) => {
            eprintln!("{}.", break_text(&broken));
            eprintln!(
                "Ancrage refusé : une ancre attesterait un journal falsifié. Rien n'a été signé."
            );
            eprintln!("{RESTORE_ADVICE}");
            Ok(ExitCode::FAILURE)
        }
        Err(error) => crate::shared::refused_or(error),
    }
}
