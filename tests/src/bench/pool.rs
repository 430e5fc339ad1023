//! Open conversations kept between the steps of a part: the relay's levels grow one pool from
//! 1 to 1,000 conversations, and the fan-out reuses it rather than opening 2,000 sockets again.

use std::future::Future;
use std::time::{Duration, Instant};

use futures::{StreamExt, stream};

use crate::bench::pair::{Outcome, Pair, Run, exchange};

/// Conversations being opened at once; each waits for its welcomes, which keeps the rate of
/// new sockets at what the stack can take.
const OPEN_CONCURRENCY: usize = 16;
const PROGRESS_EVERY: usize = 100;

#[derive(Default)]
pub struct Pool {
    pub pairs: Vec<Pair>,
    /// Next index to open (indices of pairs that broke are not reused).
    next: usize,
    pub failures: Vec<String>,
    pub broken: Vec<String>,
    pub opening: Duration,
    /// Runs so far, to number each run's messages apart.
    rounds: u32,
}

impl Pool {
    /// Opens pairs until there are `size`, or gives up at `deadline`; says how many are open.
    pub async fn grow_to<F, Fut>(&mut self, what: &str, size: usize, deadline: Instant, open: F) -> usize
    where
        F: Fn(usize) -> Fut,
        Fut: Future<Output = Result<Pair, String>>,
    {
        let started = Instant::now();
        let mut tries = 0;
        // A few failures are retried with new indices; many mean the stack is in trouble.
        while self.pairs.len() < size && tries < 3 && Instant::now() < deadline {
            tries += 1;
            let wanted = size - self.pairs.len();
            let first = self.next;
            self.next += wanted;
            let before = self.pairs.len();
            let left = deadline.saturating_duration_since(Instant::now());
            let opened = tokio::time::timeout(
                left,
                stream::iter(first..first + wanted).map(&open).buffer_unordered(OPEN_CONCURRENCY).for_each(|result| {
                    match result {
                        Ok(pair) => {
                            self.pairs.push(pair);
                            if self.pairs.len().is_multiple_of(PROGRESS_EVERY) {
                                println!("  {what}: {} of {size} conversations open", self.pairs.len());
                            }
                        }
                        Err(e) => self.failures.push(e),
                    }
                    async {}
                }),
            )
            .await;
            if opened.is_err() {
                self.failures.push(format!("{what}: opening stopped at the deadline with {} open", self.pairs.len()));
            }
            if self.pairs.len() == before {
                break;
            }
        }
        self.opening += started.elapsed();
        self.pairs.len()
    }

    /// Runs the first `active` pairs with `run` at once; the rest stay open and idle.
    pub async fn exchange(&mut self, active: usize, mut run: Run) -> Vec<Outcome> {
        self.rounds += 1;
        run.round = self.rounds;
        let active = active.min(self.pairs.len());
        let idle = self.pairs.split_off(active);
        let tasks: Vec<_> =
            std::mem::take(&mut self.pairs).into_iter().map(|pair| tokio::spawn(exchange(pair, run))).collect();
        let mut outcomes = Vec::new();
        for task in tasks {
            match task.await {
                Ok((pair, outcome)) => {
                    if let Some(broken) = &outcome.broken {
                        self.broken.push(broken.clone());
                    }
                    self.pairs.extend(pair);
                    outcomes.push(outcome);
                }
                Err(e) => self.broken.push(format!("a pair's task failed: {e}")),
            }
        }
        self.pairs.extend(idle);
        outcomes
    }

    pub async fn close(self) {
        let closing = self.pairs.into_iter().map(|pair| async move {
            pair.customer.close().await;
            pair.agent.close().await;
        });
        stream::iter(closing).buffer_unordered(64).collect::<Vec<()>>().await;
    }
}
