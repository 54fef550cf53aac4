//! Checking a basket when the parent presses the second « Valider »: is the account allowed to
//! book, is each line valid, and what will probably happen to it at the transmission.
//!
//! A line refused here is never recorded; a valid booking line is recorded as pending with the
//! [`Forecast`] returned by [`validate_booking`].

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};

mod deadlines;

use crate::calendar::age_on;
use crate::ids::{ActivityId, ChildId, ReservationId};
use crate::money::Money;
use crate::values::{Deadline, Forecast, RefusalReason};
use crate::wording::{age_phrase, age_range_phrase, french_date_time};

pub use deadlines::{DeadlineRule, booking_too_late, cancellation_too_late};

// ---------------------------------------------------------------- account

/// What decides whether a family may book at all (REFERENCE A.5).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountStanding {
    /// What the family owes: −balance when the balance is negative, else 0 (see
    /// [`AccountStanding::owed_from_balance`]).
    pub owed: Money,
    /// Booking is blocked when the family owes at least this amount (30 € in the seed).
    pub threshold: Money,
    /// Whether staff marked the file (dossier) complete; `missing_items` is only worded.
    pub dossier_complete: bool,
    /// What is missing, in the words shown to the parent ("Fiche sanitaire", …).
    pub missing_items: Vec<String>,
}

impl AccountStanding {
    /// The debt of a balance: its opposite when negative, 0 otherwise.
    pub fn owed_from_balance(balance: Money) -> Money {
        match balance.standing() {
            crate::money::Standing::Owes(owed) => owed,
            crate::money::Standing::InCredit(_) | crate::money::Standing::Settled => Money::ZERO,
        }
    }
}

/// Why a family cannot book: debt at or above the threshold, incomplete file, or both.
///
/// Serializable: a basket's receipt keeps it (as data, not words) for a refused line.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "block", rename_all = "snake_case")]
pub enum Blocked {
    Debt {
        owed: Money,
        threshold: Money,
    },
    DossierIncomplete {
        missing_items: Vec<String>,
    },
    Both {
        owed: Money,
        threshold: Money,
        missing_items: Vec<String>,
    },
}

fn debt_message(owed: Money, threshold: Money) -> String {
    format!(
        "Votre compte famille est débiteur de {owed} € : la réservation est bloquée à partir de \
         {threshold} €. Merci de régulariser votre solde (Solde et Paiement)."
    )
}

/// The seed's rule as shown to every parent who cannot book, with the organisation's threshold
/// (« débiteur de 30 € ou plus » in the seed; each organisation sets its own).
pub fn booking_conditions(threshold: Money) -> String {
    format!(
        "Vous ne pouvez pas accéder à la réservation si votre compte famille est débiteur de \
         {threshold} € ou plus et/ou si votre dossier n'est pas complet."
    )
}

fn dossier_message(missing_items: &[String]) -> String {
    if missing_items.is_empty() {
        "Votre dossier n'est pas complet. Merci de contacter la structure.".to_owned()
    } else {
        format!(
            "Votre dossier n'est pas complet : il manque {}. Merci de contacter la structure.",
            missing_items.join(", ")
        )
    }
}

impl Blocked {
    /// The French message shown instead of the booking calendar.
    pub fn message(&self) -> String {
        match self {
            Blocked::Debt { owed, threshold } => debt_message(*owed, *threshold),
            Blocked::DossierIncomplete { missing_items } => dossier_message(missing_items),
            Blocked::Both {
                owed,
                threshold,
                missing_items,
            } => format!(
                "{} {}",
                debt_message(*owed, *threshold),
                dossier_message(missing_items)
            ),
        }
    }
}

impl fmt::Display for Blocked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for Blocked {}

