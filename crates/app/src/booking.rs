//! Booking services: baskets (requests and cancellations), withdrawals, the nightly
//! transmission, and waitlist promotion when places free up. Rules come from
//! `domain::booking`; this module loads their inputs inside the writer transaction and records
//! their outcome as events, read-model rows and outbox mails, all in that one transaction.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use domain::Event;
use domain::booking::{
    self as rules, AccountStanding, ActivityOnDay, BasketLine, ChildFacts, Decision, Engagement,
    HeldReservation, PendingRequest, RequestKind, ReservationState, SlotState, TransmissionInput,
};
use domain::calendar::{OpeningCalendar, Period};
use domain::event::payloads::*;
use domain::ids::*;
use domain::values::{CancellationCause, Forecast, RefusalReason};
use domain::{Money, event::payloads};
use projections::booking as bq;
use projections::queries;
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::registry;
use crate::{App, AppError, Command};

/// One line of a basket, as the parent (or staff on the phone) asked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "line", rename_all = "snake_case")]
pub enum LineRequest {
    Book {
        child_id: ChildId,
        activity_id: ActivityId,
        day: NaiveDate,
    },
    Cancel {
        reservation_id: ReservationId,
    },
}

/// What became of a line when the basket was validated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum LineOutcome {
    /// A pending request (Non transmis), with what the transmission is expected to decide.
    Requested {
        request_id: RequestId,
        forecast: Forecast,
    },
    /// A pending cancellation request.
    CancellationRequested { request_id: RequestId },
    /// Not recorded, with the reason shown to the parent.
    Refused { reason: String },
}

/// The answer to a basket: one outcome per line, in the order given.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BasketReceipt {
    pub basket_id: Option<BasketId>,
    pub lines: Vec<(LineRequest, LineOutcome)>,
    /// True when this answer was recorded earlier for the same client request id.
    #[serde(default)]
    pub replayed: bool,
}

impl BasketReceipt {
    pub fn recorded(&self) -> usize {
        self.lines
            .iter()
            .filter(|(_, o)| !matches!(o, LineOutcome::Refused { .. }))
            .count()
    }
}

/// The French text of a forecast, as the récapitulatif shows it.
pub fn forecast_text(forecast: &Forecast) -> String {
    match forecast {
        Forecast::PlaceAvailable => "place disponible".to_owned(),
        Forecast::Waitlisted { expected_rank } => {
            format!("sera mise en liste d'attente (rang prévu {expected_rank})")
        }
        Forecast::Refused { reason } => format!("sera refusée ({})", refusal_text(*reason)),
    }
}

/// The French text of a refusal reason.
pub fn refusal_text(reason: RefusalReason) -> &'static str {
    match reason {
        RefusalReason::Full => "complet",
        RefusalReason::WaitlistFull => "complet, liste d'attente complète",
        RefusalReason::IncompatibleSameDay => {
            "incompatible avec une autre réservation le même jour"
        }
    }
}

/// The id of a basket, request or transmission, derived like the setup file's ids
/// ([`domain::ids::derive_id`]) from the parts that make it unique.
fn derived(kind: &str, parts: &[&str]) -> Uuid {
    domain::ids::derive_id(kind, &parts.join("/"))
}

/// Validates and records a basket for `family`. Lines that break a rule are refused with their
/// reason and not recorded; the others become pending requests with a forecast. The same
/// `client_request_id` answers the same receipt (a resubmitted form is recorded once).
pub fn submit_basket(
    app: &App,
    actor: &str,
    family: FamilyId,
    client_request_id: &str,
    lines: Vec<LineRequest>,
) -> Result<BasketReceipt, AppError> {
    let client_request_id = client_request_id.trim().to_owned();
    if client_request_id.is_empty() || client_request_id.len() > 100 {
        return Err(AppError::Refused(
            "Identifiant de formulaire invalide : rechargez la page.".to_owned(),
        ));
    }
    let bookings = lines
        .iter()
        .filter(|l| matches!(l, LineRequest::Book { .. }))
        .count();
    if let Err(refusal) = rules::validate_basket_size(bookings, lines.len() - bookings) {
        return Err(AppError::Refused(refusal.message()));
    }
    app.execute(actor, move |command| {
        command.set_client_request_id(&client_request_id);
        submit_in(command, family, &client_request_id, lines)
    })
}

fn content_hash(lines: &[LineRequest]) -> Result<String, AppError> {
    let text = serde_json::to_string(lines).map_err(|e| AppError::corrupt("basket", e))?;
    Ok(hex::encode(Sha256::digest(text.as_bytes())))
}

