//! The event catalog: every fact the system records, with its stream, tags and schema version.
//!
//! The stored shape of an event is `event_type` + `schema_version` + a JSON `payload` (the struct
//! of [`payloads`] without any envelope). [`Event::encode`] and [`Event::decode`] are the only
//! ways in and out; `decode` upcasts older versions first, so an old log always replays.

pub mod payloads;
mod upcast;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use payloads::*;

/// One line of the catalog, the source of the `events-schema/README.md` table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventTypeInfo {
    pub event_type: &'static str,
    /// Every schema version ever written, oldest first; the last one is the current version.
    pub versions: &'static [u32],
    pub meaning: &'static str,
    pub emitted_by: &'static str,
}

impl EventTypeInfo {
    pub fn current_version(&self) -> u32 {
        self.versions.last().copied().unwrap_or(1)
    }
}

/// An event as it is stored: type, version, payload.
#[derive(Clone, Debug, PartialEq)]
pub struct EncodedEvent {
    pub event_type: &'static str,
    pub schema_version: u32,
    pub payload: Value,
}

/// Why a stored event could not be read as a domain event.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("unknown event type {0}")]
    UnknownType(String),
    #[error("{event_type} has no schema version {version} (known: {known:?})")]
    UnknownVersion {
        event_type: String,
        version: u32,
        known: &'static [u32],
    },
    #[error("{event_type} v{version}: {source}")]
    Payload {
        event_type: String,
        version: u32,
        source: serde_json::Error,
    },
}

macro_rules! catalog {
    ($( $variant:ident { versions: [$($v:literal),+], meaning: $meaning:literal, emitted_by: $by:literal } ),* $(,)?) => {
        /// Every event of the domain.
        #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "type", content = "payload")]
        pub enum Event {
            $( $variant(payloads::$variant), )*
        }

        /// The whole catalog, in the order of the enum.
        pub const CATALOG: &[EventTypeInfo] = &[
            $( EventTypeInfo {
                event_type: stringify!($variant),
                versions: &[$($v),+],
                meaning: $meaning,
                emitted_by: $by,
            }, )*
        ];

        impl Event {
            /// The stored `event_type`.
            pub fn event_type(&self) -> &'static str {
                match self {
                    $( Event::$variant(_) => stringify!($variant), )*
                }
            }

            /// The catalog line of this event's type.
            pub fn info(&self) -> &'static EventTypeInfo {
                let event_type = self.event_type();
                // Proven invariant: CATALOG is generated from the same list as the enum.
                CATALOG
                    .iter()
                    .find(|info| info.event_type == event_type)
                    .expect("every variant has a catalog line")
            }
        }

        $(
            impl From<payloads::$variant> for Event {
                fn from(payload: payloads::$variant) -> Self {
                    Event::$variant(payload)
                }
            }
        )*
    };
}

