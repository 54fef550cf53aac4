//! The colour code of the booking calendar (seed guide, « Code Couleur »), as a pure function of
//! the day's facts: what a parent sees for one child, one activity, one day.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::basket::{ActivityOnDay, DeadlineRule, EngagementState};
use crate::deadline::deadline_instant;

/// One cell of the calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DayState {
    /// « ce jour n'est pas ouvert à la réservation » (closed, outside the booking window, or too
    /// late to book, and nothing booked).
    Closed,
    /// « ce jour est ouvert à la réservation, aucune réservation n'a été faite ce jour-là ».
    Open,
    /// « vous avez une réservation sur ce jour, vous pouvez la modifier ou la supprimer ».
    Booked,
    /// « vous avez une réservation sur ce jour, vous n'êtes plus dans les temps pour agir dessus ».
    BookedLocked,
    /// « l'activité est complète, mais vous pouvez demander d'être mis en liste d'attente ».
    FullWaitlistOpen,
    /// « l'activité est complète, la liste d'attente est complète ».
    Full,
}

impl DayState {
    /// The seed's words, shown next to the colour (never colour alone).
    pub fn label(&self) -> &'static str {
        match self {
            DayState::Closed => "pas ouvert à la réservation",
            DayState::Open => "ouvert, aucune réservation",
            DayState::Booked => "réservé, modifiable",
            DayState::BookedLocked => "réservé, plus dans les temps pour agir",
            DayState::FullWaitlistOpen => "complet, liste d'attente possible",
            DayState::Full => "complet, liste d'attente complète",
        }
    }
}

