//! The wording of the staff area: roles, permissions and refusals, as the back office, the CLI
//! and the docs' table show them.

use std::fmt;

use domain::staff::{Permission, Role};

use crate::staff::StaffRefusal;

/// The French name of a role.
pub fn role_label(role: Role) -> &'static str {
    match role {
        Role::Accueil => "Accueil",
        Role::Direction => "Direction",
        Role::Regie => "Régie",
        Role::Administration => "Administration",
    }
}

/// What a permission allows, as the end of « Votre compte ne permet pas de … ».
pub fn permission_label(permission: Permission) -> &'static str {
    match permission {
        Permission::ViewFamilies => "consulter les familles et leur dossier",
        Permission::UpdateFamilyFile => {
            "cocher les pièces du dossier et changer le quotient familial"
        }
        Permission::AssistFamilyAccess => {
            "débloquer une connexion, envoyer un lien de réinitialisation ou un nouveau code d'activation"
        }
        Permission::RecordPayment => "enregistrer un règlement au guichet",
        Permission::CancelPayment => "annuler un règlement",
        Permission::ReconcilePayments => "rapprocher les paiements en ligne",
        Permission::ExportMoney => "exporter les chiffres de la régie",
        Permission::BookByPhone => "réserver ou annuler pour une famille",
        Permission::OverrideDeadline => "accepter une demande après la date limite",
        Permission::TakeAttendance => "faire le pointage",
        Permission::ViewBoards => {
            "consulter l'occupation, les graphiques et la console de transmission"
        }
        Permission::ManageDays => {
            "agir sur une journée (capacité, liste d'attente, fermeture exceptionnelle)"
        }
        Permission::ExportAttendance => {
            "exporter les heures de présence (CAF) et les dossiers incomplets"
        }
        Permission::IssueAttestations => "éditer les attestations et relevés des familles",
        Permission::ManageOutbox => "consulter les courriels envoyés et les renvoyer",
        Permission::ManageStaff => "gérer les comptes du personnel",
        Permission::ImportSetup => "importer le fichier de paramétrage",
        Permission::RunTransmission => "lancer la transmission",
        Permission::RunRebuild => "reconstruire les modèles de lecture",
        Permission::ViewAccessLog => "consulter le journal des accès aux dossiers",
    }
}

/// « Votre compte ne permet pas de consulter … » / « … pas d'exporter … »: the words of a
/// missing permission, « de » elided before a vowel.
pub fn not_allowed_text(permission: Permission) -> String {
    let what = permission_label(permission);
    let elided = what.chars().next().is_some_and(|c| "aeéèêiouy".contains(c));
    if elided {
        format!("Votre compte ne permet pas d'{what}")
    } else {
        format!("Votre compte ne permet pas de {what}")
    }
}

impl fmt::Display for StaffRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StaffRefusal::NotAllowed(permission) => write!(
                f,
                "{} : rien n'a été enregistré.",
                not_allowed_text(*permission)
            ),
            StaffRefusal::UnknownLogin => {
                f.write_str("Aucun compte du personnel actif ne porte cet identifiant.")
            }
            StaffRefusal::InvalidLogin => f.write_str(
                "L'identifiant doit compter de 2 à 40 caractères parmi les lettres minuscules sans accent, les chiffres, le point, le tiret et le tiret bas.",
            ),
            StaffRefusal::LoginTaken => {
                f.write_str("Cet identifiant est déjà pris (par un compte du personnel ou une famille).")
            }
            StaffRefusal::NameMissing => f.write_str("Indiquez le nom de la personne."),
            StaffRefusal::NoRole => f.write_str("Choisissez au moins un rôle."),
            StaffRefusal::NoStructure => f.write_str(
                "Les rôles Accueil et Direction agissent sur des structures : choisissez-en au moins une.",
            ),
            StaffRefusal::UnknownStructure => {
                f.write_str("Une des structures choisies n'existe pas dans le paramétrage.")
            }
            StaffRefusal::AccountDisabled => f.write_str("Ce compte est désactivé."),
            StaffRefusal::OwnAccount => {
                f.write_str("Vous ne pouvez pas désactiver votre propre compte.")
            }
            StaffRefusal::WrongCode => f.write_str(
                "Code incorrect ou déjà utilisé. Saisissez le code à 6 chiffres affiché maintenant par votre application, ou un de vos codes de secours.",
            ),
        }
    }
}
