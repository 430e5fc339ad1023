//! `cargo xtask bench load`: the load test of the real stack over loopback (the generator is
//! `tests/src/bin/load.rs`). It builds what `cargo xtask test` builds, then runs the generator,
//! which starts its own `wrangler dev`, prints the figures and writes target/bench/load.json.

use std::process::Command;

use crate::paths::repo_root;
use crate::process::{self, step};
use crate::{build, tools};

const USAGE: &str = "usage: cargo xtask bench load [--conversations N] [--seconds S]";

pub fn run(args: &[String]) -> Result<(), String> {
    match args {
        [bench, options @ ..] if bench == "load" => load(options),
        _ => Err(format!("unknown bench {args:?}\n{USAGE}")),
    }
}

/// Checks the options before the long build, and returns them to pass on to the generator.
fn parse(args: &[String]) -> Result<Vec<String>, String> {
    let mut forwarded = Vec::new();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--conversations" | "--seconds" => {
                let value = it.next().ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
                value.parse::<u64>().map_err(|_| format!("{flag} {value:?} is not a whole number"))?;
                forwarded.extend([flag.clone(), value.clone()]);
            }
            other => return Err(format!("unknown option {other:?} for bench load\n{USAGE}")),
        }
    }
    Ok(forwarded)
}

fn load(args: &[String]) -> Result<(), String> {
    let forwarded = parse(args)?;
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
            .args(["run", "-p", "baton-e2e", "--bin", "load", "--"])
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
        let forwarded = parse(&args(&["--conversations", "500", "--seconds", "60"])).unwrap();
        assert_eq!(forwarded, args(&["--conversations", "500", "--seconds", "60"]));
        assert!(parse(&args(&["--seconds"])).is_err());
        assert!(parse(&args(&["--seconds", "soon"])).is_err());
        assert!(parse(&args(&["--turbo"])).is_err());
        assert!(run(&args(&["cpu"])).is_err());
    }
}
