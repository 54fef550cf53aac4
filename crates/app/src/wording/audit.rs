//! The wording of audit refusals: anchor key and anchors file problems.

use std::fmt;

use store::anchor::AnchorError;

use crate::audit::AuditRefusal;

impl fmt::Display for AuditRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuditRefusal::Anchor(error) => anchor(f, error),
        }
    }
}

fn anchor(f: &mut fmt::Formatter<'_>, error: &AnchorError) -> fmt::Result {
    match error {
        AnchorError::Io { path, source } => write!(f, "{} : {source}", path.display()),
        AnchorError::KeyExists(path) => write!(
            f,
            "{} existe déjà : une clé n'est jamais remplacée (les ancres déjà signées en dépendent) ; choisissez un autre fichier.",
            path.display()
        ),
        AnchorError::KeyMalformed(path) => write!(
            f,
            "{} n'est pas une clé d'ancrage (64 caractères hexadécimaux attendus).",
            path.display()
        ),
        AnchorError::KeyTooOpen { path, mode } => write!(
            f,
            "{} est lisible par d'autres comptes (mode {mode:o}) : réservez-la au compte du service (chmod 600).",
            path.display()
        ),
        AnchorError::PublicKeyMalformed => f.write_str(
            "clé publique illisible : 64 caractères hexadécimaux attendus, ou un fichier qui les contient (FICHIER.pub).",
        ),
        AnchorError::Line { line, detail } => {
            write!(f, "fichier d'ancres, ligne {line} : ligne illisible ({detail}).")
        }
        AnchorError::Random(detail) => write!(f, "aucune source d'aléa disponible : {detail}"),
        AnchorError::Store(error) => write!(f, "{error}"),
    }
}