fn submit_in(
    command: &mut Command<'_, '_>,
    family: FamilyId,
    client_request_id: &str,
    lines: Vec<LineRequest>,
) -> Result<BasketReceipt, AppError> {
    let hash = content_hash(&lines)?;
    let earlier: Option<(String, String)> = command
        .conn()
        .prepare_cached("SELECT content_hash, receipt FROM basket_receipts WHERE family_id = ?1 AND client_request_id = ?2")?
        .query_row(params![family.to_string(), client_request_id], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    if let Some((earlier_hash, receipt)) = earlier {
        if earlier_hash != hash {
            return Err(AppError::Refused(
                "Ce formulaire a déjà été envoyé avec d'autres demandes : rechargez la page pour recommencer.".to_owned(),
            ));
        }
        let mut receipt: BasketReceipt =
            serde_json::from_str(&receipt).map_err(|e| AppError::corrupt("basket_receipts", e))?;
        receipt.replayed = true;
        return Ok(receipt);
    }
    let now = command.now();
    let basket_id =
        BasketId::from_uuid(derived("basket", &[&family.to_string(), client_request_id]));
    let (outcomes, planned) = evaluate(command.conn(), now, family, basket_id, &lines)?;
    let recorded_bookings = planned
        .iter()
        .filter(|e| matches!(e, Event::BookingRequested(_)))
        .count() as u32;
    let recorded_cancellations = planned.len() as u32 - recorded_bookings;
    let receipt = BasketReceipt {
        basket_id: (!planned.is_empty()).then_some(basket_id),
        lines: outcomes,
        replayed: false,
    };
    if !planned.is_empty() {
        command.emit(BasketSubmitted {
            basket_id,
            family_id: family,
            client_request_id: client_request_id.to_owned(),
            booking_lines: recorded_bookings,
            cancellation_lines: recorded_cancellations,
        })?;
        for event in planned {
            command.emit(event)?;
        }
    }
    let text =
        serde_json::to_string(&receipt).map_err(|e| AppError::corrupt("basket_receipts", e))?;
    command
        .conn()
        .prepare_cached(
            "INSERT INTO basket_receipts (family_id, client_request_id, content_hash, receipt) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![family.to_string(), client_request_id, hash, text])?;
    Ok(receipt)
}

/// Each line with its outcome, and the events the recorded lines would append.
type Evaluated = (Vec<(LineRequest, LineOutcome)>, Vec<Event>);

/// Lines of a basket and the events they would record, judged on `conn` at `now`: the same code
/// answers the récapitulatif (on a read connection) and the final « Valider » (in the writer).
fn evaluate(
    conn: &Connection,
    now: DateTime<Utc>,
    family: FamilyId,
    basket_id: BasketId,
    lines: &[LineRequest],
) -> Result<Evaluated, AppError> {
    let today = domain::deadline::paris_day(now);
    let Some(family_row) = queries::family(conn, family, today)? else {
        return Err(AppError::Refused("Famille inconnue.".to_owned()));
    };
    let standing = account_standing(conn, family, &family_row)?;
    let blocked = rules::account_block(&standing);

    let mut outcomes: Vec<(LineRequest, LineOutcome)> = Vec::with_capacity(lines.len());
    let mut accepted_lines: Vec<BasketLine> = Vec::new();
    let mut planned: Vec<Event> = Vec::new();
    let mut cancelling: BTreeSet<ReservationId> = BTreeSet::new();
    // Pending requests added by this basket, per slot, for the forecasts of later lines.
    let mut added: BTreeMap<(ActivityId, NaiveDate), u32> = BTreeMap::new();
    for (index, line) in lines.iter().enumerate() {
        let request_id = RequestId::from_uuid(derived(
            "request",
            &[&basket_id.to_string(), &index.to_string()],
        ));
        let outcome = match line {
            LineRequest::Book {
                child_id,
                activity_id,
                day,
            } => {
                if let Some(blocked) = &blocked {
                    LineOutcome::Refused {
                        reason: blocked.message(),
                    }
                } else {
                    match booking_line(
                        conn,
                        now,
                        family,
                        *child_id,
                        *activity_id,
                        *day,
                        &accepted_lines,
                        &added,
                        &cancelling,
                    )? {
                        Err(reason) => LineOutcome::Refused { reason },
                        Ok((forecast, basket_line)) => {
                            *added.entry((*activity_id, *day)).or_default() += 1;
                            accepted_lines.push(basket_line);
                            planned.push(
                                BookingRequested {
                                    request_id,
                                    basket_id,
                                    family_id: family,
                                    child_id: *child_id,
                                    activity_id: *activity_id,
                                    day: *day,
                                    forecast,
                                }
                                .into(),
                            );
                            LineOutcome::Requested {
                                request_id,
                                forecast,
                            }
                        }
                    }
                }
            }
            LineRequest::Cancel { reservation_id } => {
                match cancellation_line(conn, now, family, *reservation_id, &cancelling)? {
                    Err(reason) => LineOutcome::Refused { reason },
                    Ok(()) => {
                        cancelling.insert(*reservation_id);
                        planned.push(
                            CancellationRequested {
                                request_id,
                                basket_id,
                                family_id: family,
                                reservation_id: *reservation_id,
                            }
                            .into(),
                        );
                        LineOutcome::CancellationRequested { request_id }
                    }
                }
            }
        };
        outcomes.push((line.clone(), outcome));
    }
    Ok((outcomes, planned))
}

/// The récapitulatif: what « Valider » would answer for these lines now, recording nothing.
/// Each booking line carries its estimated cost.
pub fn preview_basket(
    app: &App,
    family: FamilyId,
    lines: Vec<LineRequest>,
) -> Result<Vec<PreviewLine>, AppError> {
    let now = app.now();
    app.query(move |conn| {
        let basket_id = BasketId::from_uuid(Uuid::nil());
        let (outcomes, _) = evaluate(conn, now, family, basket_id, &lines)?;
        let mut preview = Vec::with_capacity(outcomes.len());
        for (line, outcome) in outcomes {
            let cost = match (&line, &outcome) {
                (
                    LineRequest::Book {
                        activity_id, day, ..
                    },
                    LineOutcome::Requested { forecast, .. },
                ) if forecast.may_cost() => {
                    Some(crate::money::day_price(conn, family, *activity_id, *day)?.amount)
                }
                (
                    LineRequest::Cancel { reservation_id },
                    LineOutcome::CancellationRequested { .. },
                ) => match bq::reservation_by_id(conn, *reservation_id)? {
                    Some(row) => Some(
                        -crate::money::day_price(conn, family, row.activity_id, row.day)?.amount,
                    ),
                    None => None,
                },
                _ => None,
            };
            preview.push(PreviewLine {
                line,
                outcome,
                cost,
            });
        }
        Ok(preview)
    })
}

/// « Coût estimé total » of the récapitulatif: the lines that may cost money (a place, a
/// waitlist that may become one, a cancellation giving its price back); a line that will be
/// refused or cannot be recorded has no cost.
pub fn estimated_total(preview: &[PreviewLine]) -> Money {
    preview.iter().filter_map(|line| line.cost).sum()
}

/// One line of the récapitulatif.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PreviewLine {
    pub line: LineRequest,
    pub outcome: LineOutcome,
    /// Estimated cost of a booking (negative: a cancellation gives it back); none when the line
    /// cannot be recorded or its forecast is a refusal (it will cost nothing).
    pub cost: Option<Money>,
}

/// Why a family may not book now, with the organisation's threshold the notice states.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BookingBlock {
    pub blocked: rules::Blocked,
    /// The configured debt threshold (`[organisation] debt_threshold`).
    pub threshold: Money,
}