/// The state of `day` for a child whose engagement on this activity that day is `engagement`.
/// `deadline`: [`DeadlineRule::SetAside`] for a director at the desk, who may book and cancel
/// past the deadlines until the day is over (every other rule holds: closed days, the booking
/// window, capacity).
pub fn day_state(
    now: DateTime<Utc>,
    day: NaiveDate,
    activity: &ActivityOnDay,
    engagement: Option<EngagementState>,
    deadline: DeadlineRule,
) -> DayState {
    let in_time = |limit| now <= limit || deadline.lets_in(now, day);
    if let Some(state) = engagement {
        let limit = match state {
            // A request not yet transmitted can be withdrawn until the transmission; the day
            // stays modifiable while booking is still possible.
            EngagementState::Pending => deadline_instant(&activity.booking_deadline, day),
            EngagementState::Accepted | EngagementState::Waitlisted => {
                deadline_instant(&activity.cancellation_deadline, day)
            }
        };
        return if in_time(limit) {
            DayState::Booked
        } else {
            DayState::BookedLocked
        };
    }
    let in_window = activity
        .booking_window
        .is_some_and(|(opens, closes)| opens <= now && now <= closes);
    if !activity.open || !in_window || !in_time(deadline_instant(&activity.booking_deadline, day)) {
        return DayState::Closed;
    }
    let taken = activity.accepted + activity.pending_before;
    if taken < activity.capacity {
        DayState::Open
    } else if activity.waitlisted + (taken - activity.capacity) < activity.waitlist_size {
        DayState::FullWaitlistOpen
    } else {
        DayState::Full
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::ActivityId;
    use crate::values::Deadline;
    use chrono::{NaiveTime, TimeZone};
    use uuid::Uuid;

    fn activity(
        capacity: u32,
        waitlist: u32,
        accepted: u32,
        waitlisted: u32,
        pending: u32,
    ) -> ActivityOnDay {
        let deadline = Deadline {
            days_before: 2,
            at: NaiveTime::from_hms_opt(18, 0, 0).unwrap(),
        };
        ActivityOnDay {
            activity_id: ActivityId(Uuid::nil()),
            label: "ALSH".to_owned(),
            age_min: 3,
            age_max: 12,
            incompatible_with: vec![],
            booking_deadline: deadline,
            cancellation_deadline: deadline,
            open: true,
            booking_window: Some((DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC)),
            capacity,
            waitlist_size: waitlist,
            accepted,
            waitlisted,
            pending_before: pending,
        }
    }

    fn wednesday() -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, 1, 13).unwrap()
    }

    fn monday_morning() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 1, 11, 8, 0, 0).unwrap()
    }

    #[test]
    fn given_free_places_when_nothing_is_booked_then_the_day_is_open() {
        assert_eq!(
            day_state(
                monday_morning(),
                wednesday(),
                &activity(3, 1, 1, 0, 1),
                None,
                DeadlineRule::Applies
            ),
            DayState::Open
        );
    }

    #[test]
    fn given_a_full_day_then_the_waitlist_decides_between_the_two_full_colours() {
        assert_eq!(
            day_state(
                monday_morning(),
                wednesday(),
                &activity(3, 2, 3, 1, 0),
                None,
                DeadlineRule::Applies
            ),
            DayState::FullWaitlistOpen
        );
        assert_eq!(
            day_state(
                monday_morning(),
                wednesday(),
                &activity(3, 2, 3, 2, 0),
                None,
                DeadlineRule::Applies
            ),
            DayState::Full
        );
        // Pending requests ahead count: 2 places taken + 2 pending for 3 places and a waitlist of 1.
        assert_eq!(
            day_state(
                monday_morning(),
                wednesday(),
                &activity(3, 1, 2, 0, 2),
                None,
                DeadlineRule::Applies
            ),
            DayState::Full
        );
        assert_eq!(
            day_state(
                monday_morning(),
                wednesday(),
                &activity(3, 0, 3, 0, 0),
                None,
                DeadlineRule::Applies
            ),
            DayState::Full
        );
    }

    #[test]
    fn given_a_booking_then_the_deadline_decides_whether_it_can_still_be_changed() {
        let a = activity(3, 1, 1, 0, 0);
        assert_eq!(
            day_state(
                monday_morning(),
                wednesday(),
                &a,
                Some(EngagementState::Accepted),
                DeadlineRule::Applies
            ),
            DayState::Booked
        );
        let tuesday = Utc.with_ymd_and_hms(2027, 1, 12, 8, 0, 0).unwrap();
        assert_eq!(
            day_state(
                tuesday,
                wednesday(),
                &a,
                Some(EngagementState::Accepted),
                DeadlineRule::Applies
            ),
            DayState::BookedLocked
        );
        assert_eq!(
            day_state(
                tuesday,
                wednesday(),
                &a,
                Some(EngagementState::Pending),
                DeadlineRule::Applies
            ),
            DayState::BookedLocked
        );
    }

    #[test]
    fn given_a_closed_day_a_closed_window_or_a_passed_deadline_then_the_day_is_closed() {
        let mut a = activity(3, 1, 0, 0, 0);
        a.open = false;
        assert_eq!(
            day_state(
                monday_morning(),
                wednesday(),
                &a,
                None,
                DeadlineRule::Applies
            ),
            DayState::Closed
        );
        let mut b = activity(3, 1, 0, 0, 0);
        b.booking_window = None;
        assert_eq!(
            day_state(
                monday_morning(),
                wednesday(),
                &b,
                None,
                DeadlineRule::Applies
            ),
            DayState::Closed
        );
        let tuesday = Utc.with_ymd_and_hms(2027, 1, 12, 8, 0, 0).unwrap();
        assert_eq!(
            day_state(
                tuesday,
                wednesday(),
                &activity(3, 1, 0, 0, 0),
                None,
                DeadlineRule::Applies
            ),
            DayState::Closed
        );
    }

    #[test]
    fn given_the_deadlines_passed_when_a_director_sets_them_aside_then_the_day_is_still_offered() {
        let tuesday = Utc.with_ymd_and_hms(2027, 1, 12, 8, 0, 0).unwrap();
        let state = |a: &ActivityOnDay, held, rule| day_state(tuesday, wednesday(), a, held, rule);
        let free = activity(3, 1, 0, 0, 0);
        assert_eq!(state(&free, None, DeadlineRule::Applies), DayState::Closed);
        assert_eq!(state(&free, None, DeadlineRule::SetAside), DayState::Open);
        let accepted = Some(EngagementState::Accepted);
        assert_eq!(
            state(&free, accepted, DeadlineRule::Applies),
            DayState::BookedLocked
        );
        assert_eq!(
            state(&free, accepted, DeadlineRule::SetAside),
            DayState::Booked
        );
        // Capacity and the closed days are never set aside.
        let full = activity(3, 0, 3, 0, 0);
        assert_eq!(state(&full, None, DeadlineRule::SetAside), DayState::Full);
        let closed = ActivityOnDay {
            open: false,
            ..activity(3, 1, 0, 0, 0)
        };
        assert_eq!(
            state(&closed, None, DeadlineRule::SetAside),
            DayState::Closed
        );
        // A day already over is not offered again.
        let thursday = Utc.with_ymd_and_hms(2027, 1, 14, 8, 0, 0).unwrap();
        let over = day_state(thursday, wednesday(), &free, None, DeadlineRule::SetAside);
        assert_eq!(over, DayState::Closed);
    }
}
