//! What the accounts area says when it refuses.

use std::fmt;

use crate::accounts::AccountRefusal;
use crate::credentials::{MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS};

impl fmt::Display for AccountRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AccountRefusal::LoginRejected => f.write_str("Identifiant ou mot de passe incorrect."),
            AccountRefusal::Throttled { seconds } => throttled(f, *seconds),
            AccountRefusal::WrongActivationCode => f.write_str(
                "Identifiant ou code d'activation incorrect (le code ne sert qu'une fois).",
            ),
            AccountRefusal::PasswordTooShort => write!(
                f,
                "Le mot de passe doit compter au moins {MIN_PASSWORD_CHARS} caractères (une phrase facile à retenir convient très bien)."
            ),
            AccountRefusal::PasswordTooLong => write!(
                f,
                "Le mot de passe ne peut pas dépasser {MAX_PASSWORD_CHARS} caractères."
            ),
            AccountRefusal::PasswordTooObvious => f.write_str(
                "Ce mot de passe est trop facile à deviner (il reprend votre identifiant ou un mot de passe courant). Choisissez une phrase à vous.",
            ),
            AccountRefusal::PasswordsDiffer => {
                f.write_str("Les deux saisies du nouveau mot de passe sont différentes.")
            }
            AccountRefusal::WrongCurrentPassword => {
                f.write_str("Le mot de passe actuel est incorrect : rien n'a été modifié.")
            }
            AccountRefusal::UnknownAccount => f.write_str("Compte inconnu."),
            AccountRefusal::InvalidEmail => f.write_str(
                "Adresse électronique invalide (exemple : prenom.nom@exemple.fr, 6 à 80 caractères).",
            ),
            AccountRefusal::DeadLink => f.write_str(
                "Ce lien n'est plus valable (il a déjà servi, a expiré ou a été remplacé par un plus récent). Refaites une demande.",
            ),
            AccountRefusal::SessionEnded => {
                f.write_str("Votre session a pris fin : reconnectez-vous.")
            }
            AccountRefusal::QuestionLength => {
                f.write_str("La question doit compter de 5 à 200 caractères.")
            }
            AccountRefusal::AnswerLength => {
                f.write_str("La réponse doit compter de 3 à 100 caractères.")
            }
            AccountRefusal::AnswerInQuestion => {
                f.write_str("La réponse ne doit pas figurer dans la question.")
            }
        }
    }
}

/// The sentence for a wait, the same whatever the account: in whole minutes, rounded up.
fn throttled(f: &mut fmt::Formatter<'_>, seconds: i64) -> fmt::Result {
    let minutes = (seconds + 59) / 60;
    if minutes <= 1 {
        f.write_str("Trop de tentatives : patientez une minute avant de réessayer.")
    } else {
        write!(
            f,
            "Trop de tentatives : patientez {minutes} minutes avant de réessayer."
        )
    }
}

/// « Les réservations ouvrent à 8 h 30 », « … demain à 8 h 30 », « … le lundi 5 janvier à 8 h ».
impl fmt::Display for crate::accounts::Opening {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let day = domain::deadline::paris_day(self.opens_at);
        let today = domain::deadline::paris_day(self.now);
        let time = domain::wording::french_clock_time(self.opens_at);
        if day == today {
            write!(f, "Les réservations ouvrent à {time}")
        } else if Some(day) == today.succ_opt() {
            write!(f, "Les réservations ouvrent demain à {time}")
        } else {
            let date = domain::wording::french_date(day);
            write!(f, "Les réservations ouvrent le {date} à {time}")
        }
    }
}
