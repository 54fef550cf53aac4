//! Payloads of the persisted events, one struct per event type at its current schema version.
//!
//! These structs are a compatibility promise: every field here is described in
//! `events-schema/<Type>.v<N>.json`, and a stored sample of each version lives in
//! `events-schema/golden/`. Change a shape only by adding a new version and an upcaster.
//! No personal data: names, e-mails, phones, birth dates, payer and bank names live in the
//! registry, keyed by the ids below.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::*;
use crate::money::Money;
use crate::staff::Role;
use crate::values::*;

// ---------------------------------------------------------------- setup

/// The organisation running the centres was configured (or its settings changed).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganisationConfigured {
    pub organisation_id: OrganisationId,
    /// Booking is blocked when the family owes at least this amount.
    pub debt_threshold: Money,
}

/// A wallet (régie) was defined, covering some structures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WalletDefined {
    pub wallet_id: WalletId,
    pub label: String,
}

/// A structure (accueil de loisirs) was defined, attached to the wallet that bills it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StructureDefined {
    pub structure_id: StructureId,
    pub wallet_id: WalletId,
    pub label: String,
}

/// An activity of a structure was defined.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActivityDefined {
    pub activity_id: ActivityId,
    pub structure_id: StructureId,
    pub label: String,
    pub unit: Unit,
    /// Quantity billed for one booked day (the seed bills "ALSH 3-6 Journée" as 2 × 6.85).
    pub quantity_per_day: u32,
    /// Inclusive age range, in whole years on the booked day.
    pub age_min: u8,
    pub age_max: u8,
    pub pricing: Pricing,
    /// Places per day.
    pub capacity: u32,
    /// Waitlist places per day (0: no waitlist).
    pub waitlist_size: u32,
    pub booking_deadline: Deadline,
    pub cancellation_deadline: Deadline,
    /// Activities that cannot be booked for the same child on the same day.
    pub incompatible_with: Vec<ActivityId>,
}

/// Capacity or waitlist size of an activity changed from a day on; decisions taken before are not
/// rewritten.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActivityCapacityChanged {
    pub activity_id: ActivityId,
    pub effective_from: NaiveDate,
    pub capacity: u32,
    pub waitlist_size: u32,
}

/// The price of an activity changed from a day on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActivityPriceChanged {
    pub activity_id: ActivityId,
    pub effective_from: NaiveDate,
    pub pricing: Pricing,
}

/// Opening days of some activities: the given weekdays between two dates, minus excluded days
/// and (unless `open_on_public_holidays`) French public holidays.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpeningPeriodDefined {
    pub period_id: PeriodId,
    pub label: String,
    pub activity_ids: Vec<ActivityId>,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    /// ISO weekdays, 1 = Monday … 7 = Sunday.
    pub weekdays: Vec<u8>,
    pub excluded_days: Vec<NaiveDate>,
    pub open_on_public_holidays: bool,
}

/// A booking window: when the days of a period can be booked on the portal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BookingWindowDefined {
    pub window_id: BookingWindowId,
    pub period_id: PeriodId,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
}

// ---------------------------------------------------------------- families

/// A family account was opened, attached to structures and billed through a wallet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FamilyRegistered {
    pub family_id: FamilyId,
    pub structure_ids: Vec<StructureId>,
}

/// The structures a family is attached to changed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FamilyStructuresChanged {
    pub family_id: FamilyId,
    pub structure_ids: Vec<StructureId>,
}

/// A child was added to a family (name and birth date are in the registry).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChildRegistered {
    pub family_id: FamilyId,
    pub child_id: ChildId,
}

/// The quotient familial used for pricing changed from a day on (`None`: unknown, highest bracket).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FamilyQuotientSet {
    pub family_id: FamilyId,
    pub effective_from: NaiveDate,
    pub quotient: Option<u32>,
}

/// Staff updated the state of the family's file (dossier).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FamilyDossierUpdated {
    pub family_id: FamilyId,
    pub complete: bool,
    /// What is missing, in the words shown to the parent ("Fiche sanitaire", …).
    pub missing_items: Vec<String>,
}

