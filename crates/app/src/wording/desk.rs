//! The wording of the desk's family pages: refusals and payment modes.

use std::fmt;

use domain::values::PaymentMode;

use crate::desk::DeskRefusal;

impl fmt::Display for DeskRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeskRefusal::UnknownFamily => f.write_str("Famille inconnue."),
            DeskRefusal::UnknownDossierItem { item } => write!(
                f,
                "« {item} » n'est pas une pièce du dossier de cette famille."
            ),
            DeskRefusal::InvalidQuotient { typed } => write!(
                f,
                "Quotient familial invalide : « {typed} » (un nombre entier de 0 à 100 000)."
            ),
            DeskRefusal::InvalidEffectiveDay { typed } => write!(
                f,
                "Date d'effet invalide : « {typed} » (indiquez le jour à partir duquel le quotient s'applique)."
            ),
            DeskRefusal::NoEmailAddress => f.write_str(
                "Cette famille n'a pas d'adresse e-mail : imprimez plutôt une lettre d'activation.",
            ),
            DeskRefusal::ResetLinkRecentlySent => f.write_str(
                "Un lien a été envoyé il y a moins de cinq minutes : attendez avant d'en envoyer un autre.",
            ),
        }
    }
}

/// « Chèque », « Espèces »… as a receipt and the payment form name the mode.
pub fn payment_mode_label(mode: PaymentMode) -> &'static str {
    match mode {
        PaymentMode::Cheque => "Chèque",
        PaymentMode::Cash => "Espèces",
        PaymentMode::Card => "Carte bancaire",
        PaymentMode::DirectDebit => "Prélèvement",
        PaymentMode::Transfer => "Virement",
        PaymentMode::Cesu => "CESU",
        PaymentMode::Ancv => "Chèques vacances ANCV",
    }
}
