//! `cargo xtask bench load --routing`: the desk under load on the real stack. Routing in `auto`,
//! customers escalate at an even pace (default 500 over 60 s) to a team (default 50 agents of
//! capacity 3) whose consoles drop and reconnect at random; each agent hands a conversation back
//! 15–40 s after it is assigned, so the team fills up and conversations wait for room. Checks that no escalated
//! conversation is lost (each ends assigned or still queued) and that no agent ever holds more
//! than their capacity (from every team frame a supervisor's console receives); reports the
//! delay from queued to assigned. Figures go to stdout and target/bench/routing_load.json; the
//! exit code is non-zero if a conversation was lost or an agent went over capacity.

// Shared with the load generator, which uses all of it.
#[allow(dead_code)]
#[path = "../load/rng.rs"]
mod rng;
#[path = "../load/stack.rs"]
mod stack;

use std::collections::HashMap;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use baton_e2e::{Api, Socket, cli, event_of, repo_root};
use baton_shared::limits::PROTOCOL_VERSION;
use baton_shared::{ClientFrame, DashboardFrame, EventBody, Mode, ServerFrame};
use reqwest::Method;
use serde_json::{Value, json};
use tokio::time::timeout;

use crate::rng::{Rng, seed_from_time};
use crate::stack::FrozenStack;

const USAGE: &str = "\
usage: cargo xtask bench load --routing [--conversations N] [--agents N] [--seconds S]

  --conversations N  customers who ask for a person (default 500)
  --agents N         agents online, capacity 3 each (default 50)
  --seconds S        how long the customers take to arrive (default 60)
";
const SITE: &str = "routing";
const CAPACITY: u64 = 3;
/// How long an agent keeps a conversation before handing it back, in ms.
const HOLD_MS: (u64, u64) = (15_000, 40_000);
/// How long a customer may wait for an agent after the last one arrived.
const DRAIN: Duration = Duration::from_secs(120);

#[derive(Clone)]
struct Options {
    conversations: usize,
    agents: usize,
    seconds: u64,
    seed: u64,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options { conversations: 500, agents: 50, seconds: 60, seed: seed_from_time() };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| -> Result<u64, String> {
            it.next().and_then(|v| v.parse().ok()).filter(|v| *v > 0).ok_or(format!("{name} needs a positive number"))
        };
        match arg.as_str() {
            "--conversations" => o.conversations = value("--conversations")? as usize,
            "--agents" => o.agents = value("--agents")? as usize,
            "--seconds" => o.seconds = value("--seconds")?,
            other => return Err(format!("unknown option {other:?}\n{USAGE}")),
        }
    }
    Ok(o)
}

/// What every task reports.
#[derive(Default)]
struct Tally {
    /// Conversation id → when its customer saw it queued, and when they saw an agent join.
    queued: HashMap<String, Instant>,
    assigned: HashMap<String, Instant>,
    /// The most conversations each agent was seen holding at once.
    max_held: HashMap<String, u64>,
    dashboard_drops: u64,
    hand_backs: u64,
}

type Shared = Arc<Mutex<Tally>>;

fn lock(tally: &Shared) -> std::sync::MutexGuard<'_, Tally> {
    tally.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn main() -> ExitCode {
    let options = match cli::options(USAGE, parse) {
        Ok(options) => options,
        Err(code) => return code,
    };
    let runtime = match cli::runtime("routing load") {
        Ok(runtime) => runtime,
        Err(code) => return code,
    };
    let hard_deadline = Duration::from_secs(options.seconds) + DRAIN + Duration::from_secs(600);
    let outcome = runtime.block_on(async { timeout(hard_deadline, run(options)).await });
    runtime.shutdown_timeout(Duration::from_secs(5));
    match outcome {
        Err(_) => {
            eprintln!("routing load: the hard deadline of {hard_deadline:?} passed; the run was abandoned");
            ExitCode::from(3)
        }
        Ok(Err(e)) => {
            eprintln!("routing load: {e}");
            ExitCode::FAILURE
        }
        Ok(Ok(report)) => {
            let failed = report["lost"].as_u64() != Some(0) || report["agents_over_capacity"].as_u64() != Some(0);
            if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
        }
    }
}