impl BookingBlock {
    /// Why this family is blocked, in the words shown to the parent.
    pub fn reason(&self) -> String {
        self.blocked.message()
    }

    /// The rule every blocked parent is shown, with the configured threshold.
    pub fn conditions(&self) -> String {
        rules::booking_conditions(self.threshold)
    }
}

/// Why the family may not book now (debt at or above the threshold, incomplete file); `None`
/// when it may.
pub fn booking_blocked(app: &App, family: FamilyId) -> Result<Option<BookingBlock>, AppError> {
    let today = app.today();
    app.query(move |conn| {
        let Some(row) = queries::family(conn, family, today)? else {
            return Err(AppError::Refused("Famille inconnue.".to_owned()));
        };
        let standing = account_standing(conn, family, &row)?;
        Ok(rules::account_block(&standing).map(|blocked| BookingBlock {
            blocked,
            threshold: standing.threshold,
        }))
    })
}

/// What the family owes and whether its file is complete.
pub fn account_standing(
    conn: &Connection,
    family: FamilyId,
    row: &queries::FamilyRow,
) -> Result<AccountStanding, AppError> {
    let owed: Money = queries::balances(conn, family)?
        .iter()
        .map(|b| AccountStanding::owed_from_balance(b.balance))
        .sum();
    Ok(AccountStanding {
        owed,
        threshold: queries::debt_threshold(conn)?,
        dossier_complete: row.dossier_complete,
        missing_items: row.missing_items.clone(),
    })
}

/// Whether a click may put the booking of `activity` on `day` in a basket: the activity's
/// opening calendar opens the day (`LineRefusal::DayClosed` otherwise — a day outside every
/// period of the organisation, or a closed day). Every other rule is judged, with its reason,
/// by the récapitulatif and the final « Valider ».
pub fn basket_booking_allowed(
    app: &App,
    activity: ActivityId,
    day: NaiveDate,
) -> Result<(), AppError> {
    app.query(move |conn| match activity_on_day(conn, activity, day)? {
        Some(on_day) => {
            rules::day_open(&on_day).map_err(|refusal| AppError::RuleRefused(vec![refusal]))
        }
        None => Err(AppError::RuleRefused(vec![rules::LineRefusal::DayClosed])),
    })
}

/// The rules' view of an activity on a day: opening, window, capacity in force, places taken.
pub fn activity_on_day(
    conn: &Connection,
    activity: ActivityId,
    day: NaiveDate,
) -> Result<Option<ActivityOnDay>, AppError> {
    activity_on_day_among(conn, activity, day, &queries::periods(conn)?)
}

/// The same with the periods already read (a month of calendar reads them once).
pub fn activity_on_day_among(
    conn: &Connection,
    activity: ActivityId,
    day: NaiveDate,
    periods: &[queries::PeriodRow],
) -> Result<Option<ActivityOnDay>, AppError> {
    let Some(row) = queries::activity(conn, activity, day)? else {
        return Ok(None);
    };
    let mut open = false;
    let mut window = None;
    for period in periods
        .iter()
        .filter(|p| p.activity_ids.contains(&activity))
    {
        let calendar = OpeningCalendar::new(vec![Period {
            first_day: period.first_day,
            last_day: period.last_day,
            weekdays: period.weekdays.clone(),
            excluded_days: period.excluded_days.clone(),
            open_on_public_holidays: period.open_on_public_holidays,
        }]);
        if calendar.is_open(day) {
            open = true;
            // A period without a booking window is bookable whenever its days are.
            window = Some(
                queries::booking_window(conn, period.period_id)?
                    .unwrap_or((DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC)),
            );
            break;
        }
    }
    let counts = bq::slot_counts(conn, activity, day)?;
    Ok(Some(ActivityOnDay {
        activity_id: activity,
        label: row.label,
        age_min: row.age_min,
        age_max: row.age_max,
        incompatible_with: row.incompatible_with,
        booking_deadline: row.booking_deadline,
        cancellation_deadline: row.cancellation_deadline,
        open,
        booking_window: window,
        capacity: row.capacity,
        waitlist_size: row.waitlist_size,
        accepted: counts.accepted,
        waitlisted: counts.waitlisted,
        pending_before: counts.pending,
    }))
}

