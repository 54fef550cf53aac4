//! The command line: every command and its arguments (clap), one file per group of commands.

mod audit;
mod booking;
mod days;
mod documents;
mod exports;
mod maintenance;
mod money;
mod staff;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub use audit::{
    AnchorArgs, AuditCommand, EventsCommand, ExportArgs, ImportCheckArgs, ReplayArgs, VerifyArgs,
};
pub use booking::{
    CalendarArgs, CancelArgs, FamilyListArgs, MailCommand, OutboxArgs, RequestArgs,
    ReservationsCommand, SendArgs, TransmitArgs, WaitlistArgs, WaitlistCommand, WithdrawArgs,
};
pub use days::{ActivitiesCommand, CapacityArgs, CloseDayArgs, MoveArgs, PromoteArgs};
pub use documents::{AttestationArgs, AttestationKind};
pub use exports::{ExportCommand, ExportFileArgs};
pub use maintenance::{BackupArgs, RebuildArgs, RestoreArgs};
pub use money::{
    AbsenceArgs, AbsencesCommand, BalanceArgs, ChildDayArgs, ConsumeArgs, ConsumptionArgs,
    ConsumptionsCommand, HistoryArgs, HistoryCommand, PaymentArgs, PaymentCancelArgs,
    PaymentsCommand, ReconcileArgs,
};
pub use staff::{StaffAddArgs, StaffCommand, StaffListArgs, StaffLoginArgs};

/// Portail Famille — réservations et paiements des accueils de loisirs.
#[derive(Debug, Parser)]
#[command(name = "portail", version, about, propagate_version = true)]
pub struct Cli {
    /// Base de données SQLite (créée si elle n'existe pas).
    #[arg(long, global = true, env = "PORTAIL_DB", default_value = "portail.db")]
    pub db: PathBuf,

