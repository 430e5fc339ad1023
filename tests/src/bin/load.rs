//! `cargo xtask bench load`: a load test of the real stack over loopback. Starts `wrangler dev`
//! on a snapshot of the release build with fresh state, chats in hundreds of conversations while
//! sockets are dropped and resumed, then checks every transcript: it exits non-zero if a message
//! was lost, stored twice, or an event never reached a side. Figures go to stdout and to
//! target/bench/load.json. `--help` lists the options.

// The generator's modules belong to this binary alone, not to the end-to-end harness library.
#[path = "../load/mod.rs"]
mod load;

use std::process::ExitCode;
use std::time::Duration;

use baton_e2e::{cli, repo_root};

use crate::load::options::Options;
use crate::load::report::Report;
use crate::load::rng::seed_from_time;
use crate::load::stack::FrozenStack;

/// Starting wrangler, seeding, signing in and starting conversations, with room to spare.
const SETUP_ALLOWANCE: Duration = Duration::from_secs(300);
/// Warmup, transcript reads, catching up and stopping sockets, with room to spare.
const FINISH_ALLOWANCE: Duration = Duration::from_secs(240);

fn main() -> ExitCode {
    let options = match cli::options(load::options::USAGE, |args| {
        Options::parse(args, seed_from_time(), repo_root().join("target/bench/load.json"))
    }) {
        Ok(options) => options,
        Err(code) => return code,
    };
    let runtime = match cli::runtime("load") {
        Ok(runtime) => runtime,
        Err(code) => return code,
    };
    // Nothing in the run may outlast this; when it is reached the run is dropped, which stops wrangler.
    let hard_deadline = SETUP_ALLOWANCE + options.run_for + options.drain_for + FINISH_ALLOWANCE;
    let outcome = runtime.block_on(async { tokio::time::timeout(hard_deadline, run(options.clone())).await });
    runtime.shutdown_timeout(Duration::from_secs(5));
    match outcome {
        Err(_) => {
            eprintln!("load: the hard deadline of {hard_deadline:?} passed; the run was abandoned");
            ExitCode::from(3)
        }
        Ok(Err(e)) => {
            eprintln!("load: {e}");
            ExitCode::FAILURE
        }
        Ok(Ok(report)) => finish(&report, &options),
    }
}

async fn run(options: Options) -> Result<Report, String> {
    println!("starting wrangler dev on a snapshot of the build (seed {})", options.seed);
    let stack = FrozenStack::start().await?;
    let admin_secret = baton_e2e::stack::dev_var("ADMIN_SECRET");
    let result = load::run::run(options, &stack.base, &admin_secret).await;
    let reloads = stack.reloads();
    // The log outlives the snapshot, which is kept only when the run found something.
    let log = repo_root().join("target/bench/load-wrangler.log");
    let _ = std::fs::copy(&stack.log, &log);
    let passed = result.as_ref().is_ok_and(|report| report.problems().is_empty());
    let kept = if passed {
        stack.remove();
        None
    } else {
        let dir = stack.dir.clone();
        stack.stop();
        Some(dir)
    };
    result.map(|mut report| {
        report.wrangler_reloads = reloads;
        report.wrangler_log = log.display().to_string();
        report.kept_state = kept.map(|dir| dir.display().to_string());
        report.load_cpu_seconds = own_cpu_seconds().unwrap_or(0.0);
        report
    })
}

fn finish(report: &Report, options: &Options) -> ExitCode {
    report.print(options);
    let json = report.json(options);
    let written = options
        .json
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::write(&options.json, format!("{json:#}\n")));
    match written {
        Ok(()) => println!("figures written to {}", options.json.display()),
        Err(e) => eprintln!("load: cannot write {}: {e}", options.json.display()),
    }
    if report.problems().is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

/// CPU seconds this process used, to tell whether the client could have been the bottleneck.
fn own_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may contain spaces) start at the state, field 3.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let (user, system): (f64, f64) = (fields.get(11)?.parse().ok()?, fields.get(12)?.parse().ok()?);
    // SAFETY: sysconf only reads a configuration value.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    (ticks > 0.0).then(|| (user + system) / ticks)
}
