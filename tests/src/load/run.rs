//! The run's timeline: set up, warm up, chat while sockets die, drain, verify.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::{StreamExt, stream};
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::load::counters::{Counters, read};
use crate::load::ledger::Side;
use crate::load::options::Options;
use crate::load::report::Report;
use crate::load::rest::{Rest, Transcript, with_retries};
use crate::load::setup::{self, SITE};
use crate::load::side;
use crate::load::verify;
use crate::load::world::{Conversation, Phase, World};

/// Every socket connected and every takeover seen by both sides, or the run starts without them.
const WARMUP_LIMIT: Duration = Duration::from_secs(90);
/// Conversations whose sockets open together; batches keep the connect storm moderate.
const CONNECT_BATCH: usize = 25;
const CONNECT_PAUSE: Duration = Duration::from_millis(100);
/// After the transcripts are read, how long the sides get to receive their last events.
const CATCH_UP_LIMIT: Duration = Duration::from_secs(15);
const STOP_LIMIT: Duration = Duration::from_secs(15);
const TRANSCRIPT_CONCURRENCY: usize = 8;
const PROGRESS_EVERY: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(200);

/// Polls `done` until it holds or `limit` passes; says whether it held.
async fn wait_for(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    loop {
        if done() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(POLL).await;
    }
}

async fn timed<T>(into: &mut Duration, work: impl Future<Output = T>) -> T {
    let started = Instant::now();
    let value = work.await;
    *into = started.elapsed();
    value
}

pub async fn run(options: Options, base: &str, admin_secret: &str) -> Result<Report, String> {
    let rest = Rest::new(base)?;
    let mut report = Report::default();

    let (conversations, failed) = timed(&mut report.timings.setup, async {
        println!("seeding site {SITE:?} with {} agent accounts", options.agents);
        let seed = setup::site_seed(options.agents)?;
        rest.seed_site(SITE, admin_secret, &seed).await.map_err(|e| format!("seeding the load site: {e}"))?;
        println!("signing the agents in");
        let agents = setup::login_agents(&rest, options.agents).await?;
        println!("starting {} conversations", options.total_conversations());
        Ok::<_, String>(setup::start_conversations(&rest, &options, &agents).await)
    })
    .await?;
    report.conversations_started = conversations.len();
    report.conversations_failed_to_start = failed;

    let (phase_tx, phase_rx) = watch::channel(Phase::Warmup);
    let world = Arc::new(World {
        site: SITE.to_string(),
        ws_base: base.replacen("http", "ws", 1),
        options: options.clone(),
        counters: Counters::default(),
        phase: phase_rx,
    });

    let mut tasks = JoinSet::new();
    let warmed = timed(&mut report.timings.warmup, async {
        println!(
            "connecting {} sockets",
            conversations.iter().map(|c| 1 + usize::from(c.agent.is_some())).sum::<usize>()
        );
        for batch in conversations.chunks(CONNECT_BATCH) {
            for conv in batch {
                tasks.spawn(side::run(world.clone(), conv.clone(), Side::Customer));
                if conv.agent.is_some() {
                    tasks.spawn(side::run(world.clone(), conv.clone(), Side::Agent));
                }
            }
            tokio::time::sleep(CONNECT_PAUSE).await;
        }
        wait_for(WARMUP_LIMIT, || not_taken_over(&conversations) == 0).await
    })
    .await;
    report.not_taken_over = not_taken_over(&conversations);
    if !warmed {
        println!("warning: {} conversations not taken over after {WARMUP_LIMIT:?}", report.not_taken_over);
    }

    println!("chatting for {:?} while sockets are dropped", options.run_for);
    let _ = phase_tx.send(Phase::Run);
    timed(&mut report.timings.run, chat(&world, options.run_for)).await;

    println!("draining for up to {:?}", options.drain_for);
    let _ = phase_tx.send(Phase::Drain);
    report.settled_in_drain = timed(&mut report.timings.drain, async {
        wait_for(options.drain_for, || conversations.iter().all(|c| c.ledger().settled())).await
    })
    .await;

    let verified = timed(&mut report.timings.verify, async {
        println!("reading {} transcripts", conversations.len());
        let shown = read_transcripts(&rest, &conversations).await;
        // Sockets are still open: let every side receive what the transcripts hold before stopping them.
        wait_for(CATCH_UP_LIMIT, || {
            conversations.iter().zip(&shown).all(|(conv, t)| match t {
                Ok(t) => conv.ledger().caught_up(t.events.last().map_or(0, |e| e.seq)),
                Err(_) => true,
            })
        })
        .await;
        let _ = phase_tx.send(Phase::Stop);
        stop(&mut tasks, &world.counters).await;
        // Read again with every socket closed: whatever was acknowledged must be stored by now.
        println!("reading them again after closing every socket");
        let stored = read_transcripts(&rest, &conversations).await;
        let mut verified = Vec::new();
        for ((conv, shown), stored) in conversations.iter().zip(shown).zip(stored) {
            let verdict = match (shown, stored) {
                (Ok(shown), Ok(stored)) => Some(verify::check(&conv.ledger(), &shown, &stored)),
                (Err(e), _) | (_, Err(e)) => {
                    world.counters.incidents.add("transcript_unreadable", &e);
                    None
                }
            };
            verified.push((conv.clone(), verdict));
        }
        verified
    })
    .await;

    report.gather(&verified);
    report.take_counters(&world.counters);
    Ok(report)
}

fn not_taken_over(conversations: &[Arc<Conversation>]) -> usize {
    conversations.iter().filter(|c| c.agent.is_some() && c.ledger().taken_over != [true, true]).count()
}

/// The chatting phase, with a progress line now and then.
async fn chat(world: &World, run_for: Duration) {
    let started = Instant::now();
    while started.elapsed() < run_for {
        let left = run_for.saturating_sub(started.elapsed());
        tokio::time::sleep(left.min(PROGRESS_EVERY)).await;
        let c = &world.counters;
        println!(
            "  t={:>3.0}s sent {} acked {} delivered {} | sockets opened {} dropped {} resumed {} | rate limited {} errors {}",
            started.elapsed().as_secs_f64(),
            read(&c.sent),
            read(&c.acked),
            read(&c.delivered),
            read(&c.connections_opened),
            read(&c.dropped_by_load),
            read(&c.resumed),
            read(&c.rate_limited),
            c.errors.total() + c.incidents.total(),
        );
    }
}

async fn read_transcripts(rest: &Rest, conversations: &[Arc<Conversation>]) -> Vec<Result<Transcript, String>> {
    stream::iter(conversations)
        .map(|conv| async move {
            with_retries(3, || rest.transcript(SITE, &conv.id, &conv.customer_token)).await.map_err(|e| e.to_string())
        })
        .buffered(TRANSCRIPT_CONCURRENCY)
        .collect()
        .await
}

/// Lets every socket task close its socket; any still running after the limit is aborted.
async fn stop(tasks: &mut JoinSet<()>, counters: &Counters) {
    let drained = tokio::time::timeout(STOP_LIMIT, async {
        while let Some(joined) = tasks.join_next().await {
            if let Err(e) = joined {
                counters.incidents.add("socket_task_failed", &e.to_string());
            }
        }
    })
    .await;
    if drained.is_err() {
        counters.incidents.add("socket_task_hung", &format!("{} task(s) still running at stop", tasks.len()));
        tasks.abort_all();
    }
}
