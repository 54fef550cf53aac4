//! The arguments of the money commands: consumptions, absences, payments, balance, histories.

use clap::{Args, Subcommand};

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
    /// Pourquoi le règlement est annulé (gardé avec le règlement, jamais dans le journal).
    #[arg(long)]
    pub reason: String,
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