    /// Format des journaux écrits sur la sortie d'erreur (niveau : variable RUST_LOG).
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Agir au nom de ce compte du personnel (identifiant) : ses droits s'appliquent et les
    /// événements portent son nom. Sans lui : l'opérateur du serveur (staff:cli).
    #[arg(
        long = "as",
        global = true,
        value_name = "IDENTIFIANT",
        env = "PORTAIL_AS"
    )]
    pub as_login: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Le journal des événements.
    #[command(subcommand)]
    Events(EventsCommand),
    /// Contrôles d'audit.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Importe le fichier de paramétrage (structures, activités, calendriers, familles).
    Import(ImportArgs),
    /// Crée le monde de démonstration dans une base vide.
    Demo,
    /// Les comptes du personnel (gestion).
    #[command(subcommand)]
    Staff(StaffCommand),
    /// Les structures (accueils de loisirs).
    #[command(subcommand)]
    Structures(ListCommand),
    /// Les activités, avec tarifs et capacités en vigueur aujourd'hui.
    #[command(subcommand)]
    Activities(ActivitiesCommand),
    /// Les familles, leurs enfants, leur dossier et leur solde.
    #[command(subcommand)]
    Families(ListCommand),
    /// Réservations : demandes (téléphone, accueil), annulations, suivi.
    #[command(subcommand)]
    Reservations(ReservationsCommand),
    /// Listes d'attente.
    #[command(subcommand)]
    Waitlist(WaitlistCommand),
    /// Le calendrier de réservation d'un enfant sur un mois, avec le code couleur en clair.
    Calendar(CalendarArgs),
    /// Transmission : décide les demandes en attente (acceptée, liste d'attente, refusée).
    Transmit(TransmitArgs),
    /// Courriels : file d'envoi et envoi.
    #[command(subcommand)]
    Mail(MailCommand),
    /// Facture les réservations acceptées d'un jour passé (consommations), sauf absences justifiées.
    Consume(ConsumeArgs),
    /// Consommations saisies par le personnel (sans réservation).
    #[command(subcommand)]
    Consumptions(ConsumptionsCommand),
    /// Absences (justifiées : non facturées).
    #[command(subcommand)]
    Absences(AbsencesCommand),
    /// Règlements au guichet.
    #[command(subcommand)]
    Payments(PaymentsCommand),
    /// Solde porte-monnaie d'une famille, avec le coût estimé des réservations.
    Balance(BalanceArgs),
    /// Historiques des consommations et des règlements.
    #[command(subcommand)]
    History(HistoryCommand),
    /// Exports CSV pour la CAF, le comptable et la régie (les fichiers de /gestion/exports).
    #[command(subcommand)]
    Export(ExportCommand),
    /// Attestation de frais de garde (ou relevé de compte) d'une famille, en PDF.
    Attestation(AttestationArgs),
    /// Démarre le service : santé (/sante), retours de paiement, travaux de nuit, envoi des courriels.
    Serve(ServeArgs),
    /// Reconstruit les modèles de lecture depuis le journal, sans interrompre le service.
    Rebuild(RebuildArgs),
    /// Sauvegarde cohérente de la base, même pendant les écritures, et son empreinte (.sha256).
    Backup(BackupArgs),
    /// Vérifie une sauvegarde (empreinte, chaîne, modèles de lecture) puis la met à la place de --db.
    Restore(RestoreArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Fichier de configuration TOML (voir docs/operations.md) ; options et variables
    /// d'environnement l'emportent sur lui.
    #[arg(long, env = "PORTAIL_CONFIG")]
    pub config: Option<PathBuf>,
    /// Adresse d'écoute (défaut : 127.0.0.1:8080).
    #[arg(long, env = "PORTAIL_ADDR")]
    pub addr: Option<std::net::SocketAddr>,
    /// Démonstration : crée le monde de démonstration si la base est vide (ou reprend la base de
    /// démonstration existante), écrit les courriels dans un dossier et branche le simulateur
    /// PayFiP (aucun paiement réel).
    #[arg(long)]
    pub demo: bool,
    /// Adresse publique du portail (liens des courriels, retours de paiement).
    #[arg(long, env = "PORTAIL_BASE_URL")]
    pub base_url: Option<String>,
    /// Heure des travaux de nuit (Europe/Paris) : transmission, consommations, rapprochement
    /// (défaut : 02:00).
    #[arg(long, env = "PORTAIL_NIGHTLY_AT")]
    pub nightly_at: Option<String>,
    /// Dossier des courriels .eml quand aucun serveur SMTP n'est configuré (défaut : mail).
    #[arg(long, env = "PORTAIL_MAIL_DIR")]
    pub mail_dir: Option<PathBuf>,
    /// Expéditeur des courriels (par défaut : le nom et le courriel de l'organisation).
    #[arg(long, env = "PORTAIL_MAIL_FROM")]
    pub mail_from: Option<String>,
    /// Adresse SOAP de PayFiP (par défaut : le service réel de la DGFiP,
    /// https://www.payfip.gouv.fr/tpa/services/securite).
    #[arg(long, env = "PORTAIL_PAYFIP_ENDPOINT")]
    pub payfip_endpoint: Option<String>,
    /// Numéro de client de la régie (6 chiffres) ; sans lui, pas de paiement par carte.
    #[arg(long, env = "PORTAIL_PAYFIP_NUMCLI")]
    pub payfip_numcli: Option<String>,
    #[arg(long, env = "PORTAIL_PAYFIP_MODE", help = payment::PayfipMode::help())]
    pub payfip_mode: Option<payment::PayfipMode>,
    /// Derrière un proxy inverse : l'adresse du client est la dernière valeur de X-Forwarded-For
    /// (celle que le proxy a ajoutée), ou X-Real-IP.
    #[arg(long, env = "PORTAIL_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,
    /// Clé des jetons CSRF (64 caractères hexadécimaux) ; par défaut créée dans la base.
    #[arg(long, env = "PORTAIL_SESSION_KEY", hide_env_values = true)]
    pub session_key: Option<String>,
    /// Clé privée d'ancrage (fichier hors de la base, créé par `portail audit anchor --new-key`) :
    /// avec --anchors, le portail ancre la tête du journal chaque nuit.
    #[arg(long, env = "PORTAIL_ANCHOR_KEY")]
    pub anchor_key: Option<PathBuf>,
    /// Fichier d'ancres (une ligne JSON par ancre) où ajouter l'ancre de chaque nuit.
    #[arg(long, env = "PORTAIL_ANCHORS")]
    pub anchors: Option<PathBuf>,
    /// Courriel de l'auditeur à qui envoyer chaque ancre (par la file des courriels).
    #[arg(long, env = "PORTAIL_ANCHOR_MAIL_TO")]
    pub anchor_mail_to: Option<String>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Le fichier TOML (voir docs/setup-format.md).
    pub file: PathBuf,
    /// Jour à partir duquel les changements de capacité, de tarif et de quotient s'appliquent
    /// (par défaut : aujourd'hui).
    #[arg(long, value_name = "AAAA-MM-JJ")]
    pub effective_from: Option<chrono::NaiveDate>,
}

#[derive(Debug, Subcommand)]
pub enum ListCommand {
    /// Affiche la liste.
    List(ListArgs),
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Résultat en JSON (clés en snake_case, montants en chaînes décimales).
    #[arg(long)]
    pub json: bool,
}
