//! The simulator's SOAP answers: checks of a creation request, success and faults.

use super::*;

/// Checks a `creerPaiementSecurise` like PayFiP does. Codes M1, M3, M5, A1, A2, R3, N1 and D1
/// are PayFiP's; T1 (numcli), E1 (exer), S1 (saisie) and O1 (objet) are the simulator's own.
pub(super) fn check_create(
    request: &Element,
    now: DateTime<Utc>,
) -> Result<Operation, (&'static str, &'static str)> {
    let field = |name: &str| request.find_text(name).unwrap_or_default().to_owned();
    let numcli = field("numcli");
    if numcli.len() != 6 || !numcli.bytes().all(|b| b.is_ascii_digit()) {
        return Err(("T1", "Le numéro de client n'est pas correct."));
    }
    let exer = field("exer");
    if exer.len() != 4 || !exer.bytes().all(|b| b.is_ascii_digit()) {
        return Err(("E1", "L'exercice n'est pas correct."));
    }
    let montant_text = field("montant");
    let montant = montant_text
        .parse::<i64>()
        .ok()
        .filter(|_| montant_text.bytes().all(|b| b.is_ascii_digit()))
        .ok_or(("M1", "Le format du montant n'est pas correct."))?;
    if montant < MIN_AMOUNT_CENTS {
        return Err(("M3", "Le montant doit être d'au moins 1 euro."));
    }
    if montant > MAX_AMOUNT_CENTS {
        return Err(("M5", "Le montant dépasse la limite autorisée."));
    }
    let mel = field("mel");
    if mel.is_empty() {
        return Err(("A1", "L'adresse électronique n'est pas renseignée."));
    }
    if !EMAIL_LENGTH.contains(&mel.chars().count()) || mel.matches('@').count() != 1 {
        return Err(("A2", "L'adresse électronique est incorrecte."));
    }
    let refdet = field("refdet");
    if !valid_reference(&refdet) {
        return Err(("R3", "Le format du paramètre REFDET n'est pas conforme."));
    }
    let saisie = field("saisie");
    if !matches!(saisie.as_str(), "T" | "X" | "W") {
        return Err(("S1", "Le type de saisie n'est pas correct."));
    }
    let objet = request
        .find("objet")
        .map(|element| element.text.clone())
        .unwrap_or_default();
    if objet.chars().count() > MAX_OBJECT_LENGTH {
        return Err(("O1", "L'objet est trop long."));
    }
    let http = |url: &str| url.starts_with("http://") || url.starts_with("https://");
    let urlnotif = field("urlnotif");
    if !http(&urlnotif) {
        return Err(("N1", "L'URL de notification n'est pas valide."));
    }
    let urlredirect = field("urlredirect");
    if !http(&urlredirect) {
        return Err(("D1", "L'URL de redirection n'est pas valide."));
    }
    Ok(Operation {
        exer,
        mel,
        montant,
        numcli,
        objet,
        refdet,
        saisie,
        urlnotif,
        urlredirect,
        created_at: now,
        outcome: None,
    })
}

pub(super) fn success(response: &str, fields: &[(&str, &str)]) -> String {
    let mut items = String::new();
    for (name, value) in fields {
        items.push_str(&format!("<{name}>{}</{name}>", xml::escape(value)));
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
         <S:Envelope xmlns:S=\"{SOAP_ENVELOPE_NS}\"><S:Body>\
         <ns2:{response} xmlns:ns2=\"{PAYFIP_SERVICE_NS}\"><return>{items}</return></ns2:{response}>\
         </S:Body></S:Envelope>"
    )
}

pub(super) fn functional_fault(code: &str, libelle: &str) -> (StatusCode, String) {
    let envelope = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
         <S:Envelope xmlns:S=\"{SOAP_ENVELOPE_NS}\"><S:Body><S:Fault>\
         <faultcode>S:Server</faultcode>\
         <faultstring>fr.gouv.finances.cp.tpa.webservice.exceptions.FonctionnelleErreur</faultstring>\
         <detail><ns1:FonctionnelleErreur xmlns:ns1=\"{PAYFIP_SERVICE_NS}\">\
         <code>{code}</code><descriptif>{libelle}</descriptif><libelle>{libelle}</libelle>\
         <severite>2</severite></ns1:FonctionnelleErreur></detail>\
         </S:Fault></S:Body></S:Envelope>",
        code = xml::escape(code),
        libelle = xml::escape(libelle),
    );
    (StatusCode::INTERNAL_SERVER_ERROR, envelope)
}

pub(super) fn client_fault(message: &str) -> (StatusCode, String) {
    let envelope = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
         <S:Envelope xmlns:S=\"{SOAP_ENVELOPE_NS}\"><S:Body><S:Fault>\
         <faultcode>S:Client</faultcode><faultstring>{}</faultstring>\
         </S:Fault></S:Body></S:Envelope>",
        xml::escape(message)
    );
    (StatusCode::INTERNAL_SERVER_ERROR, envelope)
}