catalog! {
    OrganisationConfigured { versions: [1, 2], meaning: "The organisation was configured or its debt threshold changed.", emitted_by: "setup import" },
    WalletDefined { versions: [1], meaning: "A wallet (régie) was defined.", emitted_by: "setup import" },
    StructureDefined { versions: [1], meaning: "A structure (accueil de loisirs) was defined, billed through a wallet.", emitted_by: "setup import" },
    ActivityDefined { versions: [1, 2, 3], meaning: "An activity of a structure was defined: unit, ages, price, capacity, waitlist, deadlines, incompatibilities. v1 had a flat `price`; v2 has `pricing` (flat or by quotient familial).", emitted_by: "setup import" },
    ActivityCapacityChanged { versions: [1], meaning: "Capacity or waitlist size of an activity changed from a day on.", emitted_by: "setup import" },
    ActivityPriceChanged { versions: [1, 2], meaning: "The price of an activity changed from a day on.", emitted_by: "setup import" },
    OpeningPeriodDefined { versions: [1], meaning: "Opening days of activities: weekdays between two dates, minus excluded days and public holidays.", emitted_by: "setup import" },
    BookingWindowDefined { versions: [1], meaning: "When the days of a period can be booked.", emitted_by: "setup import" },
    FamilyRegistered { versions: [1], meaning: "A family account was opened and attached to structures.", emitted_by: "setup import, demo" },
    FamilyStructuresChanged { versions: [1], meaning: "The structures a family is attached to changed.", emitted_by: "setup import" },
    ChildRegistered { versions: [1], meaning: "A child was added to a family.", emitted_by: "setup import, demo" },
    FamilyQuotientSet { versions: [1], meaning: "The quotient familial used for pricing changed from a day on (none: highest bracket).", emitted_by: "setup import, staff" },
    FamilyDossierUpdated { versions: [1], meaning: "The family's file became complete or incomplete (with the missing items).", emitted_by: "setup import, staff" },
    BasketSubmitted { versions: [1], meaning: "A basket was validated; its lines follow as requests.", emitted_by: "portal (Valider), staff CLI" },
    BookingRequested { versions: [1], meaning: "A pending booking request (Non transmis) with its forecast.", emitted_by: "portal, staff CLI" },
    CancellationRequested { versions: [1], meaning: "A pending request to cancel a reservation.", emitted_by: "portal, staff CLI" },
    RequestWithdrawn { versions: [1], meaning: "A pending request was withdrawn before transmission.", emitted_by: "portal (Suivi)" },
    TransmissionStarted { versions: [1], meaning: "The transmission started deciding the requests pending at its cut-off.", emitted_by: "transmission" },
    TransmissionCompleted { versions: [1], meaning: "The transmission finished, with its counts.", emitted_by: "transmission" },
    BookingAccepted { versions: [1], meaning: "A booking request got a place (Acceptée).", emitted_by: "transmission" },
    BookingWaitlisted { versions: [1], meaning: "A booking request went to the waitlist with a rank.", emitted_by: "transmission" },
    BookingRefused { versions: [1], meaning: "A booking request was refused, with the reason.", emitted_by: "transmission" },
    ReservationCancelled { versions: [1], meaning: "An accepted or waitlisted reservation ended.", emitted_by: "transmission, staff CLI" },
    WaitlistPromoted { versions: [1], meaning: "A waitlisted reservation got a freed place.", emitted_by: "transmission, capacity change, cancellation" },
    ActivityDayClosed { versions: [1], meaning: "Staff closed an activity's day exceptionally; its places are cancelled.", emitted_by: "back office (occupation), staff CLI" },
    WaitlistReordered { versions: [1], meaning: "A waitlisted reservation moved one rank up or down; the neighbour took its rank.", emitted_by: "back office (occupation), staff CLI" },
    ConsumptionRecorded { versions: [1, 2], meaning: "A debit: an activity consumed or billed on a day.", emitted_by: "nightly consumption job, staff CLI, back office (pointage)" },
    AbsenceRecorded { versions: [1], meaning: "An absence; a justified one is not billed.", emitted_by: "staff CLI, back office (pointage)" },
    PresenceRecorded { versions: [1], meaning: "A child was marked present on the attendance sheet; it replaces an earlier mark of the day.", emitted_by: "back office (pointage)" },
    PaymentRecorded { versions: [1, 2], meaning: "A credit recorded at the desk.", emitted_by: "staff CLI" },
    PaymentCancelled { versions: [1, 2], meaning: "A desk payment recorded by mistake was cancelled.", emitted_by: "staff CLI" },
    OnlinePaymentStarted { versions: [1, 2], meaning: "A card payment was started with the provider.", emitted_by: "portal (Paiement CB)" },
    OnlinePaymentConfirmed { versions: [1, 2], meaning: "The provider confirmed a card payment: the wallet is credited once.", emitted_by: "payment notification, return, reconciliation" },
    OnlinePaymentFailed { versions: [1], meaning: "A card payment ended without credit (refused, cancelled, expired).", emitted_by: "payment notification, return, reconciliation" },
    StaffAccountOpened { versions: [1], meaning: "A staff account was opened with its roles and structures.", emitted_by: "setup import, staff CLI, back office (administration), demo" },
    StaffAccountChanged { versions: [1], meaning: "The roles or structures of a staff account changed.", emitted_by: "setup import, staff CLI, back office (administration)" },
    StaffAccountDisabled { versions: [1], meaning: "A staff account was disabled.", emitted_by: "staff CLI, back office (administration)" },
    FamilyAccessAssisted { versions: [1], meaning: "Staff helped a family with its portal access: log-in unlocked, reset link sent, or a new activation code issued.", emitted_by: "back office (accueil)" },
}

