//! The figures of a run: gathered from the ledgers, verdicts and counters, printed as a table
//! and written as JSON.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{Value, json};

use crate::load::counters::{Counters, read};
use crate::load::ledger::Side;
use crate::load::options::Options;
use crate::load::verify::Verdict;
use crate::load::world::Conversation;

/// Latency percentiles of one direction, in milliseconds.
#[derive(Debug, Default, Clone)]
pub struct Latency {
    pub count: usize,
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
}

impl Latency {
    pub fn of(mut samples: Vec<f64>) -> Latency {
        if samples.is_empty() {
            return Latency::default();
        }
        samples.sort_by(f64::total_cmp);
        // Nearest rank: the smallest sample with at least p of all samples at or below it.
        let rank = |p: f64| samples[((p * samples.len() as f64).ceil() as usize).clamp(1, samples.len()) - 1];
        Latency {
            count: samples.len(),
            p50: rank(0.50),
            p95: rank(0.95),
            p99: rank(0.99),
            max: samples[samples.len() - 1],
        }
    }

    fn json(&self) -> Value {
        json!({ "count": self.count, "p50": round(self.p50), "p95": round(self.p95), "p99": round(self.p99), "max": round(self.max) })
    }
}

fn round(ms: f64) -> f64 {
    (ms * 10.0).round() / 10.0
}

/// How long each phase took.
#[derive(Debug, Default, Clone)]
pub struct Timings {
    pub setup: Duration,
    pub warmup: Duration,
    pub run: Duration,
    pub drain: Duration,
    pub verify: Duration,
}

#[derive(Debug, Default)]
pub struct Report {
    pub conversations_started: usize,
    pub conversations_failed_to_start: Vec<String>,
    pub not_taken_over: usize,
    pub sent: [usize; 2],
    pub sent_to_bot: usize,
    pub acked: usize,
    pub delivered: usize,
    /// Acknowledged by the server, then missing from the transcript.
    pub lost: usize,
    /// Never acknowledged and missing: the client still had them when the run ended.
    pub unacknowledged: usize,
    pub duplicated: usize,
    pub refused: usize,
    pub ack_mismatches: usize,
    pub undelivered_events: usize,
    pub unknown_client_ids: usize,
    pub audit_failures: usize,
    pub unverified: Vec<String>,
    pub customer_to_agent: Latency,
    pub agent_to_customer: Latency,
    pub ack: Latency,
    /// From starting to connect to the welcome, per side.
    pub customer_welcome: Latency,
    pub agent_welcome: Latency,
    pub redelivered_events: u64,
    pub seq_gaps: u64,
    pub anomalies: Vec<String>,
    pub findings: Vec<String>,
    pub counters: BTreeMap<String, u64>,
    pub errors: BTreeMap<String, u64>,
    pub incidents: BTreeMap<String, u64>,
    pub samples: Vec<String>,
    pub timings: Timings,
    pub settled_in_drain: bool,
    pub load_cpu_seconds: f64,
    pub wrangler_log: String,
    pub wrangler_reloads: usize,
    /// The snapshot and Durable Object state of a failed run, kept for a look.
    pub kept_state: Option<String>,
}

const MAX_LISTED: usize = 30;