/// A child's engagements on a day, with the labels and incompatibilities the rules need. Places
/// that a pending cancellation (recorded earlier, or earlier in this basket) will end are left
/// out, so "cancel the Journée, book the Matin" works in one basket.
fn engagements(
    conn: &Connection,
    child: ChildId,
    day: NaiveDate,
    cancelling: &BTreeSet<ReservationId>,
) -> Result<Vec<Engagement>, AppError> {
    let mut out = Vec::new();
    for row in bq::child_engagements(conn, child, day)? {
        if let Some(reservation) = row.reservation_id
            && (cancelling.contains(&reservation) || cancellation_pending(conn, reservation)?)
        {
            continue;
        }
        let Some(activity) = queries::activity(conn, row.activity_id, day)? else {
            continue;
        };
        let state = row.state.engagement();
        out.push(Engagement {
            activity_id: row.activity_id,
            label: activity.label,
            incompatible_with: activity.incompatible_with,
            reservation_id: row.reservation_id,
            state,
        });
    }
    Ok(out)
}

type LineResult<T> = Result<Result<T, String>, AppError>;

#[allow(clippy::too_many_arguments)]
fn booking_line(
    conn: &Connection,
    now: DateTime<Utc>,
    family: FamilyId,
    child: ChildId,
    activity: ActivityId,
    day: NaiveDate,
    earlier: &[BasketLine],
    added: &BTreeMap<(ActivityId, NaiveDate), u32>,
    cancelling: &BTreeSet<ReservationId>,
) -> LineResult<(Forecast, BasketLine)> {
    let Some(profile) = registry::child(conn, child)?.filter(|c| c.family_id == family) else {
        return Ok(Err(
            "Cet enfant n'est pas rattaché à votre compte.".to_owned()
        ));
    };
    let Some(mut on_day) = activity_on_day(conn, activity, day)? else {
        return Ok(Err("Activité inconnue.".to_owned()));
    };
    if !family_structures_offer(conn, family, activity, day)? {
        return Ok(Err(
            "Cette activité n'est pas proposée par une structure de votre compte.".to_owned(),
        ));
    }
    on_day.pending_before += added.get(&(activity, day)).copied().unwrap_or(0);
    let facts = ChildFacts {
        child_id: child,
        first_name: profile.first_name.clone(),
        birth_date: profile.birth_date,
    };
    let engaged = engagements(conn, child, day, cancelling)?;
    match rules::validate_booking(now, day, &facts, &on_day, &engaged, earlier) {
        Err(refusal) => Ok(Err(refusal.message())),
        Ok(forecast) => Ok(Ok((forecast, BasketLine::new(child, day, &on_day)))),
    }
}

fn family_structures_offer(
    conn: &Connection,
    family: FamilyId,
    activity: ActivityId,
    day: NaiveDate,
) -> Result<bool, AppError> {
    let Some(row) = queries::activity(conn, activity, day)? else {
        return Ok(false);
    };
    let Some(family) = queries::family(conn, family, day)? else {
        return Ok(false);
    };
    Ok(family.structures.contains(&row.structure_id))
}

fn cancellation_line(
    conn: &Connection,
    now: DateTime<Utc>,
    family: FamilyId,
    reservation: ReservationId,
    already: &BTreeSet<ReservationId>,
) -> LineResult<()> {
    let Some(row) = bq::reservation_by_id(conn, reservation)?.filter(|r| r.family_id == family)
    else {
        return Ok(Err("Réservation introuvable pour votre compte.".to_owned()));
    };
    let Some(state) = row.state.held() else {
        return Ok(Err("Cette réservation est déjà annulée.".to_owned()));
    };
    if cancellation_pending(conn, reservation)? || already.contains(&reservation) {
        return Ok(Err(
            "Une annulation de ce jour est déjà demandée.".to_owned()
        ));
    }
    let Some(on_day) = activity_on_day(conn, row.activity_id, row.day)? else {
        return Ok(Err("Activité inconnue.".to_owned()));
    };
    Ok(rules::validate_cancellation(now, row.day, &on_day, state).map_err(|r| r.message()))
}

fn cancellation_pending(conn: &Connection, reservation: ReservationId) -> Result<bool, AppError> {
    Ok(bq::pending_cancellation(conn, reservation)?.is_some())
}

/// A request not transmitted yet, which « Retirer » withdraws: the booking of a day, or the
/// cancellation of a place. Both are only intentions until the nightly transmission, so both
/// are withdrawn the same way (`withdraw_request`), from the calendar as from « Suivi ».
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "request_id", rename_all = "snake_case")]
pub enum Withdrawable {
    Booking(RequestId),
    Cancellation(RequestId),
}