/// Staff helped a family with its portal access (no code, no address in it: the registry and
/// the outbox hold those).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FamilyAccessAssisted {
    pub family_id: FamilyId,
    pub assistance: AccessAssistance,
}

// ---------------------------------------------------------------- booking

/// A parent (or staff on the phone) validated a basket; its lines follow as requests.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BasketSubmitted {
    pub basket_id: BasketId,
    pub family_id: FamilyId,
    /// The one-time id of the form or command: the same id is recorded once.
    pub client_request_id: String,
    pub booking_lines: u32,
    pub cancellation_lines: u32,
}

/// A pending request (Non transmis) to book a child on an activity and day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BookingRequested {
    pub request_id: RequestId,
    pub basket_id: BasketId,
    pub family_id: FamilyId,
    pub child_id: ChildId,
    pub activity_id: ActivityId,
    pub day: NaiveDate,
    pub forecast: Forecast,
}

/// A pending request to cancel an accepted or waitlisted reservation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CancellationRequested {
    pub request_id: RequestId,
    pub basket_id: BasketId,
    pub family_id: FamilyId,
    pub reservation_id: ReservationId,
}

/// The family withdrew a request before it was transmitted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestWithdrawn {
    pub request_id: RequestId,
    pub family_id: FamilyId,
}

/// The transmission started deciding the requests pending at `cut_off`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransmissionStarted {
    pub transmission_id: TransmissionId,
    pub cut_off: DateTime<Utc>,
    /// Last log position taken into account.
    pub up_to_position: u64,
}

/// Counts of one transmission run, as printed by `portail transmit --json`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransmissionCounts {
    pub received: u32,
    pub new_requests: u32,
    pub cancellation_requests: u32,
    pub accepted: u32,
    pub waitlisted: u32,
    pub cancelled: u32,
    pub refused: u32,
    pub promoted: u32,
}

/// The transmission finished; every request pending at its cut-off is decided.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransmissionCompleted {
    pub transmission_id: TransmissionId,
    pub counts: TransmissionCounts,
}

/// A booking request got a place: it is now a reservation (Acceptée).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BookingAccepted {
    pub request_id: RequestId,
    pub reservation_id: ReservationId,
    pub family_id: FamilyId,
    pub child_id: ChildId,
    pub activity_id: ActivityId,
    pub day: NaiveDate,
    pub transmission_id: TransmissionId,
}

/// A booking request went to the waitlist at `rank` (1 = next to get a place).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BookingWaitlisted {
    pub request_id: RequestId,
    pub reservation_id: ReservationId,
    pub family_id: FamilyId,
    pub child_id: ChildId,
    pub activity_id: ActivityId,
    pub day: NaiveDate,
    pub rank: u32,
    pub transmission_id: TransmissionId,
}

/// A booking request was refused.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BookingRefused {
    pub request_id: RequestId,
    pub family_id: FamilyId,
    pub child_id: ChildId,
    pub activity_id: ActivityId,
    pub day: NaiveDate,
    pub reason: RefusalReason,
    pub transmission_id: TransmissionId,
}

/// An accepted or waitlisted reservation ended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReservationCancelled {
    pub reservation_id: ReservationId,
    pub family_id: FamilyId,
    pub activity_id: ActivityId,
    pub day: NaiveDate,
    pub cause: CancellationCause,
    /// The cancellation request it answers, if the family asked.
    pub request_id: Option<RequestId>,
    pub transmission_id: Option<TransmissionId>,
}

/// A waitlisted reservation got a freed place.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaitlistPromoted {
    pub reservation_id: ReservationId,
    pub family_id: FamilyId,
    pub child_id: ChildId,
    pub activity_id: ActivityId,
    pub day: NaiveDate,
    pub previous_rank: u32,
    pub transmission_id: Option<TransmissionId>,
}

/// Staff closed an activity's day exceptionally. The reason typed is in the registry, keyed by
/// this event's position.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActivityDayClosed {
    pub activity_id: ActivityId,
    pub day: NaiveDate,
}

