//! A local PayFiP: the same SOAP calls as the real service and a test payment page.
//!
//! Mount [`router`] under any prefix (e.g. `/simulateur-payfip`) and point a
//! [`PayfipConfig::simulator`](crate::PayfipConfig::simulator) at it:
//!
//! * `POST {prefix}/ws`: `creerPaiementSecurise` and `recupererDetailPaiementSecurise`;
//! * `GET {prefix}/tpa/paiementws.web?idop=…`: the payment page « Simulateur de paiement
//!   PayFiP — aucun paiement réel » with three buttons, Payer / Refuser / Abandonner (plain
//!   POST forms: no script, no inline style, fine under `default-src 'self'`);
//! * `POST {prefix}/tpa/paiementws.web`: the choice. The result is recorded (`P`, `R`, `A`),
//!   `idOp=<id>` is POSTed to `urlnotif` from a background thread (a failure is logged only)
//!   and the browser is sent (303) to `urlredirect?idOp=<id>`;
//! * `GET {prefix}/simulateur.css`: the page's style sheet.
//!
//! Like PayFiP, an operation nobody chose answers fault P5 for 15 minutes, then P1; an unknown
//! one answers P1. State is in memory. Never mount the simulator in production: anyone could
//! "pay" with it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::payfip::{PAYFIP_SERVICE_NS, SOAP_ENVELOPE_NS};
use crate::xml::{self, Element};
use crate::{
    EMAIL_LENGTH, MAX_AMOUNT_CENTS, MAX_OBJECT_LENGTH, MIN_AMOUNT_CENTS, OPERATION_VALIDITY,
    format_euros, valid_reference,
};

/// The simulator's notion of "now" (tests age operations with it).
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// What the person on the test payment page chose.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Choice {
    /// « Payer »: `resultrans` P.
    Pay,
    /// « Refuser »: `resultrans` R (the bank refused the card).
    Refuse,
    /// « Abandonner »: `resultrans` A.
    Abandon,
}

impl Choice {
    /// The `resultrans` letter.
    pub fn code(self) -> &'static str {
        match self {
            Choice::Pay => "P",
            Choice::Refuse => "R",
            Choice::Abandon => "A",
        }
    }

    /// Reads a `resultrans` letter (`P`, `R` or `A`).
    pub fn from_code(code: &str) -> Option<Choice> {
        match code {
            "P" => Some(Choice::Pay),
            "R" => Some(Choice::Refuse),
            "A" => Some(Choice::Abandon),
            _ => None,
        }
    }
}

/// One server-to-server notification the simulator attempted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentNotification {
    pub operation_id: String,
    pub url: String,
    /// HTTP status answered by the merchant, if it answered.
    pub status: Option<u16>,
    /// Why no answer came, if none came.
    pub error: Option<String>,
}

impl SentNotification {
    /// Whether the merchant answered 2xx.
    pub fn delivered(&self) -> bool {
        self.status
            .is_some_and(|status| (200..300).contains(&status))
    }
}

/// Why a test helper could not act.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SimulatorError {
    #[error("opération PayFiP inconnue")]
    UnknownOperation,
    #[error("opération PayFiP expirée (plus de 15 minutes)")]
    Expired,
    #[error("opération PayFiP déjà traitée")]
    AlreadyChosen,
    #[error("opération PayFiP encore sans résultat")]
    NotChosen,
}

#[derive(Clone, Debug)]
struct Operation {
    exer: String,
    mel: String,
    montant: i64,
    numcli: String,
    objet: String,
    refdet: String,
    saisie: String,
    urlnotif: String,
    urlredirect: String,
    created_at: DateTime<Utc>,
    outcome: Option<Outcome>,
}

#[derive(Clone, Debug)]
struct Outcome {
    choice: Choice,
    at: DateTime<Utc>,
    numauto: String,
}

struct Inner {
    clock: Clock,
    operations: Mutex<HashMap<String, Operation>>,
    notify: AtomicBool,
    notifications: Mutex<Vec<SentNotification>>,
    agent: ureq::Agent,
}

