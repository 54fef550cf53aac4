//! PayFiP régie web-service (DGFiP) over SOAP 1.1.
//!
//! Two operations of the `PaiementSecuriseService`:
//!
//! * `creerPaiementSecurise(arg0: exer, mel, montant, numcli, objet, refdet, saisie, urlnotif,
//!   urlredirect)` answers `return/idOp`;
//! * `recupererDetailPaiementSecurise(arg0: idOp)` answers `return/{dattrans, exer, heurtrans,
//!   idOp, mel, montant, numauto, numcli, objet, refdet, resultrans, saisie}`, or a SOAP fault
//!   whose `detail/FonctionnelleErreur/code` is `P5` (no result yet) or `P1` (unknown idOp).
//!
//! Element names, the `arg0`/`return` wrappers, the service namespace and the URLs below are
//! those used by public PayFiP integrations (eopayment of Entr'ouvert, Odoo and PHP modules)
//! and the DGFiP implementation guide. Responses are read by local element name, whatever the
//! namespace prefixes, so a change of SOAP stack on the DGFiP side does not break the reading.

use std::str::FromStr;
use std::time::Duration;

use domain::Money;

use crate::xml::{self, Element};
use crate::{
    CreatePayment, CreatedPayment, PaymentProvider, PaymentStatus, ProviderError,
    valid_operation_id,
};

/// SOAP 1.1 envelope namespace.
pub const SOAP_ENVELOPE_NS: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// Namespace of PayFiP's `PaiementSecuriseService` operations.
pub const PAYFIP_SERVICE_NS: &str = "http://securite.service.tpa.cp.finances.gouv.fr/services/mas_securite/contrat_paiement_securise/PaiementSecuriseService";
/// Production SOAP endpoint.
pub const PRODUCTION_ENDPOINT: &str = "https://www.payfip.gouv.fr/tpa/services/securite";
/// Production payment page (the browser goes to `…?idop=<idOp>`).
pub const PRODUCTION_PAYMENT_PAGE: &str = "https://www.payfip.gouv.fr/tpa/paiementws.web";
/// Largest response read from PayFiP.
const MAX_RESPONSE_BYTES: u64 = 1024 * 1024;

/// PayFiP `saisie`: which kind of operation is created. The one description of the modes:
/// `serve --help` shows [`PayfipMode::help`], and a test checks docs/operations.md against
/// [`PayfipMode::ALL`] and [`PayfipMode::meaning`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PayfipMode {
    /// Test: no card is charged (`saisie=T`).
    T,
    /// Activation: the real payment made once to activate the contract (`saisie=X`).
    X,
    /// Production: the families' payments (`saisie=W`).
    W,
}

impl PayfipMode {
    /// Every mode, in the order a commune goes through them.
    pub const ALL: [PayfipMode; 3] = [PayfipMode::T, PayfipMode::X, PayfipMode::W];

    /// The `saisie` letter.
    pub fn code(self) -> &'static str {
        match self {
            PayfipMode::T => "T",
            PayfipMode::X => "X",
            PayfipMode::W => "W",
        }
    }

    /// What the mode is for, in French.
    pub fn meaning(self) -> &'static str {
        match self {
            PayfipMode::T => "test (aucune carte n'est débitée)",
            PayfipMode::X => "activation (le paiement réel fait une fois pour activer le contrat)",
            PayfipMode::W => "production (les paiements des familles)",
        }
    }

    /// « T = test (…), X = activation (…), W = production (…) ».
    pub fn summary() -> String {
        PayfipMode::ALL
            .iter()
            .map(|mode| format!("{} = {}", mode.code(), mode.meaning()))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The help of the `--payfip-mode` option.
    pub fn help() -> String {
        format!(
            "Mode PayFiP (« saisie ») : {} ; défaut : T",
            PayfipMode::summary()
        )
    }
}

impl std::fmt::Display for PayfipMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for PayfipMode {
    type Err = ProviderError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let trimmed = text.trim();
        PayfipMode::ALL
            .into_iter()
            .find(|mode| mode.code().eq_ignore_ascii_case(trimmed))
            .ok_or_else(|| {
                ProviderError::Invalid(format!(
                    "mode PayFiP « {trimmed} » inconnu ({})",
                    PayfipMode::summary()
                ))
            })
    }
}

