//! The log-ins waiting in line after their request ended: in memory only, under a random
//! ticket (256 bits) bound to the browser's visitor id, given out once, given up when the
//! browser stops looking. The password never leaves the job's closure.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use app::accounts::LoginOutcome;
use tokio::sync::oneshot::{self, error::TryRecvError};

use super::pool::flatten;
use crate::WebError;

/// The longest time between two refreshes of the waiting page, in seconds.
pub(crate) const LINE_REFRESH_MAX: u64 = 10;
/// A ticket not looked at for this long is given up (its browser refreshes far more often);
/// a log-in not verified yet leaves the line.
const ABANDONED: Duration = Duration::from_secs(6 * LINE_REFRESH_MAX);

/// A log-in put in line: its job and what its page shows again.
pub(crate) struct LineEntry {
    pub(crate) seq: u64,
    /// The identifiant typed, shown again in the form if the log-in is refused.
    pub(crate) login: String,
    pub(crate) cancelled: Arc<AtomicBool>,
    pub(crate) result: oneshot::Receiver<Result<LoginOutcome, app::AppError>>,
}

struct Held {
    browser: String,
    entry: LineEntry,
    last_seen: Instant,
}

/// What a ticket's page shows.
pub(crate) enum TicketState {
    Waiting {
        seq: u64,
    },
    Done {
        outcome: Result<LoginOutcome, WebError>,
        login: String,
    },
}

/// The tickets.
#[derive(Default)]
pub(crate) struct Line {
    tickets: Mutex<HashMap<String, Held>>,
}

impl std::fmt::Debug for Line {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Line")
            .field("tickets", &self.lock().len())
            .finish()
    }
}

impl Line {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Held>> {
        self.tickets.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Puts `entry` in line for `browser`; the ticket.
    pub(crate) fn enter(&self, browser: &str, entry: LineEntry) -> String {
        let ticket = app::accounts::new_secret();
        let mut tickets = self.lock();
        give_up_abandoned(&mut tickets);
        tickets.insert(
            ticket.clone(),
            Held {
                browser: browser.to_owned(),
                entry,
                last_seen: Instant::now(),
            },
        );
        ticket
    }

    /// The state of `ticket` for `browser`; `None` when it is unknown, another browser's,
    /// given up, or already answered (an outcome is given out once).
    pub(crate) fn look(&self, ticket: &str, browser: &str) -> Option<TicketState> {
        let mut tickets = self.lock();
        give_up_abandoned(&mut tickets);
        let held = tickets
            .get_mut(ticket)
            .filter(|held| held.browser == browser)?;
        let answer = match held.entry.result.try_recv() {
            Err(TryRecvError::Empty) => {
                held.last_seen = Instant::now();
                return Some(TicketState::Waiting {
                    seq: held.entry.seq,
                });
            }
            Ok(result) => flatten(Ok(result)),
            Err(TryRecvError::Closed) => Err(WebError::Internal("hashing job lost".to_owned())),
        };
        let held = tickets.remove(ticket)?;
        Some(TicketState::Done {
            outcome: answer,
            login: held.entry.login,
        })
    }
}

fn give_up_abandoned(tickets: &mut HashMap<String, Held>) {
    tickets.retain(|_, held| {
        let kept = held.last_seen.elapsed() < ABANDONED;
        if !kept {
            held.entry.cancelled.store(true, Ordering::SeqCst);
        }
        kept
    });
}
