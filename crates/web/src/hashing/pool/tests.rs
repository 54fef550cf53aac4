use std::sync::Mutex;

use super::*;

fn record(
    order: &Arc<Mutex<Vec<usize>>>,
    index: usize,
) -> impl FnOnce() -> Result<usize, app::AppError> + Send + 'static {
    let order = Arc::clone(order);
    move || {
        order.lock().unwrap().push(index);
        Ok(index)
    }
}

#[tokio::test]
async fn jobs_are_served_in_arrival_order() {
    let pool = HashingPool::new(1, 100);
    let order = Arc::new(Mutex::new(Vec::new()));
    let paused = pool.pause();
    let jobs: Vec<_> = (0..6)
        .map(|i| pool.submit(record(&order, i)).unwrap())
        .collect();
    assert_eq!(pool.waiting(), 6);
    drop(paused);
    for job in jobs {
        job.outcome().await.unwrap();
    }
    assert_eq!(*order.lock().unwrap(), vec![0, 1, 2, 3, 4, 5]);
}

#[tokio::test]
async fn the_place_in_line_counts_who_is_ahead_and_a_job_dropped_gives_its_place_back() {
    let pool = HashingPool::new(1, 100);
    let order = Arc::new(Mutex::new(Vec::new()));
    let paused = pool.pause();
    let first = pool.submit(record(&order, 0)).unwrap();
    let second = pool.submit(record(&order, 1)).unwrap();
    let third = pool.submit(record(&order, 2)).unwrap();
    assert_eq!(pool.place(first.seq), Some(1));
    assert_eq!(pool.place(third.seq), Some(3));
    drop(second);
    assert_eq!(pool.place(third.seq), Some(2));
    assert_eq!(pool.waiting(), 2);
    // The wait grows with the place: the measured time of a hash per free worker.
    assert!(pool.estimate(40) > pool.estimate(2));
    drop(paused);
    first.outcome().await.unwrap();
    third.outcome().await.unwrap();
    assert_eq!(
        *order.lock().unwrap(),
        vec![0, 2],
        "the dropped job never ran"
    );
}

#[test]
fn a_line_longer_than_its_limit_is_refused_with_the_wait() {
    let pool = HashingPool::new(1, 2);
    let _paused = pool.pause();
    let order = Arc::new(Mutex::new(Vec::new()));
    let _first = pool.submit(record(&order, 0)).unwrap();
    let _second = pool.submit(record(&order, 1)).unwrap();
    let full = pool.submit(record(&order, 2)).err().unwrap();
    assert!(full.wait >= Duration::from_secs(1));
}

/// Two jobs of 150 ms each, and how many ran at once.
async fn overlap(pool: &HashingPool) -> usize {
    let running = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let jobs: Vec<_> = (0..2)
        .map(|_| {
            let (running, most) = (Arc::clone(&running), Arc::clone(&most));
            pool.submit(move || {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(150));
                running.fetch_sub(1, Ordering::SeqCst);
                Ok(())
            })
            .unwrap()
        })
        .collect();
    for job in jobs {
        job.outcome().await.unwrap();
    }
    most.load(Ordering::SeqCst)
}

#[tokio::test]
async fn the_second_worker_hashes_only_while_no_page_needs_its_core() {
    let pool = HashingPool::new(2, 100);
    assert_eq!(overlap(&pool).await, 2, "idle pages: both cores hash");
    let page = pool.page();
    assert_eq!(overlap(&pool).await, 1, "a page in flight keeps a core");
    drop(page);
    let hashing = pool.not_a_page();
    let page = pool.page();
    assert_eq!(
        overlap(&pool).await,
        2,
        "a request waiting for a hash is no page"
    );
    drop((page, hashing));
}

#[tokio::test]
async fn an_idle_pool_sleeps_until_a_log_in_comes_and_then_serves_it() {
    let pool = HashingPool::new(2, 100);
    let order = Arc::new(Mutex::new(Vec::new()));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let slept = pool.inner.waits.load(Ordering::Relaxed);
    assert!(
        slept <= 2,
        "two idle workers went to sleep {slept} times in 300 ms"
    );
    let job = pool.submit(record(&order, 7)).unwrap();
    assert_eq!(job.outcome().await.unwrap(), 7);
}