impl Withdrawable {
    /// What a place has pending: its booking request while not transmitted, else the pending
    /// cancellation of the place it got. A place with either offers « Retirer », nothing else.
    pub fn of_place(
        pending_booking: Option<RequestId>,
        pending_cancellation: Option<RequestId>,
    ) -> Option<Withdrawable> {
        pending_booking
            .map(Withdrawable::Booking)
            .or(pending_cancellation.map(Withdrawable::Cancellation))
    }

    /// The request `withdraw_request` takes.
    pub fn request_id(self) -> RequestId {
        match self {
            Withdrawable::Booking(id) | Withdrawable::Cancellation(id) => id,
        }
    }
}

/// The family a reservation belongs to, if it exists.
pub fn reservation_owner(
    app: &App,
    reservation: ReservationId,
) -> Result<Option<FamilyId>, AppError> {
    app.query(move |conn| Ok(bq::reservation_by_id(conn, reservation)?.map(|r| r.family_id)))
}

/// The family a request belongs to, if it exists.
pub fn request_owner(app: &App, request: RequestId) -> Result<Option<FamilyId>, AppError> {
    app.query(move |conn| Ok(bq::request_by_id(conn, request)?.map(|r| r.family_id)))
}

/// Withdraws a request not yet transmitted: a booking request or a cancellation request (see
/// [`Withdrawable`]).
pub fn withdraw_request(
    app: &App,
    actor: &str,
    family: FamilyId,
    request: RequestId,
) -> Result<(), AppError> {
    app.execute(actor, move |command| {
        let Some(row) = bq::request_by_id(command.conn(), request)?.filter(|r| r.family_id == family) else {
            return Err(AppError::Refused("Demande introuvable pour votre compte.".to_owned()));
        };
        if row.state != ReservationState::Pending {
            return Err(AppError::Refused(
                "Cette demande a déjà été transmise : elle ne peut plus être retirée. Vous pouvez annuler la réservation."
                    .to_owned(),
            ));
        }
        command.emit(RequestWithdrawn {
            request_id: request,
            family_id: family,
        })?;
        Ok(())
    })
}

/// Activities as in force on each day, read once per day for a whole transmission.
#[derive(Default)]
pub(crate) struct ActivityCache {
    by_day: BTreeMap<NaiveDate, BTreeMap<ActivityId, queries::ActivityRow>>,
    children: BTreeMap<ChildId, String>,
}

impl ActivityCache {
    pub(crate) fn get(
        &mut self,
        conn: &Connection,
        activity: ActivityId,
        day: NaiveDate,
    ) -> Result<Option<&queries::ActivityRow>, AppError> {
        if let std::collections::btree_map::Entry::Vacant(slot) = self.by_day.entry(day) {
            slot.insert(
                queries::activities(conn, day)?
                    .into_iter()
                    .map(|a| (a.activity_id, a))
                    .collect(),
            );
        }
        Ok(self.by_day.get(&day).and_then(|rows| rows.get(&activity)))
    }

    /// "DUPONT Lilou", read once per child.
    pub(crate) fn child_name(
        &mut self,
        conn: &Connection,
        child: ChildId,
    ) -> Result<String, AppError> {
        if let Some(name) = self.children.get(&child) {
            return Ok(name.clone());
        }
        let name = registry::child(conn, child)?
            .map(|c| c.display_name())
            .unwrap_or_else(|| child.to_string());
        self.children.insert(child, name.clone());
        Ok(name)
    }
}

/// What a transmission run did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TransmitReport {
    /// The transmission recorded; `None` when the cut-off was already transmitted (nothing is
    /// recorded then).
    pub transmission_id: Option<TransmissionId>,
    pub cut_off: Option<DateTime<Utc>>,
    /// The cut-off of the transmission before this run: everything received up to it had
    /// already been decided. `None` before the first transmission.
    pub previous_cut_off: Option<DateTime<Utc>>,
    pub counts: TransmissionCounts,
    pub mails: u32,
    pub dry_run: bool,
    /// One line per decision, in French, for the staff's screen.
    pub details: Vec<String>,
}

impl TransmitReport {
    /// Whether the run had nothing to decide: no request, cancellation or promotion since the
    /// previous cut-off.
    pub fn nothing_new(&self) -> bool {
        self.counts == TransmissionCounts::default()
    }
}

/// Decides every request pending at `cut_off` (see `domain::booking::transmit`), records the
/// decisions and enqueues the report mails, in one transaction. With `dry_run`, everything is
/// computed and then rolled back.
///
/// A cut-off equal to the previous transmission's records nothing (everything up to it is
/// already decided: the report says so with `previous_cut_off`). A cut-off earlier than the
/// previous one is refused: « Dernière mise à jour » never goes backwards.
pub fn transmit(
    app: &App,
    cut_off: DateTime<Utc>,
    dry_run: bool,
) -> Result<TransmitReport, AppError> {
    let result = app.execute("system:transmission", move |command| {
        let report = transmit_in(command, cut_off)?;
        if dry_run {
            // Roll the savepoint back: a dry run writes nothing.
            return Err(AppError::DryRun(Box::new(report)));
        }
        Ok(report)
    });
    match result {
        Err(AppError::DryRun(report)) => Ok(TransmitReport {
            dry_run: true,
            ..*report
        }),
        other => other,
    }
}

