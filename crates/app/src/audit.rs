//! Time travel for auditors: a family's state as of any point of the log, computed by replaying
//! the log up to there into a scratch database, without touching the live one.

use chrono::NaiveDate;
use domain::Money;
use domain::ids::FamilyId;
use rusqlite::Connection;
use serde::Serialize;
use store::EventStore;

use crate::money::{self, WalletStatement};
use crate::{AppError, registry};

/// One event that moved the family's money.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MoneyMovement {
    pub position: u64,
    pub recorded_at: String,
    pub event_type: String,
    pub day: Option<String>,
    /// Positive: credit; negative: debit.
    pub amount: Money,
}

/// A reservation as it stood.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReservationState {
    pub day: NaiveDate,
    pub child: String,
    pub activity_id: uuid::Uuid,
    pub state: String,
    pub rank: Option<u32>,
    pub reason: Option<String>,
}

/// The family as of `position`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FamilyAsOf {
    pub position: u64,
    pub recorded_at: Option<String>,
    pub wallets: Vec<WalletStatement>,
    pub balance: Money,
    pub reservations: Vec<ReservationState>,
    /// Every credit and debit up to then, in log order: they add up to `balance`.
    pub movements: Vec<MoneyMovement>,
}

/// Replays the log up to `position` into a scratch database and reads `family` there.
/// Names come from today's registry (personal data is not in the log).
pub fn family_as_of(
    store: &EventStore,
    live: &Connection,
    position: u64,
    family: FamilyId,
) -> Result<FamilyAsOf, AppError> {
    Replayed::up_to(store, position)?.family(store, live, family)
}

/// The read models as they stood at a position, in memory: replayed once, then read for as many
/// families as asked.
pub struct Replayed {
    scratch: Connection,
    position: u64,
}

impl Replayed {
    /// Replays the log up to `position` (included) into an in-memory database.
    pub fn up_to(store: &EventStore, position: u64) -> Result<Replayed, AppError> {
        let scratch = Connection::open_in_memory()?;
        projections::install(&scratch)?;
        scratch.execute_batch("BEGIN")?;
        projections::replay(&scratch, store.read_range(1, Some(position), 2_000)?)?;
        scratch.execute_batch("COMMIT")?;
        Ok(Replayed { scratch, position })
    }

    /// `family` as of the replayed position.
    pub fn family(
        &self,
        store: &EventStore,
        live: &Connection,
        family: FamilyId,
    ) -> Result<FamilyAsOf, AppError> {
        family_in(&self.scratch, store, live, self.position, family)
    }
}

fn family_in(
    scratch: &Connection,
    store: &EventStore,
    live: &Connection,
    position: u64,
    family: FamilyId,
) -> Result<FamilyAsOf, AppError> {
    let mut recorded_at = None;
    let mut movements = Vec::new();
    let family_tag = family.stream();
    for stored in store.read_stream(&family_tag)? {
        if stored.position > position {
            break;
        }
        recorded_at = Some(stored.recorded_at.clone());
        let payload = stored.payload_json().map_err(store::StoreError::Json)?;
        let amount = |key: &str| {
            payload[key]
                .as_str()
                .and_then(|a| Money::from_stored(a).ok())
        };
        let (sign, day_key) = match stored.event_type.as_str() {
            "ConsumptionRecorded" => (-1, "day"),
            "PaymentRecorded" => (1, "paid_on"),
            "PaymentCancelled" => (-1, ""),
            "OnlinePaymentConfirmed" => (1, "paid_on"),
            _ => continue,
        };
        let Some(value) = amount("amount") else {
            continue;
        };
        movements.push(MoneyMovement {
            position: stored.position,
            recorded_at: stored.recorded_at.clone(),
            event_type: stored.event_type.clone(),
            day: payload
                .get(day_key)
                .and_then(|d| d.as_str())
                .map(str::to_owned),
            amount: if sign < 0 { -value } else { value },
        });
    }
    let day = recorded_at
        .as_deref()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|t| domain::deadline::paris_day(t.with_timezone(&chrono::Utc)))
        .unwrap_or(NaiveDate::MIN);
    let wallets = money::statement_in(scratch, family, day, true, true)?;
    let mut reservations = Vec::new();
    for row in projections::booking::follow_up(scratch, family)? {
        reservations.push(ReservationState {
            day: row.day,
            child: registry::child(live, row.child_id)?
                .map(|c| c.display_name())
                .unwrap_or_else(|| row.child_id.to_string()),
            activity_id: row.activity_id.0,
            state: projections::booking::state_column(row.state).to_owned(),
            rank: row.rank,
            reason: row
                .reason
                .map(|r| crate::booking::refusal_text(r).to_owned()),
        });
    }
    Ok(FamilyAsOf {
        position,
        recorded_at,
        balance: wallets.iter().map(|w| w.balance).sum(),
        wallets,
        reservations,
        movements,
    })
}

