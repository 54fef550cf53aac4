//! The arguments of the staff actions on a day: capacity, promotion by hand, waitlist moves,
//! exceptional closing.

use clap::{Args, Subcommand};

use super::ListArgs;

#[derive(Debug, Subcommand)]
pub enum ActivitiesCommand {
    /// Affiche la liste.
    List(ListArgs),
    /// Change la capacité et la taille de la liste d'attente à partir d'un jour (les places
    /// libérées vont aussitôt à la liste d'attente, courriels compris ; une capacité baissée
    /// n'annule aucune place acceptée).
    Capacity(CapacityArgs),
    /// Ferme un jour exceptionnellement : les places acceptées et en liste d'attente sont
    /// annulées, chaque famille reçoit un courriel, les demandes en attente seront refusées.
    CloseDay(CloseDayArgs),
}

#[derive(Debug, Args)]
pub struct CloseDayArgs {
    /// Activité : id ou clé du fichier de paramétrage.
    pub activity: String,
    /// Le jour (AAAA-MM-JJ), pas encore commencé.
    #[arg(long)]
    pub day: chrono::NaiveDate,
    /// Le motif (obligatoire, 500 caractères au plus ; il n'est pas envoyé aux familles).
    #[arg(long)]
    pub reason: String,
}

#[derive(Debug, Args)]
pub struct CapacityArgs {
    /// Activité : id ou clé du fichier de paramétrage.
    pub activity: String,
    /// À partir de ce jour (AAAA-MM-JJ), pas encore commencé.
    #[arg(long)]
    pub from: chrono::NaiveDate,
    /// Nombre de places.
    #[arg(long)]
    pub capacity: u32,
    /// Taille de la liste d'attente.
    #[arg(long)]
    pub waitlist: u32,
    /// Le motif (obligatoire, 500 caractères au plus).
    #[arg(long)]
    pub reason: String,
}

#[derive(Debug, Args)]
pub struct PromoteArgs {
    /// La place en liste d'attente (id affiché par `waitlist show`).
    #[arg(long)]
    pub place: String,
    /// Le motif (obligatoire, 500 caractères au plus).
    #[arg(long)]
    pub reason: String,
}

#[derive(Debug, Args)]
pub struct MoveArgs {
    /// La place en liste d'attente (id affiché par `waitlist show`).
    #[arg(long)]
    pub place: String,
    /// Monter d'un rang.
    #[arg(long, conflicts_with = "down", required_unless_present = "down")]
    pub up: bool,
    /// Descendre d'un rang.
    #[arg(long)]
    pub down: bool,
    /// Le motif (obligatoire, 500 caractères au plus).
    #[arg(long)]
    pub reason: String,
}
