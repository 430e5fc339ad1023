//! `cargo xtask bench`'s measurements of the running stack: host-page impact in headless
//! Chromium, relay latency against a bare relay, takeover latency, the bot's reply time, what a
//! sign-in flood from one address costs the chats, dashboard fan-out, and the history's search
//! and close. Starts its own `wrangler dev` on a snapshot of the build (and the bare relay of
//! bench/relay/), writes the figures as JSON for xtask to turn into BENCHMARKS.md.
//! Every part is bounded in time; a part that fails or overruns is reported as such and the
//! others still run. `--help` lists the options.

// The bench's modules belong to this binary alone, like the load generator's.
#[path = "../bench/mod.rs"]
mod bench;

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use futures::FutureExt;
use serde_json::{Map, Value, json};

use baton_e2e::{Browser, cli, repo_root};

use crate::bench::options::{Options, Part};
use crate::bench::pair::BatonTarget;
use crate::bench::pool::Pool;
use crate::bench::relay_worker::RelayWorker;
use crate::bench::rest::Rest;
use crate::bench::rng::seed_from_time;
use crate::bench::sites::{self, CHAT_SITE};
use crate::bench::stack::FrozenStack;
use crate::bench::stats::round;
use crate::bench::{bot, fanout, flood, history, host, limits, relay, takeover};

/// Nothing of the run outlasts this; xtask's build and report come on top.
const RUN_LIMIT: Duration = Duration::from_secs(18 * 60);

/// The flood, the relay, the fan-out and the history plan their steps to end this long before
/// their part's limit, so the limit only cuts a part that hangs and what was measured is kept.
const PART_MARGIN: Duration = Duration::from_secs(30);

/// Each part's own bound, in the order they run.
fn part_limit(part: Part) -> Duration {
    Duration::from_secs(match part {
        Part::Host => 240,
        Part::Takeover => 120,
        Part::Bot => 120,
        Part::Flood => 240,
        Part::Relay => 330,
        Part::Fanout => 180,
        Part::History => 360,
    })
}

fn main() -> ExitCode {
    let options = match cli::options(bench::options::USAGE, |args| {
        Options::parse(args, repo_root().join("target/bench/bench.json"))
    }) {
        Ok(options) => options,
        Err(code) => return code,
    };
    let runtime = match cli::runtime("bench") {
        Ok(runtime) => runtime,
        Err(code) => return code,
    };
    let started = Instant::now();
    let figures = runtime.block_on(async {
        match tokio::time::timeout(RUN_LIMIT, run(&options)).await {
            Ok(figures) => figures,
            Err(_) => json!({ "error": format!("the run was abandoned at its limit of {RUN_LIMIT:?}") }),
        }
    });
    runtime.shutdown_timeout(Duration::from_secs(5));
    let mut figures = figures;
    figures["duration_s"] = json!(round(started.elapsed().as_secs_f64()));
    figures["quick"] = json!(options.quick);
    let written = options
        .json
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::write(&options.json, format!("{figures:#}\n")));
    match written {
        Ok(()) => {
            println!("figures written to {}", options.json.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("bench: cannot write {}: {e}", options.json.display());
            ExitCode::FAILURE
        }
    }
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    let what = panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "a panic".into());
    format!("failed: {what}")
}

/// Runs one part within its limit and the run's; a panic or an overrun becomes its error.
async fn part<F>(name: &str, limit: Duration, run_ends: Instant, work: F) -> Value
where
    F: Future<Output = Result<Value, String>>,
{
    let limit = limit.min(run_ends.saturating_duration_since(Instant::now()));
    println!("\n== {name} (at most {}s)", limit.as_secs());
    let started = Instant::now();
    let outcome = tokio::time::timeout(limit, AssertUnwindSafe(work).catch_unwind()).await;
    let mut value = match outcome {
        Ok(Ok(Ok(value))) => value,
        Ok(Ok(Err(e))) => json!({ "error": e }),
        Ok(Err(panic)) => json!({ "error": panic_message(panic.as_ref()) }),
        Err(_) => json!({ "error": format!("stopped at its limit of {}s", limit.as_secs()) }),
    };
    let took = started.elapsed().as_secs_f64();
    println!("== {name} took {took:.0}s");
    if let Some(fields) = value.as_object_mut() {
        fields.insert("duration_s".into(), json!(round(took)));
    }
    value
}