/// Whether the family is blocked from booking (REFERENCE A.5, seed: « débiteur de 30 € ou
/// plus et/ou si votre dossier n'est pas complet », the amount being the organisation's
/// threshold, see [`booking_conditions`]).
///
/// - Debt blocks when the family owes something and `owed >= threshold` (owing exactly the
///   threshold blocks). A family that owes nothing is never blocked for debt, even with a
///   threshold of 0.
/// - The file blocks when `dossier_complete` is false, whatever `missing_items` says.
pub fn account_block(standing: &AccountStanding) -> Option<Blocked> {
    let in_debt = standing.owed.is_positive() && standing.owed >= standing.threshold;
    match (in_debt, standing.dossier_complete) {
        (false, true) => None,
        (true, true) => Some(Blocked::Debt {
            owed: standing.owed,
            threshold: standing.threshold,
        }),
        (false, false) => Some(Blocked::DossierIncomplete {
            missing_items: standing.missing_items.clone(),
        }),
        (true, false) => Some(Blocked::Both {
            owed: standing.owed,
            threshold: standing.threshold,
            missing_items: standing.missing_items.clone(),
        }),
    }
}

// ---------------------------------------------------------------- lines

/// The child a booking line is for. `first_name` is only used in messages (it may be empty:
/// the message then says « L'enfant »).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChildFacts {
    pub child_id: ChildId,
    pub first_name: String,
    pub birth_date: NaiveDate,
}

/// One activity on one day, as the application loads it inside the writer transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActivityOnDay {
    pub activity_id: ActivityId,
    /// « CDC - ALSH 6-12 Journée »: named in the incompatibility message of other lines.
    pub label: String,
    /// Inclusive age range, in whole years on the booked day.
    pub age_min: u8,
    pub age_max: u8,
    /// Activities that cannot be booked for the same child on the same day (checked in both
    /// directions: either activity listing the other is enough).
    pub incompatible_with: Vec<ActivityId>,
    pub booking_deadline: Deadline,
    pub cancellation_deadline: Deadline,
    /// The opening calendar opens this day.
    pub open: bool,
    /// The booking window covering the day, `(opens_at, closes_at)` both inclusive; `None` when
    /// no window covers it.
    pub booking_window: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// Capacity and waitlist size in force on the day.
    pub capacity: u32,
    pub waitlist_size: u32,
    /// Reservations accepted and waitlisted on the day.
    pub accepted: u32,
    pub waitlisted: u32,
    /// Booking requests already recorded as pending for this activity and day.
    pub pending_before: u32,
}

/// Where an engagement of the child stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EngagementState {
    /// A booking request not transmitted yet (Non transmis).
    Pending,
    /// An accepted reservation.
    Accepted,
    /// A reservation on the waitlist.
    Waitlisted,
}

/// Something the child already has or asked for on the day being booked.
///
/// Leave out the reservations a pending cancellation (of an earlier basket or of this one)
/// will end: the transmission applies cancellations before new requests, so a parent may cancel
/// « Journée » and book « Matin » for the same day in one basket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Engagement {
    pub activity_id: ActivityId,
    /// Label of the activity, for the incompatibility message.
    pub label: String,
    /// The activity's own incompatibility list (the check goes both ways).
    pub incompatible_with: Vec<ActivityId>,
    /// `None` for a pending request.
    pub reservation_id: Option<ReservationId>,
    pub state: EngagementState,
}

/// A booking line accepted earlier in the same basket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BasketLine {
    pub child_id: ChildId,
    pub activity_id: ActivityId,
    pub day: NaiveDate,
    pub label: String,
    pub incompatible_with: Vec<ActivityId>,
}

impl BasketLine {
    /// The line for `child` on `activity` and `day`, once [`validate_booking`] accepted it.
    pub fn new(child_id: ChildId, day: NaiveDate, activity: &ActivityOnDay) -> Self {
        BasketLine {
            child_id,
            activity_id: activity.activity_id,
            day,
            label: activity.label.clone(),
            incompatible_with: activity.incompatible_with.clone(),
        }
    }
}