async fn run(o: Options) -> Result<Value, String> {
    println!(
        "routing load: {} customers over {} s to {} agents (seed {})",
        o.conversations, o.seconds, o.agents, o.seed
    );
    let stack = FrozenStack::start().await?;
    let api = Api::new(&stack.base);
    let mut accounts: Vec<Value> = (0..o.agents)
        .map(|i| {
            json!({ "email": format!("agent{i}@load.test"), "name": format!("Agent {i}"), "role": "agent",
                    "password": "load-test-pass", "languages": ["en"], "capacity": CAPACITY })
        })
        .collect();
    accounts
        .push(json!({ "email": "lead@load.test", "name": "Lead", "role": "supervisor", "password": "load-test-pass" }));
    let seed = json!({ "name": "Load", "bot_name": "Bot", "greeting": "Hi", "accounts": accounts,
                       "limits": { "conversations_per_visitor_per_minute": 100_000 } });
    let put = reqwest::Client::new()
        .put(format!("{}/api/admin/sites/{SITE}", stack.base))
        .bearer_auth(baton_e2e::stack::dev_var("ADMIN_SECRET"))
        .json(&seed)
        .send()
        .await
        .map_err(|e| format!("seeding: {e}"))?;
    if !put.status().is_success() {
        return Err(format!("seeding answered {}", put.status()));
    }
    let lead = api.login(SITE, "lead@load.test", "load-test-pass").await.token;
    let (status, body) =
        api.call(Method::PUT, &format!("/api/sites/{SITE}/desk"), Some(&lead), Some(&json!({ "mode": "auto" }))).await;
    if status != 200 {
        return Err(format!("routing mode: {status} {body}"));
    }

    let tally: Shared = Arc::default();
    let end = Instant::now() + Duration::from_secs(o.seconds) + DRAIN;
    let supervisor = tokio::spawn(watch_team(api.dashboard_url(SITE, &lead), tally.clone(), end));
    let mut agents = Vec::new();
    for i in 0..o.agents {
        let token = api.login(SITE, &format!("agent{i}@load.test"), "load-test-pass").await.token;
        agents.push(tokio::spawn(agent(api.clone(), token, Rng::new(o.seed, i as u64), tally.clone(), end)));
    }
    let pace = Duration::from_secs(o.seconds).as_secs_f64() / o.conversations as f64;
    let started = Instant::now();
    let mut customers = Vec::new();
    for i in 0..o.conversations {
        let due = started + Duration::from_secs_f64(pace * i as f64);
        tokio::time::sleep_until(due.into()).await;
        customers.push(tokio::spawn(customer(api.clone(), tally.clone(), end)));
    }
    let mut ids = Vec::new();
    for c in customers {
        ids.push(c.await.map_err(|e| format!("a customer task failed: {e}"))??);
    }
    for a in agents {
        a.abort();
    }
    supervisor.abort();

    // Every escalated conversation is held, back with the bot after its agent's hand-back, or
    // still queued; one in none of these was lost by the desk.
    let mut snapshot_socket = Socket::open(&api.dashboard_url(SITE, &lead)).await;
    let snapshot =
        snapshot_socket.next_of("snapshot", |f: &DashboardFrame| matches!(f, DashboardFrame::Snapshot { .. })).await;
    let DashboardFrame::Snapshot { conversations } = snapshot else { return Err("no snapshot".into()) };
    let rows: HashMap<&str, Mode> = conversations.iter().map(|r| (r.id.as_str(), r.mode)).collect();
    let t = lock(&tally);
    let (mut still_queued, mut lost) = (0u64, Vec::new());
    for id in &ids {
        match (t.assigned.contains_key(id), rows.get(id.as_str())) {
            (true, _) => {}
            (false, Some(Mode::Queued)) => still_queued += 1,
            (false, other) => lost.push(format!("{id}: {other:?}")),
        }
    }
    let mut delays: Vec<f64> = t
        .assigned
        .iter()
        .filter_map(|(id, at)| t.queued.get(id).map(|q| at.saturating_duration_since(*q).as_secs_f64() * 1000.0))
        .collect();
    delays.sort_by(|a, b| a.total_cmp(b));
    let pct = |p: f64| delays.get(((delays.len() as f64 - 1.0) * p).round().max(0.0) as usize).copied();
    let over: Vec<(&String, &u64)> = t.max_held.iter().filter(|(_, held)| **held > CAPACITY).collect();
    let report = json!({
        "conversations": o.conversations, "agents": o.agents, "capacity": CAPACITY, "seconds": o.seconds, "seed": o.seed,
        "assigned": t.assigned.len(), "still_queued": still_queued, "lost": lost.len(), "lost_examples": lost.iter().take(5).collect::<Vec<_>>(),
        "agents_over_capacity": over.len(), "max_held": t.max_held.values().max().copied().unwrap_or(0),
        "hand_backs": t.hand_backs, "dashboard_drops": t.dashboard_drops, "server_reloads": stack.reloads(),
        "assignment_delay_ms": { "p50": pct(0.5), "p99": pct(0.99), "max": delays.last().copied() },
    });
    drop(t);
    println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default());
    let path = repo_root().join("target/bench/routing_load.json");
    let _ = std::fs::create_dir_all(path.parent().unwrap_or(&path));
    std::fs::write(&path, serde_json::to_string_pretty(&report).unwrap_or_default())
        .map_err(|e| format!("{}: {e}", path.display()))?;
    println!("wrote {}", path.display());
    stack.remove();
    Ok(report)
}

