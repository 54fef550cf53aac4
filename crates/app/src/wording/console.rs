//! The French words of the transmission console and the outbox.

use std::fmt;

use mail::{MailKind, OutboxStatus};

use crate::console::{ConsoleRefusal, RanBy};

impl fmt::Display for ConsoleRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ConsoleRefusal::UnknownTransmission => "Aucune transmission ne porte ce numéro.",
            ConsoleRefusal::UnknownMail => "Aucun courriel de la file ne porte ce numéro.",
            ConsoleRefusal::NotConfirmed => {
                "Cochez la case de confirmation pour transmettre : rien n'a été transmis."
            }
            ConsoleRefusal::PeriodBackwards => "Le mois de fin précède le mois de début.",
            ConsoleRefusal::PeriodTooLong => "Choisissez une période de douze mois au plus.",
            ConsoleRefusal::MailStillPending => {
                "Ce courriel attend encore son envoi : rien à renvoyer, rien n'a été modifié."
            }
        })
    }
}

/// Who ran a transmission, as the console lists it.
pub fn ran_by_text(by: &RanBy) -> String {
    match by {
        RanBy::Night => "transmission de nuit".to_owned(),
        RanBy::Staff(name) => name.clone(),
        RanBy::Operator => "opérateur du serveur (ligne de commande)".to_owned(),
        RanBy::Demo => "historique de démonstration".to_owned(),
        RanBy::Unknown => "inconnu".to_owned(),
    }
}

/// « En attente », « Envoyé », « Échec »: where a mail stands.
pub fn mail_status_text(status: OutboxStatus) -> &'static str {
    match status {
        OutboxStatus::Pending => "En attente",
        OutboxStatus::Sent => "Envoyé",
        OutboxStatus::Failed => "Échec",
    }
}

/// What a mail is, for the outbox's table.
pub fn mail_kind_text(kind: MailKind) -> &'static str {
    match kind {
        MailKind::TransmissionReport => "Compte rendu de transmission",
        MailKind::WaitlistPromotion => "Place attribuée depuis la liste d'attente",
        MailKind::DayClosed => "Journée fermée exceptionnellement",
        MailKind::PasswordReset => "Lien de mot de passe",
        MailKind::EmailConfirmation => "Confirmation d'adresse",
        MailKind::AuditAnchor => "Ancre du journal",
    }
}
