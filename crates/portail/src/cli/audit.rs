//! The arguments of the audit commands: events export and export check, verify, anchor, replay.

use std::path::PathBuf;

use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum EventsCommand {
    /// Exporte les événements en lignes JSON sur la sortie standard.
    Export(ExportArgs),
    /// Vérifie un export hors ligne (sans base) : schémas des événements et chaîne de hachage.
    ImportCheck(ImportCheckArgs),
}

#[derive(Debug, Args)]
pub struct ImportCheckArgs {
    /// Le fichier exporté (lignes JSON).
    pub file: PathBuf,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Première position exportée.
    #[arg(long, default_value_t = 1)]
    pub from: u64,
    /// Dernière position exportée (par défaut : la dernière du journal).
    #[arg(long)]
    pub to: Option<u64>,
    /// Seulement ce flux (par ex. family-<id>).
    #[arg(long)]
    pub stream: Option<String>,
    /// Seulement ces types d'événements (répétable).
    #[arg(long = "type")]
    pub types: Vec<String>,
    /// Seulement ce qui concerne cette famille (identifiant ou id) : son flux et les étiquettes
    /// de la famille et de ses enfants.
    #[arg(long)]
    pub family: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recalcule la chaîne de hachage ; code de sortie 1 à la première position fautive.
    Verify(VerifyArgs),
    /// Signe la tête du journal (position, empreinte, instant) avec une clé gardée hors de la
    /// base et l'ajoute au fichier d'ancres ; `--new-key FICHIER` crée la clé.
    Anchor(AnchorArgs),
    /// L'état d'une famille (ou de toutes) à un instant passé, recalculé depuis le journal.
    Replay(ReplayArgs),
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("point").required(true).args(["at", "position"])))]
pub struct ReplayArgs {
    /// L'instant (RFC 3339, par ex. 2026-03-01T00:00:00+01:00).
    #[arg(long)]
    pub at: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// Ou la position du journal.
    #[arg(long)]
    pub position: Option<u64>,
    /// La famille (identifiant ou id) ; sans elle : le solde de chaque famille.
    #[arg(long)]
    pub family: Option<String>,
    /// Liste les événements qui expliquent le solde.
    #[arg(long)]
    pub explain: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Résultat en JSON.
    #[arg(long)]
    pub json: bool,
    /// Fichier d'ancres : prouve que le journal jusqu'à chaque ancre n'a pas été réécrit, même
    /// avec toutes ses empreintes recalculées.
    #[arg(long, requires = "public_key")]
    pub anchors: Option<PathBuf>,
    /// Clé publique d'ancrage (64 caractères hexadécimaux, ou le fichier FICHIER.pub).
    #[arg(long, requires = "anchors")]
    pub public_key: Option<String>,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["new_key", "key"])))]
pub struct AnchorArgs {
    /// Crée une clé d'ancrage dans ce fichier (lisible par son seul propriétaire, hors de la
    /// base) et sa clé publique dans FICHIER.pub, à remettre à l'auditeur.
    #[arg(long, conflicts_with_all = ["key", "anchors", "mail_to"])]
    pub new_key: Option<PathBuf>,
    /// La clé privée d'ancrage.
    #[arg(long, env = "PORTAIL_ANCHOR_KEY", requires = "anchors")]
    pub key: Option<PathBuf>,
    /// Le fichier d'ancres où ajouter l'ancre (créé s'il n'existe pas).
    #[arg(long, env = "PORTAIL_ANCHORS")]
    pub anchors: Option<PathBuf>,
    /// Envoie aussi l'ancre à ce courriel (l'auditeur), par la file des courriels.
    #[arg(long, env = "PORTAIL_ANCHOR_MAIL_TO")]
    pub mail_to: Option<String>,
}
