//! The mail texts, in French, plain text: pure functions from data to `(subject, body)`.
//!
//! The transmission report follows the two examples of the seed guide (« EXEMPLES DE MAILS »):
//! the addressee, the announcement of the structure, the counts of movements received and of
//! outcomes, and the contact block; it adds a « Détail : » section, one line per child and day.
//! Bodies end with a newline; lines are separated by `\n` (lettre turns them into CRLF).
//! No text ever contains a password.

use std::fmt::Write as _;

use chrono::NaiveDate;

/// The organisation's contact block that ends every mail, as in the seed:
///
/// ```text
/// Communauté de Communes des Portes de l'Entre-deux-Mers
/// 51 Chemin du Port de l'Homme - 33360 Latresne
/// Tél. : 05 56 20 83 60 Fax : 05 56 21 72 64
/// Courriel : accueil@cdc-portesentredeuxmers.fr
/// Site internet : cdc-portesentredeuxmers.fr
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContactBlock {
    pub name: String,
    /// One line, e.g. "51 Chemin du Port de l'Homme - 33360 Latresne".
    pub address: String,
    pub phone: String,
    pub fax: Option<String>,
    pub email: String,
    pub website: Option<String>,
}

impl ContactBlock {
    /// The block, each line ending with a newline; the fax and website lines only when given.
    pub fn render(&self) -> String {
        let mut text = format!("{}\n{}\nTél. : {}", self.name, self.address, self.phone);
        if let Some(fax) = &self.fax {
            let _ = write!(text, " Fax : {fax}");
        }
        let _ = writeln!(text, "\nCourriel : {}", self.email);
        if let Some(website) = &self.website {
            let _ = writeln!(text, "Site internet : {website}");
        }
        text
    }
}

/// What happened to one requested day, as told in the report's « Détail : ».
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LineOutcome {
    Accepted,
    Waitlisted {
        rank: u32,
    },
    Refused {
        reason: String,
    },
    Cancelled,
    /// A waitlisted reservation accepted because a place was freed.
    Promoted,
}

impl LineOutcome {
    fn describe(&self) -> String {
        match self {
            LineOutcome::Accepted => "acceptée".to_owned(),
            LineOutcome::Waitlisted { rank } => format!("liste d'attente (rang {rank})"),
            LineOutcome::Refused { reason } if reason.trim().is_empty() => "refusée".to_owned(),
            LineOutcome::Refused { reason } => format!("refusée ({})", reason.trim()),
            LineOutcome::Cancelled => "annulée".to_owned(),
            LineOutcome::Promoted => "acceptée (place libérée en liste d'attente)".to_owned(),
        }
    }
}

/// One line of the report's detail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportLine {
    /// "DUPONT Lilou".
    pub child: String,
    /// The activity's label, e.g. "CDC - ALSH 6-12 Matin".
    pub activity: String,
    pub day: NaiveDate,
    pub outcome: LineOutcome,
}

/// The data of one transmission report (one family, one structure, one run).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransmissionReport {
    /// "M. DUPONT Jean-Paul".
    pub addressee: String,
    /// "Accueil de Loisirs de Quinsac".
    pub structure: String,
    /// Movements received from the family (new requests and cancellation requests).
    pub received: u32,
    pub new_requests: u32,
    pub cancellation_requests: u32,
    pub accepted: u32,
    pub waitlisted: u32,
    pub cancelled: u32,
    pub refused: u32,
    pub lines: Vec<ReportLine>,
    pub contact: ContactBlock,
    /// The portal's address, written under « Vous pouvez consulter … » when given.
    pub portal_url: Option<String>,
}

/// Subject and body of the transmission report.
///
/// The counts block is left out when nothing was received (the seed's second example); each
/// outcome line appears only when its count is not zero, in the order accepted, waitlisted,
/// cancelled, refused; the « Détail : » section, sorted by day then child, only when there are
/// lines.
pub fn transmission_report(report: &TransmissionReport) -> (String, String) {
    let subject = format!("Compte rendu de vos réservations – {}", report.structure);
    let mut body = format!(
        "{}\n\nVeuillez trouver ci-dessous un compte rendu des modifications apportées à vos \
         demandes de réservation sur la structure : {}\n",
        report.addressee, report.structure
    );
    if report.received > 0 {
        let movements = match report.received {
            1 => "1 mouvement sur vos demandes de réservations a été reçu".to_owned(),
            n => format!("{n} mouvements sur vos demandes de réservations ont été reçus"),
        };
        let mut parts = Vec::new();
        if report.new_requests > 0 {
            parts.push(plural(
                report.new_requests,
                "nouvelle demande de réservation",
                "nouvelles demandes de réservation",
            ));
        }
        if report.cancellation_requests > 0 {
            parts.push(plural(
                report.cancellation_requests,
                "demande d'annulation",
                "demandes d'annulation",
            ));
        }
        if parts.is_empty() {
            let _ = writeln!(body, "\n- {movements}");
        } else {
            let _ = writeln!(body, "\n- {movements}, dont :\n");
            for part in parts {
                let _ = writeln!(body, "* {part}");
            }
        }
    }
    let outcomes: Vec<String> = [
        (report.accepted, "acceptée"),
        (report.waitlisted, "mise en liste d'attente"),
        (report.cancelled, "annulée"),
        (report.refused, "refusée"),
    ]
    .into_iter()
    .filter(|(count, _)| *count > 0)
    .map(|(count, participle)| outcome_sentence(count, participle))
    .collect();
    if !outcomes.is_empty() {
        body.push('\n');
        for outcome in outcomes {
            let _ = writeln!(body, "- {outcome}");
        }
    }
    if !report.lines.is_empty() {
        let mut lines: Vec<&ReportLine> = report.lines.iter().collect();
        lines.sort_by(|a, b| (a.day, &a.child, &a.activity).cmp(&(b.day, &b.child, &b.activity)));
        body.push_str("\nDétail :\n");
        for line in lines {
            let _ = writeln!(
                body,
                "- {}, {}, {} : {}",
                line.child,
                domain::wording::french_date_with_year(line.day),
                line.activity,
                line.outcome.describe()
            );
        }
    }
    push_portal_and_contact(&mut body, report.portal_url.as_deref(), &report.contact);
    (subject, body)
}