/// The simulator's shared, in-memory state; cheap to clone.
#[derive(Clone)]
pub struct SimulatorState {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for SimulatorState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimulatorState").finish_non_exhaustive()
    }
}

impl Default for SimulatorState {
    fn default() -> Self {
        SimulatorState::new()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl SimulatorState {
    /// A simulator on the system clock.
    pub fn new() -> Self {
        SimulatorState::with_clock(Arc::new(Utc::now))
    }

    /// A simulator on a given clock.
    pub fn with_clock(clock: Clock) -> Self {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(10)))
            .http_status_as_error(false)
            .max_redirects(0)
            .build()
            .into();
        SimulatorState {
            inner: Arc::new(Inner {
                clock,
                operations: Mutex::new(HashMap::new()),
                notify: AtomicBool::new(true),
                notifications: Mutex::new(Vec::new()),
                agent,
            }),
        }
    }

    fn now(&self) -> DateTime<Utc> {
        (self.inner.clock)()
    }

    /// Notifications attempted so far (completed attempts, in completion order).
    pub fn notifications_sent(&self) -> Vec<SentNotification> {
        lock(&self.inner.notifications).clone()
    }

    /// Whether a choice notifies `urlnotif` (default true). `false` simulates a lost
    /// notification: the result is recorded and the browser redirected all the same.
    pub fn set_notify(&self, notify: bool) {
        self.inner.notify.store(notify, Ordering::SeqCst);
    }

    /// Sends the notification of a chosen operation again (a duplicate, or a late one after
    /// `set_notify(false)`), whatever `set_notify` says.
    pub fn resend_notification(&self, operation_id: &str) -> Result<(), SimulatorError> {
        let url = {
            let operations = lock(&self.inner.operations);
            let operation = operations
                .get(operation_id)
                .ok_or(SimulatorError::UnknownOperation)?;
            if operation.outcome.is_none() {
                return Err(SimulatorError::NotChosen);
            }
            operation.urlnotif.clone()
        };
        self.notify(operation_id.to_owned(), url);
        Ok(())
    }

    /// Acts as the browser on the payment page: records the choice, notifies (unless
    /// `set_notify(false)`) and returns the URL the browser is redirected to.
    pub fn choose(&self, operation_id: &str, choice: Choice) -> Result<String, SimulatorError> {
        let now = self.now();
        let (notify_url, redirect_url) = {
            let mut operations = lock(&self.inner.operations);
            let operation = operations
                .get_mut(operation_id)
                .ok_or(SimulatorError::UnknownOperation)?;
            if operation.outcome.is_some() {
                return Err(SimulatorError::AlreadyChosen);
            }
            if now - operation.created_at >= OPERATION_VALIDITY {
                return Err(SimulatorError::Expired);
            }
            operation.outcome = Some(Outcome {
                choice,
                at: now,
                numauto: authorisation_number(),
            });
            (operation.urlnotif.clone(), operation.urlredirect.clone())
        };
        if self.inner.notify.load(Ordering::SeqCst) {
            self.notify(operation_id.to_owned(), notify_url);
        } else {
            tracing::info!(
                operation_id,
                "simulateur PayFiP : notification volontairement perdue"
            );
        }
        Ok(append_query(&redirect_url, "idOp", operation_id))
    }

    /// The result chosen for an operation, if any.
    pub fn result(&self, operation_id: &str) -> Option<Choice> {
        lock(&self.inner.operations)
            .get(operation_id)
            .and_then(|operation| operation.outcome.as_ref().map(|outcome| outcome.choice))
    }

    /// POSTs `idOp=<id>` to `url` from a background thread, so no async runtime is blocked.
    fn notify(&self, operation_id: String, url: String) {
        let state = self.clone();
        let spawned = std::thread::Builder::new()
            .name("payfip-notification".to_owned())
            .spawn(move || {
                let answer = state
                    .inner
                    .agent
                    .post(&url)
                    .send_form([("idOp", operation_id.as_str())]);
                let (status, error) = match answer {
                    Ok(response) => (Some(response.status().as_u16()), None),
                    Err(error) => (None, Some(error.to_string())),
                };
                let sent = SentNotification {
                    operation_id,
                    url,
                    status,
                    error,
                };
                if !sent.delivered() {
                    tracing::warn!(
                        operation_id = sent.operation_id,
                        status = sent.status,
                        error = sent.error,
                        "simulateur PayFiP : notification non délivrée"
                    );
                }
                lock(&state.inner.notifications).push(sent);
            });
        if let Err(error) = spawned {
            tracing::warn!(%error, "simulateur PayFiP : notification impossible à lancer");
        }
    }

