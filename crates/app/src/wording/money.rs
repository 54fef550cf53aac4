//! The wording of money refusals.

use std::fmt;

use crate::money::MoneyRefusal;

impl fmt::Display for MoneyRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MoneyRefusal::UnknownActivity => f.write_str("Activité inconnue."),
            MoneyRefusal::UnknownFamily => f.write_str("Famille inconnue."),
            MoneyRefusal::Pricing(error) => write!(f, "{error}"),
            MoneyRefusal::DayNotOver { day } => write!(
                f,
                "Le {} n'est pas encore passé : les consommations se facturent le lendemain.",
                day.format("%d/%m/%Y")
            ),
            MoneyRefusal::ChildNotInFamily => {
                f.write_str("Cet enfant n'est pas rattaché à cette famille.")
            }
            MoneyRefusal::AlreadyBilled { day, first_name } => write!(
                f,
                "La journée du {} de {first_name} est déjà facturée : une absence justifiée doit être saisie avant la facturation.",
                day.format("%d/%m/%Y")
            ),
            MoneyRefusal::ConsumptionAlreadyRecorded => {
                f.write_str("Cette consommation est déjà enregistrée.")
            }
            MoneyRefusal::UnknownPaymentMode { typed } => write!(
                f,
                "Mode de règlement inconnu : « {typed} » (CH, ESP, CB, PRLV, VIR, CESU ou ANCV)."
            ),
            MoneyRefusal::AmountNotPositive => {
                f.write_str("Le montant d'un règlement doit être supérieur à 0.")
            }
            MoneyRefusal::InvalidText { typed } => write!(f, "Texte invalide : « {typed} »."),
            MoneyRefusal::WalletNotOfFamily => {
                f.write_str("Ce porte-monnaie ne couvre aucune structure de la famille.")
            }
            MoneyRefusal::DeskPaymentNotFound => f.write_str("Règlement au guichet introuvable."),
            MoneyRefusal::InvalidPaymentDay { typed } => {
                write!(f, "Date du règlement invalide : « {typed} ».")
            }
            MoneyRefusal::CancellationReasonRequired => {
                f.write_str("Indiquez le motif de l'annulation.")
            }
            MoneyRefusal::PaymentAlreadyCancelled => f.write_str("Ce règlement est déjà annulé."),
            MoneyRefusal::InvalidAmount(error) => write!(f, "{error}"),
            MoneyRefusal::UnknownWallet { typed } => {
                write!(f, "Porte-monnaie inconnu : « {typed} » (clé ou id).")
            }
            MoneyRefusal::InvalidMonth { typed } => {
                write!(f, "Mois invalide : « {typed} » (AAAA-MM).")
            }
            MoneyRefusal::CardPaymentUnavailable => {
                f.write_str("Le paiement par carte n'est pas proposé pour le moment.")
            }
            MoneyRefusal::NotYourWallet => f.write_str("Ce porte-monnaie n'est pas le vôtre."),
            MoneyRefusal::EmailRequired => f.write_str(
                "Renseignez votre adresse mail dans votre profil avant de payer : elle est obligatoire pour le paiement en ligne.",
            ),
            MoneyRefusal::AmountOutOfBounds {
                amount,
                minimum,
                maximum,
            } => write!(
                f,
                "Le montant à créditer doit être compris entre {minimum} € et {maximum} € (limites du paiement par carte) ; {amount} € ne convient pas."
            ),
            MoneyRefusal::PaymentNotStarted { detail } => {
                write!(f, "Le paiement en ligne n'a pas pu démarrer : {detail}")
            }
            MoneyRefusal::ProviderUnavailable { detail } => {
                write!(f, "Le prestataire de paiement ne répond pas : {detail}")
            }
        }
    }
}

#[cfg(test)]
mod tests;
