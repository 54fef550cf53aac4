//! The state of an activity's day on the staff's occupancy board: the parents' six colours seen
//! from the staff side, as a pure function of the day's figures, its opening and its booking
//! deadline.

use chrono::{DateTime, NaiveDate, Utc};

use super::basket::ActivityOnDay;
use crate::deadline::deadline_instant;

/// One cell of the occupancy board.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BoardState {
    /// Not an opening day of the activity.
    Closed,
    /// Open, places left, the booking deadline not passed.
    FreePlaces,
    /// The booking deadline passed with places left.
    BookingClosed,
    /// Every place taken; the waitlist has room.
    FullWaitlistOpen,
    /// Every place taken and the waitlist full (or none).
    Full,
    /// An opening day closed by staff.
    ClosedExceptionally,
}

impl BoardState {
    pub const ALL: [BoardState; 6] = [
        BoardState::Closed,
        BoardState::FreePlaces,
        BoardState::BookingClosed,
        BoardState::FullWaitlistOpen,
        BoardState::Full,
        BoardState::ClosedExceptionally,
    ];
}

/// The state of `activity` on `day` at `now`. Pending requests count as taken places (the
/// transmission decides them first, as the parents' calendar counts them).
pub fn board_state(
    now: DateTime<Utc>,
    day: NaiveDate,
    activity: &ActivityOnDay,
    closed_exceptionally: bool,
) -> BoardState {
    if closed_exceptionally {
        return BoardState::ClosedExceptionally;
    }
    if !activity.open {
        return BoardState::Closed;
    }
    let taken = activity.accepted + activity.pending_before;
    if taken < activity.capacity {
        if now > deadline_instant(&activity.booking_deadline, day) {
            BoardState::BookingClosed
        } else {
            BoardState::FreePlaces
        }
    } else if activity.waitlisted + (taken - activity.capacity) < activity.waitlist_size {
        BoardState::FullWaitlistOpen
    } else {
        BoardState::Full
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::ActivityId;
    use crate::values::Deadline;
    use chrono::{NaiveTime, TimeZone};
    use uuid::Uuid;

    fn activity(capacity: u32, waitlist: u32, taken: (u32, u32, u32)) -> ActivityOnDay {
        let deadline = Deadline {
            days_before: 2,
            at: NaiveTime::from_hms_opt(18, 0, 0).unwrap(),
        };
        let (accepted, waitlisted, pending) = taken;
        ActivityOnDay {
            activity_id: ActivityId(Uuid::nil()),
            label: "ALSH".to_owned(),
            age_min: 3,
            age_max: 12,
            incompatible_with: vec![],
            booking_deadline: deadline,
            cancellation_deadline: deadline,
            open: true,
            booking_window: None,
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

    fn monday() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 1, 11, 8, 0, 0).unwrap()
    }

    fn tuesday() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 1, 12, 8, 0, 0).unwrap()
    }

    #[test]
    fn given_places_left_then_the_booking_deadline_tells_free_places_from_bookings_closed() {
        let a = activity(3, 1, (1, 0, 1));
        assert_eq!(
            board_state(monday(), wednesday(), &a, false),
            BoardState::FreePlaces
        );
        assert_eq!(
            board_state(tuesday(), wednesday(), &a, false),
            BoardState::BookingClosed
        );
    }

    #[test]
    fn given_every_place_taken_then_the_waitlist_tells_the_two_full_states() {
        let state = |a: &ActivityOnDay| board_state(monday(), wednesday(), a, false);
        assert_eq!(
            state(&activity(3, 2, (3, 1, 0))),
            BoardState::FullWaitlistOpen
        );
        assert_eq!(state(&activity(3, 2, (3, 2, 0))), BoardState::Full);
        assert_eq!(state(&activity(3, 0, (3, 0, 0))), BoardState::Full);
        // Pending requests take places first: 2 accepted + 2 pending for 3 places, waitlist of 1.
        assert_eq!(state(&activity(3, 1, (2, 0, 2))), BoardState::Full);
        // A full day stays full once the deadline passed.
        assert_eq!(
            board_state(tuesday(), wednesday(), &activity(3, 0, (3, 0, 0)), false),
            BoardState::Full
        );
    }

    #[test]
    fn given_a_day_not_open_or_closed_by_staff_then_its_closed_state_wins_over_the_figures() {
        let closed = ActivityOnDay {
            open: false,
            ..activity(3, 1, (0, 0, 0))
        };
        assert_eq!(
            board_state(monday(), wednesday(), &closed, false),
            BoardState::Closed
        );
        assert_eq!(
            board_state(monday(), wednesday(), &activity(3, 1, (3, 1, 0)), true),
            BoardState::ClosedExceptionally
        );
    }
}