    /// Answers one SOAP request: (HTTP status, response envelope).
    fn soap(&self, request: &str) -> (StatusCode, String) {
        let root = match xml::parse(request) {
            Ok(root) => root,
            Err(error) => return client_fault(&format!("XML illisible : {error}")),
        };
        let Some(operation) = root.find("Body").and_then(|body| body.children.first()) else {
            return client_fault("enveloppe SOAP sans corps");
        };
        match operation.name.as_str() {
            "creerPaiementSecurise" => self.create(operation),
            "recupererDetailPaiementSecurise" => self.detail(operation),
            other => client_fault(&format!("opération {other} non simulée")),
        }
    }

    fn create(&self, request: &Element) -> (StatusCode, String) {
        let operation = match check_create(request, self.now()) {
            Ok(operation) => operation,
            Err((code, libelle)) => return functional_fault(code, libelle),
        };
        let operation_id = uuid::Uuid::new_v4().to_string();
        lock(&self.inner.operations).insert(operation_id.clone(), operation);
        let response = success(
            "creerPaiementSecuriseResponse",
            &[("idOp", operation_id.as_str())],
        );
        (StatusCode::OK, response)
    }

    fn detail(&self, request: &Element) -> (StatusCode, String) {
        let operation_id = request.find_text("idOp").unwrap_or_default();
        let operation = lock(&self.inner.operations).get(operation_id).cloned();
        let Some(operation) = operation else {
            return functional_fault("P1", "IdOp incorrect.");
        };
        let Some(outcome) = &operation.outcome else {
            return if self.now() - operation.created_at < OPERATION_VALIDITY {
                functional_fault("P5", "Résultat de la transaction non connu.")
            } else {
                functional_fault("P1", "IdOp incorrect.")
            };
        };
        let dattrans = outcome.at.format("%d%m%Y").to_string();
        let heurtrans = outcome.at.format("%H%M").to_string();
        let montant = operation.montant.to_string();
        let numauto = if outcome.choice == Choice::Pay {
            outcome.numauto.as_str()
        } else {
            ""
        };
        let response = success(
            "recupererDetailPaiementSecuriseResponse",
            &[
                ("dattrans", dattrans.as_str()),
                ("exer", operation.exer.as_str()),
                ("heurtrans", heurtrans.as_str()),
                ("idOp", operation_id),
                ("mel", operation.mel.as_str()),
                ("montant", montant.as_str()),
                ("numauto", numauto),
                ("numcli", operation.numcli.as_str()),
                ("objet", operation.objet.as_str()),
                ("refdet", operation.refdet.as_str()),
                ("resultrans", outcome.choice.code()),
                ("saisie", operation.saisie.as_str()),
            ],
        );
        (StatusCode::OK, response)
    }
}

/// The simulator's routes; mount them under any prefix with `Router::nest`.
pub fn router(state: SimulatorState) -> Router {
    Router::new()
        .route("/ws", post(soap_handler))
        .route(
            "/tpa/paiementws.web",
            get(page_handler).post(choice_handler),
        )
        .route("/simulateur.css", get(stylesheet_handler))
        .with_state(state)
}