/// Looks up a catalog line by stored type name.
pub fn catalog_entry(event_type: &str) -> Option<&'static EventTypeInfo> {
    CATALOG.iter().find(|info| info.event_type == event_type)
}

impl Event {
    /// The stored form at the current schema version.
    pub fn encode(&self) -> EncodedEvent {
        let info = self.info();
        // Proven invariant: payload structs only hold strings, integers, booleans and ids, and the
        // adjacently tagged enum always serializes to {"type", "payload"}.
        let mut envelope = serde_json::to_value(self).expect("events always serialize");
        let payload = envelope
            .get_mut("payload")
            .map(Value::take)
            .unwrap_or(Value::Null);
        EncodedEvent {
            event_type: info.event_type,
            schema_version: info.current_version(),
            payload,
        }
    }

    /// Reads a stored event, upcasting older schema versions to the current type.
    pub fn decode(
        event_type: &str,
        schema_version: u32,
        payload: Value,
    ) -> Result<Event, DecodeError> {
        let info = catalog_entry(event_type)
            .ok_or_else(|| DecodeError::UnknownType(event_type.to_owned()))?;
        if !info.versions.contains(&schema_version) {
            return Err(DecodeError::UnknownVersion {
                event_type: event_type.to_owned(),
                version: schema_version,
                known: info.versions,
            });
        }
        let payload = upcast::to_current(info, schema_version, payload);
        let envelope = serde_json::json!({ "type": info.event_type, "payload": payload });
        serde_json::from_value(envelope).map_err(|source| DecodeError::Payload {
            event_type: event_type.to_owned(),
            version: schema_version,
            source,
        })
    }

    /// The stream the event is appended to: the aggregate whose consistency it belongs to.
    pub fn stream(&self) -> String {
        use Event::*;
        match self {
            OrganisationConfigured(e) => e.organisation_id.stream(),
            WalletDefined(e) => e.wallet_id.stream(),
            StructureDefined(e) => e.structure_id.stream(),
            ActivityDefined(e) => e.activity_id.stream(),
            ActivityCapacityChanged(e) => e.activity_id.stream(),
            ActivityPriceChanged(e) => e.activity_id.stream(),
            OpeningPeriodDefined(e) => e.period_id.stream(),
            BookingWindowDefined(e) => e.window_id.stream(),
            FamilyRegistered(e) => e.family_id.stream(),
            FamilyStructuresChanged(e) => e.family_id.stream(),
            ChildRegistered(e) => e.family_id.stream(),
            FamilyQuotientSet(e) => e.family_id.stream(),
            FamilyDossierUpdated(e) => e.family_id.stream(),
            BasketSubmitted(e) => e.family_id.stream(),
            BookingRequested(e) => e.family_id.stream(),
            CancellationRequested(e) => e.family_id.stream(),
            RequestWithdrawn(e) => e.family_id.stream(),
            TransmissionStarted(e) => e.transmission_id.stream(),
            TransmissionCompleted(e) => e.transmission_id.stream(),
            BookingAccepted(e) => e.family_id.stream(),
            BookingWaitlisted(e) => e.family_id.stream(),
            BookingRefused(e) => e.family_id.stream(),
            ReservationCancelled(e) => e.family_id.stream(),
            WaitlistPromoted(e) => e.family_id.stream(),
            WaitlistReordered(e) => e.activity_id.stream(),
            ActivityDayClosed(e) => e.activity_id.stream(),
            ConsumptionRecorded(e) => e.family_id.stream(),
            AbsenceRecorded(e) => e.family_id.stream(),
            PresenceRecorded(e) => e.family_id.stream(),
            PaymentRecorded(e) => e.family_id.stream(),
            PaymentCancelled(e) => e.family_id.stream(),
            OnlinePaymentStarted(e) => e.family_id.stream(),
            OnlinePaymentConfirmed(e) => e.family_id.stream(),
            OnlinePaymentFailed(e) => e.family_id.stream(),
            StaffAccountOpened(e) => e.staff_id.stream(),
            StaffAccountChanged(e) => e.staff_id.stream(),
            StaffAccountDisabled(e) => e.staff_id.stream(),
            FamilyAccessAssisted(e) => e.family_id.stream(),
        }
    }

