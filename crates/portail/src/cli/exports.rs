//! `portail export …`: the CSV exports of the back office, the same files as `/gestion/exports`.

use std::path::PathBuf;

use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Présences pour la CAF : heures par enfant et activité, par tranche d'âge (moins de 6 ans, 6 ans et plus).
    Attendance(ExportFileArgs),
    /// Consommations du mois par régie et par activité, pour le comptable.
    Consumptions(ExportFileArgs),
    /// Journal des règlements du mois (annulations en lignes négatives).
    Payments(ExportFileArgs),
    /// Familles au dossier incomplet (aujourd'hui ; le mois ne sert qu'au nom du fichier).
    Files(ExportFileArgs),
}

#[derive(Debug, Args)]
pub struct ExportFileArgs {
    /// Mois AAAA-MM (par défaut : le mois dernier ; le mois en cours pour files).
    #[arg(long)]
    pub month: Option<String>,
    /// Clé (ou identifiant) d'une structure ; sans elle, toutes celles où le compte peut exporter.
    #[arg(long)]
    pub structure: Option<String>,
    /// Fichier à écrire (par défaut : la sortie standard).
    #[arg(long)]
    pub out: Option<PathBuf>,
}
