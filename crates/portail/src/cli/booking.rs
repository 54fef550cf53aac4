//! The arguments of the booking commands: reservations, waitlists, calendar, transmission, mail.

use std::path::PathBuf;

use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum ReservationsCommand {
    /// Demande une réservation pour un enfant (les mêmes règles que le portail).
    Request(RequestArgs),
    /// Demande l'annulation d'une réservation acceptée ou en liste d'attente.
    Cancel(CancelArgs),
    /// Retire une demande pas encore transmise.
    Withdraw(WithdrawArgs),
    /// Liste les réservations d'une famille (le Suivi).
    List(FamilyListArgs),
}

#[derive(Debug, Args)]
pub struct RequestArgs {
    /// Famille : identifiant de connexion ou id.
    #[arg(long)]
    pub family: String,
    /// Enfant : id, clé du fichier de paramétrage ou prénom.
    #[arg(long)]
    pub child: String,
    /// Activité : id ou clé du fichier de paramétrage.
    #[arg(long)]
    pub activity: String,
    /// Jour (AAAA-MM-JJ).
    #[arg(long)]
    pub day: chrono::NaiveDate,
    /// Identifiant unique de la demande : la même demande renvoyée n'est enregistrée qu'une fois.
    #[arg(long)]
    pub client_request_id: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CancelArgs {
    /// La réservation (id affiché par `reservations list`).
    #[arg(long)]
    pub reservation: String,
    #[arg(long)]
    pub client_request_id: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct WithdrawArgs {
    /// La demande (request_id affiché par `reservations list --json`).
    #[arg(long)]
    pub request: String,
}

#[derive(Debug, Args)]
pub struct FamilyListArgs {
    #[arg(long)]
    pub family: String,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CalendarArgs {
    #[arg(long)]
    pub family: String,
    #[arg(long)]
    pub child: String,
    /// Le mois (AAAA-MM) ; par défaut : le mois en cours.
    #[arg(long)]
    pub month: Option<String>,
    /// Une seule activité (id ou clé) ; par défaut : toutes celles accessibles à l'enfant.
    #[arg(long)]
    pub activity: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum WaitlistCommand {
    /// Places et liste d'attente d'une activité un jour donné.
    Show(WaitlistArgs),
    /// Donne à la main une place libre à un enfant de la liste d'attente (quel que soit son rang).
    Promote(super::PromoteArgs),
    /// Fait monter ou descendre d'un rang un enfant de la liste d'attente.
    Move(super::MoveArgs),
}

#[derive(Debug, Args)]
pub struct WaitlistArgs {
    #[arg(long)]
    pub activity: String,
    #[arg(long)]
    pub day: chrono::NaiveDate,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct TransmitArgs {
    /// Heure de coupure (RFC 3339, par ex. 2026-03-04T02:00:00+01:00) ; par défaut : maintenant.
    #[arg(long)]
    pub at: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// Affiche ce qui serait décidé, sans rien enregistrer.
    #[arg(long)]
    pub dry_run: bool,
    /// Affiche les compteurs en JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum MailCommand {
    /// Les courriels en file (à envoyer, envoyés, en échec).
    Outbox(OutboxArgs),
    /// Envoie maintenant les courriels dus (SMTP si PORTAIL_SMTP_HOST est défini, sinon fichiers .eml).
    Send(SendArgs),
}

#[derive(Debug, Args)]
pub struct OutboxArgs {
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SendArgs {
    /// Dossier des fichiers .eml quand aucun serveur SMTP n'est configuré.
    #[arg(long, env = "PORTAIL_MAIL_DIR", default_value = "mail")]
    pub mail_dir: PathBuf,
    /// Expéditeur des courriels (par défaut : le nom et le courriel de l'organisation).
    #[arg(long, env = "PORTAIL_MAIL_FROM")]
    pub from: Option<String>,
}
