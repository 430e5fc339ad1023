//! `cargo xtask bench`: measures Baton on this machine and writes BENCHMARKS.md and
//! BENCHMARKS.json, each figure next to a baseline measured in the same run. The widget's
//! weight and the bot's native CPU cost are measured here; everything that needs the running
//! stack or a browser by the `bench` binary of the end-to-end crate (tests/src/bin/bench.rs).
//!
//! `cargo xtask bench load`: the load test of the real stack over loopback (the generator is
//! `tests/src/bin/load.rs`). It builds what `cargo xtask test` builds, then runs the generator,
//! which starts its own `wrangler dev`, prints the figures and writes target/bench/load.json.

mod cpu;
mod growth;
mod machine;
mod report;
mod routing;
mod wasm;
mod weight;

use std::process::Command;
use std::time::Instant;

use serde_json::{Value, json};

use crate::paths::repo_root;
use crate::process::{self, step};
use crate::{build, tools};

const USAGE: &str = "\
usage: cargo xtask bench [--quick] [--parts LIST] [--no-build]
       cargo xtask bench --render
       cargo xtask bench load [--conversations N] [--seconds S]

  --quick        small counts and short windows, to check the bench itself; writes to target/bench/
  --parts LIST   comma-separated subset of: weight, routing, host, takeover, bot, flood, relay, fanout,
                 history (default: all); a subset writes to target/bench/, only a full run to BENCHMARKS.md at the root
  --no-build     measure the build already in dist/ and edge/build/ instead of building first
  --render       only rewrite BENCHMARKS.md from BENCHMARKS.json (after a change to the report's wording)";

const PARTS: [&str; 9] = ["weight", "routing", "host", "takeover", "bot", "flood", "relay", "fanout", "history"];

pub fn run(args: &[String]) -> Result<(), String> {
    match args {
        [bench, options @ ..] if bench == "load" => load(options),
        [render] if render == "--render" => rerender(),
        options => all(options),
    }
}

#[derive(Debug, PartialEq)]
struct Options {
    quick: bool,
    parts: Vec<String>,
    build: bool,
}

impl Options {
    fn has(&self, part: &str) -> bool {
        self.parts.iter().any(|p| p == part)
    }

    fn complete(&self) -> bool {
        !self.quick && PARTS.iter().all(|p| self.has(p))
    }
}

fn parse_all(args: &[String]) -> Result<Options, String> {
    let mut options = Options { quick: false, parts: PARTS.map(String::from).to_vec(), build: true };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--quick" => options.quick = true,
            "--no-build" => options.build = false,
            "--parts" => {
                let list = it.next().ok_or_else(|| format!("--parts needs a value\n{USAGE}"))?;
                let parts: Vec<String> =
                    list.split(',').map(str::trim).filter(|p| !p.is_empty()).map(String::from).collect();
                if let Some(unknown) = parts.iter().find(|p| !PARTS.contains(&p.as_str())) {
                    return Err(format!("unknown part {unknown:?}\n{USAGE}"));
                }
                if parts.is_empty() {
                    return Err(format!("--parts names no part\n{USAGE}"));
                }
                options.parts = parts;
            }
            other => return Err(format!("unknown option {other:?} for bench\n{USAGE}")),
        }
    }
    Ok(options)
}

/// The figures of a part, or its error, as the report expects them.
fn figures_or_error(result: Result<Value, String>) -> Value {
    result.unwrap_or_else(|e| {
        println!("failed: {e}");
        json!({ "error": e })
    })
}

fn all(args: &[String]) -> Result<(), String> {
    let options = parse_all(args)?;
    let started = Instant::now();
    let tools = tools::setup()?;
    if options.build {
        build::all(&tools)?;
    }
    let mut figures = json!({});
    if options.has("weight") {
        step("bench: widget weight");
        figures["weight"] = figures_or_error(weight::measure());
    }
    if options.has("bot") {
        step("bench: the bot's CPU per message (criterion)");
        figures["bot_cpu"] = match cpu::measure() {
            Some(result) => figures_or_error(result),
            None => json!({ "error": "brain/benches/bot_cpu.rs is not in this checkout" }),
        };
    }
    if options.has("routing") {
        step("bench: the desk's routing decision (criterion)");
        figures["routing"] = figures_or_error(routing::measure());
    }
    let live: Vec<&str> =
        options.parts.iter().map(String::as_str).filter(|p| !matches!(*p, "weight" | "routing")).collect();
    if !live.is_empty() {
        step("bench: the running stack (wrangler dev, headless Chromium)");
        match stack_figures(&tools, &live, options.quick) {
            Ok(Value::Object(parts)) => {
                for (key, value) in parts {
                    figures[key] = value;
                }
            }
            Ok(other) => figures["error"] = json!(format!("unexpected figures: {other:.200}")),
            Err(e) => {
                for part in &live {
                    figures[*part] = json!({ "error": e.clone() });
                }
            }
        }
    }
    figures["machine"] = machine::describe(&tools);
    figures["quick"] = json!(options.quick);
    figures["parts"] = json!(options.parts);
    figures["duration_s"] = json!((started.elapsed().as_secs_f64() * 10.0).round() / 10.0);
    let dir = if options.complete() { repo_root() } else { repo_root().join("target/bench") };
    let (md, json_path) = report::write(&dir, &mut figures)?;
    println!(
        "\nwrote {} and {} in {:.1} minutes",
        md.display(),
        json_path.display(),
        started.elapsed().as_secs_f64() / 60.0
    );
    Ok(())
}

