//! The hashing threads and their one line of jobs, first come first served.

use std::collections::VecDeque;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

use super::line::Line;
use super::load::{Counted, PageLoad};
use crate::WebError;

/// No one is put in line for longer than this: beyond, the log-in is refused with the wait.
const LONGEST_HONEST_WAIT: Duration = Duration::from_secs(10 * 60);
/// How long a log-in may wait for its verification before the parent is shown their place in
/// line instead.
const AT_ONCE: Duration = Duration::from_millis(1500);
/// The time of one hash assumed before any is measured (argon2id m = 19 MiB, t = 2).
const FIRST_GUESS: Duration = Duration::from_millis(100);
/// A job quicker than this hashed nothing.
const NO_HASH: Duration = Duration::from_millis(5);
/// How long an idle worker sleeps before looking again at the pages in flight.
const LOOK_AGAIN: Duration = Duration::from_millis(5);

/// The pool; cheap to clone. The threads stop when the last clone is dropped.
#[derive(Clone, Debug)]
pub struct HashingPool {
    inner: Arc<Inner>,
    patience: Duration,
    line: Arc<Line>,
    _owner: Arc<Owner>,
}

#[derive(Debug)]
struct Inner {
    jobs: Mutex<Jobs>,
    wakeup: Condvar,
    workers: usize,
    limit: usize,
    pages: Arc<PageLoad>,
    paused: AtomicUsize,
    closed: AtomicBool,
    /// Exponential mean of a hash's duration, in microseconds.
    mean_micros: AtomicUsize,
    /// How many times a worker went to sleep (an idle pool sleeps once per worker).
    waits: AtomicUsize,
}

#[derive(Debug, Default)]
struct Jobs {
    line: VecDeque<Job>,
    next_seq: u64,
}

struct Job {
    seq: u64,
    cancelled: Arc<AtomicBool>,
    work: Box<dyn FnOnce() + Send>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job").field("seq", &self.seq).finish()
    }
}

/// Stops the threads when the last pool handle goes.
#[derive(Debug)]
struct Owner(Arc<Inner>);

impl Drop for Owner {
    fn drop(&mut self) {
        self.0.closed.store(true, Ordering::SeqCst);
        self.0.wakeup.notify_all();
    }
}

/// The line is too long for an honest wait: the wait it would have been.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Full {
    pub(crate) wait: Duration,
}

/// A job in line. Dropped before it is kept ([`Submitted::keep`]), it leaves the line: a
/// browser that goes away while its log-in waits gives its place back.
pub(crate) struct Submitted<T> {
    pub(crate) seq: u64,
    cancelled: Arc<AtomicBool>,
    result: Option<oneshot::Receiver<Result<T, app::AppError>>>,
}

impl<T> Submitted<T> {
    /// The outcome if it comes within `within`.
    pub(crate) async fn within(&mut self, within: Duration) -> Option<Result<T, WebError>> {
        let receiver = self.result.as_mut()?;
        let answer = tokio::time::timeout(within, receiver).await.ok()?;
        self.result = None;
        Some(flatten(answer))
    }

    /// The outcome, however long it takes.
    pub(crate) async fn outcome(mut self) -> Result<T, WebError> {
        let Some(receiver) = self.result.as_mut() else {
            return Err(WebError::Internal(
                "hashing job already answered".to_owned(),
            ));
        };
        let answer = receiver.await;
        self.result = None;
        flatten(answer)
    }

    /// Keeps the job in line after this request ends: its ticket and its outcome.
    pub(crate) fn keep(mut self) -> (Arc<AtomicBool>, oneshot::Receiver<Result<T, app::AppError>>) {
        let cancelled = Arc::clone(&self.cancelled);
        let (_, closed) = oneshot::channel();
        let result = self.result.take().unwrap_or(closed);
        (cancelled, result)
    }
}

