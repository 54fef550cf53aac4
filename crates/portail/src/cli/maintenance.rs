//! The arguments of the maintenance commands: rebuild, backup, restore.

use std::path::PathBuf;

use clap::Args;

#[derive(Debug, Args)]
pub struct RebuildArgs {
    /// Modèle(s) à reconstruire (setup, families, booking, money) ; par défaut : tous.
    #[arg(long = "projection")]
    pub projections: Vec<String>,
    /// Événements par transaction dans la base de travail.
    #[arg(long, default_value_t = 100_000)]
    pub batch: usize,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Le fichier de sauvegarde à créer (il ne doit pas exister).
    #[arg(long)]
    pub to: PathBuf,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// La sauvegarde à restaurer.
    #[arg(long)]
    pub from: PathBuf,
    /// Remplace une base qui contient déjà des événements.
    #[arg(long)]
    pub force: bool,
}