/// « 02/12/2026 à 02:00 », Paris time: how a cut-off reads for the staff.
pub fn paris_date_time(instant: DateTime<Utc>) -> String {
    instant
        .with_timezone(&chrono_tz::Europe::Paris)
        .format("%d/%m/%Y à %H:%M")
        .to_string()
}

/// « Dernière mise à jour » at `now`: the cut-off of the last transmission, never later than
/// `now` (a transmission run with a cut-off still to come has decided everything received so
/// far, not what is still to come).
pub fn last_update(
    conn: &Connection,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, AppError> {
    Ok(last_cut_off(conn)?.map(|cut_off| cut_off.min(now)))
}

/// The cut-off of the last transmission recorded.
fn last_cut_off(conn: &Connection) -> Result<Option<DateTime<Utc>>, AppError> {
    Ok(bq::last_transmission(conn)?.map(|last| last.cut_off))
}

fn transmit_in(
    command: &mut Command<'_, '_>,
    cut_off: DateTime<Utc>,
) -> Result<TransmitReport, AppError> {
    let conn = command.conn();
    let previous_cut_off = last_cut_off(conn)?;
    if let Some(previous) = previous_cut_off {
        if cut_off < previous {
            return Err(AppError::Refused(format!(
                "La date de coupure demandée ({}) est antérieure à celle de la dernière transmission ({}) : tout est déjà transmis jusqu'au {}, rien n'est transmis.",
                paris_date_time(cut_off),
                paris_date_time(previous),
                paris_date_time(previous)
            )));
        }
        if cut_off == previous {
            // Already transmitted up to this cut-off: nothing to record.
            return Ok(TransmitReport {
                cut_off: Some(cut_off),
                previous_cut_off,
                ..TransmitReport::default()
            });
        }
    }
    let up_to = command.last_position_at(&cut_off)?;
    let pending_rows = bq::pending_requests(conn, up_to)?;
    let mut cache = ActivityCache::default();
    let input = transmission_input(conn, &pending_rows, &mut cache)?;
    let outcome =
        rules::transmit(&input).map_err(|e| AppError::corrupt("transmission input", e))?;
    let transmission = TransmissionId::from_uuid(derived(
        "transmission",
        &[&cut_off.to_rfc3339(), &up_to.to_string()],
    ));
    command.emit(TransmissionStarted {
        transmission_id: transmission,
        cut_off,
        up_to_position: up_to,
    })?;
    let mut details = Vec::new();
    for decision in &outcome.decisions {
        details.push(describe(command.conn(), decision, &mut cache)?);
        command.emit(decision_event(decision, transmission))?;
    }
    for ignored in &outcome.ignored {
        // A cancellation of a place that no longer exists: nothing to do, close the request.
        command.emit(RequestWithdrawn {
            request_id: ignored.request_id,
            family_id: ignored.family_id,
        })?;
    }
    command.emit(TransmissionCompleted {
        transmission_id: transmission,
        counts: outcome.counts,
    })?;
    let mails = crate::notify::transmission_reports(
        command,
        transmission,
        &pending_rows,
        &outcome.decisions,
        &mut cache,
    )?;
    Ok(TransmitReport {
        transmission_id: Some(transmission),
        cut_off: Some(cut_off),
        previous_cut_off,
        counts: outcome.counts,
        mails,
        dry_run: false,
        details,
    })
}

fn describe(
    conn: &Connection,
    decision: &Decision,
    cache: &mut ActivityCache,
) -> Result<String, AppError> {
    let (activity, day) = decision.slot();
    let label = cache
        .get(conn, activity, day)?
        .map(|a| a.label.clone())
        .unwrap_or_default();
    let mut child = |child: &ChildId| cache.child_name(conn, *child);
    let (who, what) = match decision {
        Decision::Accepted { child_id, .. } => (child(child_id)?, "acceptée".to_owned()),
        Decision::Waitlisted { child_id, rank, .. } => {
            (child(child_id)?, format!("liste d'attente, rang {rank}"))
        }
        Decision::Refused {
            child_id, reason, ..
        } => (
            child(child_id)?,
            format!("refusée ({})", refusal_text(*reason)),
        ),
        Decision::Cancelled { child_id, .. } => (child(child_id)?, "annulée".to_owned()),
        Decision::Promoted { child_id, .. } => (
            child(child_id)?,
            "acceptée depuis la liste d'attente".to_owned(),
        ),
    };
    Ok(format!("{day} {label} — {who} : {what}"))
}

/// The event recording a decision.
pub fn decision_event(decision: &Decision, transmission: TransmissionId) -> Event {
    match decision.clone() {
        Decision::Accepted {
            request_id,
            reservation_id,
            family_id,
            child_id,
            activity_id,
            day,
        } => BookingAccepted {
            request_id,
            reservation_id,
            family_id,
            child_id,
            activity_id,
            day,
            transmission_id: transmission,
        }
        .into(),
        Decision::Waitlisted {
            request_id,
            reservation_id,
            family_id,
            child_id,
            activity_id,
            day,
            rank,
        } => BookingWaitlisted {
            request_id,
            reservation_id,
            family_id,
            child_id,
            activity_id,
            day,
            rank,
            transmission_id: transmission,
        }
        .into(),
        Decision::Refused {
            request_id,
            family_id,
            child_id,
            activity_id,
            day,
            reason,
        } => BookingRefused {
            request_id,
            family_id,
            child_id,
            activity_id,
            day,
            reason,
            transmission_id: transmission,
        }
        .into(),
        Decision::Cancelled {
            request_id,
            reservation_id,
            family_id,
            activity_id,
            day,
            ..
        } => ReservationCancelled {
            reservation_id,
            family_id,
            activity_id,
            day,
            cause: CancellationCause::FamilyRequest,
            request_id: Some(request_id),
            transmission_id: Some(transmission),
        }
        .into(),
        Decision::Promoted {
            reservation_id,
            family_id,
            child_id,
            activity_id,
            day,
            previous_rank,
        } => WaitlistPromoted {
            reservation_id,
            family_id,
            child_id,
            activity_id,
            day,
            previous_rank,
            transmission_id: Some(transmission),
        }
        .into(),
    }
}

/// Loads what the transmission needs: every slot of the days concerned (so incompatibilities
/// across activities are seen), the places held in them, and the pending requests in log order.
fn transmission_input(
    conn: &Connection,
    pending: &[bq::PendingRow],
    cache: &mut ActivityCache,
) -> Result<TransmissionInput, AppError> {
    let mut input = TransmissionInput::default();
    let mut days: BTreeSet<NaiveDate> = BTreeSet::new();
    let mut slots: BTreeSet<(ActivityId, NaiveDate)> = BTreeSet::new();
    for row in pending {
        if let (Some(activity), Some(day)) = (row.activity_id, row.day) {
            days.insert(day);
            slots.insert((activity, day));
        }
    }
    for day in &days {
        for activity in bq::activities_held_on(conn, *day)? {
            slots.insert((activity, *day));
        }
    }
    for (activity, day) in slots {
        let Some(row) = cache.get(conn, activity, day)?.cloned() else {
            continue;
        };
        let mut accepted = Vec::new();
        let mut waitlist = Vec::new();
        for held in bq::slot_reservations(conn, activity, day)? {
            match held.state {
                ReservationState::Accepted => accepted.push(held.reservation_id),
                _ => waitlist.push(held.reservation_id),
            }
            input.reservations.insert(
                held.reservation_id,
                HeldReservation {
                    reservation_id: held.reservation_id,
                    family_id: held.family_id,
                    child_id: held.child_id,
                    activity_id: held.activity_id,
                    day: held.day,
                },
            );
        }
        input.slots.insert(
            (activity, day),
            SlotState {
                activity_id: activity,
                day,
                capacity: row.capacity,
                waitlist_size: row.waitlist_size,
                accepted,
                waitlist,
                incompatible_with: row.incompatible_with,
            },
        );
    }
    for row in pending {
        let request = match (
            row.kind,
            row.child_id,
            row.activity_id,
            row.day,
            row.reservation_id,
        ) {
            (RequestKind::Booking, Some(child_id), Some(activity_id), Some(day), _) => {
                PendingRequest::Booking {
                    request_id: row.request_id,
                    family_id: row.family_id,
                    child_id,
                    activity_id,
                    day,
                }
            }
            (RequestKind::Cancellation, _, _, _, Some(reservation_id)) => {
                PendingRequest::Cancellation {
                    request_id: row.request_id,
                    family_id: row.family_id,
                    reservation_id,
                }
            }
            _ => {
                return Err(AppError::corrupt(
                    "booking_requests",
                    format!("request {} is incomplete", row.request_id),
                ));
            }
        };
        input.pending.push(request);
    }
    Ok(input)
}

/// Staff change the capacity (and waitlist size) of an activity from a day on; places freed on
/// days already booked go to the waitlist at once. Decisions taken before are not rewritten.
pub fn change_capacity(
    app: &App,
    activity: ActivityId,
    from: NaiveDate,
    capacity: u32,
    waitlist_size: u32,
) -> Result<u32, AppError> {
    app.execute("staff:capacity", move |command| {
        if queries::activity(command.conn(), activity, from)?.is_none() {
            return Err(AppError::Refused("Activité inconnue.".to_owned()));
        }
        command.emit(ActivityCapacityChanged {
            activity_id: activity,
            effective_from: from,
            capacity,
            waitlist_size,
        })?;
        promote_after_capacity_change(command, activity, from)
    })
}

/// After a capacity change, gives freed places to the waitlist of every day from `from` on, in
/// rank order, and tells the families.
pub fn promote_after_capacity_change(
    command: &mut Command<'_, '_>,
    activity: ActivityId,
    from: NaiveDate,
) -> Result<u32, AppError> {
    let days = bq::waitlisted_days(command.conn(), activity, from)?;
    let mut promoted = 0;
    for day in days {
        let Some(row) = queries::activity(command.conn(), activity, day)? else {
            continue;
        };
        let held = bq::slot_reservations(command.conn(), activity, day)?;
        let accepted = held
            .iter()
            .filter(|h| h.state == ReservationState::Accepted)
            .count();
        let waitlist: Vec<ReservationId> = held
            .iter()
            .filter(|h| h.state == ReservationState::Waitlisted)
            .map(|h| h.reservation_id)
            .collect();
        for (reservation, previous_rank) in rules::promotions(row.capacity, accepted, &waitlist) {
            let Some(place) = held.iter().find(|h| h.reservation_id == reservation) else {
                continue;
            };
            let position = command.emit(payloads::WaitlistPromoted {
                reservation_id: reservation,
                family_id: place.family_id,
                child_id: place.child_id,
                activity_id: activity,
                day,
                previous_rank,
                transmission_id: None,
            })?;
            crate::notify::promotion(command, position, place)?;
            promoted += 1;
        }
    }
    Ok(promoted)
}

/// A basket line in words: who, what, which day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LineLabel {
    pub child_id: ChildId,
    pub child: String,
    pub activity: String,
    pub day: NaiveDate,
    pub cancellation: bool,
}