async fn run(options: &Options) -> Value {
    let run_ends = Instant::now() + RUN_LIMIT - Duration::from_secs(20);
    let seed = seed_from_time();
    let mut out = Map::new();
    out.insert("seed".into(), json!(seed));
    match limits::raise_open_files() {
        Ok((soft, hard)) => out.insert("open_files_limit".into(), json!({ "soft": soft, "hard": hard })),
        Err(e) => out.insert("open_files_limit".into(), json!({ "error": e })),
    };
    let admin_secret = baton_e2e::stack::dev_var("ADMIN_SECRET");
    // The flood last: what it leaves in the site object (attempt windows, conversations) must
    // not weigh on the others.
    let chat_parts = [Part::Host, Part::Takeover, Part::Bot, Part::Flood];
    if chat_parts.iter().any(|p| options.has(*p)) {
        match chat_stack(&admin_secret).await {
            Ok((stack, target)) => {
                for p in chat_parts.into_iter().filter(|p| options.has(*p)) {
                    let work = chat_part(p, options, &stack, &target, &admin_secret, seed, run_ends);
                    let value = part(p.name(), part_limit(p), run_ends, work).await;
                    out.insert(p.name().into(), value);
                }
                stack.remove();
            }
            Err(e) => {
                for p in chat_parts.into_iter().filter(|p| options.has(*p)) {
                    out.insert(p.name().into(), json!({ "error": format!("the stack did not start: {e}") }));
                }
            }
        }
    }
    if options.has(Part::Relay) || options.has(Part::Fanout) {
        relay_and_fanout(options, &admin_secret, seed, run_ends, &mut out).await;
    }
    if options.has(Part::History) {
        let limit = part_limit(Part::History);
        let deadline = (Instant::now() + limit - PART_MARGIN).min(run_ends);
        let value = part("history", limit, run_ends, history_part(options, &admin_secret, deadline)).await;
        out.insert("history".into(), value);
    }
    Value::Object(out)
}

/// The history on its own stack: a generated history must not weigh on the other parts, and
/// their conversations must not be in it. The stack starts within the part's limit; if the part
/// fails, its snapshot and state stay for a look.
async fn history_part(options: &Options, admin_secret: &str, deadline: Instant) -> Result<Value, String> {
    println!("starting wrangler dev on a snapshot of the build, for the history");
    let mut stack = FrozenStack::start().await?;
    let measured = async {
        let rest = Rest::new(&stack.base)?;
        sites::seed_chat_site(&rest, admin_secret).await?;
        history::run(&mut stack, &rest, &options.plan, deadline).await
    }
    .await;
    match measured {
        Ok(value) => {
            stack.remove();
            Ok(value)
        }
        Err(e) => {
            let dir = stack.dir.clone();
            stack.stop();
            Err(format!("{e} (the stack's snapshot and state are kept in {})", dir.display()))
        }
    }
}

/// Baton's stack with the chat site seeded, and its agents signed in.
async fn chat_stack(admin_secret: &str) -> Result<(FrozenStack, BatonTarget), String> {
    println!("starting wrangler dev on a snapshot of the build");
    let stack = FrozenStack::start().await?;
    let rest = Rest::new(&stack.base)?;
    sites::seed_chat_site(&rest, admin_secret).await?;
    let agent_tokens = sites::chat_agents(&rest).await?;
    let target =
        BatonTarget { rest, ws_base: stack.base.replacen("http", "ws", 1), site: CHAT_SITE.into(), agent_tokens };
    Ok((stack, target))
}

