//! Part 3: relay latency, customer→agent and agent→customer, with 1, 100 and 1,000 open
//! conversations, each against the bare relay at the same size and pace in the same run.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::bench::cpu::{Meter, Usage};
use crate::bench::options::Plan;
use crate::bench::pair::{BatonTarget, Outcome, Pattern, Run, open_bare};
use crate::bench::pool::Pool;
use crate::bench::relay_worker::RelayWorker;
use crate::bench::stats::{Summary, ratio, ratios, round};
use crate::bench::wake;

/// What one side of a level (Baton or the bare relay) showed.
pub struct Figures {
    pub to_agent: Summary,
    pub to_customer: Summary,
    pub ack: Summary,
    pub sent: usize,
    pub delivered: usize,
    pub undelivered: usize,
    pub errors: BTreeMap<String, usize>,
    pub usage: Usage,
    /// How long messages were sent for (the usage also covers waiting for the last ones).
    pub window: Duration,
    /// Cores workerd kept busy with these conversations open and no message sent.
    pub idle_cores: f64,
}

impl Figures {
    pub fn of(outcomes: &[Outcome], usage: Usage, window: Duration, idle_cores: f64) -> Figures {
        let gather =
            |f: fn(&Outcome) -> &Vec<f64>| outcomes.iter().flat_map(|o| f(o).iter().copied()).collect::<Vec<_>>();
        let (to_agent, to_customer) = (gather(|o| &o.to_agent), gather(|o| &o.to_customer));
        let mut errors = BTreeMap::new();
        for code in outcomes.iter().flat_map(|o| &o.errors) {
            *errors.entry(code.clone()).or_insert(0) += 1;
        }
        Figures {
            delivered: to_agent.len() + to_customer.len(),
            to_agent: Summary::of(&to_agent),
            to_customer: Summary::of(&to_customer),
            ack: Summary::of(&gather(|o| &o.ack)),
            sent: outcomes.iter().map(|o| o.sent).sum(),
            undelivered: outcomes.iter().map(|o| o.undelivered).sum(),
            errors,
            usage,
            window,
            idle_cores,
        }
    }

    /// workerd's CPU milliseconds per message delivered.
    pub fn cpu_ms_per_message(&self) -> f64 {
        if self.delivered == 0 { 0.0 } else { self.usage.workerd_seconds * 1000.0 / self.delivered as f64 }
    }

    /// The same, less what workerd spends anyway with these conversations open.
    pub fn cpu_ms_per_message_net(&self) -> f64 {
        let idle = self.idle_cores * self.usage.wall_seconds;
        if self.delivered == 0 {
            0.0
        } else {
            (self.usage.workerd_seconds - idle).max(0.0) * 1000.0 / self.delivered as f64
        }
    }

    pub fn json(&self) -> Value {
        json!({
            "customer_to_agent_ms": self.to_agent.json(),
            "agent_to_customer_ms": self.to_customer.json(),
            "ack_ms": self.ack.json(),
            "sent": self.sent,
            "delivered": self.delivered,
            "undelivered": self.undelivered,
            "errors": self.errors,
            "rate_per_s": round(self.delivered as f64 / self.window.as_secs_f64().max(0.001)),
            "cpu": self.usage.json(),
            "workerd_cpu_ms_per_message": round(self.cpu_ms_per_message()),
            "workerd_idle_cores": round(self.idle_cores),
            "workerd_cpu_ms_per_message_net_of_idle": round(self.cpu_ms_per_message_net()),
        })
    }
}

/// Conversations whose first message after a silence is timed.
const WAKE_CONVERSATIONS: usize = 20;

/// Long enough to average workerd's periodic work, short beside the windows.
const IDLE_SAMPLE: Duration = Duration::from_secs(3);

/// Everything the relay part needs from the run.
pub struct Setup<'a> {
    pub plan: &'a Plan,
    pub baton: &'a BatonTarget,
    pub baton_dir: &'a Path,
    pub bare: &'a RelayWorker,
    pub seed: u64,
}

/// Each conversation's gap: the level's total rate spread over its conversations, never
/// faster than the plan's minimum; uniformly within ±50 % of it.
pub fn gap_range(plan: &Plan, conversations: usize) -> (Duration, Duration) {
    let mean = Duration::from_secs_f64(conversations as f64 / plan.relay_rate).max(plan.relay_min_gap);
    (mean / 2, mean * 3 / 2)
}