/// Describes basket lines for the pages; a line naming something not the family's is `None`.
pub fn describe_lines(
    app: &App,
    family: FamilyId,
    lines: Vec<LineRequest>,
) -> Result<Vec<Option<LineLabel>>, AppError> {
    app.query(move |conn| {
        let mut cache = ActivityCache::default();
        let mut out = Vec::with_capacity(lines.len());
        for line in &lines {
            let (child, activity, day, cancellation) = match line {
                LineRequest::Book {
                    child_id,
                    activity_id,
                    day,
                } => (*child_id, *activity_id, *day, false),
                LineRequest::Cancel { reservation_id } => {
                    match bq::reservation_by_id(conn, *reservation_id)?
                        .filter(|r| r.family_id == family)
                    {
                        Some(row) => (row.child_id, row.activity_id, row.day, true),
                        None => {
                            out.push(None);
                            continue;
                        }
                    }
                }
            };
            let Some(profile) = registry::child(conn, child)?.filter(|c| c.family_id == family)
            else {
                out.push(None);
                continue;
            };
            let activity = cache
                .get(conn, activity, day)?
                .map(|a| a.label.clone())
                .unwrap_or_default();
            out.push(Some(LineLabel {
                child_id: child,
                child: profile.display_name(),
                activity,
                day,
                cancellation,
            }));
        }
        Ok(out)
    })
}