async fn soap_handler(State(state): State<SimulatorState>, body: String) -> Response {
    let (status, envelope) = state.soap(&body);
    (
        status,
        [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
        envelope,
    )
        .into_response()
}

#[derive(Deserialize)]
struct PageQuery {
    idop: Option<String>,
}

async fn page_handler(
    State(state): State<SimulatorState>,
    Query(query): Query<PageQuery>,
) -> Response {
    let operation_id = query.idop.unwrap_or_default();
    let operation = lock(&state.inner.operations).get(&operation_id).cloned();
    let Some(operation) = operation else {
        return message_page(
            StatusCode::NOT_FOUND,
            "Opération inconnue",
            "Cette opération de paiement n'existe pas (ou plus).",
        );
    };
    if let Some(outcome) = &operation.outcome {
        return message_page(
            StatusCode::CONFLICT,
            "Opération déjà traitée",
            &format!(
                "Cette opération a déjà reçu une réponse ({}).",
                choice_label(outcome.choice)
            ),
        );
    }
    if state.now() - operation.created_at >= OPERATION_VALIDITY {
        return message_page(
            StatusCode::GONE,
            "Opération expirée",
            "Le délai de 15 minutes pour payer cette opération est dépassé.",
        );
    }
    html(StatusCode::OK, &payment_page(&operation_id, &operation))
}

#[derive(Deserialize)]
struct ChoiceForm {
    idop: Option<String>,
    choix: Option<String>,
}

async fn choice_handler(
    State(state): State<SimulatorState>,
    Form(form): Form<ChoiceForm>,
) -> Response {
    let Some(choice) = form.choix.as_deref().and_then(Choice::from_code) else {
        return message_page(
            StatusCode::BAD_REQUEST,
            "Choix invalide",
            "Choisissez Payer, Refuser ou Abandonner.",
        );
    };
    let operation_id = form.idop.unwrap_or_default();
    match state.choose(&operation_id, choice) {
        Ok(redirect) => Redirect::to(&redirect).into_response(),
        Err(error) => {
            let status = match error {
                SimulatorError::UnknownOperation => StatusCode::NOT_FOUND,
                SimulatorError::Expired => StatusCode::GONE,
                SimulatorError::AlreadyChosen | SimulatorError::NotChosen => StatusCode::CONFLICT,
            };
            message_page(status, "Choix impossible", &error.to_string())
        }
    }
}

async fn stylesheet_handler() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        STYLESHEET,
    )
        .into_response()
}

