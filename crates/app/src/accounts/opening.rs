//! The opening a parent logged in early waits for: « Les réservations ouvrent à 8 h 30 », on
//! a page that opens by itself at that instant, so log-ins spread before the opening.

use chrono::{DateTime, Duration, Utc};

use super::Session;
use crate::{App, AppError};

/// How far ahead an opening is announced and waited for.
pub const OPENING_AHEAD: Duration = Duration::hours(24);
/// A page waiting longer than this looks again meanwhile (which keeps an ordinary session
/// from ending idle before the opening, [`super::session`]'s 30 minutes).
pub const LOOK_AGAIN_SECONDS: i64 = 10 * 60;

/// The coming opening of a booking window of the structure the session consults (its
/// wording: `crate::wording::accounts`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Opening {
    pub opens_at: DateTime<Utc>,
    /// When the page asked: the opening is announced as « demain » or not from it.
    pub now: DateTime<Utc>,
}

impl Opening {
    /// The whole seconds from `now` to the opening, at least one (what the waiting page's
    /// refresh says).
    pub fn seconds_left(&self) -> i64 {
        let left = self.opens_at - self.now;
        let whole = left.num_seconds();
        let rounded_up = if left > Duration::seconds(whole) {
            whole + 1
        } else {
            whole
        };
        rounded_up.max(1)
    }
}

/// When the waiting page moves next, in seconds, and whether it is the opening itself
/// (`false`: the page only looks again, the opening still further than
/// [`LOOK_AGAIN_SECONDS`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NextLook {
    pub seconds: i64,
    pub opens: bool,
}

impl Opening {
    pub fn next_look(&self) -> NextLook {
        let left = self.seconds_left();
        NextLook {
            seconds: left.min(LOOK_AGAIN_SECONDS),
            opens: left <= LOOK_AGAIN_SECONDS,
        }
    }
}

/// The first booking window of the session's structure that opens after now, within
/// [`OPENING_AHEAD`].
pub fn coming_opening(app: &App, session: &Session) -> Result<Option<Opening>, AppError> {
    let Some(structure) = session.structure_id else {
        return Ok(None);
    };
    let now = app.now();
    let windows = app.query(move |conn| Ok(projections::structure_windows(conn, structure)?))?;
    Ok(next_opening(windows.iter().map(|(opens, _)| *opens), now))
}

/// The rule: the earliest opening strictly after `now` and no more than [`OPENING_AHEAD`]
/// away.
pub(crate) fn next_opening(
    openings: impl Iterator<Item = DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<Opening> {
    openings
        .filter(|opens_at| *opens_at > now && *opens_at - now <= OPENING_AHEAD)
        .min()
        .map(|opens_at| Opening { opens_at, now })
}
