//! `cargo xtask fuzz [--seconds N] [TARGET]`: runs the cargo-fuzz targets in `fuzz/` for a fixed
//! time each and says, per target, how many inputs ran and whether any crashed.
//!
//! What a run learns goes to `fuzz/target/corpus/<target>/` (ignored by git) and is reused by the
//! next run; the checked-in seeds in `fuzz/corpus/<target>/` are only read.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::paths::{repo_root, tools_cache};
use crate::process::{describe, output, run as run_command, step};
use crate::tools::{CARGO_FUZZ, path_with_first};

const DEFAULT_SECONDS: u64 = 60;
/// An input that runs this long is a hang worth reporting, even on a machine busy with builds.
const INPUT_TIMEOUT_SECONDS: u64 = 30;

struct Options {
    seconds: u64,
    target: Option<String>,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options { seconds: DEFAULT_SECONDS, target: None };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--seconds" => {
                let value = it.next().ok_or("--seconds needs a value")?;
                options.seconds = value
                    .parse()
                    .ok()
                    .filter(|&s| s > 0)
                    .ok_or_else(|| format!("--seconds {value:?} is not a positive whole number"))?;
            }
            flag if flag.starts_with('-') => return Err(format!("unknown option {flag:?} for fuzz")),
            target if options.target.is_none() => options.target = Some(target.to_string()),
            extra => return Err(format!("fuzz takes one target; {extra:?} is a second")),
        }
    }
    Ok(options)
}

pub fn run(args: &[String]) -> Result<(), String> {
    let options = parse(args)?;
    let fuzz_dir = repo_root().join("fuzz");
    let targets = select_targets(&fuzz_dir, options.target.as_deref())?;
    step("fuzz: tools");
    ensure_nightly()?;
    let cargo_fuzz = ensure_cargo_fuzz()?;
    let mut summaries = Vec::new();
    for target in &targets {
        step(&format!("fuzz: {target} for {} s", options.seconds));
        summaries.push(fuzz_target(&fuzz_dir, &cargo_fuzz, target, options.seconds)?);
    }

    step("fuzz: summary");
    for summary in &summaries {
        println!("{}", summary.line());
    }
    let runs: u64 = summaries.iter().map(|s| s.runs).sum();
    let seconds: u64 = summaries.iter().map(|s| s.seconds).sum();
    let failed: Vec<&str> = summaries.iter().filter(|s| s.failed()).map(|s| s.target.as_str()).collect();
    println!("total: {runs} runs in {seconds} s, {} of {} targets failed", failed.len(), summaries.len());
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("fuzzing found crashes in {}; the failing inputs are under fuzz/artifacts/", failed.join(", ")))
    }
}