/// Settings of a PayFiP régie web-service contract.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PayfipConfig {
    /// SOAP URL ([`PRODUCTION_ENDPOINT`], or `<simulator>/ws`).
    pub endpoint: String,
    /// Payment page: either the full `…/paiementws.web` URL ([`PRODUCTION_PAYMENT_PAGE`]) or
    /// a base URL to which `/tpa/paiementws.web` is appended (the simulator's mount point).
    pub payment_page: String,
    /// The régie's client number (`numcli`, 6 digits, given by the DGFiP).
    pub numcli: String,
    /// `saisie`.
    pub mode: PayfipMode,
    /// Budget year (`exer`), e.g. 2026.
    pub exercise: i32,
    /// Timeout of each SOAP call, connection included.
    pub timeout: Duration,
}

impl PayfipConfig {
    /// The real PayFiP service.
    pub fn production(numcli: &str, mode: PayfipMode, exercise: i32) -> Self {
        PayfipConfig {
            endpoint: PRODUCTION_ENDPOINT.to_owned(),
            payment_page: PRODUCTION_PAYMENT_PAGE.to_owned(),
            numcli: numcli.to_owned(),
            mode,
            exercise,
            timeout: Duration::from_secs(15),
        }
    }

    /// The local simulator mounted at `base` (e.g. `http://127.0.0.1:8080/simulateur-payfip`),
    /// in test mode.
    pub fn simulator(base: &str, exercise: i32) -> Self {
        let base = base.trim_end_matches('/');
        PayfipConfig {
            endpoint: format!("{base}/ws"),
            payment_page: base.to_owned(),
            numcli: "000000".to_owned(),
            mode: PayfipMode::T,
            exercise,
            timeout: Duration::from_secs(10),
        }
    }

    /// The URL of the payment page, without its query.
    pub fn payment_page_url(&self) -> String {
        let page = self.payment_page.trim_end_matches('/');
        if page.ends_with("paiementws.web") {
            page.to_owned()
        } else {
            format!("{page}/tpa/paiementws.web")
        }
    }

    /// Checks the settings (French messages, for the configuration screen or the logs).
    pub fn validate(&self) -> Result<(), ProviderError> {
        let invalid = |message: &str| Err(ProviderError::Invalid(message.to_owned()));
        if self.numcli.len() != 6 || !self.numcli.bytes().all(|b| b.is_ascii_digit()) {
            return invalid("le numéro de client PayFiP (numcli) doit compter 6 chiffres");
        }
        if !(2000..=9999).contains(&self.exercise) {
            return invalid("l'exercice PayFiP doit être une année sur 4 chiffres");
        }
        for url in [&self.endpoint, &self.payment_page] {
            let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
            if !scheme_ok || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return invalid("les adresses PayFiP doivent commencer par http:// ou https://");
            }
        }
        if self.timeout.is_zero() {
            return invalid("le délai d'attente PayFiP doit être positif");
        }
        Ok(())
    }
}

/// The PayFiP adapter. Blocking: call it from a blocking thread.
pub struct PayfipProvider {
    config: PayfipConfig,
    agent: ureq::Agent,
}

impl std::fmt::Debug for PayfipProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PayfipProvider")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl PayfipProvider {
    /// Builds the adapter after checking the settings.
    pub fn new(config: PayfipConfig) -> Result<Self, ProviderError> {
        config.validate()?;
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(config.timeout))
            // SOAP faults come with HTTP 500: read them rather than failing on the status.
            .http_status_as_error(false)
            .max_redirects(0)
            .build()
            .into();
        Ok(PayfipProvider { config, agent })
    }

    pub fn config(&self) -> &PayfipConfig {
        &self.config
    }

    /// Posts one SOAP request and returns the parsed response envelope, or the fault.
    fn call(&self, operation: &str, fields: &[(&str, &str)]) -> Result<Element, ProviderError> {
        let body = envelope(operation, fields);
        let mut response = self
            .agent
            .post(&self.config.endpoint)
            .header("Content-Type", "text/xml; charset=utf-8")
            .header("SOAPAction", "\"\"")
            .send(body.as_str())
            .map_err(|e| ProviderError::Transport(format!("{operation} : {e}")))?;
        let status = response.status();
        let text = response
            .body_mut()
            .with_config()
            .limit(MAX_RESPONSE_BYTES)
            .read_to_string()
            .map_err(|e| ProviderError::Transport(format!("{operation} : {e}")))?;
        let parsed = xml::parse(&text);
        if let Ok(root) = &parsed
            && let Some(fault) = root.find("Fault")
        {
            return Err(fault_error(fault));
        }
        if !status.is_success() {
            return Err(ProviderError::Transport(format!(
                "{operation} : réponse HTTP {}",
                status.as_u16()
            )));
        }
        let root = parsed.map_err(|e| ProviderError::Protocol(format!("{operation} : {e}")))?;
        if root.find("Body").is_none() {
            return Err(ProviderError::Protocol(format!(
                "{operation} : pas d'enveloppe SOAP"
            )));
        }
        Ok(root)
    }
}