impl Report {
    /// Folds in every conversation's ledger and verdict (`None`: the transcript could not be read).
    pub fn gather(&mut self, conversations: &[(std::sync::Arc<Conversation>, Option<Verdict>)]) {
        let (mut to_agent, mut to_customer, mut acks) = (Vec::new(), Vec::new(), Vec::new());
        for (conv, verdict) in conversations {
            let ledger = conv.ledger();
            for (_, sent) in ledger.messages() {
                match (ledger.with_agent, sent.from) {
                    (false, _) => self.sent_to_bot += 1,
                    (true, side) => self.sent[side.index()] += 1,
                }
                if let Some((_, at)) = sent.ack {
                    self.acked += 1;
                    acks.push(ms(at.duration_since(sent.first_sent)));
                }
                if let Some(at) = sent.delivered_at {
                    self.delivered += 1;
                    let latency = ms(at.duration_since(sent.first_sent));
                    match sent.from {
                        Side::Customer => to_agent.push(latency),
                        Side::Agent => to_customer.push(latency),
                    }
                }
            }
            for side in [Side::Customer, Side::Agent] {
                self.redelivered_events += ledger.seen(side).redelivered;
                self.seq_gaps += ledger.seen(side).gaps;
            }
            for anomaly in &ledger.anomalies {
                push_listed(&mut self.anomalies, format!("{}: {anomaly}", conv.id));
            }
            let Some(verdict) = verdict else {
                self.unverified.push(conv.id.clone());
                continue;
            };
            self.lost += verdict.lost.len();
            self.unacknowledged += verdict.unacknowledged.len();
            self.duplicated += verdict.duplicated.len();
            self.refused += verdict.refused.len();
            self.ack_mismatches += verdict.ack_mismatches.len();
            self.undelivered_events += verdict.undelivered.len();
            self.unknown_client_ids += verdict.unknown.len();
            self.audit_failures += usize::from(verdict.audit.is_some());
            let details = [
                ("lost", &verdict.lost),
                ("never acknowledged", &verdict.unacknowledged),
                ("duplicated", &verdict.duplicated),
                ("refused", &verdict.refused),
                ("ack mismatch", &verdict.ack_mismatches),
                ("undelivered", &verdict.undelivered),
                ("unknown client id", &verdict.unknown),
            ];
            for (what, items) in details {
                for item in items {
                    push_listed(&mut self.findings, format!("{}: {what}: {item}", conv.id));
                }
            }
            if let Some(audit) = &verdict.audit {
                push_listed(&mut self.findings, format!("{}: audit: {audit}", conv.id));
            }
        }
        self.customer_to_agent = Latency::of(to_agent);
        self.agent_to_customer = Latency::of(to_customer);
        self.ack = Latency::of(acks);
    }

    pub fn take_counters(&mut self, counters: &Counters) {
        let named = [
            ("connections_opened", &counters.connections_opened),
            ("dropped_by_load", &counters.dropped_by_load),
            ("dropped_after_send", &counters.dropped_after_send),
            ("resumed", &counters.resumed),
            ("resends", &counters.resends),
            ("rate_limited", &counters.rate_limited),
        ];
        self.counters = named.iter().map(|(name, c)| (name.to_string(), read(c))).collect();
        self.customer_welcome = Latency::of(counters.time_to_welcome(Side::Customer.index()));
        self.agent_welcome = Latency::of(counters.time_to_welcome(Side::Agent.index()));
        self.errors = counters.errors.counts();
        self.incidents = counters.incidents.counts();
        self.samples = counters.errors.samples().into_iter().chain(counters.incidents.samples()).collect();
    }

    fn count(&self, name: &str) -> u64 {
        self.counters.get(name).copied().unwrap_or(0)
    }