/// Rewrites BENCHMARKS.md from the figures of the last full run, measuring nothing.
fn rerender() -> Result<(), String> {
    let path = repo_root().join("BENCHMARKS.json");
    let text =
        std::fs::read_to_string(&path).map_err(|e| format!("{}: {e} (run cargo xtask bench first)", path.display()))?;
    let mut figures: Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let (md, _) = report::write(&repo_root(), &mut figures)?;
    println!("rewrote {}", md.display());
    Ok(())
}

/// Runs the bench binary (a debug build: it is a client waiting on sockets, and the release
/// profile's fat LTO would take minutes to build) and reads what it wrote.
fn stack_figures(tools: &tools::Tools, parts: &[&str], quick: bool) -> Result<Value, String> {
    let json_path = repo_root().join("target/bench/bench.json");
    let _ = std::fs::remove_file(&json_path);
    let mut cmd = Command::new("cargo");
    cmd.args(["run", "-p", "baton-e2e", "--bin", "bench", "--", "--parts", &parts.join(","), "--json"])
        .arg(&json_path)
        .env("BATON_WRANGLER", &tools.wrangler)
        .env("BATON_CHROMIUM", &tools.chromium)
        .env("BATON_CHROMEDRIVER", &tools.chromedriver)
        .current_dir(repo_root());
    if quick {
        cmd.arg("--quick");
    }
    process::run(&mut cmd)?;
    let text = std::fs::read_to_string(&json_path).map_err(|e| format!("{}: {e}", json_path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", json_path.display()))
}

const LOAD_USAGE: &str = "usage: cargo xtask bench load [--routing] [--conversations N] [--seconds S] [--agents N]";

/// Checks the options before the long build; returns the generator to run (`load`, or
/// `routing_load` with `--routing`) and the options to pass on to it.
fn parse_load(args: &[String]) -> Result<(&'static str, Vec<String>), String> {
    let mut forwarded = Vec::new();
    let mut generator = "load";
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--routing" => generator = "routing_load",
            "--agents" if generator == "routing_load" => {
                let value = it.next().ok_or_else(|| format!("{flag} needs a value\n{LOAD_USAGE}"))?;
                value.parse::<u64>().map_err(|_| format!("{flag} {value:?} is not a whole number"))?;
                forwarded.extend([flag.clone(), value.clone()]);
            }
            "--conversations" | "--seconds" => {
                let value = it.next().ok_or_else(|| format!("{flag} needs a value\n{LOAD_USAGE}"))?;
                value.parse::<u64>().map_err(|_| format!("{flag} {value:?} is not a whole number"))?;
                forwarded.extend([flag.clone(), value.clone()]);
            }
            other => return Err(format!("unknown option {other:?} for bench load\n{LOAD_USAGE}")),
        }
    }
    Ok((generator, forwarded))
}

fn load(args: &[String]) -> Result<(), String> {
    let (generator, forwarded) = parse_load(args)?;
    let tools = tools::setup()?;
    build::all(&tools)?;
    step("load test (wrangler dev over loopback)");
    // A debug build of the generator: it spends a few CPU seconds in a whole run (the report
    // prints how many), far from being the bottleneck, while the workspace's release profile
    // (fat LTO, one codegen unit, tuned for the wasm deployables) would take minutes to build
    // this crate's dependency tree on a small machine, and aborts on panic instead of letting
    // the harness stop wrangler.
    process::run(
        Command::new("cargo")
            .args(["run", "-p", "baton-e2e", "--bin", generator, "--"])
            .args(&forwarded)
            .env("BATON_WRANGLER", &tools.wrangler)
            .current_dir(repo_root()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn load_options_are_checked_and_passed_on() {
        let forwarded = parse_load(&args(&["--conversations", "500", "--seconds", "60"])).unwrap();
        assert_eq!(forwarded, ("load", args(&["--conversations", "500", "--seconds", "60"])));
        let routing = parse_load(&args(&["--routing", "--agents", "50"])).unwrap();
        assert_eq!(routing, ("routing_load", args(&["--agents", "50"])));
        assert!(parse_load(&args(&["--agents", "50"])).is_err(), "agents are for the routing load only");
        assert!(parse_load(&args(&["--seconds"])).is_err());
        assert!(parse_load(&args(&["--seconds", "soon"])).is_err());
        assert!(parse_load(&args(&["--turbo"])).is_err());
    }

    #[test]
    fn bench_options() {
        let all = parse_all(&[]).unwrap();
        assert!(all.complete() && all.build);
        let history = parse_all(&args(&["--parts", "history", "--no-build"])).unwrap();
        assert!(history.has("history") && !history.has("relay") && !history.complete());
        let some = parse_all(&args(&["--parts", "weight,relay", "--no-build"])).unwrap();
        assert_eq!(some.parts, args(&["weight", "relay"]));
        assert!(!some.complete() && !some.build && some.has("relay") && !some.has("host"));
        assert!(!parse_all(&args(&["--quick"])).unwrap().complete());
        assert!(parse_all(&args(&["--parts", "cpu"])).is_err());
        assert!(parse_all(&args(&["--parts"])).is_err());
        assert!(parse_all(&args(&["--turbo"])).is_err());
    }
}