/// The answer recorded for a validated basket of the family.
pub fn receipt(
    app: &App,
    family: FamilyId,
    client_request_id: &str,
) -> Result<Option<BasketReceipt>, AppError> {
    let id = client_request_id.to_owned();
    app.query(move |conn| {
        let text: Option<String> = conn
            .prepare_cached(
                "SELECT receipt FROM basket_receipts WHERE family_id = ?1 AND client_request_id = ?2",
            )?
            .query_row(params![family.to_string(), id], |row| row.get(0))
            .optional()?;
        text.map(|t| serde_json::from_str(&t).map_err(|e| AppError::corrupt("basket_receipts", e)))
            .transpose()
    })
}

/// One line of « Suivi », ready to show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FollowUpLine {
    pub request_id: RequestId,
    pub reservation_id: Option<ReservationId>,
    pub child_id: ChildId,
    pub child: String,
    pub activity: String,
    pub day: NaiveDate,
    /// Pending, accepted, waitlisted, refused or cancelled.
    #[serde(serialize_with = "bq::serialize_state")]
    pub state: ReservationState,
    /// « Non transmis », « Acceptée », « Liste d'attente — rang 2 », « Refusée — complet »…
    pub state_text: String,
    /// What « Retirer » withdraws: the request while not transmitted, or the pending
    /// cancellation of its place (« annulation demandée (non transmise) »).
    pub withdrawable: Option<Withdrawable>,
    /// The place may be cancelled now (accepted or waitlisted, before the deadline, no
    /// cancellation pending).
    pub cancellable: bool,
}

/// The family's requests and what became of them, by day then child.
pub fn follow_up(app: &App, family: FamilyId) -> Result<Vec<FollowUpLine>, AppError> {
    let now = app.now();
    app.query(move |conn| {
        let mut cache = ActivityCache::default();
        let mut out = Vec::new();
        for row in bq::follow_up(conn, family)? {
            let state_text = match row.state {
                ReservationState::Pending => "Non transmis".to_owned(),
                ReservationState::Accepted => "Acceptée".to_owned(),
                ReservationState::Waitlisted => match row.rank {
                    Some(rank) => format!("Liste d'attente — rang {rank}"),
                    None => "Liste d'attente".to_owned(),
                },
                ReservationState::Refused => match row.reason {
                    Some(reason) => format!("Refusée — {}", refusal_text(reason)),
                    None => "Refusée".to_owned(),
                },
                ReservationState::Cancelled => "Annulée".to_owned(),
                other => crate::listing::state_code(other).to_owned(),
            };
            let cancellable = match row.state.held() {
                Some(state) if row.pending_cancellation.is_none() => {
                    activity_on_day(conn, row.activity_id, row.day)?.is_some_and(|on_day| {
                        rules::validate_cancellation(now, row.day, &on_day, state).is_ok()
                    })
                }
                _ => false,
            };
            let activity = cache
                .get(conn, row.activity_id, row.day)?
                .map(|a| a.label.clone())
                .unwrap_or_default();
            out.push(FollowUpLine {
                request_id: row.request_id,
                reservation_id: row.reservation_id,
                child_id: row.child_id,
                child: cache.child_name(conn, row.child_id)?,
                activity,
                day: row.day,
                withdrawable: Withdrawable::of_place(
                    (row.state == ReservationState::Pending).then_some(row.request_id),
                    row.pending_cancellation,
                ),
                cancellable,
                state: row.state,
                state_text,
            });
        }
        Ok(out)
    })
}