/// Why an audit command is refused (the wording is in `crate::wording::audit`).
#[derive(Debug)]
pub enum AuditRefusal {
    /// The anchor key or the anchors file cannot be used.
    Anchor(store::anchor::AnchorError),
}

impl From<AuditRefusal> for AppError {
    fn from(refusal: AuditRefusal) -> Self {
        AppError::Audit(refusal)
    }
}

/// Where anchors are made: the private key (a file outside the database, mode 0600), the anchors
/// file they are appended to, and the auditor's address when each anchor is also mailed.
#[derive(Clone, Debug)]
pub struct Anchoring {
    pub key: std::path::PathBuf,
    pub anchors: std::path::PathBuf,
    pub mail_to: Option<String>,
}

/// What [`anchor`] did.
#[derive(Clone, Debug)]
pub enum Anchored {
    /// The whole chain verified and its head was signed, appended to the anchors file (and the
    /// anchor enqueued for the auditor when `mailed`).
    Signed {
        anchor: store::anchor::Anchor,
        mailed: bool,
    },
    /// The chain is broken: nothing was signed (an anchor would vouch for a forged log).
    Broken(store::ChainBreak),
}

/// Verifies the whole chain, then signs its head (position, hash, instant) with the key and
/// appends the anchor to the anchors file; mails it to the auditor through the outbox.
pub fn anchor(app: &crate::App, anchoring: &Anchoring) -> Result<Anchored, AppError> {
    let key = store::anchor::AnchorKey::load(&anchoring.key).map_err(AuditRefusal::Anchor)?;
    let (position, hash) = match app.store.verify_chain()? {
        store::ChainReport::Broken(broken) => return Ok(Anchored::Broken(broken)),
        store::ChainReport::Intact { events, head } => (events, head),
    };
    let head = store::Head {
        position,
        hash,
        recorded_at: String::new(),
    };
    let anchor = key.sign(&head, app.now());
    store::anchor::append(&anchoring.anchors, &anchor).map_err(AuditRefusal::Anchor)?;
    let mailed = match &anchoring.mail_to {
        None => false,
        Some(recipient) => {
            let line = serde_json::to_string(&anchor).map_err(store::StoreError::Json)?;
            let mail = mail::OutgoingMail {
                kind: mail::MailKind::AuditAnchor,
                dedup_key: format!("audit_anchor:{}:{}", anchor.position, anchor.instant),
                recipient: recipient.clone(),
                subject: format!(
                    "Ancre du journal Portail Famille : position {}",
                    anchor.position
                ),
                body: format!(
                    "Bonjour,\n\nVoici l'ancre signée du journal des événements, à conserver hors du serveur du portail.\n\nPosition : {}\nEmpreinte : {}\nInstant : {}\nClé : {}\n\nLigne à ajouter à votre fichier d'ancres :\n{line}\n\nVérification : portail audit verify --anchors FICHIER --public-key CLÉ_PUBLIQUE\n",
                    anchor.position, anchor.hash, anchor.instant, anchor.key_id
                ),
            };
            app.execute("staff:anchor", move |command| {
                Ok(mail::enqueue(command.conn(), &mail, command.now())?)
            })?
        }
    };
    Ok(Anchored::Signed { anchor, mailed })
}