impl<T> Drop for Submitted<T> {
    fn drop(&mut self) {
        if self.result.is_some() {
            self.cancelled.store(true, Ordering::SeqCst);
        }
    }
}

pub(crate) fn flatten<T>(
    answer: Result<Result<T, app::AppError>, oneshot::error::RecvError>,
) -> Result<T, WebError> {
    match answer {
        Ok(result) => result.map_err(WebError::from),
        Err(_) => Err(WebError::Internal("hashing job lost".to_owned())),
    }
}

/// Holds every worker while alive (tests of a saturated pool).
pub struct Paused(Arc<Inner>);

impl Drop for Paused {
    fn drop(&mut self) {
        self.0.paused.fetch_sub(1, Ordering::SeqCst);
        self.0.wakeup.notify_all();
    }
}

impl HashingPool {
    /// `workers` threads (the cores hashing may use), at most `limit` jobs in line.
    pub fn new(workers: usize, limit: usize) -> HashingPool {
        let workers = workers.max(1);
        let inner = Arc::new(Inner {
            jobs: Mutex::new(Jobs::default()),
            wakeup: Condvar::new(),
            workers,
            limit: limit.max(1),
            pages: Arc::new(PageLoad::default()),
            paused: AtomicUsize::new(0),
            closed: AtomicBool::new(false),
            mean_micros: AtomicUsize::new(micros(FIRST_GUESS)),
            waits: AtomicUsize::new(0),
        });
        for index in 0..workers {
            let inner = Arc::clone(&inner);
            let spawned = std::thread::Builder::new()
                .name(format!("hashing-{index}"))
                .spawn(move || inner.work(index));
            if let Err(error) = spawned {
                tracing::error!(%error, "could not start a hashing thread");
            }
        }
        HashingPool {
            patience: AT_ONCE,
            line: Arc::new(Line::default()),
            _owner: Arc::new(Owner(Arc::clone(&inner))),
            inner,
        }
    }

    /// One worker per core; the line holds what ten minutes of hashing can serve.
    pub fn for_this_machine() -> HashingPool {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        HashingPool::new(cores, 20_000)
    }

    /// The same, answering a log-in with its place in line after `patience` instead of
    /// 1.5 s (tests: slower hashes of unoptimised builds, quicker lines).
    pub fn answering_within(mut self, patience: Duration) -> HashingPool {
        self.patience = patience;
        self
    }

    /// How long a log-in waits for its verification before it is shown its place in line.
    pub(crate) fn patience(&self) -> Duration {
        self.patience
    }

    /// No worker takes a job until the guard is dropped (tests of the saturated pool).
    pub fn pause(&self) -> Paused {
        self.inner.paused.fetch_add(1, Ordering::SeqCst);
        Paused(Arc::clone(&self.inner))
    }

    /// How many jobs wait for a worker.
    pub fn waiting(&self) -> usize {
        self.inner
            .lock()
            .line
            .iter()
            .filter(|job| !job.cancelled.load(Ordering::SeqCst))
            .count()
    }

    /// The log-ins kept in line after their request ended.
    pub(crate) fn line(&self) -> &Line {
        &self.line
    }

    pub(crate) fn page(&self) -> Counted {
        self.inner.pages.page()
    }

    pub(crate) fn not_a_page(&self) -> Counted {
        self.inner.pages.not_a_page()
    }

