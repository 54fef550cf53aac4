//! Moving a child one rank on a day's waitlist (staff, with a reason): the rule and its event.

use chrono::NaiveDate;

use crate::event::payloads::WaitlistReordered;
use crate::ids::{ActivityId, ReservationId};

/// Which way a waitlisted child moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Towards rank 1.
    Up,
    Down,
}

/// Why a move is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MoveRefusal {
    /// The reservation is not on this waitlist.
    NotWaitlisted,
    /// The first of the list cannot go up.
    AlreadyFirst,
    /// The last of the list cannot go down.
    AlreadyLast,
}

/// The event moving `place` one rank in `direction` on the `waitlist` (in rank order) of
/// `activity`'s `day`; the neighbour takes its rank.
pub fn move_on_waitlist(
    activity: ActivityId,
    day: NaiveDate,
    waitlist: &[ReservationId],
    place: ReservationId,
    direction: Direction,
) -> Result<WaitlistReordered, MoveRefusal> {
    let index = waitlist
        .iter()
        .position(|r| *r == place)
        .ok_or(MoveRefusal::NotWaitlisted)?;
    let target = match direction {
        Direction::Up => index.checked_sub(1).ok_or(MoveRefusal::AlreadyFirst)?,
        Direction::Down if index + 1 < waitlist.len() => index + 1,
        Direction::Down => return Err(MoveRefusal::AlreadyLast),
    };
    let rank = |i: usize| u32::try_from(i + 1).unwrap_or(u32::MAX);
    Ok(WaitlistReordered {
        reservation_id: place,
        activity_id: activity,
        day,
        from_rank: rank(index),
        to_rank: rank(target),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn ids() -> [ReservationId; 3] {
        [1, 2, 3].map(|n| ReservationId::from_uuid(Uuid::from_u128(n)))
    }

    fn moved(place: ReservationId, direction: Direction) -> Result<(u32, u32), MoveRefusal> {
        let activity = ActivityId::from_uuid(Uuid::from_u128(9));
        let day = NaiveDate::from_ymd_opt(2027, 1, 13).unwrap();
        move_on_waitlist(activity, day, &ids(), place, direction).map(|e| (e.from_rank, e.to_rank))
    }

    #[test]
    fn given_three_waiting_a_child_moves_one_rank_and_the_ends_cannot_go_further() {
        let [first, second, last] = ids();
        assert_eq!(moved(second, Direction::Up), Ok((2, 1)));
        assert_eq!(moved(second, Direction::Down), Ok((2, 3)));
        assert_eq!(moved(first, Direction::Up), Err(MoveRefusal::AlreadyFirst));
        assert_eq!(moved(last, Direction::Down), Err(MoveRefusal::AlreadyLast));
        let stranger = ReservationId::from_uuid(Uuid::from_u128(4));
        assert_eq!(
            moved(stranger, Direction::Up),
            Err(MoveRefusal::NotWaitlisted)
        );
    }
}