/// How many cores each stack's workerd keeps busy while nothing is sent: what open
/// conversations cost by themselves. Measured over a fixed sample, both stacks at once.
async fn idle_cores(dirs: [&Path; 2]) -> [f64; 2] {
    let meters = dirs.map(Meter::start);
    tokio::time::sleep(IDLE_SAMPLE).await;
    meters.map(|m| {
        let usage = m.read();
        usage.workerd_seconds / usage.wall_seconds.max(0.001)
    })
}

#[allow(clippy::too_many_arguments)]
async fn measure(
    pool: &mut Pool,
    name: &str,
    size: usize,
    plan: &Plan,
    pattern: Pattern,
    seed: u64,
    stack_dir: &Path,
    idle_cores: f64,
) -> Figures {
    let now = Instant::now();
    let run =
        Run { pattern, stop: now + plan.relay_window, give_up: now + plan.relay_window + plan.drain, seed, round: 0 };
    println!("relay: {name}, {size} conversations for {:?}", plan.relay_window);
    let meter = Meter::start(stack_dir);
    let outcomes = pool.exchange(size, run).await;
    let f = Figures::of(&outcomes, meter.read(), plan.relay_window, idle_cores);
    println!(
        "  delivered {} of {} | customer→agent p50 {:.1} ms p99 {:.1} ms | agent→customer p50 {:.1} ms p99 {:.1} ms",
        f.delivered, f.sent, f.to_agent.p50, f.to_agent.p99, f.to_customer.p50, f.to_customer.p99
    );
    f
}

pub async fn run(setup: &Setup<'_>, baton_pool: &mut Pool, bare_pool: &mut Pool, deadline: Instant) -> Value {
    let plan = setup.plan;
    let mut levels = Vec::new();
    for &size in &plan.relay_sizes {
        // Both targets' windows, and the last messages' way home.
        let needed = 2 * plan.relay_window + Duration::from_secs(10);
        if Instant::now() + needed > deadline {
            levels.push(json!({ "conversations": size, "error": "skipped: the part's time was used up" }));
            break;
        }
        println!("relay: opening {size} conversations on Baton and {size} rooms on the bare relay");
        let baton_open = baton_pool.grow_to("Baton", size, deadline, |i| setup.baton.open(i)).await;
        let bare_open =
            bare_pool.grow_to("bare relay", size, deadline, |i| open_bare(|room| setup.bare.room_url(room), i)).await;
        if baton_open < size || bare_open < size {
            levels.push(json!({
                "conversations": size,
                "error": format!("only {baton_open} Baton conversations and {bare_open} bare rooms opened"),
            }));
            break;
        }
        let gap = gap_range(plan, size);
        let pattern = Pattern::Alternate { gap };
        let [baton_idle, bare_idle] = idle_cores([setup.baton_dir, &setup.bare.dir]).await;
        let baton = measure(baton_pool, "Baton", size, plan, pattern, setup.seed, setup.baton_dir, baton_idle).await;
        let bare = measure(bare_pool, "bare relay", size, plan, pattern, setup.seed, &setup.bare.dir, bare_idle).await;
        levels.push(json!({
            "conversations": size,
            "sockets": size * 2,
            "gap_ms": [gap.0.as_millis() as u64, gap.1.as_millis() as u64],
            "offered_rate_per_s": round(size as f64 * 2.0 / (gap.0 + gap.1).as_secs_f64()),
            "baton": baton.json(),
            "bare": bare.json(),
            "ratio": {
                "customer_to_agent": ratios(&baton.to_agent, &bare.to_agent),
                "agent_to_customer": ratios(&baton.to_customer, &bare.to_customer),
                "workerd_cpu_per_message": ratio(baton.cpu_ms_per_message(), bare.cpu_ms_per_message()),
                "workerd_cpu_per_message_net_of_idle": ratio(baton.cpu_ms_per_message_net(), bare.cpu_ms_per_message_net()),
            },
        }));
    }
    // Sequential messages on a few conversations after the silence, with room to spare.
    let wake_up = if Instant::now() + wake::SILENCE + Duration::from_secs(20) <= deadline {
        wake::run(baton_pool, bare_pool, WAKE_CONVERSATIONS).await
    } else {
        json!({ "error": "skipped: the part's time was used up" })
    };
    json!({
        "levels": levels,
        "wake_up": wake_up,
        "window_s": plan.relay_window.as_secs(),
        "opening_s": { "baton": round(baton_pool.opening.as_secs_f64()), "bare": round(bare_pool.opening.as_secs_f64()) },
        "open_failures": baton_pool.failures.iter().chain(&bare_pool.failures).take(10).collect::<Vec<_>>(),
        "broken_sockets": baton_pool.broken.iter().chain(&bare_pool.broken).take(10).collect::<Vec<_>>(),
    })
}