/// Why a basket line is refused at submission (it is then not recorded).
///
/// Serializable: a basket's receipt keeps it under its [`code`](LineRefusal::code), with its
/// data, never its words.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum LineRefusal {
    /// The opening calendar does not open the day.
    DayClosed,
    /// No booking window covers the day (`None`), or it opens later.
    WindowNotOpen { opens_at: Option<DateTime<Utc>> },
    /// The booking window covering the day has closed.
    WindowClosed { closed_at: DateTime<Utc> },
    /// The booking deadline of the day has passed.
    BookingTooLate { limit: DateTime<Utc> },
    /// The child's age on the day is outside the activity's range.
    #[serde(rename = "age_out_of_range")]
    NotEligible {
        first_name: String,
        age: u32,
        age_min: u8,
        age_max: u8,
    },
    /// The child already has this activity on this day (pending, accepted or waitlisted), or
    /// the basket already has the line.
    AlreadyRequested,
    /// The child has (or the basket has) an incompatible activity that day.
    Incompatible { with_label: String },
    /// Only accepted or waitlisted reservations can be cancelled; a pending request is withdrawn.
    NotYetTransmitted,
    /// The cancellation limit of the day has passed.
    CancellationTooLate { limit: DateTime<Utc> },
    /// Neither a booking nor a cancellation.
    EmptyBasket,
}

impl LineRefusal {
    /// A stable code for the refusal (logs, and the rules an exception set aside in an event's
    /// metadata); never shown to people.
    pub fn code(&self) -> &'static str {
        match self {
            LineRefusal::DayClosed => "day_closed",
            LineRefusal::WindowNotOpen { .. } => "window_not_open",
            LineRefusal::WindowClosed { .. } => "window_closed",
            LineRefusal::BookingTooLate { .. } => "booking_too_late",
            LineRefusal::NotEligible { .. } => "age_out_of_range",
            LineRefusal::AlreadyRequested => "already_requested",
            LineRefusal::Incompatible { .. } => "incompatible",
            LineRefusal::NotYetTransmitted => "not_yet_transmitted",
            LineRefusal::CancellationTooLate { .. } => "cancellation_too_late",
            LineRefusal::EmptyBasket => "empty_basket",
        }
    }

    /// The French message shown next to the line.
    pub fn message(&self) -> String {
        match self {
            LineRefusal::DayClosed => "Ce jour n'est pas ouvert à la réservation.".to_owned(),
            LineRefusal::WindowNotOpen { opens_at: None } => {
                "Les réservations ne sont pas ouvertes pour ce jour.".to_owned()
            }
            LineRefusal::WindowNotOpen {
                opens_at: Some(opens_at),
            } => format!(
                "Les réservations ne sont pas encore ouvertes pour ce jour (ouverture : le {}).",
                french_date_time(*opens_at)
            ),
            LineRefusal::WindowClosed { closed_at } => format!(
                "Les réservations sont closes pour ce jour (depuis le {}).",
                french_date_time(*closed_at)
            ),
            LineRefusal::BookingTooLate { limit } => format!(
                "Vous n'êtes plus dans les temps pour réserver ce jour (limite : le {}).",
                french_date_time(*limit)
            ),
            LineRefusal::NotEligible {
                first_name,
                age,
                age_min,
                age_max,
            } => {
                let who = if first_name.trim().is_empty() {
                    "L'enfant"
                } else {
                    first_name.trim()
                };
                format!(
                    "{who} a {} ce jour-là : l'activité est réservée {}.",
                    age_phrase(*age),
                    age_range_phrase(*age_min, *age_max)
                )
            }
            LineRefusal::AlreadyRequested => "Déjà demandé pour ce jour.".to_owned(),
            LineRefusal::Incompatible { with_label } => {
                format!("Incompatible avec « {with_label} » le même jour.")
            }
            LineRefusal::NotYetTransmitted => "Cette demande n'a pas encore été transmise : \
                 retirez-la plutôt que de l'annuler."
                .to_owned(),
            LineRefusal::CancellationTooLate { limit } => format!(
                "Vous n'êtes plus dans les temps pour annuler ce jour (limite : le {}).",
                french_date_time(*limit)
            ),
            LineRefusal::EmptyBasket => {
                "Votre panier est vide : ajoutez au moins un jour ou une annulation.".to_owned()
            }
        }
    }
}

impl fmt::Display for LineRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for LineRefusal {}

