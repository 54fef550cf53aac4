//! Checking a basket when the parent presses the second « Valider »: is the account allowed to
//! book, is each line valid, and what will probably happen to it at the transmission.
//!
//! A line refused here is never recorded; a valid booking line is recorded as pending with the
//! [`Forecast`] returned by [`validate_booking`].

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};

use crate::calendar::age_on;
use crate::deadline::{deadline_instant, is_before_deadline, paris_midnight};
use crate::ids::{ActivityId, ChildId, ReservationId};
use crate::money::Money;
use crate::values::{Deadline, Forecast, RefusalReason};
use crate::wording::{age_phrase, age_range_phrase, french_date_time};

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
#[derive(Clone, Debug, PartialEq, Eq)]
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
#[derive(Clone, Debug, PartialEq, Eq)]
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
/// 3. `now` is at or before the booking deadline ([`LineRefusal::BookingTooLate`]);
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
    if !is_before_deadline(&activity.booking_deadline, day, now) {
        return Err(LineRefusal::BookingTooLate {
            limit: deadline_instant(&activity.booking_deadline, day),
        });
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
/// - An accepted reservation can be cancelled until the activity's cancellation deadline,
///   inclusive.
/// - A waitlisted reservation holds no place, and the seed asks parents to free such places
///   « le plus tôt possible »: it can be cancelled until the later of the cancellation deadline
///   and the start of the day (Paris midnight), inclusive.
///
/// Too late: [`LineRefusal::CancellationTooLate`] with the limit that applied.
pub fn validate_cancellation(
    now: DateTime<Utc>,
    day: NaiveDate,
    activity: &ActivityOnDay,
    state: EngagementState,
) -> Result<(), LineRefusal> {
    let deadline = deadline_instant(&activity.cancellation_deadline, day);
    let limit = match state {
        EngagementState::Pending => return Err(LineRefusal::NotYetTransmitted),
        EngagementState::Accepted => deadline,
        EngagementState::Waitlisted => deadline.max(paris_midnight(day)),
    };
    if now <= limit {
        Ok(())
    } else {
        Err(LineRefusal::CancellationTooLate { limit })
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
mod tests {
    use chrono::{Duration, NaiveTime};
    use uuid::Uuid;

    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test dates are valid")
    }

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("test instants are valid")
            .with_timezone(&Utc)
    }

    fn euros(text: &str) -> Money {
        Money::from_stored(text).expect("test amounts are valid")
    }

    fn activity_id(n: u128) -> ActivityId {
        ActivityId::from_uuid(Uuid::from_u128(n))
    }

    fn child_id(n: u128) -> ChildId {
        ChildId::from_uuid(Uuid::from_u128(0xC000 + n))
    }

    fn j_minus(days_before: u16, at: &str) -> Deadline {
        Deadline {
            days_before,
            at: NaiveTime::parse_from_str(at, "%H:%M").expect("test times are valid"),
        }
    }

    const MATIN: u128 = 1;
    const JOURNEE: u128 = 2;
    const REPAS: u128 = 3;

    /// Wednesday 4 March 2026; booking J-2 at 18:00 (Monday 2 March 18:00 Paris, 17:00 UTC).
    fn wednesday() -> NaiveDate {
        date("2026-03-04")
    }

    fn monday_noon() -> DateTime<Utc> {
        utc("2026-03-02T12:00:00+01:00")
    }

    /// « CDC - ALSH 6-12 Matin », open, window open, 10 places, 2 waitlist places, empty.
    fn matin() -> ActivityOnDay {
        ActivityOnDay {
            activity_id: activity_id(MATIN),
            label: "CDC - ALSH 6-12 Matin".to_owned(),
            age_min: 6,
            age_max: 12,
            incompatible_with: vec![activity_id(JOURNEE)],
            booking_deadline: j_minus(2, "18:00"),
            cancellation_deadline: j_minus(2, "18:00"),
            open: true,
            booking_window: Some((
                utc("2026-02-01T08:00:00+01:00"),
                utc("2026-03-31T23:59:00+02:00"),
            )),
            capacity: 10,
            waitlist_size: 2,
            accepted: 0,
            waitlisted: 0,
            pending_before: 0,
        }
    }

    fn lilou() -> ChildFacts {
        ChildFacts {
            child_id: child_id(1),
            first_name: "Lilou".to_owned(),
            birth_date: date("2017-05-20"),
        }
    }

    fn journee_engagement(state: EngagementState) -> Engagement {
        Engagement {
            activity_id: activity_id(JOURNEE),
            label: "CDC - ALSH 6-12 Journée".to_owned(),
            // One-sided on purpose: Journée does not list Matin, Matin lists Journée.
            incompatible_with: vec![],
            reservation_id: None,
            state,
        }
    }

    fn refusal(result: Result<Forecast, LineRefusal>) -> LineRefusal {
        result.expect_err("the line should be refused")
    }

    // ------------------------------------------------------------ account

    #[test]
    fn given_a_debt_above_the_threshold_when_checking_the_account_then_booking_is_blocked_with_the_amounts()
     {
        let standing = AccountStanding {
            owed: AccountStanding::owed_from_balance(euros("-46.05")),
            threshold: euros("30"),
            dossier_complete: true,
            missing_items: vec![],
        };
        let blocked = account_block(&standing).expect("blocked");
        assert_eq!(
            blocked,
            Blocked::Debt {
                owed: euros("46.05"),
                threshold: euros("30")
            }
        );
        assert_eq!(
            blocked.message(),
            "Votre compte famille est débiteur de 46.05 € : la réservation est bloquée à partir \
             de 30.00 €. Merci de régulariser votre solde (Solde et Paiement)."
        );
    }

    #[test]
    fn given_a_debt_exactly_at_the_threshold_when_checking_the_account_then_booking_is_blocked() {
        let standing = AccountStanding {
            owed: euros("30.00"),
            threshold: euros("30.00"),
            dossier_complete: true,
            missing_items: vec![],
        };
        assert!(matches!(
            account_block(&standing),
            Some(Blocked::Debt { .. })
        ));
        let just_below = AccountStanding {
            owed: euros("29.99"),
            ..standing
        };
        assert_eq!(account_block(&just_below), None);
    }

    #[test]
    fn given_a_positive_balance_and_a_zero_threshold_when_checking_the_account_then_booking_is_allowed()
     {
        let standing = AccountStanding {
            owed: AccountStanding::owed_from_balance(euros("12.00")),
            threshold: Money::ZERO,
            dossier_complete: true,
            missing_items: vec![],
        };
        assert_eq!(standing.owed, Money::ZERO);
        assert_eq!(account_block(&standing), None);
    }

    #[test]
    fn given_an_incomplete_dossier_when_checking_the_account_then_the_missing_items_are_listed() {
        let standing = AccountStanding {
            owed: Money::ZERO,
            threshold: euros("30"),
            dossier_complete: false,
            missing_items: vec![
                "Fiche sanitaire".to_owned(),
                "Attestation d'assurance".to_owned(),
            ],
        };
        let blocked = account_block(&standing).expect("blocked");
        assert_eq!(
            blocked.message(),
            "Votre dossier n'est pas complet : il manque Fiche sanitaire, Attestation \
             d'assurance. Merci de contacter la structure."
        );
        let nothing_listed = AccountStanding {
            missing_items: vec![],
            ..standing
        };
        assert_eq!(
            account_block(&nothing_listed).expect("blocked").to_string(),
            "Votre dossier n'est pas complet. Merci de contacter la structure."
        );
    }

    #[test]
    fn given_debt_and_an_incomplete_dossier_when_checking_the_account_then_both_reasons_are_given()
    {
        let standing = AccountStanding {
            owed: euros("46.05"),
            threshold: euros("30"),
            dossier_complete: false,
            missing_items: vec!["Fiche sanitaire".to_owned()],
        };
        let blocked = account_block(&standing).expect("blocked");
        assert!(matches!(blocked, Blocked::Both { .. }));
        assert_eq!(
            blocked.message(),
            "Votre compte famille est débiteur de 46.05 € : la réservation est bloquée à partir \
             de 30.00 €. Merci de régulariser votre solde (Solde et Paiement). Votre dossier \
             n'est pas complet : il manque Fiche sanitaire. Merci de contacter la structure."
        );
    }

    // ------------------------------------------------------------ booking lines

    #[test]
    fn given_a_valid_line_when_validating_then_a_place_is_forecast() {
        let result = validate_booking(monday_noon(), wednesday(), &lilou(), &matin(), &[], &[]);
        assert_eq!(result, Ok(Forecast::PlaceAvailable));
    }

    #[test]
    fn given_a_closed_day_when_validating_then_it_is_refused_as_not_open() {
        let activity = ActivityOnDay {
            open: false,
            booking_window: None,
            ..matin()
        };
        let refused = refusal(validate_booking(
            monday_noon(),
            wednesday(),
            &lilou(),
            &activity,
            &[],
            &[],
        ));
        assert_eq!(refused, LineRefusal::DayClosed);
        assert_eq!(
            refused.message(),
            "Ce jour n'est pas ouvert à la réservation."
        );
    }

    #[test]
    fn given_no_booking_window_when_validating_then_reservations_are_not_open() {
        let activity = ActivityOnDay {
            booking_window: None,
            ..matin()
        };
        let refused = refusal(validate_booking(
            monday_noon(),
            wednesday(),
            &lilou(),
            &activity,
            &[],
            &[],
        ));
        assert_eq!(refused, LineRefusal::WindowNotOpen { opens_at: None });
        assert_eq!(
            refused.message(),
            "Les réservations ne sont pas ouvertes pour ce jour."
        );
    }

    #[test]
    fn given_a_window_opening_later_when_validating_then_the_opening_is_announced() {
        let opens_at = utc("2026-03-02T14:00:00+01:00");
        let activity = ActivityOnDay {
            booking_window: Some((opens_at, utc("2026-03-20T18:00:00+01:00"))),
            ..matin()
        };
        let refused = refusal(validate_booking(
            monday_noon(),
            wednesday(),
            &lilou(),
            &activity,
            &[],
            &[],
        ));
        assert_eq!(
            refused.message(),
            "Les réservations ne sont pas encore ouvertes pour ce jour (ouverture : le lundi 2 \
             mars à 14:00)."
        );
        // At the opening instant itself the window is open
        assert!(validate_booking(opens_at, wednesday(), &lilou(), &activity, &[], &[]).is_ok());
    }

    #[test]
    fn given_a_closed_window_when_validating_then_reservations_are_closed() {
        let closes_at = utc("2026-03-01T20:00:00+01:00");
        let activity = ActivityOnDay {
            booking_window: Some((utc("2026-02-01T08:00:00+01:00"), closes_at)),
            ..matin()
        };
        let refused = refusal(validate_booking(
            monday_noon(),
            wednesday(),
            &lilou(),
            &activity,
            &[],
            &[],
        ));
        assert_eq!(
            refused,
            LineRefusal::WindowClosed {
                closed_at: closes_at
            }
        );
        assert_eq!(
            refused.message(),
            "Les réservations sont closes pour ce jour (depuis le dimanche 1er mars à 20:00)."
        );
        // At the closing instant itself the window is still open
        assert!(validate_booking(closes_at, wednesday(), &lilou(), &activity, &[], &[]).is_ok());
    }

    #[test]
    fn given_the_booking_deadline_passed_when_validating_then_the_local_limit_is_given_in_french() {
        let late = utc("2026-03-02T18:00:01+01:00");
        let refused = refusal(validate_booking(
            late,
            wednesday(),
            &lilou(),
            &matin(),
            &[],
            &[],
        ));
        assert_eq!(
            refused,
            LineRefusal::BookingTooLate {
                limit: utc("2026-03-02T17:00:00Z")
            }
        );
        assert_eq!(
            refused.message(),
            "Vous n'êtes plus dans les temps pour réserver ce jour (limite : le lundi 2 mars à \
             18:00)."
        );
    }

    #[test]
    fn given_exactly_the_booking_deadline_when_validating_then_it_is_still_in_time() {
        let at_the_limit = utc("2026-03-02T18:00:00+01:00");
        let result = validate_booking(at_the_limit, wednesday(), &lilou(), &matin(), &[], &[]);
        assert_eq!(result, Ok(Forecast::PlaceAvailable));
    }

    #[test]
    fn given_a_child_who_turned_13_the_day_before_when_validating_a_6_12_activity_then_she_is_not_eligible()
     {
        let child = ChildFacts {
            birth_date: date("2013-03-03"),
            ..lilou()
        };
        let refused = refusal(validate_booking(
            monday_noon(),
            wednesday(),
            &child,
            &matin(),
            &[],
            &[],
        ));
        assert_eq!(
            refused,
            LineRefusal::NotEligible {
                first_name: "Lilou".to_owned(),
                age: 13,
                age_min: 6,
                age_max: 12
            }
        );
        assert_eq!(
            refused.message(),
            "Lilou a 13 ans ce jour-là : l'activité est réservée aux 6-12 ans."
        );
    }

    #[test]
    fn given_a_child_turning_13_the_day_after_when_validating_a_6_12_activity_then_she_is_still_eligible()
     {
        let child = ChildFacts {
            birth_date: date("2013-03-05"),
            ..lilou()
        };
        let result = validate_booking(monday_noon(), wednesday(), &child, &matin(), &[], &[]);
        assert_eq!(result, Ok(Forecast::PlaceAvailable));
        // And on her birthday she is 13: refused
        let birthday = ChildFacts {
            birth_date: date("2013-03-04"),
            ..lilou()
        };
        assert!(matches!(
            validate_booking(monday_noon(), wednesday(), &birthday, &matin(), &[], &[]),
            Err(LineRefusal::NotEligible { age: 13, .. })
        ));
    }

    #[test]
    fn given_a_child_too_young_without_a_first_name_when_validating_then_the_message_says_the_child()
     {
        let child = ChildFacts {
            first_name: String::new(),
            birth_date: date("2021-01-10"),
            ..lilou()
        };
        let refused = refusal(validate_booking(
            monday_noon(),
            wednesday(),
            &child,
            &matin(),
            &[],
            &[],
        ));
        assert_eq!(
            refused.message(),
            "L'enfant a 5 ans ce jour-là : l'activité est réservée aux 6-12 ans."
        );
    }

    #[test]
    fn given_the_same_activity_already_pending_accepted_or_waitlisted_when_validating_then_it_is_already_requested()
     {
        for state in [
            EngagementState::Pending,
            EngagementState::Accepted,
            EngagementState::Waitlisted,
        ] {
            let engagement = Engagement {
                activity_id: activity_id(MATIN),
                label: "CDC - ALSH 6-12 Matin".to_owned(),
                incompatible_with: vec![activity_id(JOURNEE)],
                reservation_id: None,
                state,
            };
            let refused = refusal(validate_booking(
                monday_noon(),
                wednesday(),
                &lilou(),
                &matin(),
                &[engagement],
                &[],
            ));
            assert_eq!(refused, LineRefusal::AlreadyRequested, "{state:?}");
            assert_eq!(refused.message(), "Déjà demandé pour ce jour.");
        }
    }

    #[test]
    fn given_the_same_line_earlier_in_the_basket_when_validating_then_it_is_already_requested() {
        let earlier = BasketLine::new(child_id(1), wednesday(), &matin());
        let refused = refusal(validate_booking(
            monday_noon(),
            wednesday(),
            &lilou(),
            &matin(),
            &[],
            &[earlier],
        ));
        assert_eq!(refused, LineRefusal::AlreadyRequested);
    }

    #[test]
    fn given_the_same_activity_for_a_sibling_or_another_day_in_the_basket_when_validating_then_it_is_fine()
     {
        let sibling = BasketLine::new(child_id(2), wednesday(), &matin());
        let next_week = BasketLine::new(child_id(1), date("2026-03-11"), &matin());
        let result = validate_booking(
            monday_noon(),
            wednesday(),
            &lilou(),
            &matin(),
            &[],
            &[sibling, next_week],
        );
        assert_eq!(result, Ok(Forecast::PlaceAvailable));
    }

    #[test]
    fn given_an_incompatible_engagement_when_validating_then_it_is_refused_naming_it() {
        let refused = refusal(validate_booking(
            monday_noon(),
            wednesday(),
            &lilou(),
            &matin(),
            &[journee_engagement(EngagementState::Accepted)],
            &[],
        ));
        assert_eq!(
            refused,
            LineRefusal::Incompatible {
                with_label: "CDC - ALSH 6-12 Journée".to_owned()
            }
        );
        assert_eq!(
            refused.message(),
            "Incompatible avec « CDC - ALSH 6-12 Journée » le même jour."
        );
    }

    #[test]
    fn given_an_engagement_listing_this_activity_as_incompatible_when_validating_then_it_is_refused_too()
     {
        // Matin does not list Repas here, Repas lists Matin: the reverse direction counts.
        let activity = ActivityOnDay {
            incompatible_with: vec![],
            ..matin()
        };
        let repas = Engagement {
            activity_id: activity_id(REPAS),
            label: "Repas".to_owned(),
            incompatible_with: vec![activity_id(MATIN)],
            reservation_id: None,
            state: EngagementState::Pending,
        };
        assert_eq!(
            refusal(validate_booking(
                monday_noon(),
                wednesday(),
                &lilou(),
                &activity,
                &[repas],
                &[],
            )),
            LineRefusal::Incompatible {
                with_label: "Repas".to_owned()
            }
        );
    }

    #[test]
    fn given_an_incompatible_line_earlier_in_the_basket_when_validating_then_it_is_refused() {
        let journee = ActivityOnDay {
            activity_id: activity_id(JOURNEE),
            label: "CDC - ALSH 6-12 Journée".to_owned(),
            incompatible_with: vec![],
            ..matin()
        };
        let earlier = BasketLine::new(child_id(1), wednesday(), &journee);
        assert_eq!(
            refusal(validate_booking(
                monday_noon(),
                wednesday(),
                &lilou(),
                &matin(),
                &[],
                &[earlier],
            )),
            LineRefusal::Incompatible {
                with_label: "CDC - ALSH 6-12 Journée".to_owned()
            }
        );
    }

    #[test]
    fn given_several_problems_when_validating_then_the_first_check_in_order_wins() {
        // Closed day beats everything, the deadline beats eligibility, eligibility beats duplicates
        let everything_wrong = ActivityOnDay {
            open: false,
            booking_window: None,
            ..matin()
        };
        let late = utc("2026-03-03T10:00:00+01:00");
        let too_old = ChildFacts {
            birth_date: date("2010-01-01"),
            ..lilou()
        };
        let engagements = [journee_engagement(EngagementState::Accepted)];
        assert_eq!(
            refusal(validate_booking(
                late,
                wednesday(),
                &too_old,
                &everything_wrong,
                &engagements,
                &[]
            )),
            LineRefusal::DayClosed
        );
        assert!(matches!(
            refusal(validate_booking(
                late,
                wednesday(),
                &too_old,
                &matin(),
                &engagements,
                &[]
            )),
            LineRefusal::BookingTooLate { .. }
        ));
        assert!(matches!(
            refusal(validate_booking(
                monday_noon(),
                wednesday(),
                &too_old,
                &matin(),
                &engagements,
                &[]
            )),
            LineRefusal::NotEligible { .. }
        ));
    }

    #[test]
    fn given_a_full_activity_when_validating_then_the_line_is_valid_with_a_refused_forecast() {
        let full = ActivityOnDay {
            capacity: 2,
            waitlist_size: 0,
            accepted: 2,
            ..matin()
        };
        assert_eq!(
            validate_booking(monday_noon(), wednesday(), &lilou(), &full, &[], &[]),
            Ok(Forecast::Refused {
                reason: RefusalReason::Full
            })
        );
    }

    // ------------------------------------------------------------ forecast

    #[test]
    fn given_one_place_left_when_forecasting_then_a_place_is_available() {
        assert_eq!(forecast(10, 2, 9, 0, 0), Forecast::PlaceAvailable);
        assert_eq!(forecast(10, 2, 7, 0, 2), Forecast::PlaceAvailable);
    }

    #[test]
    fn given_the_last_place_taken_by_a_pending_request_when_forecasting_then_rank_1_is_expected() {
        assert_eq!(
            forecast(10, 2, 9, 0, 1),
            Forecast::Waitlisted { expected_rank: 1 }
        );
        assert_eq!(
            forecast(10, 2, 10, 0, 0),
            Forecast::Waitlisted { expected_rank: 1 }
        );
    }

    #[test]
    fn given_people_waiting_and_pending_ahead_when_forecasting_then_the_rank_counts_them_all() {
        // waitlisted + (accepted + pending_before − capacity) + 1 = 1 + (10 + 1 − 10) + 1
        assert_eq!(
            forecast(10, 5, 10, 1, 1),
            Forecast::Waitlisted { expected_rank: 3 }
        );
        // The last waitlist slot
        assert_eq!(
            forecast(10, 3, 10, 1, 1),
            Forecast::Waitlisted { expected_rank: 3 }
        );
    }

    #[test]
    fn given_a_full_waitlist_when_forecasting_then_it_is_refused_waitlist_full() {
        assert_eq!(
            forecast(10, 2, 10, 2, 0),
            Forecast::Refused {
                reason: RefusalReason::WaitlistFull
            }
        );
        assert_eq!(
            forecast(10, 2, 9, 0, 3),
            Forecast::Refused {
                reason: RefusalReason::WaitlistFull
            }
        );
    }

    #[test]
    fn given_no_waitlist_when_forecasting_a_full_activity_then_it_is_refused_full() {
        assert_eq!(
            forecast(3, 0, 3, 0, 0),
            Forecast::Refused {
                reason: RefusalReason::Full
            }
        );
        assert_eq!(
            forecast(0, 0, 0, 0, 0),
            Forecast::Refused {
                reason: RefusalReason::Full
            }
        );
    }

    #[test]
    fn given_a_free_place_with_people_waiting_when_forecasting_then_the_waitlist_takes_it_first() {
        // A place freed during the day goes to rank 1 at the transmission, not to a new request
        assert_eq!(
            forecast(10, 3, 9, 2, 0),
            Forecast::Waitlisted { expected_rank: 2 }
        );
    }

    #[test]
    fn given_a_capacity_lowered_below_the_accepted_when_forecasting_then_no_place_is_counted() {
        assert_eq!(
            forecast(5, 2, 7, 0, 1),
            Forecast::Waitlisted { expected_rank: 2 }
        );
        assert_eq!(
            forecast(5, 2, 7, 4, 0),
            Forecast::Refused {
                reason: RefusalReason::WaitlistFull
            }
        );
    }

    // ------------------------------------------------------------ cancellations

    #[test]
    fn given_an_accepted_reservation_before_the_cancellation_deadline_when_validating_then_it_can_be_cancelled()
     {
        let at_the_limit = utc("2026-03-02T18:00:00+01:00");
        assert_eq!(
            validate_cancellation(
                at_the_limit,
                wednesday(),
                &matin(),
                EngagementState::Accepted
            ),
            Ok(())
        );
    }

    #[test]
    fn given_an_accepted_reservation_after_the_cancellation_deadline_when_validating_then_it_is_too_late()
     {
        let late = utc("2026-03-02T18:00:01+01:00");
        let refused = validate_cancellation(late, wednesday(), &matin(), EngagementState::Accepted)
            .expect_err("too late");
        assert_eq!(
            refused,
            LineRefusal::CancellationTooLate {
                limit: utc("2026-03-02T18:00:00+01:00")
            }
        );
        assert_eq!(
            refused.message(),
            "Vous n'êtes plus dans les temps pour annuler ce jour (limite : le lundi 2 mars à \
             18:00)."
        );
    }

    #[test]
    fn given_a_waitlisted_reservation_after_the_deadline_when_validating_then_it_can_be_cancelled_until_the_day_starts()
     {
        let tuesday_evening = utc("2026-03-03T23:59:59+01:00");
        assert_eq!(
            validate_cancellation(
                tuesday_evening,
                wednesday(),
                &matin(),
                EngagementState::Waitlisted
            ),
            Ok(())
        );
        let midnight = utc("2026-03-04T00:00:00+01:00");
        assert_eq!(
            validate_cancellation(midnight, wednesday(), &matin(), EngagementState::Waitlisted),
            Ok(())
        );
        let refused = validate_cancellation(
            midnight + Duration::seconds(1),
            wednesday(),
            &matin(),
            EngagementState::Waitlisted,
        )
        .expect_err("too late");
        assert_eq!(
            refused.message(),
            "Vous n'êtes plus dans les temps pour annuler ce jour (limite : le mercredi 4 mars à \
             00:00)."
        );
    }

    #[test]
    fn given_a_same_day_cancellation_deadline_when_cancelling_a_waitlisted_place_then_the_later_limit_applies()
     {
        let activity = ActivityOnDay {
            cancellation_deadline: j_minus(0, "09:00"),
            ..matin()
        };
        let eight = utc("2026-03-04T08:00:00+01:00");
        assert_eq!(
            validate_cancellation(eight, wednesday(), &activity, EngagementState::Waitlisted),
            Ok(())
        );
    }

    #[test]
    fn given_a_pending_request_when_cancelling_then_it_must_be_withdrawn_instead() {
        let refused = validate_cancellation(
            monday_noon(),
            wednesday(),
            &matin(),
            EngagementState::Pending,
        )
        .expect_err("not cancellable");
        assert_eq!(refused, LineRefusal::NotYetTransmitted);
        assert_eq!(
            refused.message(),
            "Cette demande n'a pas encore été transmise : retirez-la plutôt que de l'annuler."
        );
    }

    #[test]
    fn given_an_empty_basket_when_validating_then_it_is_refused() {
        let refused = validate_basket_size(0, 0).expect_err("empty");
        assert_eq!(
            refused.message(),
            "Votre panier est vide : ajoutez au moins un jour ou une annulation."
        );
        assert_eq!(validate_basket_size(1, 0), Ok(()));
        assert_eq!(validate_basket_size(0, 1), Ok(()));
    }
}