impl PaymentProvider for PayfipProvider {
    fn name(&self) -> &'static str {
        "payfip"
    }

    fn create(&self, request: &CreatePayment) -> Result<CreatedPayment, ProviderError> {
        request.validate()?;
        let cents = request
            .amount
            .cents()
            .ok_or_else(|| ProviderError::Invalid("montant hors limites".to_owned()))?
            .to_string();
        let exercise = self.config.exercise.to_string();
        let mut fields = vec![
            ("exer", exercise.as_str()),
            ("mel", request.email.as_str()),
            ("montant", cents.as_str()),
            ("numcli", self.config.numcli.as_str()),
        ];
        if !request.object.is_empty() {
            fields.push(("objet", request.object.as_str()));
        }
        fields.extend([
            ("refdet", request.reference.as_str()),
            ("saisie", self.config.mode.code()),
            ("urlnotif", request.notify_url.as_str()),
            ("urlredirect", request.return_url.as_str()),
        ]);
        let root = self.call("creerPaiementSecurise", &fields)?;
        let operation_id = root.find_text("idOp").unwrap_or_default();
        if !valid_operation_id(operation_id) {
            return Err(ProviderError::Protocol(format!(
                "creerPaiementSecurise : idOp absent ou invalide (« {} »)",
                operation_id.chars().take(80).collect::<String>()
            )));
        }
        Ok(CreatedPayment {
            operation_id: operation_id.to_owned(),
            redirect_url: format!("{}?idop={operation_id}", self.config.payment_page_url()),
        })
    }

    fn detail(&self, operation_id: &str) -> Result<PaymentStatus, ProviderError> {
        if !valid_operation_id(operation_id) {
            return Err(ProviderError::Invalid(
                "identifiant d'opération PayFiP invalide".to_owned(),
            ));
        }
        let root = match self.call("recupererDetailPaiementSecurise", &[("idOp", operation_id)]) {
            Ok(root) => root,
            Err(ProviderError::Fault { code, .. }) if code == "P5" => {
                return Ok(PaymentStatus::Pending);
            }
            Err(ProviderError::Fault { code, .. }) if code == "P1" => {
                return Ok(PaymentStatus::Expired);
            }
            Err(other) => return Err(other),
        };
        if let Some(answered) = root.find_text("idOp")
            && !answered.is_empty()
            && answered != operation_id
        {
            return Err(ProviderError::Protocol(format!(
                "recupererDetailPaiementSecurise : réponse pour une autre opération ({answered})"
            )));
        }
        let result = root.find_text("resultrans").unwrap_or_default();
        match result {
            "P" | "V" => {
                let montant = root.find_text("montant").unwrap_or_default();
                let cents = montant
                    .parse::<i64>()
                    .ok()
                    .filter(|cents| *cents > 0 && montant.bytes().all(|b| b.is_ascii_digit()))
                    .ok_or_else(|| {
                        ProviderError::Protocol(format!("montant payé illisible (« {montant} »)"))
                    })?;
                Ok(PaymentStatus::Paid {
                    result: result.to_owned(),
                    amount: Money::from_cents(cents),
                })
            }
            "R" | "Z" => Ok(PaymentStatus::Refused {
                result: result.to_owned(),
            }),
            "A" => Ok(PaymentStatus::Cancelled),
            other => Err(ProviderError::Protocol(format!(
                "résultat de transaction inconnu (resultrans « {} »)",
                other.chars().take(20).collect::<String>()
            ))),
        }
    }
}