/// Every `fuzz/fuzz_targets/*.rs`, or the one asked for.
fn select_targets(fuzz_dir: &Path, wanted: Option<&str>) -> Result<Vec<String>, String> {
    let dir = fuzz_dir.join("fuzz_targets");
    let entries = std::fs::read_dir(&dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    let mut targets: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .filter_map(|path| path.file_stem().map(|stem| stem.to_string_lossy().into_owned()))
        .collect();
    targets.sort();
    match wanted {
        None if targets.is_empty() => Err(format!("no fuzz targets in {}", dir.display())),
        None => Ok(targets),
        Some(name) if targets.iter().any(|t| t == name) => Ok(vec![name.to_string()]),
        Some(name) => Err(format!("no fuzz target {name:?}; there are: {}", targets.join(", "))),
    }
}

/// libFuzzer's sanitizer flags need nightly; the machine image ships one.
fn ensure_nightly() -> Result<(), String> {
    let rustc = Command::new("rustup").args(["run", "nightly", "rustc", "--version"]).output();
    if let Ok(out) = rustc
        && out.status.success()
    {
        println!("nightly toolchain: {}", String::from_utf8_lossy(&out.stdout).trim());
        return Ok(());
    }
    run_command(Command::new("rustup").args(["toolchain", "install", "nightly", "--profile", "minimal"]))
}

fn ensure_cargo_fuzz() -> Result<PathBuf, String> {
    let root = tools_cache().join(format!("cargo-fuzz-{CARGO_FUZZ}"));
    let bin = root.join("bin").join("cargo-fuzz");
    if output(&bin, &["--version"]).is_some_and(|v| v.contains(CARGO_FUZZ)) {
        println!("cargo-fuzz {CARGO_FUZZ} is installed ({})", bin.display());
        return Ok(bin);
    }
    println!("installing cargo-fuzz {CARGO_FUZZ} with cargo (under a minute; only once per machine)");
    std::fs::create_dir_all(tools_cache()).map_err(|e| format!("cannot create {}: {e}", tools_cache().display()))?;
    let started = Instant::now();
    let mut cmd = Command::new("cargo");
    cmd.args(["install", "cargo-fuzz", "--locked", "--version", &format!("={CARGO_FUZZ}"), "--root"]).arg(&root);
    // Tool builds must not inherit the workspace's wasm target flags.
    cmd.env_remove("RUSTFLAGS").env_remove("CARGO_BUILD_TARGET").current_dir(tools_cache());
    run_command(&mut cmd)?;
    println!("installed cargo-fuzz {CARGO_FUZZ} in {:.0?}", started.elapsed());
    Ok(bin)
}

struct Summary {
    target: String,
    runs: u64,
    /// Fuzzing time as libFuzzer counts it (building is not included).
    seconds: u64,
    wall: Duration,
    new_inputs: u64,
    corpus: usize,
    /// Failing inputs libFuzzer saved (crash, leak, timeout, out of memory).
    artifacts: Vec<String>,
    /// Set when cargo fuzz failed without saving an input, e.g. the target did not build.
    exit_failure: Option<String>,
}

impl Summary {
    fn new(target: &str) -> Summary {
        Summary {
            target: target.to_string(),
            runs: 0,
            seconds: 0,
            wall: Duration::ZERO,
            new_inputs: 0,
            corpus: 0,
            artifacts: Vec::new(),
            exit_failure: None,
        }
    }

    fn failed(&self) -> bool {
        !self.artifacts.is_empty() || self.exit_failure.is_some()
    }

    fn line(&self) -> String {
        let rate = self.runs.checked_div(self.seconds).unwrap_or(0);
        let mut line = format!(
            "{}: {} runs in {} s ({rate}/s; {:.0?} with the build), {} crashes, {} new inputs, corpus {}",
            self.target,
            self.runs,
            self.seconds,
            self.wall,
            self.artifacts.len(),
            self.new_inputs,
            self.corpus,
        );
        for artifact in &self.artifacts {
            line.push_str(&format!("\n  failing input: {artifact}"));
        }
        if let Some(why) = &self.exit_failure {
            line.push_str(&format!("\n  {why}"));
        }
        line
    }

    /// Reads one line of libFuzzer's stderr; returns whether it is worth echoing.
    fn read(&mut self, line: &str) -> bool {
        if let Some(rest) = line.strip_prefix('#') {
            let mut words = rest.split_whitespace();
            if let Some(runs) = words.next().and_then(|n| n.parse().ok()) {
                self.runs = self.runs.max(runs);
            }
            // Coverage news arrives many times a second; only the count is worth keeping.
            if matches!(words.next(), Some("NEW" | "REDUCE")) {
                self.new_inputs += u64::from(rest.contains("NEW"));
                return false;
            }
        } else if let Some(value) = line.strip_prefix("stat::number_of_executed_units:") {
            self.runs = value.trim().parse().unwrap_or(self.runs);
        } else if let Some(value) = line.strip_prefix("stat::new_units_added:") {
            self.new_inputs = value.trim().parse().unwrap_or(self.new_inputs);
        } else if let Some(rest) = line.strip_prefix("Done ") {
            // "Done 123 runs in 300 second(s)"
            let words: Vec<&str> = rest.split_whitespace().collect();
            if let [runs, "runs", "in", seconds, ..] = words.as_slice() {
                self.runs = runs.parse().unwrap_or(self.runs);
                self.seconds = seconds.parse().unwrap_or(self.seconds);
            }
        } else if let Some((_, path)) = line.split_once("Test unit written to ") {
            let path = path.trim();
            let name = Path::new(path).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            if ["crash-", "leak-", "timeout-", "oom-"].iter().any(|p| name.starts_with(p)) {
                self.artifacts.push(path.to_string());
            }
        } else if line.contains("Uses: ") {
            // libFuzzer's recommended-dictionary listing: long and only useful when tuning.
            return false;
        }
        true
    }
}

fn fuzz_target(fuzz_dir: &Path, cargo_fuzz: &Path, target: &str, seconds: u64) -> Result<Summary, String> {
    // libFuzzer adds what it learns to the first corpus directory, so the checked-in seeds go second.
    let learned = fuzz_dir.join("target/corpus").join(target);
    std::fs::create_dir_all(&learned).map_err(|e| format!("cannot create {}: {e}", learned.display()))?;
    let seeds = fuzz_dir.join("corpus").join(target);
    let mut cmd = Command::new("cargo");
    cmd.args(["+nightly", "fuzz", "run", target]).arg(&learned);
    if seeds.is_dir() {
        cmd.arg(&seeds);
    }
    cmd.arg("--")
        .arg(format!("-max_total_time={seconds}"))
        .arg(format!("-timeout={INPUT_TIMEOUT_SECONDS}"))
        .arg("-print_final_stats=1");
    let dict = fuzz_dir.join("dict").join(format!("{target}.dict"));
    if dict.is_file() {
        cmd.arg(format!("-dict={}", dict.display()));
    }
    // cargo finds `cargo-fuzz` on PATH; the toolchain is the one `+nightly` names, whatever the
    // stable toolchain running xtask left in the environment.
    cmd.env("PATH", path_with_first(cargo_fuzz.parent()))
        .env_remove("RUSTUP_TOOLCHAIN")
        .env_remove("CARGO")
        .env_remove("RUSTC")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_BUILD_TARGET")
        .env_remove("CARGO_TARGET_DIR")
        .current_dir(fuzz_dir)
        .stderr(Stdio::piped());

    println!("$ {}", describe(&cmd));
    let started = Instant::now();
    let mut child = cmd.spawn().map_err(|e| format!("could not start `{}`: {e}", describe(&cmd)))?;
    let mut summary = Summary::new(target);
    if let Some(stderr) = child.stderr.take() {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if summary.read(&line) {
                eprintln!("{line}");
            }
        }
    }
    let status = child.wait().map_err(|e| format!("`{}`: {e}", describe(&cmd)))?;
    summary.wall = started.elapsed();
    summary.corpus = std::fs::read_dir(&learned).map(|d| d.count()).unwrap_or(0);
    if summary.seconds == 0 {
        // A crash ends libFuzzer before its "Done" line.
        summary.seconds = summary.wall.as_secs();
    }
    if !status.success() && summary.artifacts.is_empty() {
        summary.exit_failure = Some(format!("cargo fuzz exited with {status} without saving a failing input"));
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary() -> Summary {
        Summary::new("t")
    }

    #[test]
    fn reads_libfuzzer_output() {
        let mut s = summary();
        assert!(!s.read("#4096\tNEW    cov: 12 ft: 13 corp: 4/20b lim: 4 exec/s: 0 rss: 30Mb L: 3/3 MS: 1 ChangeBit-"));
        assert!(
            !s.read("#4100\tREDUCE cov: 12 ft: 13 corp: 4/19b lim: 4 exec/s: 0 rss: 30Mb L: 2/3 MS: 1 EraseBytes-")
        );
        assert!(s.read("#8192\tpulse  cov: 12 ft: 13 corp: 4/19b lim: 4 exec/s: 4096 rss: 31Mb"));
        assert_eq!((s.runs, s.new_inputs), (8192, 1));
        assert!(s.read("Done 69529 runs in 21 second(s)"));
        assert!(s.read("stat::number_of_executed_units: 69530"));
        assert!(s.read("stat::new_units_added:          70"));
        assert_eq!((s.runs, s.seconds, s.new_inputs), (69530, 21, 70));
        assert!(!s.failed());
        s.read("artifact_prefix='/f/artifacts/t/'; Test unit written to /f/artifacts/t/crash-83c51d39");
        s.read("artifact_prefix='/f/artifacts/t/'; Test unit written to /f/artifacts/t/slow-unit-1234");
        assert_eq!(s.artifacts, vec!["/f/artifacts/t/crash-83c51d39".to_string()]);
        assert!(s.failed());
    }

    #[test]
    fn parses_options() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let o = parse(&args(&["--seconds", "300", "protocol_decoder"])).unwrap();
        assert_eq!((o.seconds, o.target.as_deref()), (300, Some("protocol_decoder")));
        assert_eq!(parse(&args(&[])).unwrap().seconds, DEFAULT_SECONDS);
        assert!(parse(&args(&["--seconds", "0"])).is_err());
        assert!(parse(&args(&["a", "b"])).is_err());
        assert!(parse(&args(&["--jobs", "2"])).is_err());
    }
}