    /// Puts `work` at the end of the line, unless the wait there is too long to be honest.
    pub(crate) fn submit<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, app::AppError> + Send + 'static,
    ) -> Result<Submitted<T>, Full> {
        let (sender, receiver) = oneshot::channel();
        let cancelled = Arc::new(AtomicBool::new(false));
        let mut jobs = self.inner.lock();
        let place = jobs.line.len() + 1;
        let wait = self.estimate(place);
        if place > self.inner.limit || wait > LONGEST_HONEST_WAIT {
            return Err(Full { wait });
        }
        let seq = jobs.next_seq;
        jobs.next_seq += 1;
        jobs.line.push_back(Job {
            seq,
            cancelled: Arc::clone(&cancelled),
            work: Box::new(move || {
                let _ = sender.send(work());
            }),
        });
        drop(jobs);
        self.inner.wakeup.notify_all();
        Ok(Submitted {
            seq,
            cancelled,
            result: Some(receiver),
        })
    }

    /// The place in line of job `seq` (1: the next verified), `None` once a worker has it.
    pub(crate) fn place(&self, seq: u64) -> Option<usize> {
        let jobs = self.inner.lock();
        let mut ahead = 0;
        for job in &jobs.line {
            if job.seq == seq {
                return Some(ahead + 1);
            }
            if !job.cancelled.load(Ordering::SeqCst) {
                ahead += 1;
            }
        }
        None
    }

    /// The wait of place `place`, from the measured time of a hash and the workers the pages
    /// leave free now. At least a second.
    pub(crate) fn estimate(&self, place: usize) -> Duration {
        let mean = self.inner.mean_micros.load(Ordering::SeqCst) as f64 / 1e6;
        let free = self.inner.admitted_now().max(1) as f64;
        let seconds = (place as f64 * mean / free).ceil().max(1.0);
        Duration::from_secs_f64(seconds)
    }

    /// Runs `work` (which hashes or verifies passwords, then may write) in line, waiting for it.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, app::AppError> + Send + 'static,
    ) -> Result<T, WebError> {
        let _waiting = self.not_a_page();
        let Ok(job) = self.submit(work) else {
            return Err(WebError::Busy);
        };
        job.outcome().await
    }
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, Jobs> {
        self.jobs.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Worker `index` may hash now: the first always, the others while the pages in flight
    /// leave them a core.
    fn admits(&self, index: usize) -> bool {
        self.paused.load(Ordering::SeqCst) == 0
            && (index == 0 || self.pages.in_flight() + index < self.workers)
    }

    fn admitted_now(&self) -> usize {
        self.workers
            .saturating_sub(self.pages.in_flight())
            .clamp(1, self.workers)
    }

    fn next_job(&self, index: usize) -> Option<Job> {
        let mut jobs = self.lock();
        loop {
            if self.closed.load(Ordering::SeqCst) {
                return None;
            }
            if self.admits(index)
                && let Some(job) = jobs.line.pop_front()
            {
                return Some(job);
            }
            // An empty line waits for `submit` (or a pause's end, or the pool's close) to wake
            // it: an idle service does not wake its hashing threads. Jobs held back by the pages
            // in flight look again soon (a page ending does not notify).
            self.waits.fetch_add(1, Ordering::Relaxed);
            if jobs.line.is_empty() {
                jobs = self
                    .wakeup
                    .wait(jobs)
                    .unwrap_or_else(PoisonError::into_inner);
                continue;
            }
            let pause = if index == 0 {
                LOOK_AGAIN * 20
            } else {
                LOOK_AGAIN
            };
            jobs = self
                .wakeup
                .wait_timeout(jobs, pause)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    fn work(&self, index: usize) {
        while let Some(job) = self.next_job(index) {
            if job.cancelled.load(Ordering::SeqCst) {
                continue;
            }
            let started = Instant::now();
            if std::panic::catch_unwind(AssertUnwindSafe(job.work)).is_err() {
                tracing::error!("a hashing job panicked");
            }
            self.measured(started.elapsed());
        }
    }

    /// Folds one hash's duration into the mean (weight 1/8). A job that hashed nothing (a
    /// throttled attempt) says nothing of the rate.
    fn measured(&self, took: Duration) {
        if took < NO_HASH {
            return;
        }
        let took = micros(took);
        let _ = self
            .mean_micros
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |mean| {
                Some((mean * 7 + took) / 8)
            });
    }
}

fn micros(duration: Duration) -> usize {
    usize::try_from(duration.as_micros()).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests;
