//! Running commands with their command line echoed, failing with a readable error.

use std::path::Path;
use std::process::Command;

pub fn describe(cmd: &Command) -> String {
    let mut line = cmd.get_program().to_string_lossy().into_owned();
    for arg in cmd.get_args() {
        line.push(' ');
        line.push_str(&arg.to_string_lossy());
    }
    line
}

pub fn run(cmd: &mut Command) -> Result<(), String> {
    println!("$ {}", describe(cmd));
    let status = cmd.status().map_err(|e| format!("could not start `{}`: {e}", describe(cmd)))?;
    if status.success() { Ok(()) } else { Err(format!("`{}` failed with {status}", describe(cmd))) }
}

/// Stdout of a command, or `None` when it cannot run or fails (used to probe versions).
pub fn output(program: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

pub fn step(what: &str) {
    println!("\n==> {what}");
}

/// Totals of `cargo test` result lines.
#[derive(Debug, Default, Clone, Copy)]
pub struct TestTotals {
    pub passed: u64,
    pub failed: u64,
}

impl TestTotals {
    /// Adds one libtest line: `test result: ok. 4 passed; 0 failed; ...`.
    fn add_line(&mut self, line: &str) {
        let Some(rest) = line.trim().strip_prefix("test result: ") else { return };
        for part in rest.split(';') {
            let words: Vec<&str> = part.split_whitespace().collect();
            if let [.., count, kind] = words.as_slice() {
                let n = count.parse::<u64>().unwrap_or(0);
                match *kind {
                    "passed" => self.passed += n,
                    "failed" => self.failed += n,
                    _ => {}
                }
            }
        }
    }

    pub fn merge(self, other: TestTotals) -> TestTotals {
        TestTotals { passed: self.passed + other.passed, failed: self.failed + other.failed }
    }
}

/// Runs a `cargo test` command, streaming its output and counting its results.
pub fn run_tests(cmd: &mut Command) -> Result<TestTotals, String> {
    use std::io::{BufRead, BufReader};
    println!("$ {}", describe(cmd));
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start `{}`: {e}", describe(cmd)))?;
    let mut totals = TestTotals::default();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            println!("{line}");
            totals.add_line(&line);
        }
    }
    let status = child.wait().map_err(|e| format!("`{}`: {e}", describe(cmd)))?;
    if status.success() {
        Ok(totals)
    } else {
        println!("{} passed, {} failed", totals.passed, totals.failed.max(1));
        Err(format!("`{}` failed with {status}", describe(cmd)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_libtest_result_lines() {
        let mut totals = TestTotals::default();
        totals
            .add_line("test result: ok. 33 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.04s");
        totals.add_line("test result: FAILED. 3 passed; 2 failed; 1 ignored; 0 measured; 0 filtered out");
        totals.add_line("running 4 tests");
        assert_eq!((totals.passed, totals.failed), (36, 2));
    }
}
