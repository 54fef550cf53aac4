//! Password hashing (argon2id, ~70 ms of CPU each) on a bounded pool, so a wave of log-ins at
//! 8:30 on booking day queues politely instead of stalling page rendering: at most `workers`
//! hashes run at once (leaving a core to the pages), at most `queue` wait, and the rest get
//! 429 with `Retry-After`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::Semaphore;

use crate::WebError;

/// The pool; cheap to clone.
#[derive(Clone, Debug)]
pub struct HashingPool {
    permits: Arc<Semaphore>,
    waiting: Arc<AtomicUsize>,
    queue: usize,
}

impl HashingPool {
    pub fn new(workers: usize, queue: usize) -> HashingPool {
        HashingPool {
            permits: Arc::new(Semaphore::new(workers.max(1))),
            waiting: Arc::new(AtomicUsize::new(0)),
            queue,
        }
    }

    /// One worker per core but one (at least one), 64 waiting at most.
    pub fn for_this_machine() -> HashingPool {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        HashingPool::new(cores.saturating_sub(1).max(1), 64)
    }

    /// Takes every worker, so that callers queue (tests of the saturated pool).
    pub async fn hold_all(&self, workers: u32) -> Option<tokio::sync::OwnedSemaphorePermit> {
        Arc::clone(&self.permits)
            .acquire_many_owned(workers)
            .await
            .ok()
    }

    /// How many calls are waiting for a worker.
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::SeqCst)
    }

    /// Runs `work` (which hashes or verifies passwords, then may write) on a worker.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, app::AppError> + Send + 'static,
    ) -> Result<T, WebError> {
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.queue {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return Err(WebError::Busy);
        }
        // Counted until a worker is free, or until the caller gives up (a browser that goes
        // away drops this future): an abandoned wait must not keep its place in the queue.
        let waiting = Waiting(&self.waiting);
        let permit = Arc::clone(&self.permits).acquire_owned().await;
        drop(waiting);
        let Ok(permit) = permit else {
            return Err(WebError::Internal("hashing pool closed".to_owned()));
        };
        let result = tokio::task::spawn_blocking(move || {
            let result = work();
            drop(permit);
            result
        })
        .await;
        match result {
            Ok(result) => result.map_err(WebError::from),
            Err(join) => Err(WebError::Internal(format!("hashing task: {join}"))),
        }
    }
}

/// One caller in the queue, until dropped.
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}