/// The data of the mail telling a family that a waitlisted reservation was accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PromotionNotice {
    pub addressee: String,
    pub structure: String,
    pub child: String,
    pub activity: String,
    pub day: NaiveDate,
    pub contact: ContactBlock,
    pub portal_url: Option<String>,
}

/// Subject and body of the waitlist promotion mail.
pub fn waitlist_promotion(notice: &PromotionNotice) -> (String, String) {
    let subject = format!("Place attribuée sur liste d'attente – {}", notice.structure);
    let mut body = format!(
        "{}\n\nUne place s'est libérée sur la structure : {}\n\n\
         La réservation de {} pour le {}, {}, qui était en liste d'attente, a été acceptée.\n\n\
         Si cette place ne vous intéresse plus, pensez à l'annuler le plus tôt possible afin d'en \
         faire bénéficier les autres enfants.\n",
        notice.addressee,
        notice.structure,
        notice.child,
        domain::wording::french_date_with_year(notice.day),
        notice.activity,
    );
    push_portal_and_contact(&mut body, notice.portal_url.as_deref(), &notice.contact);
    (subject, body)
}

/// Subject and body of the mail telling a family that staff closed a day exceptionally and
/// cancelled its child's place (or waitlist entry). The reason staff typed is kept for the back
/// office and not written here: it may name other people or internal matters.
pub fn day_closed(notice: &PromotionNotice, waitlisted: bool) -> (String, String) {
    let subject = format!("Journée fermée exceptionnellement – {}", notice.structure);
    let place = if waitlisted {
        "L'inscription en liste d'attente"
    } else {
        "La réservation"
    };
    let mut body = format!(
        "{}\n\nLa structure {} est exceptionnellement fermée le {} pour l'activité {}.\n\n\
         {} de {} pour ce jour est annulée ; elle ne vous sera pas facturée.\n\n\
         Vous pouvez réserver un autre jour sur le portail famille.\n",
        notice.addressee,
        notice.structure,
        domain::wording::french_date_with_year(notice.day),
        notice.activity,
        place,
        notice.child,
    );
    push_portal_and_contact(&mut body, notice.portal_url.as_deref(), &notice.contact);
    (subject, body)
}

/// Subject and body of the password-reset mail: a single-use link valid `valid_minutes`.
pub fn password_reset(
    addressee: &str,
    link: &str,
    valid_minutes: u32,
    contact: &ContactBlock,
) -> (String, String) {
    let subject = "Réinitialisation de votre mot de passe".to_owned();
    let body = format!(
        "{addressee}\n\n\
         Une demande de réinitialisation du mot de passe de votre compte famille a été faite sur \
         le portail famille.\n\n\
         Pour choisir un nouveau mot de passe, ouvrez le lien ci-dessous. Il ne sert qu'une fois \
         et n'est valable que {} :\n\
         {link}\n\n\
         Si vous n'êtes pas à l'origine de cette demande, ne tenez pas compte de ce message : \
         votre mot de passe actuel reste valable.\n\n\
         {}",
        plural(valid_minutes, "minute", "minutes"),
        contact.render()
    );
    (subject, body)
}

/// Subject and body of the mail confirming the address a parent entered in the profile.
pub fn email_confirmation(addressee: &str, link: &str, contact: &ContactBlock) -> (String, String) {
    let subject = "Confirmation de votre adresse électronique".to_owned();
    let body = format!(
        "{addressee}\n\n\
         Cette adresse électronique a été renseignée dans votre profil sur le portail famille.\n\n\
         Pour la confirmer, ouvrez le lien ci-dessous :\n\
         {link}\n\n\
         Vous recevrez ensuite à cette adresse le compte rendu de vos réservations ainsi que leur \
         évolution, notamment si une place en liste d'attente vous est attribuée.\n\n\
         Si vous n'êtes pas à l'origine de cette demande, ne tenez pas compte de ce message.\n\n\
         {}",
        contact.render()
    );
    (subject, body)
}

/// "1 réservation a été acceptée" / "2 réservations ont été acceptées" (`participle` singular
/// feminine; its plural takes an "s" on the participle).
fn outcome_sentence(count: u32, participle: &str) -> String {
    if count == 1 {
        format!("1 réservation a été {participle}")
    } else {
        let plural = match participle.split_once(' ') {
            // "mise en liste d'attente" → "mises en liste d'attente"
            Some((head, tail)) => format!("{head}s {tail}"),
            None => format!("{participle}s"),
        };
        format!("{count} réservations ont été {plural}")
    }
}

/// "1 minute" / "2 minutes" (French: 0 takes the singular).
fn plural(count: u32, singular: &str, plural: &str) -> String {
    if count <= 1 {
        format!("{count} {singular}")
    } else {
        format!("{count} {plural}")
    }
}

fn push_portal_and_contact(body: &mut String, portal_url: Option<&str>, contact: &ContactBlock) {
    body.push_str("\nVous pouvez consulter l'état de vos réservations sur notre site Internet.\n");
    if let Some(url) = portal_url {
        let _ = writeln!(body, "{url}");
    }
    body.push('\n');
    body.push_str(&contact.render());
}