async fn chat_part(
    p: Part,
    options: &Options,
    stack: &FrozenStack,
    target: &BatonTarget,
    admin_secret: &str,
    seed: u64,
    run_ends: Instant,
) -> Result<Value, String> {
    let plan = &options.plan;
    match p {
        Part::Host => host::run(plan, &stack.base).await,
        Part::Takeover => {
            let protocol = takeover::protocol(target, plan.takeover_conversations).await;
            let offers =
                takeover::offers(&target.rest, &target.ws_base, admin_secret, plan.takeover_conversations).await;
            // The browsers' harness panics when a page does not show what it waits for; that
            // must not take the protocol's figures with it.
            let clicks = AssertUnwindSafe(async {
                let browser = Browser::start().await;
                takeover::clicks(&browser, &stack.base, plan.takeover_clicks).await
            })
            .catch_unwind()
            .await
            .unwrap_or_else(|panic| json!({ "error": panic_message(panic.as_ref()) }));
            Ok(json!({ "protocol": protocol, "offer": offers, "browser": clicks }))
        }
        Part::Bot => {
            let setup = bot::Setup {
                rest: &target.rest,
                ws_base: &target.ws_base,
                admin_secret,
                articles: &plan.bot_articles,
                conversations: plan.bot_conversations,
                messages: plan.bot_messages_per_conversation,
            };
            Ok(bot::run(&setup).await)
        }
        Part::Flood => {
            let setup = flood::Setup { plan, baton: target, baton_dir: &stack.dir, seed };
            let deadline = (Instant::now() + part_limit(Part::Flood) - PART_MARGIN).min(run_ends);
            flood::run(&setup, deadline).await
        }
        Part::Relay | Part::Fanout | Part::History => Err("not a part of the chat stack".into()),
    }
}

async fn relay_and_fanout(
    options: &Options,
    admin_secret: &str,
    seed: u64,
    run_ends: Instant,
    out: &mut Map<String, Value>,
) {
    let plan = &options.plan;
    let needed = plan.pool_size() * 2;
    let soft = out.get("open_files_limit").and_then(|l| l["soft"].as_u64()).unwrap_or(1024);
    if !limits::fits(needed, soft) {
        let e = format!("{needed} sockets do not fit under the open-files limit of {soft}");
        for p in [Part::Relay, Part::Fanout].into_iter().filter(|p| options.has(*p)) {
            out.insert(p.name().into(), json!({ "error": e }));
        }
        return;
    }
    let started = async {
        let (stack, target) = chat_stack(admin_secret).await?;
        let bare = if options.has(Part::Relay) { Some(RelayWorker::start().await?) } else { None };
        Ok::<_, String>((stack, target, bare))
    }
    .await;
    let (stack, target, bare) = match started {
        Ok(started) => started,
        Err(e) => {
            for p in [Part::Relay, Part::Fanout].into_iter().filter(|p| options.has(*p)) {
                out.insert(p.name().into(), json!({ "error": format!("the stacks did not start: {e}") }));
            }
            return;
        }
    };
    let mut baton_pool = Pool::default();
    if let Some(bare) = &bare {
        let mut bare_pool = Pool::default();
        let setup = relay::Setup { plan, baton: &target, baton_dir: &stack.dir, bare, seed };
        let limit = part_limit(Part::Relay);
        let deadline = (Instant::now() + limit - PART_MARGIN).min(run_ends);
        let value = part("relay", limit, run_ends, async {
            Ok(relay::run(&setup, &mut baton_pool, &mut bare_pool, deadline).await)
        })
        .await;
        out.insert("relay".into(), value);
        bare_pool.close().await;
    }
    if options.has(Part::Fanout) {
        let setup = fanout::Setup { plan, baton: &target, baton_dir: &stack.dir, seed };
        let limit = part_limit(Part::Fanout);
        let deadline = (Instant::now() + limit - PART_MARGIN).min(run_ends);
        let value =
            part("fanout", limit, run_ends, async { Ok(fanout::run(&setup, &mut baton_pool, deadline).await) }).await;
        out.insert("fanout".into(), value);
    }
    baton_pool.close().await;
    if let Some(bare) = bare {
        bare.remove();
    }
    stack.remove();
}
