//! The requests in flight that are pages (anything but a wait for a hash): the hashing pool
//! admits its N-th worker only while they leave a core free.

use std::sync::Arc;
use std::sync::atomic::{AtomicIsize, Ordering};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::Shared;

/// How many page requests are in flight.
#[derive(Debug, Default)]
pub(crate) struct PageLoad(AtomicIsize);

impl PageLoad {
    pub(crate) fn in_flight(&self) -> usize {
        usize::try_from(self.0.load(Ordering::SeqCst)).unwrap_or(0)
    }

    /// Counts one page until the guard is dropped.
    pub(crate) fn page(self: &Arc<Self>) -> Counted {
        self.0.fetch_add(1, Ordering::SeqCst);
        Counted {
            load: Arc::clone(self),
            step: 1,
        }
    }

    /// A request that now waits for a hash is not a page until the guard is dropped.
    pub(crate) fn not_a_page(self: &Arc<Self>) -> Counted {
        self.0.fetch_sub(1, Ordering::SeqCst);
        Counted {
            load: Arc::clone(self),
            step: -1,
        }
    }
}

/// Undoes its step when dropped.
pub(crate) struct Counted {
    load: Arc<PageLoad>,
    step: isize,
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.load.0.fetch_sub(self.step, Ordering::SeqCst);
    }
}

/// Counts every request as a page while it is served (the hashing waits take themselves out).
pub(crate) async fn count_pages(
    State(services): State<Shared>,
    request: Request,
    next: Next,
) -> Response {
    let _page = services.hashing.page();
    next.run(request).await
}