/// Whether two activities cannot be held by one child on one day: the same activity, or either
/// listing the other as incompatible.
fn clash(
    a: ActivityId,
    a_incompatible: &[ActivityId],
    b: ActivityId,
    b_incompatible: &[ActivityId],
) -> bool {
    a == b || a_incompatible.contains(&b) || b_incompatible.contains(&a)
}

/// The opening calendar opens `activity` that day ([`LineRefusal::DayClosed`] otherwise).
///
/// Rule 1 of [`validate_booking`]; staff recording a consumption without reservation are held
/// to it too (app `money::record_consumption`).
pub fn day_open(activity: &ActivityOnDay) -> Result<(), LineRefusal> {
    if activity.open {
        Ok(())
    } else {
        Err(LineRefusal::DayClosed)
    }
}

/// The child's age on `day`, in whole years, is within the activity's inclusive range
/// ([`LineRefusal::NotEligible`] otherwise).
///
/// Rule 4 of [`validate_booking`]; also applied to a staff consumption, like [`day_open`].
pub fn age_eligible(
    child: &ChildFacts,
    activity: &ActivityOnDay,
    day: NaiveDate,
) -> Result<(), LineRefusal> {
    let age = age_on(child.birth_date, day);
    if age < u32::from(activity.age_min) || age > u32::from(activity.age_max) {
        return Err(LineRefusal::NotEligible {
            first_name: child.first_name.clone(),
            age,
            age_min: activity.age_min,
            age_max: activity.age_max,
        });
    }
    Ok(())
}

/// Checks one booking line of a basket at `now` and, when it is valid, forecasts its fate.
///
/// `engagements` are the child's engagements on `day` (see [`Engagement`]); `other_lines` the
/// booking lines of the same basket accepted before this one (any child, any day: only those of
/// this child on this day count).
///
/// Checks, in this order, the first failing one giving the refusal:
/// 1. the day is open ([`LineRefusal::DayClosed`]);
/// 2. a booking window covers `now`, bounds included ([`LineRefusal::WindowNotOpen`],
///    [`LineRefusal::WindowClosed`]);
/// 3. `now` is at or before the booking deadline ([`LineRefusal::BookingTooLate`]), unless
///    `deadline` lets the line in ([`DeadlineRule::lets_in`]: set aside, the day not over);
/// 4. the child's age on `day` is within `[age_min, age_max]` ([`LineRefusal::NotEligible`]);
/// 5. no engagement or earlier line on the same activity ([`LineRefusal::AlreadyRequested`]);
/// 6. no engagement or earlier line on an incompatible activity, either direction
///    ([`LineRefusal::Incompatible`], naming the first one found, engagements first).
///
/// A full activity is not a refusal: the line is recorded with [`Forecast::Refused`] and the
/// transmission decides.
pub fn validate_booking(
    now: DateTime<Utc>,
    day: NaiveDate,
    child: &ChildFacts,
    activity: &ActivityOnDay,
    engagements: &[Engagement],
    other_lines: &[BasketLine],
    deadline: DeadlineRule,
) -> Result<Forecast, LineRefusal> {
    day_open(activity)?;
    match activity.booking_window {
        None => return Err(LineRefusal::WindowNotOpen { opens_at: None }),
        Some((opens_at, _)) if now < opens_at => {
            return Err(LineRefusal::WindowNotOpen {
                opens_at: Some(opens_at),
            });
        }
        Some((_, closes_at)) if now > closes_at => {
            return Err(LineRefusal::WindowClosed {
                closed_at: closes_at,
            });
        }
        Some(_) => {}
    }
    if let Some(too_late) = booking_too_late(now, day, activity)
        && !deadline.lets_in(now, day)
    {
        return Err(too_late);
    }
    age_eligible(child, activity, day)?;
    let same_line = |line: &&BasketLine| line.child_id == child.child_id && line.day == day;
    let duplicate = engagements
        .iter()
        .any(|engagement| engagement.activity_id == activity.activity_id)
        || other_lines
            .iter()
            .filter(same_line)
            .any(|line| line.activity_id == activity.activity_id);
    if duplicate {
        return Err(LineRefusal::AlreadyRequested);
    }
    let clashes = |other: ActivityId, other_incompatible: &[ActivityId]| {
        clash(
            activity.activity_id,
            &activity.incompatible_with,
            other,
            other_incompatible,
        )
    };
    let incompatible = engagements
        .iter()
        .find(|engagement| clashes(engagement.activity_id, &engagement.incompatible_with))
        .map(|engagement| engagement.label.clone())
        .or_else(|| {
            other_lines
                .iter()
                .filter(same_line)
                .find(|line| clashes(line.activity_id, &line.incompatible_with))
                .map(|line| line.label.clone())
        });
    if let Some(with_label) = incompatible {
        return Err(LineRefusal::Incompatible { with_label });
    }
    Ok(forecast(
        activity.capacity,
        activity.waitlist_size,
        activity.accepted,
        activity.waitlisted,
        activity.pending_before,
    ))
}

