//! Part 6: dashboard fan-out. Conversations each send a message a second while consoles
//! watch the site's dashboard; the delay from a message to each console's row update, and
//! whether every console ends on every conversation's last seq.

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::bench::cpu::Meter;
use crate::bench::dashboard::Dashboard;
use crate::bench::options::Plan;
use crate::bench::pair::{BatonTarget, Pattern, Run};
use crate::bench::pool::Pool;
use crate::bench::stats::{Summary, millis, round};

const SEND_EVERY: Duration = Duration::from_secs(1);
const POLL: Duration = Duration::from_millis(50);
const WARM_UP: Duration = Duration::from_secs(4);

pub struct Setup<'a> {
    pub plan: &'a Plan,
    pub baton: &'a BatonTarget,
    pub baton_dir: &'a Path,
    pub seed: u64,
}

fn dashboard_url(target: &BatonTarget) -> String {
    let token = target.agent_tokens.first().map(String::as_str).unwrap_or_default();
    format!("{}/api/sites/{}/dashboard?token={token}", target.ws_base, target.site)
}

async fn ensure_consoles(dashboards: &mut Vec<Dashboard>, wanted: usize, url: &str) -> Result<(), String> {
    while dashboards.len() > wanted {
        if let Some(d) = dashboards.pop() {
            d.close();
        }
    }
    while dashboards.len() < wanted {
        dashboards.push(Dashboard::open(url).await?);
    }
    Ok(())
}

/// How one console's row updates compare with the messages that were acknowledged.
#[derive(Debug, Default, PartialEq)]
struct Comparison {
    /// Milliseconds from each message's write to its row update on the console.
    delays: Vec<f64>,
    /// Messages whose own row update never came (a later one may have overtaken it).
    missed: usize,
    /// Conversations whose final row is behind their last acknowledged seq: a lost update.
    behind: usize,
}

fn compare(
    sent_at: &HashMap<(String, u64), Instant>,
    last: &HashMap<String, u64>,
    updates: Vec<(String, u64, Instant)>,
    rows: &HashMap<String, u64>,
) -> Comparison {
    let mut first: HashMap<(String, u64), Instant> = HashMap::new();
    for (id, seq, at) in updates {
        first.entry((id, seq)).or_insert(at);
    }
    let mut out = Comparison::default();
    for (key, sent) in sent_at {
        match first.get(key) {
            Some(at) => out.delays.push(millis(at.saturating_duration_since(*sent))),
            None => out.missed += 1,
        }
    }
    // A row ahead of the last acknowledged seq shows a message whose ack was still on its way.
    out.behind = last.iter().filter(|(id, seq)| rows.get(*id).is_none_or(|row| row < *seq)).count();
    out
}

/// One step: `active` conversations send for the window while `dashboards` watch.
async fn step(setup: &Setup<'_>, pool: &mut Pool, active: usize, dashboards: &[Dashboard]) -> Value {
    let plan = setup.plan;
    for d in dashboards {
        d.take_updates();
    }
    println!("fanout: {active} conversations × 1 msg/s, {} consoles, for {:?}", dashboards.len(), plan.fanout_window);
    let meter = Meter::start(setup.baton_dir);
    let now = Instant::now();
    let run = Run {
        pattern: Pattern::CustomerAcked { gap: SEND_EVERY },
        stop: now + plan.fanout_window,
        give_up: now + plan.fanout_window + plan.drain,
        seed: setup.seed,
        round: 0,
    };
    let outcomes = pool.exchange(active, run).await;
    let usage = meter.read();

    // Each conversation's acknowledged messages, and the seq its row must end on.
    let mut sent_at: HashMap<(String, u64), Instant> = HashMap::new();
    let mut last: HashMap<String, u64> = HashMap::new();
    for o in &outcomes {
        for &(seq, at) in &o.acked {
            sent_at.insert((o.conversation.clone(), seq), at);
            let entry = last.entry(o.conversation.clone()).or_insert(0);
            *entry = (*entry).max(seq);
        }
    }
    let caught_up = |d: &Dashboard| {
        let seen = d.seen();
        last.iter().all(|(id, seq)| seen.rows.get(id).is_some_and(|row| row >= seq))
    };
    let settle_by = Instant::now() + plan.drain;
    while !dashboards.iter().all(caught_up) && Instant::now() < settle_by {
        tokio::time::sleep(POLL).await;
    }

    let mut delays = Vec::new();
    let (mut missed, mut wrong_final, mut broken) = (0usize, 0usize, 0usize);
    for d in dashboards {
        let updates = d.take_updates();
        let seen = d.seen();
        let console = compare(&sent_at, &last, updates, &seen.rows);
        delays.extend(console.delays);
        missed += console.missed;
        wrong_final += console.behind;
        broken += usize::from(seen.broken.is_some());
    }
    let acked: usize = outcomes.iter().map(|o| o.acked.len()).sum();
    let ack: Vec<f64> = outcomes.iter().flat_map(|o| o.ack.iter().copied()).collect();
    let delay = Summary::of(&delays);
    let achieved = acked as f64 / plan.fanout_window.as_secs_f64();
    println!(
        "  {acked} messages ({achieved:.0}/s of {active}/s offered) | dashboard delay p50 {:.1} ms p99 {:.1} ms | missed updates {missed} | wrong final rows {wrong_final}",
        delay.p50, delay.p99
    );
    json!({
        "conversations": active,
        "consoles": dashboards.len(),
        "offered_per_s": active,
        "achieved_per_s": round(achieved),
        "messages": acked,
        "undelivered_to_agent": outcomes.iter().map(|o| o.undelivered).sum::<usize>(),
        "ack_ms": Summary::of(&ack).json(),
        "dashboard_delay_ms": delay.json(),
        "updates_expected": sent_at.len() * dashboards.len(),
        "updates_missed": missed,
        "final_rows_wrong": wrong_final,
        "consoles_broken": broken,
        "row_updates_per_s": round(delays.len() as f64 / plan.fanout_window.as_secs_f64()),
        "cpu": usage.json(),
        "workerd_cpu_ms_per_message": if acked > 0 { round(usage.workerd_seconds * 1000.0 / acked as f64) } else { 0.0 },
    })
}