    /// Cross-stream tags (`activity-…`, `child-…`, `family-…`, `transmission-…`, `wallet-…`), so
    /// readers can follow an activity's days or a family's money without scanning the log.
    pub fn tags(&self) -> Vec<String> {
        use Event::*;
        let mut tags = match self {
            OrganisationConfigured(_) | WalletDefined(_) => vec![],
            StructureDefined(e) => vec![e.wallet_id.stream()],
            ActivityDefined(e) => vec![e.structure_id.stream()],
            ActivityCapacityChanged(_) | ActivityPriceChanged(_) => vec![],
            OpeningPeriodDefined(e) => e.activity_ids.iter().map(|a| a.stream()).collect(),
            BookingWindowDefined(e) => vec![e.period_id.stream()],
            FamilyRegistered(e) => e.structure_ids.iter().map(|s| s.stream()).collect(),
            FamilyStructuresChanged(e) => e.structure_ids.iter().map(|s| s.stream()).collect(),
            ChildRegistered(e) => vec![e.child_id.stream()],
            FamilyQuotientSet(_) | FamilyDossierUpdated(_) | BasketSubmitted(_) => vec![],
            BookingRequested(e) => vec![e.child_id.stream(), e.activity_id.stream()],
            CancellationRequested(e) => vec![e.reservation_id.stream()],
            RequestWithdrawn(_) => vec![],
            TransmissionStarted(_) | TransmissionCompleted(_) => vec![],
            BookingAccepted(e) => vec![
                e.child_id.stream(),
                e.activity_id.stream(),
                e.reservation_id.stream(),
                e.transmission_id.stream(),
            ],
            BookingWaitlisted(e) => vec![
                e.child_id.stream(),
                e.activity_id.stream(),
                e.reservation_id.stream(),
                e.transmission_id.stream(),
            ],
            BookingRefused(e) => vec![
                e.child_id.stream(),
                e.activity_id.stream(),
                e.transmission_id.stream(),
            ],
            ReservationCancelled(e) => {
                let mut t = vec![e.activity_id.stream(), e.reservation_id.stream()];
                t.extend(e.transmission_id.map(|id| id.stream()));
                t
            }
            WaitlistPromoted(e) => {
                let mut t = vec![
                    e.child_id.stream(),
                    e.activity_id.stream(),
                    e.reservation_id.stream(),
                ];
                t.extend(e.transmission_id.map(|id| id.stream()));
                t
            }
            WaitlistReordered(e) => vec![e.reservation_id.stream()],
            ActivityDayClosed(_) => vec![],
            ConsumptionRecorded(e) => vec![
                e.wallet_id.stream(),
                e.child_id.stream(),
                e.activity_id.stream(),
            ],
            AbsenceRecorded(e) => vec![e.child_id.stream(), e.activity_id.stream()],
            PresenceRecorded(e) => {
                let mut t = vec![e.child_id.stream(), e.activity_id.stream()];
                t.extend(e.reservation_id.map(|id| id.stream()));
                t
            }
            PaymentRecorded(e) => vec![e.wallet_id.stream()],
            PaymentCancelled(e) => vec![e.wallet_id.stream()],
            OnlinePaymentStarted(e) => vec![e.wallet_id.stream()],
            OnlinePaymentConfirmed(e) => vec![e.wallet_id.stream()],
            OnlinePaymentFailed(_) => vec![],
            StaffAccountOpened(e) => e.structure_ids.iter().map(|s| s.stream()).collect(),
            StaffAccountChanged(e) => e.structure_ids.iter().map(|s| s.stream()).collect(),
            StaffAccountDisabled(_) => vec![],
            FamilyAccessAssisted(_) => vec![],
        };
        let stream = self.stream();
        tags.retain(|t| *t != stream);
        tags.sort();
        tags.dedup();
        tags
    }
}
