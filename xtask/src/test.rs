//! `cargo xtask test`: every unit test, then the end-to-end suite against the release build.

use std::process::Command;

use crate::paths::repo_root;
use crate::process::{self, TestTotals, run_tests, step};
use crate::{budget, build, tools};

pub fn run_all(unit_only: bool) -> Result<(), String> {
    let tools = tools::setup()?;
    step("unit tests");
    let mut totals = run_tests(
        Command::new("cargo")
            .args(["test", "--workspace", "--exclude", "baton-e2e", "--exclude", "baton-edge"])
            .args(["--features", "baton-shared/server"])
            .current_dir(repo_root()),
    )?;
    // The fuzz targets drive the engine and decode frames directly: a new command, frame or
    // engine input that breaks them must fail here, not only in `cargo xtask fuzz`. Checking
    // them on the stable toolchain is enough to compile every match and call.
    step("fuzz targets compile");
    process::run(
        Command::new("cargo").args(["check", "--manifest-path", "fuzz/Cargo.toml", "--bins"]).current_dir(repo_root()),
    )?;
    if !unit_only {
        build::all(&tools)?;
        step("widget weight budgets");
        budget::check_widget()?;
        step("end-to-end tests (wrangler dev + headless Chromium)");
        let e2e = run_tests(
            Command::new("cargo")
                .args(["test", "-p", "baton-e2e", "--tests", "--", "--test-threads=1"])
                .env("BATON_WRANGLER", &tools.wrangler)
                .env("BATON_CHROMIUM", &tools.chromium)
                .env("BATON_CHROMEDRIVER", &tools.chromedriver)
                .current_dir(repo_root()),
        )?;
        totals = totals.merge(e2e);
    }
    summary(totals)
}

/// The closing line CI reads; a run that executed no test is a failure, not a pass.
fn summary(totals: TestTotals) -> Result<(), String> {
    println!("\n{} passed, {} failed", totals.passed, totals.failed);
    if totals.passed == 0 {
        return Err("no test ran".into());
    }
    Ok(())
}

pub fn run(args: &[String]) -> Result<(), String> {
    match args {
        [] => run_all(false),
        [flag] if flag == "--unit" => run_all(true),
        _ => Err(format!("unknown options {args:?} for test (use `test` or `test --unit`)")),
    }
}