    /// Every reason this run fails; empty when it passes.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let mut check = |bad: bool, what: String| {
            if bad {
                problems.push(what);
            }
        };
        check(self.lost > 0, format!("{} acknowledged message(s) missing from the transcript", self.lost));
        check(
            self.unacknowledged > 0,
            format!("{} message(s) never acknowledged nor stored by the end of the drain", self.unacknowledged),
        );
        check(self.duplicated > 0, format!("{} message(s) stored twice", self.duplicated));
        check(self.undelivered_events > 0, format!("{} event(s) never reached a side", self.undelivered_events));
        check(self.ack_mismatches > 0, format!("{} ack(s) named the wrong seq", self.ack_mismatches));
        check(self.refused > 0, format!("{} message(s) refused by the server", self.refused));
        check(self.unknown_client_ids > 0, format!("{} stored message(s) nobody sent", self.unknown_client_ids));
        check(self.audit_failures > 0, format!("{} transcript(s) fail the audit", self.audit_failures));
        check(!self.unverified.is_empty(), format!("{} transcript(s) could not be read", self.unverified.len()));
        check(
            !self.conversations_failed_to_start.is_empty(),
            format!("{} conversation(s) could not be started", self.conversations_failed_to_start.len()),
        );
        check(self.not_taken_over > 0, format!("{} conversation(s) never taken over", self.not_taken_over));
        check(!self.anomalies.is_empty(), format!("{} protocol anomalies seen by clients", self.anomalies.len()));
        check(self.seq_gaps > 0, format!("{} seq gap(s) on live sockets", self.seq_gaps));
        problems
    }

    pub fn print(&self, options: &Options) {
        let sent_total = self.sent[0] + self.sent[1] + self.sent_to_bot;
        let run_s = self.timings.run.as_secs_f64().max(0.001);
        println!(
            "\nBaton load test — {} conversations with an agent, {} with the bot",
            options.conversations, options.bot_conversations
        );
        println!(
            "  seed {}, {} agents, gap {}-{} ms, drop rate {}/s per socket, drop after send {}",
            options.seed,
            options.agents,
            options.gap_ms.0,
            options.gap_ms.1,
            options.drop_rate,
            options.drop_after_send
        );
        println!(
            "  setup {:.1}s, warmup {:.1}s, run {:.1}s, drain {:.1}s{}, verify {:.1}s",
            self.timings.setup.as_secs_f64(),
            self.timings.warmup.as_secs_f64(),
            run_s,
            self.timings.drain.as_secs_f64(),
            if self.settled_in_drain { "" } else { " (did NOT settle)" },
            self.timings.verify.as_secs_f64()
        );
        println!("\n  messages");
        let rows = [
            ("sent", sent_total),
            ("  customer → agent", self.sent[0]),
            ("  agent → customer", self.sent[1]),
            ("  customer → bot", self.sent_to_bot),
            ("acknowledged", self.acked),
            ("delivered to the other side", self.delivered),
            ("lost (sent, never stored)", self.lost + self.unacknowledged),
            ("  of which acknowledged first", self.lost),
            ("duplicated", self.duplicated),
            ("refused", self.refused),
            ("events never received", self.undelivered_events),
        ];
        for (name, value) in rows {
            println!("    {name:<32}{value:>10}");
        }
        println!("    {:<32}{:>10.1}", "sent per second (run)", sent_total as f64 / run_s);
        println!("\n  latency (ms)                       count      p50      p95      p99      max");
        for (name, l) in [
            ("customer → agent", &self.customer_to_agent),
            ("agent → customer", &self.agent_to_customer),
            ("send → ack", &self.ack),
            ("connect → welcome, customer", &self.customer_welcome),
            ("connect → welcome, agent", &self.agent_welcome),
        ] {
            println!("    {name:<28}{:>9}{:>9.1}{:>9.1}{:>9.1}{:>9.1}", l.count, l.p50, l.p95, l.p99, l.max);
        }
        println!("\n  connections");
        for (name, key) in [
            ("opened", "connections_opened"),
            ("dropped by the load", "dropped_by_load"),
            ("  of which right after a send", "dropped_after_send"),
            ("resumed (welcome after a loss)", "resumed"),
            ("messages resent", "resends"),
            ("rate limited", "rate_limited"),
        ] {
            println!("    {name:<32}{:>10}", self.count(key));
        }
        println!("    {:<32}{:>10}", "events received twice", self.redelivered_events);
        for (title, map) in [("server errors", &self.errors), ("client incidents", &self.incidents)] {
            if !map.is_empty() {
                println!("\n  {title}");
                for (kind, n) in map {
                    println!("    {kind:<32}{n:>10}");
                }
            }
        }
        let listed = [("examples", &self.samples), ("anomalies", &self.anomalies), ("findings", &self.findings)];
        for (title, items) in listed {
            if !items.is_empty() {
                println!("\n  {title}");
                for item in items.iter().take(MAX_LISTED) {
                    println!("    {item}");
                }
            }
        }
        println!("\n  load generator CPU: {:.1}s; wrangler log: {}", self.load_cpu_seconds, self.wrangler_log);
        if let Some(dir) = &self.kept_state {
            println!("  snapshot and state kept in {dir}");
        }
        if self.wrangler_reloads > 0 {
            println!(
                "  note: wrangler dev reloaded {} time(s) during the run, resetting every socket",
                self.wrangler_reloads
            );
        }
        let problems = self.problems();
        if problems.is_empty() {
            println!("\nPASS: nothing lost, nothing doubled, every event delivered");
        } else {
            println!("\nFAIL:");
            for problem in problems {
                println!("  - {problem}");
            }
        }
    }

    pub fn json(&self, options: &Options) -> Value {
        let sent_total = self.sent[0] + self.sent[1] + self.sent_to_bot;
        json!({
            "config": {
                "conversations": options.conversations,
                "bot_conversations": options.bot_conversations,
                "agents": options.agents,
                "seconds": options.run_for.as_secs(),
                "drain_seconds": options.drain_for.as_secs(),
                "gap_ms": [options.gap_ms.0, options.gap_ms.1],
                "drop_rate_per_second": options.drop_rate,
                "drop_after_send": options.drop_after_send,
                "seed": options.seed,
            },
            "conversations": {
                "started": self.conversations_started,
                "failed_to_start": self.conversations_failed_to_start,
                "not_taken_over": self.not_taken_over,
            },
            "messages": {
                "sent": sent_total,
                "customer_to_agent": self.sent[0],
                "agent_to_customer": self.sent[1],
                "customer_to_bot": self.sent_to_bot,
                "acked": self.acked,
                "delivered": self.delivered,
                "lost": self.lost + self.unacknowledged,
                "lost_after_ack": self.lost,
                "lost_never_acked": self.unacknowledged,
                "duplicated": self.duplicated,
                "refused": self.refused,
                "ack_mismatches": self.ack_mismatches,
                "undelivered_events": self.undelivered_events,
                "unknown_client_ids": self.unknown_client_ids,
                "sent_per_second": sent_total as f64 / self.timings.run.as_secs_f64().max(0.001),
            },
            "latency_ms": {
                "customer_to_agent": self.customer_to_agent.json(),
                "agent_to_customer": self.agent_to_customer.json(),
                "ack": self.ack.json(),
                "customer_connect_to_welcome": self.customer_welcome.json(),
                "agent_connect_to_welcome": self.agent_welcome.json(),
            },
            "connections": self.counters,
            "redelivered_events": self.redelivered_events,
            "seq_gaps": self.seq_gaps,
            "errors": self.errors,
            "incidents": self.incidents,
            "samples": self.samples,
            "anomalies": self.anomalies,
            "findings": self.findings,
            "audit_failures": self.audit_failures,
            "unverified": self.unverified,
            "timings_s": {
                "setup": self.timings.setup.as_secs_f64(),
                "warmup": self.timings.warmup.as_secs_f64(),
                "run": self.timings.run.as_secs_f64(),
                "drain": self.timings.drain.as_secs_f64(),
                "verify": self.timings.verify.as_secs_f64(),
            },
            "settled_in_drain": self.settled_in_drain,
            "load_cpu_seconds": self.load_cpu_seconds,
            "wrangler_log": self.wrangler_log,
            "wrangler_reloads": self.wrangler_reloads,
            "kept_state": self.kept_state,
            "problems": self.problems(),
            "passed": self.problems().is_empty(),
        })
    }
}

fn push_listed(list: &mut Vec<String>, item: String) {
    if list.len() < 200 {
        list.push(item);
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let l = Latency::of((1..=100).map(f64::from).collect());
        assert_eq!((l.p50, l.p95, l.p99, l.max, l.count), (50.0, 95.0, 99.0, 100.0, 100));
        let one = Latency::of(vec![7.0]);
        assert_eq!((one.p50, one.p99), (7.0, 7.0));
        assert_eq!(Latency::of(Vec::new()).count, 0);
    }
}
