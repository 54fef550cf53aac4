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

mod http;
mod soap;
#[cfg(test)]
mod tests;

pub use http::router;
use http::{append_query, authorisation_number};
use soap::{check_create, client_fault, functional_fault, success};