/// Unrecorded: the first messages after the relay's last level meet objects that hibernated
/// meanwhile and are slower than any later ones; they would be the first step's tail.
async fn warm_up(setup: &Setup<'_>, pool: &mut Pool, active: usize) {
    let now = Instant::now();
    let run = Run {
        pattern: Pattern::CustomerAcked { gap: SEND_EVERY },
        stop: now + WARM_UP,
        give_up: now + WARM_UP + setup.plan.drain,
        seed: setup.seed,
        round: 0,
    };
    pool.exchange(active, run).await;
}

pub async fn run(setup: &Setup<'_>, pool: &mut Pool, deadline: Instant) -> Value {
    let plan = setup.plan;
    let size = plan.pool_size();
    println!("fanout: making sure {size} conversations are open");
    let open = pool.grow_to("Baton", size, deadline, |i| setup.baton.open(i)).await;
    let url = dashboard_url(setup.baton);
    let mut dashboards = Vec::new();
    let mut subscribers = Vec::new();
    let mut steps = Vec::new();
    let mut error = None;
    let growth = plan.fanout_growth_conversations.min(open);
    warm_up(setup, pool, growth).await;
    for &consoles in &plan.fanout_console_steps {
        if let Err(e) = ensure_consoles(&mut dashboards, consoles, &url).await {
            error = Some(e);
            break;
        }
        subscribers.push(step(setup, pool, growth, &dashboards).await);
    }
    if error.is_none()
        && let Err(e) = ensure_consoles(&mut dashboards, plan.fanout_consoles, &url).await
    {
        error = Some(e);
    }
    for &active in &plan.fanout_steps {
        if error.is_some() {
            break;
        }
        if active > open {
            error = Some(format!("only {open} conversations could be opened"));
            break;
        }
        if Instant::now() + plan.fanout_window + plan.drain * 2 > deadline {
            error = Some(format!("the steps from {active} conversations on were skipped: the part's time was used up"));
            break;
        }
        let repeat = subscribers.iter().find(|s| s["conversations"] == active && s["consoles"] == plan.fanout_consoles);
        let figures = match repeat {
            Some(done) => done.clone(),
            None => step(setup, pool, active, &dashboards).await,
        };
        steps.push(figures);
    }
    for d in dashboards {
        d.close();
    }
    json!({
        "conversations_open": open,
        "window_s": plan.fanout_window.as_secs(),
        "drain_s": plan.drain.as_secs(),
        "send_every_s": SEND_EVERY.as_secs(),
        "subscribers": subscribers,
        "steps": steps,
        "error": error,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_console_is_compared_with_what_was_acknowledged() {
        let t0 = Instant::now();
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        let sent_at: HashMap<(String, u64), Instant> =
            [(("a".to_string(), 3), at(0)), (("a".to_string(), 4), at(1000)), (("b".to_string(), 7), at(0))].into();
        let last: HashMap<String, u64> = [("a".to_string(), 4), ("b".to_string(), 7)].into();
        // a's seq 3 update is overtaken by seq 4; b's row is left at 6.
        let updates = vec![("a".to_string(), 4, at(1005)), ("a".to_string(), 4, at(1500)), ("b".to_string(), 6, at(2))];
        let rows: HashMap<String, u64> = [("a".to_string(), 4), ("b".to_string(), 6)].into();
        let c = compare(&sent_at, &last, updates, &rows);
        assert_eq!(c.delays, [5.0]);
        assert_eq!((c.missed, c.behind), (2, 1));
    }
}