/// Staff moved a waitlisted reservation one rank up or down; the child at `to_rank` takes
/// `from_rank`. The reason typed is in the registry, keyed by this event's position.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaitlistReordered {
    pub reservation_id: ReservationId,
    pub activity_id: ActivityId,
    pub day: NaiveDate,
    pub from_rank: u32,
    pub to_rank: u32,
}

// ---------------------------------------------------------------- money

/// A debit: a child consumed (or was billed for) an activity on a day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsumptionRecorded {
    pub consumption_id: ConsumptionId,
    pub family_id: FamilyId,
    pub wallet_id: WalletId,
    pub child_id: ChildId,
    pub activity_id: ActivityId,
    pub day: NaiveDate,
    pub unit_price: Money,
    pub quantity: u32,
    /// `unit_price × quantity`, rounded half away from zero to the cent.
    pub amount: Money,
    /// The reservation it bills, if any (staff may record one without).
    pub reservation_id: Option<ReservationId>,
}

/// Staff recorded an absence; a justified one is not billed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AbsenceRecorded {
    pub absence_id: AbsenceId,
    pub family_id: FamilyId,
    pub child_id: ChildId,
    pub activity_id: ActivityId,
    pub day: NaiveDate,
    pub justified: bool,
    pub reservation_id: Option<ReservationId>,
}

/// Staff marked a child present on the daily attendance sheet; the last mark of a child, activity
/// and day counts (a presence after a justified absence makes the day billed again).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PresenceRecorded {
    pub presence_id: PresenceId,
    pub family_id: FamilyId,
    pub child_id: ChildId,
    pub activity_id: ActivityId,
    pub day: NaiveDate,
    /// The place the child came on; none for a child who came without one.
    pub reservation_id: Option<ReservationId>,
}

/// A credit recorded at the desk (payer, bank and document number are in the registry).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentRecorded {
    pub payment_id: PaymentId,
    pub family_id: FamilyId,
    pub wallet_id: WalletId,
    pub amount: Money,
    pub mode: PaymentMode,
    pub paid_on: NaiveDate,
}

/// A desk payment recorded by mistake was cancelled (corrections are new events, never edits).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentCancelled {
    pub payment_id: PaymentId,
    pub family_id: FamilyId,
    pub wallet_id: WalletId,
    pub amount: Money,
}

/// A parent started a card payment with the provider (PayFiP `idOp` as `operation_id`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OnlinePaymentStarted {
    pub online_payment_id: OnlinePaymentId,
    pub family_id: FamilyId,
    pub wallet_id: WalletId,
    pub amount: Money,
    pub provider: String,
    pub operation_id: String,
    /// When the operation was created (its age decides expiry when the provider stays silent).
    pub started_at: DateTime<Utc>,
}

/// The provider confirmed the payment: the wallet is credited (once per operation).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OnlinePaymentConfirmed {
    pub online_payment_id: OnlinePaymentId,
    pub family_id: FamilyId,
    pub wallet_id: WalletId,
    pub amount: Money,
    pub operation_id: String,
    /// Provider's result code (PayFiP `resultrans`: P or V).
    pub provider_result: String,
    /// The day of the payment (Europe/Paris), shown in the payment history.
    pub paid_on: NaiveDate,
}

/// The payment ended without credit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OnlinePaymentFailed {
    pub online_payment_id: OnlinePaymentId,
    pub family_id: FamilyId,
    pub operation_id: String,
    pub outcome: OnlinePaymentFailure,
    pub provider_result: String,
}

// ---------------------------------------------------------------- staff

/// A staff account was opened (its login, name and e-mail are in the registry).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffAccountOpened {
    pub staff_id: StaffId,
    pub roles: Vec<Role>,
    /// The structures the scoped roles (accueil, direction) act on.
    pub structure_ids: Vec<StructureId>,
}

/// The roles or structures of a staff account changed (the whole new lists).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffAccountChanged {
    pub staff_id: StaffId,
    pub roles: Vec<Role>,
    pub structure_ids: Vec<StructureId>,
}

/// A staff account was disabled: its sessions end and it can no longer log in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffAccountDisabled {
    pub staff_id: StaffId,
}