/// A SOAP 1.1 request: `<pai:{operation}><arg0><field>value</field>…</arg0></pai:{operation}>`,
/// every value escaped.
pub(crate) fn envelope(operation: &str, fields: &[(&str, &str)]) -> String {
    let mut body = String::with_capacity(512);
    body.push_str(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    body.push_str(&format!(
        r#"<soapenv:Envelope xmlns:soapenv="{SOAP_ENVELOPE_NS}" xmlns:pai="{PAYFIP_SERVICE_NS}">"#
    ));
    body.push_str("<soapenv:Header/><soapenv:Body>");
    body.push_str(&format!("<pai:{operation}><arg0>"));
    for (name, value) in fields {
        body.push_str(&format!("<{name}>{}</{name}>", xml::escape(value)));
    }
    body.push_str(&format!("</arg0></pai:{operation}>"));
    body.push_str("</soapenv:Body></soapenv:Envelope>");
    body
}

/// Reads a SOAP fault: PayFiP puts `code`, `libelle`, `descriptif` and `severite` in
/// `detail/FonctionnelleErreur` (or `TechDysfonctionnementErreur`, `TechIndisponibiliteErreur`,
/// `TechProtocolaireErreur`).
fn fault_error(fault: &Element) -> ProviderError {
    let non_empty = |name: &str| fault.find_text(name).filter(|text| !text.is_empty());
    let code = non_empty("code")
        .or_else(|| non_empty("faultcode"))
        .unwrap_or("inconnu");
    let message = non_empty("descriptif")
        .or_else(|| non_empty("libelle"))
        .or_else(|| non_empty("faultstring"))
        .unwrap_or("");
    ProviderError::Fault {
        code: code.chars().take(40).collect(),
        message: message.chars().take(500).collect(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn envelope_escapes_values_and_keeps_the_payfip_shape() {
        let body = envelope(
            "creerPaiementSecurise",
            &[
                ("objet", "Séjour <neige> & \"ski\" 'hiver'"),
                ("montant", "7900"),
            ],
        );
        let root = xml::parse(&body).unwrap();
        assert_eq!(root.name, "Envelope");
        let operation = root.find("creerPaiementSecurise").unwrap();
        assert_eq!(operation.children[0].name, "arg0");
        assert_eq!(
            root.find_text("objet"),
            Some("Séjour <neige> & \"ski\" 'hiver'")
        );
        assert!(body.contains("&lt;neige&gt; &amp; &quot;ski&quot; &apos;hiver&apos;"));
        assert!(body.contains(PAYFIP_SERVICE_NS));
    }

    #[test]
    fn reads_faults_of_any_shape() {
        let fault = xml::parse(
            "<S:Fault><faultcode>S:Server</faultcode><faultstring>fr.gouv.finances.cp.tpa.webservice.exceptions.FonctionnelleErreur</faultstring>\
             <detail><ns1:FonctionnelleErreur xmlns:ns1='x'><code>P5</code><descriptif>Résultat de la transaction non connu.</descriptif>\
             <libelle>L</libelle><severite>2</severite></ns1:FonctionnelleErreur></detail></S:Fault>",
        )
        .unwrap();
        assert_eq!(
            fault_error(&fault),
            ProviderError::Fault {
                code: "P5".into(),
                message: "Résultat de la transaction non connu.".into()
            }
        );
        let bare = xml::parse(
            "<Fault><faultcode>soap:Client</faultcode><faultstring>mauvais</faultstring></Fault>",
        )
        .unwrap();
        assert_eq!(
            fault_error(&bare),
            ProviderError::Fault {
                code: "soap:Client".into(),
                message: "mauvais".into()
            }
        );
    }

    #[test]
    fn config_checks_and_page_url() {
        let mut config = PayfipConfig::production("123456", PayfipMode::W, 2026);
        assert_eq!(config.validate(), Ok(()));
        assert_eq!(config.payment_page_url(), PRODUCTION_PAYMENT_PAGE);
        let simulator = PayfipConfig::simulator("http://127.0.0.1:1/simulateur-payfip/", 2026);
        assert_eq!(
            simulator.payment_page_url(),
            "http://127.0.0.1:1/simulateur-payfip/tpa/paiementws.web"
        );
        assert_eq!(
            simulator.endpoint,
            "http://127.0.0.1:1/simulateur-payfip/ws"
        );
        config.numcli = "12345".into();
        assert!(config.validate().is_err());
        config.numcli = "12345a".into();
        assert!(config.validate().is_err());
        assert!(PayfipProvider::new(config).is_err());
        assert_eq!("x".parse::<PayfipMode>(), Ok(PayfipMode::X));
        assert!("P".parse::<PayfipMode>().is_err());
    }
}
