//! `cargo xtask test`: every unit test, then the end-to-end suite against the release build.

use std::process::Command;

use crate::paths::repo_root;
use crate::process::{self, step};
use crate::{build, tools};

pub fn run_all(unit_only: bool) -> Result<(), String> {
    let tools = tools::setup()?;
    step("unit tests");
    process::run(Command::new("cargo")
        .args(["test", "--workspace", "--exclude", "baton-e2e", "--exclude", "baton-edge"])
        .args(["--features", "baton-shared/server"])
        .current_dir(repo_root()))?;
    if unit_only {
        return Ok(());
    }
    build::all(&tools)?;
    step("end-to-end tests (wrangler dev + headless Chromium)");
    process::run(Command::new("cargo")
        .args(["test", "-p", "baton-e2e", "--", "--test-threads=1"])
        .env("BATON_WRANGLER", &tools.wrangler)
        .env("BATON_CHROMIUM", &tools.chromium)
        .env("BATON_CHROMEDRIVER", &tools.chromedriver)
        .current_dir(repo_root()))
}

pub fn run(args: &[String]) -> Result<(), String> {
    match args {
        [] => run_all(false),
        [flag] if flag == "--unit" => run_all(true),
        _ => Err(format!("unknown options {args:?} for test (use `test` or `test --unit`)")),
    }
}