const STYLESHEET: &str = "\
body{font-family:system-ui,sans-serif;margin:0;background:#f4f4f4;color:#1e1e1e}
main{max-width:36rem;margin:2rem auto;padding:1.5rem;background:#fff;border:1px solid #ccc}
.bandeau{margin:0 0 1rem;padding:.5rem;background:#fff3cd;border:1px solid #b58900;font-weight:bold;text-align:center}
h1{font-size:1.3rem}
dl{display:grid;grid-template-columns:auto 1fr;gap:.4rem 1rem}
dt{font-weight:bold}
dd{margin:0;overflow-wrap:anywhere}
.montant{font-size:1.4rem;font-weight:bold}
.choix{display:flex;gap:.8rem;flex-wrap:wrap;margin-top:1.5rem}
button{font-size:1rem;padding:.6rem 1.2rem;cursor:pointer}
.payer{background:#1b5e20;color:#fff;border:1px solid #1b5e20}
.refuser{background:#b71c1c;color:#fff;border:1px solid #b71c1c}
.abandonner{background:#fff;color:#1e1e1e;border:1px solid #555}
";

fn html(status: StatusCode, body: &str) -> Response {
    (
        status,
        [(header::CACHE_CONTROL, "no-store")],
        Html(body.to_owned()),
    )
        .into_response()
}

const TITLE: &str = "Simulateur de paiement PayFiP — aucun paiement réel";

fn layout(content: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"robots\" content=\"noindex\">\n\
         <title>{TITLE}</title>\n<link rel=\"stylesheet\" href=\"../simulateur.css\">\n</head>\n\
         <body>\n<main>\n<p class=\"bandeau\">Environnement de test : aucun paiement réel</p>\n\
         <h1>{TITLE}</h1>\n{content}</main>\n</body>\n</html>\n"
    )
}

fn payment_page(operation_id: &str, operation: &Operation) -> String {
    let objet = if operation.objet.is_empty() {
        "(sans objet)".to_owned()
    } else {
        html_escape(&operation.objet)
    };
    layout(&format!(
        "<p>Cette page imite la page de paiement de la DGFiP. Aucune carte n'est demandée \
         et aucune somme n'est prélevée.</p>\n\
         <dl>\n\
         <dt>Montant</dt><dd class=\"montant\">{montant}</dd>\n\
         <dt>Objet</dt><dd class=\"objet\">{objet}</dd>\n\
         <dt>Adresse électronique</dt><dd class=\"mel\">{mel}</dd>\n\
         <dt>Référence</dt><dd>{refdet}</dd>\n\
         <dt>Opération</dt><dd>{idop}</dd>\n\
         </dl>\n\
         <form method=\"post\" action=\"paiementws.web\" class=\"choix\">\n\
         <input type=\"hidden\" name=\"idop\" value=\"{idop}\">\n\
         <button type=\"submit\" name=\"choix\" value=\"P\" class=\"payer\">Payer</button>\n\
         <button type=\"submit\" name=\"choix\" value=\"R\" class=\"refuser\">Refuser</button>\n\
         <button type=\"submit\" name=\"choix\" value=\"A\" class=\"abandonner\">Abandonner</button>\n\
         </form>\n",
        montant = format_euros(operation.montant),
        mel = html_escape(&operation.mel),
        refdet = html_escape(&operation.refdet),
        idop = html_escape(operation_id),
    ))
}

fn message_page(status: StatusCode, title: &str, message: &str) -> Response {
    html(
        status,
        &layout(&format!(
            "<h2>{}</h2>\n<p>{}</p>\n",
            html_escape(title),
            html_escape(message)
        )),
    )
}

fn choice_label(choice: Choice) -> &'static str {
    match choice {
        Choice::Pay => "payée",
        Choice::Refuse => "refusée",
        Choice::Abandon => "abandonnée",
    }
}

/// Escapes text for HTML content and double-quoted attribute values.
fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// `url?key=value`, or `url&key=value` when `url` already has a query (fragment kept last).
fn append_query(url: &str, key: &str, value: &str) -> String {
    let (base, fragment) = url.split_at(url.find('#').unwrap_or(url.len()));
    let separator = match base.find('?') {
        None => "?",
        Some(_) if base.ends_with('?') || base.ends_with('&') => "",
        Some(_) => "&",
    };
    format!("{base}{separator}{key}={}{fragment}", percent_encode(value))
}

fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn authorisation_number() -> String {
    let random = uuid::Uuid::new_v4().as_u128() % 1_000_000_000_000;
    format!("{random:012}-sim")
}

/// Checks a `creerPaiementSecurise` like PayFiP does. Codes M1, M3, M5, A1, A2, R3, N1 and D1
/// are PayFiP's; T1 (numcli), E1 (exer), S1 (saisie) and O1 (objet) are the simulator's own.
fn check_create(
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

fn success(response: &str, fields: &[(&str, &str)]) -> String {
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

fn functional_fault(code: &str, libelle: &str) -> (StatusCode, String) {
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

fn client_fault(message: &str) -> (StatusCode, String) {
    let envelope = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
         <S:Envelope xmlns:S=\"{SOAP_ENVELOPE_NS}\"><S:Body><S:Fault>\
         <faultcode>S:Client</faultcode><faultstring>{}</faultstring>\
         </S:Fault></S:Body></S:Envelope>",
        xml::escape(message)
    );
    (StatusCode::INTERNAL_SERVER_ERROR, envelope)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn appends_the_operation_id_correctly() {
        assert_eq!(
            append_query("https://a.example/retour", "idOp", "x-1"),
            "https://a.example/retour?idOp=x-1"
        );
        assert_eq!(
            append_query("https://a.example/retour?p=1", "idOp", "x-1"),
            "https://a.example/retour?p=1&idOp=x-1"
        );
        assert_eq!(
            append_query("https://a.example/retour?", "idOp", "x 1"),
            "https://a.example/retour?idOp=x%201"
        );
        assert_eq!(
            append_query("https://a.example/retour#fin", "idOp", "x"),
            "https://a.example/retour?idOp=x#fin"
        );
    }

    #[test]
    fn html_escapes_everything_that_matters() {
        assert_eq!(
            html_escape("<script>\"a\" & 'b'"),
            "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;"
        );
    }
}
