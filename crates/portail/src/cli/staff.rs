//! `portail staff …`: the staff accounts of the back office.

use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum StaffCommand {
    /// Ouvre un compte du personnel et affiche son code d'activation (une seule fois).
    Add(StaffAddArgs),
    /// Désactive un compte : il ne peut plus se connecter, ses sessions sont fermées.
    Disable(StaffLoginArgs),
    /// Les comptes du personnel (rôles, structures, activé, double authentification, désactivé).
    List(StaffListArgs),
    /// Nouveau code d'activation (l'ancien est révoqué ; mot de passe et double authentification à refaire).
    Code(StaffLoginArgs),
}

#[derive(Debug, Args)]
pub struct StaffAddArgs {
    /// Identifiant de connexion (2 à 40 caractères : a-z, 0-9, point, tiret).
    #[arg(long)]
    pub login: String,
    /// Nom de la personne.
    #[arg(long)]
    pub name: String,
    /// Courriel (facultatif).
    #[arg(long)]
    pub email: Option<String>,
    /// Rôle : accueil, direction, regie ou administration (option répétable).
    #[arg(long = "role", required = true)]
    pub roles: Vec<String>,
    /// Clé d'une structure du fichier de paramétrage, pour accueil et direction (répétable).
    #[arg(long = "structure")]
    pub structures: Vec<String>,
}

#[derive(Debug, Args)]
pub struct StaffLoginArgs {
    /// Identifiant du compte.
    pub login: String,
}

#[derive(Debug, Args)]
pub struct StaffListArgs {
    /// Résultat en JSON (le secret TOTP n'apparaît que pour les comptes de démonstration).
    #[arg(long)]
    pub json: bool,
}