/// A customer who asks for a person and waits for one; returns the conversation's id.
async fn customer(api: Api, tally: Shared, end: Instant) -> Result<String, String> {
    let start = api.start(SITE, None).await;
    let id = start.conversation_id.clone();
    let (mut socket, _) = api.connect(SITE, &id, &start.token, 0).await;
    socket.send(&ClientFrame::RequestHuman { client_id: "r-1".into() }).await;
    let is_mode = |f: &baton_shared::ServerFrame, wanted: Mode| matches!(event_of(f).map(|e| &e.body), Some(EventBody::Mode { mode, .. }) if *mode == wanted);
    socket.next_matching("queued", |f| is_mode(f, Mode::Queued)).await;
    lock(&tally).queued.insert(id.clone(), Instant::now());
    let left = end.saturating_duration_since(Instant::now());
    if let Ok(Some(_)) = timeout(left, socket.next_where(|f: &baton_shared::ServerFrame| is_mode(f, Mode::Human))).await
    {
        lock(&tally).assigned.insert(id.clone(), Instant::now());
    }
    socket.close().await;
    Ok(id)
}

/// An agent's console: it drops and reconnects now and then; each conversation given to the
/// agent is handed back a few seconds later.
async fn agent(api: Api, token: String, mut rng: Rng, tally: Shared, end: Instant) {
    while Instant::now() < end {
        let Ok(mut console) = Socket::try_open(&api.dashboard_url(SITE, &token)).await else { return };
        let session = Duration::from_millis(rng.between(5_000, 25_000));
        let until = Instant::now() + session;
        while Instant::now() < until {
            let left = until.saturating_duration_since(Instant::now());
            let Ok(Some(frame)) = timeout(left, console.next_where(|_: &DashboardFrame| true)).await else { break };
            if let DashboardFrame::Assigned { conversation, .. } = frame {
                // Long enough that the team fills up and conversations wait for room.
                let hold = Duration::from_millis(rng.between(HOLD_MS.0, HOLD_MS.1));
                tokio::spawn(hand_back(api.clone(), token.clone(), conversation, hold, tally.clone()));
            }
        }
        // Dropped without a close frame, as a tab that crashes or a network that goes away.
        drop(console);
        lock(&tally).dashboard_drops += 1;
        tokio::time::sleep(Duration::from_millis(rng.between(200, 3_000))).await;
    }
}

/// The agent is done with the conversation after `hold`. A socket the server drops meanwhile
/// only means the conversation stays with the agent: capacity is what the run checks.
async fn hand_back(api: Api, token: String, conversation: String, hold: Duration, tally: Shared) {
    tokio::time::sleep(hold).await;
    let Ok(mut socket) = Socket::try_open(&api.ws_url(SITE, &conversation, &token)).await else { return };
    socket.send(&ClientFrame::Hello { protocol: PROTOCOL_VERSION, last_seq: 0 }).await;
    socket.send(&ClientFrame::HandBack).await;
    let back = |f: &ServerFrame| matches!(event_of(f).map(|e| &e.body), Some(EventBody::Mode { mode: Mode::Bot, .. }));
    if let Ok(Some(_)) = timeout(Duration::from_secs(20), socket.next_where(back)).await {
        lock(&tally).hand_backs += 1;
    }
    socket.close().await;
}

/// A supervisor's console: the most conversations each agent holds, from every team frame.
async fn watch_team(url: String, tally: Shared, end: Instant) {
    while Instant::now() < end {
        let Ok(mut console) = Socket::try_open(&url).await else { return };
        while let Some(frame) = console.next_where(|_: &DashboardFrame| true).await {
            if let DashboardFrame::Team { members } = frame {
                let mut t = lock(&tally);
                for m in members {
                    let max = t.max_held.entry(m.email).or_insert(0);
                    *max = (*max).max(u64::from(m.held));
                }
            }
        }
    }
}
