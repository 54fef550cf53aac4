//! The arguments of `portail attestation`.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

/// Which document `portail attestation` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum AttestationKind {
    /// L'attestation de frais de garde de l'année (enfants de moins de 6 ans au 1er janvier).
    FraisDeGarde,
    /// Le relevé de compte d'une période (par défaut : l'année).
    Releve,
}

#[derive(Debug, Args)]
pub struct AttestationArgs {
    /// La famille : son identifiant (dupont) ou son id.
    #[arg(long)]
    pub family: String,
    /// L'année (AAAA).
    #[arg(long)]
    pub year: String,
    #[arg(long, value_enum, default_value = "frais-de-garde")]
    pub kind: AttestationKind,
    /// Premier jour du relevé (AAAA-MM-JJ) ; par défaut : le 1er janvier de l'année.
    #[arg(long)]
    pub from: Option<String>,
    /// Dernier jour du relevé (AAAA-MM-JJ) ; par défaut : le 31 décembre de l'année.
    #[arg(long)]
    pub to: Option<String>,
    /// Le fichier PDF écrit.
    #[arg(long)]
    pub out: PathBuf,
}
