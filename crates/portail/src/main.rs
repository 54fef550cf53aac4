//! `portail`: the command staff and auditors run (and, later, the web server).
//!
//! This binary is glue: it parses arguments, sets up logging, opens the store and calls the
//! library crates. It alone uses `anyhow` and decides how errors are shown and which exit code
//! they get: 0 success, 1 a check failed or a command was refused, 2 a usage error.
#![forbid(unsafe_code)]

/// `println!` that does not panic when stdout is a closed pipe (`portail … | head`).
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// `print!` that does not panic when stdout is a closed pipe.
macro_rules! out_raw {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// Unwraps a result of the application; a user's mistake ends the command with its French
/// message on stderr and exit 1 (see `setup_commands::refused_or`).
macro_rules! user {
    ($expr:expr) => {
        match $expr {
            Ok(value) => value,
            Err(error) => return crate::setup_commands::refused_or(error),
        }
    };
}

mod booking_commands;
mod commands;
mod config;
mod money_commands;
mod serve;
mod setup_commands;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

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
    /// Les structures (accueils de loisirs).
    #[command(subcommand)]
    Structures(ListCommand),
    /// Les activités, avec tarifs et capacités en vigueur aujourd'hui.
    #[command(subcommand)]
    Activities(ListCommand),
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

#[derive(Debug, Args)]
pub struct ConsumeArgs {
    /// Le jour à facturer (AAAA-MM-JJ) ; par défaut : hier.
    #[arg(long)]
    pub day: Option<chrono::NaiveDate>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ChildDayArgs {
    #[arg(long)]
    pub family: String,
    #[arg(long)]
    pub child: String,
    #[arg(long)]
    pub activity: String,
    #[arg(long)]
    pub day: chrono::NaiveDate,
}

#[derive(Debug, Subcommand)]
pub enum ConsumptionsCommand {
    /// Enregistre une consommation sans réservation (débit au tarif en vigueur) ; le jour doit
    /// être ouvert et l'enfant avoir l'âge de l'activité, sauf exception (--force).
    Record(ConsumptionArgs),
}

#[derive(Debug, Args)]
pub struct ConsumptionArgs {
    #[command(flatten)]
    pub on: ChildDayArgs,
    /// Exception validée par l'équipe : enregistre même un jour fermé ou un enfant hors des âges
    /// de l'activité ; les règles écartées sont inscrites au journal.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Subcommand)]
pub enum AbsencesCommand {
    /// Enregistre une absence ; --justified pour ne pas la facturer.
    Record(AbsenceArgs),
}

#[derive(Debug, Args)]
pub struct AbsenceArgs {
    #[command(flatten)]
    pub on: ChildDayArgs,
    /// Absence justifiée (non facturée). Sans ce drapeau : absence non justifiée, facturée.
    #[arg(long)]
    pub justified: bool,
}

#[derive(Debug, Subcommand)]
pub enum PaymentsCommand {
    /// Enregistre un règlement (crédit du porte-monnaie).
    Record(PaymentArgs),
    /// Annule un règlement saisi par erreur (nouvel événement, rien n'est effacé).
    Cancel(PaymentCancelArgs),
    /// Interroge PayFiP sur les paiements en ligne encore en cours (notification perdue).
    Reconcile(ReconcileArgs),
}

#[derive(Debug, Args)]
pub struct ReconcileArgs {
    /// Adresse SOAP de PayFiP (par défaut : le service réel de la DGFiP).
    #[arg(long, env = "PORTAIL_PAYFIP_ENDPOINT")]
    pub payfip_endpoint: Option<String>,
    /// Numéro de client de la régie (6 chiffres).
    #[arg(long, env = "PORTAIL_PAYFIP_NUMCLI")]
    pub payfip_numcli: Option<String>,
    #[arg(long, env = "PORTAIL_PAYFIP_MODE", default_value = "T", help = payment::PayfipMode::help())]
    pub payfip_mode: payment::PayfipMode,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct PaymentArgs {
    #[arg(long)]
    pub family: String,
    /// Porte-monnaie (régie) : id ou clé du fichier de paramétrage.
    #[arg(long)]
    pub wallet: String,
    /// Montant en euros, par ex. 50.00 ou 12,50 (chiffres, au plus deux décimales après « . » ou
    /// « , », ni signe ni exposant ; supérieur à 0, au plus 100000.00).
    #[arg(long, allow_hyphen_values = true)]
    pub amount: String,
    /// CH, ESP, CB, PRLV, VIR, CESU, ANCV.
    #[arg(long)]
    pub mode: String,
    /// N° de pièce (chèque…).
    #[arg(long)]
    pub number: Option<String>,
    /// Banque.
    #[arg(long)]
    pub bank: Option<String>,
    /// Nom du payeur.
    #[arg(long)]
    pub payer: Option<String>,
    /// Date du règlement (par défaut : aujourd'hui).
    #[arg(long)]
    pub date: Option<chrono::NaiveDate>,
}

#[derive(Debug, Args)]
pub struct PaymentCancelArgs {
    #[arg(long)]
    pub payment: String,
}

#[derive(Debug, Args)]
pub struct BalanceArgs {
    #[arg(long)]
    pub family: String,
    /// Ne pas compter les réservations confirmées dans le solde estimé.
    #[arg(long)]
    pub without_confirmed: bool,
    /// Ne pas compter les demandes en attente (non transmises, liste d'attente).
    #[arg(long)]
    pub without_pending: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum HistoryCommand {
    /// Historique des consommations d'un mois.
    Consumptions(HistoryArgs),
    /// Historique des règlements d'un mois.
    Payments(HistoryArgs),
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    #[arg(long)]
    pub family: String,
    /// Le mois (AAAA-MM) ; par défaut : le mois en cours.
    #[arg(long)]
    pub month: Option<String>,
    #[arg(long)]
    pub json: bool,
}

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

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return usage_error(error),
    };
    init_tracing(cli.log_format);
    match commands::run(&cli) {
        Ok(code) => code,
        Err(error) if let Some(broken) = commands::broken_chain_of(&error) => {
            // The store refused to append to a chain it found broken: nothing was recorded.
            eprintln!(
                "Rien n'a été enregistré : {}.",
                commands::break_text(&broken)
            );
            eprintln!("{}", commands::RESTORE_ADVICE);
            ExitCode::FAILURE
        }
        Err(error) => {
            let incident = uuid_like_incident_id();
            tracing::error!(incident = %incident, error = format!("{error:#}"), "command failed");
            eprintln!("erreur : {error:#} (incident {incident})");
            ExitCode::FAILURE
        }
    }
}

/// Help and version go to stdout with success; any other parse error is one line and exit 2.
fn usage_error(error: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match error.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = error.print();
            if error.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            }
        }
        _ => {
            let rendered = error.render().to_string();
            let first = rendered
                .lines()
                .next()
                .unwrap_or("error: invalid arguments");
            eprintln!("{first} (portail --help)");
            ExitCode::from(2)
        }
    }
}

fn init_tracing(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

/// A short id to quote when reporting a failure; the same id is in the logs.
fn uuid_like_incident_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "{:08x}",
        (nanos as u64 ^ (u64::from(std::process::id()) << 32)) as u32
    )
}