/// What the transmission will do with one more booking request on an activity and day, if
/// nothing else changes before it runs (no cancellation, no withdrawal, no pending request
/// ahead refused as incompatible).
///
/// It replays the transmission's rules on counts: the waitlist is first promoted into the free
/// places (`capacity − accepted`), then each of the `pending_before` requests ahead takes a free
/// place, else a waitlist slot while the waitlist has room; this request then gets
/// - [`Forecast::PlaceAvailable`] if a place is still free (when nobody waits, exactly when
///   `accepted + pending_before < capacity`);
/// - [`Forecast::Waitlisted`] if the waitlist still has room, with the rank it would get
///   (`waitlisted + (accepted + pending_before − capacity) + 1` when nobody waits in front of a
///   free place and the waitlist does not overflow);
/// - [`Forecast::Refused`] otherwise: [`RefusalReason::Full`] when the activity has no
///   waitlist, [`RefusalReason::WaitlistFull`] when it has one.
///
/// Capacities lowered below `accepted` and waitlists longer than `waitlist_size` are handled
/// (no place, no room).
pub fn forecast(
    capacity: u32,
    waitlist_size: u32,
    accepted: u32,
    waitlisted: u32,
    pending_before: u32,
) -> Forecast {
    let free = capacity.saturating_sub(accepted);
    let promoted = free.min(waitlisted);
    let free = free - promoted;
    let waiting = waitlisted - promoted;
    let placed_ahead = free.min(pending_before);
    let free = free - placed_ahead;
    let overflow_ahead = pending_before - placed_ahead;
    let waiting = waiting.saturating_add(overflow_ahead.min(waitlist_size.saturating_sub(waiting)));
    if free > 0 {
        Forecast::PlaceAvailable
    } else if waiting < waitlist_size {
        Forecast::Waitlisted {
            expected_rank: waiting + 1,
        }
    } else if waitlist_size == 0 {
        Forecast::Refused {
            reason: RefusalReason::Full,
        }
    } else {
        Forecast::Refused {
            reason: RefusalReason::WaitlistFull,
        }
    }
}

/// Checks a cancellation line at `now` for a reservation of the child on `activity` and `day`.
///
/// - A pending request cannot be cancelled: it is withdrawn ([`LineRefusal::NotYetTransmitted`]).
/// - Otherwise the place must be cancelled in time ([`cancellation_too_late`]), unless
///   `deadline` lets the line in ([`DeadlineRule::lets_in`]: set aside, the day not over).
pub fn validate_cancellation(
    now: DateTime<Utc>,
    day: NaiveDate,
    activity: &ActivityOnDay,
    state: EngagementState,
    deadline: DeadlineRule,
) -> Result<(), LineRefusal> {
    if state == EngagementState::Pending {
        return Err(LineRefusal::NotYetTransmitted);
    }
    match cancellation_too_late(now, day, activity, state) {
        Some(too_late) if !deadline.lets_in(now, day) => Err(too_late),
        _ => Ok(()),
    }
}

/// Refuses a basket with no line at all (REFERENCE A.1: an empty change is refused).
pub fn validate_basket_size(bookings: usize, cancellations: usize) -> Result<(), LineRefusal> {
    if bookings == 0 && cancellations == 0 {
        Err(LineRefusal::EmptyBasket)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests;
