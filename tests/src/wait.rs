//! Waiting for a condition with a deadline: tests never sleep in place of synchronisation.

use std::future::Future;
use std::time::{Duration, Instant};

pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(20);
const POLL: Duration = Duration::from_millis(100);

/// Polls `probe` until it returns `Some`, failing with `what` after `deadline`.
pub async fn until_some<T, F, Fut>(what: &str, deadline: Duration, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let started = Instant::now();
    loop {
        if let Some(value) = probe().await {
            return value;
        }
        assert!(started.elapsed() < deadline, "timed out after {deadline:?} waiting for: {what}");
        tokio::time::sleep(POLL).await;
    }
}

/// Polls `probe` until it returns true.
pub async fn until<F, Fut>(what: &str, mut probe: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    until_some(what, DEFAULT_DEADLINE, || {
        let fut = probe();
        async move { fut.await.then_some(()) }
    })
    .await
}
