//! Project automation: `cargo xtask setup | build | dev | test | fuzz | bench | eval | train`.

mod bench;
mod budget;
mod build;
mod csp;
mod dev;
mod eval;
mod fuzz;
mod paths;
mod process;
mod secrets;
mod seed;
mod test;
mod tools;
mod train;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

  setup                          install the pinned tools (skips what is there) and local secrets
  build                          build widget, console and edge (release) into dist/ and edge/build/
  build widget                   build only the widget and check its weight budgets
  build edge                     build only the worker (edge/build/)
  dev [--port P] [--persist-to DIR]
                                 setup, build, then serve Baton with the demo site on 127.0.0.1:P (default 8787)
  test                           setup, unit tests, build, widget size budgets, end-to-end tests (wrangler dev + Chromium)
  bench [--quick] [--parts LIST] [--no-build]
                                 setup, build, then measure the widget, host page, relay, takeover, bot and
                                 dashboard fan-out against same-run baselines into BENCHMARKS.md and .json
  bench load [--conversations N] [--seconds S]
                                 setup, build, then a load test over loopback (default 500 conversations, 60 s)
  fuzz [--seconds N] [TARGET]    run each cargo-fuzz target in fuzz/ (or TARGET) for N s (default 60), nightly
  eval [--dev]                   score the bot brain: the development set, and beside it the held-out set the targets apply to
  train                          train the person-request model on the development set (brain/src/human/request_model.bin)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => tools::setup().map(|_| ()),
        Some("build") if args.get(1).map(String::as_str) == Some("widget") => {
            tools::setup().and_then(|t| build::widget_only(&t)).and_then(|()| budget::check_widget())
        }
        Some("build") if args.get(1).map(String::as_str) == Some("edge") => {
            tools::setup().and_then(|t| build::edge_only(&t))
        }
        Some("build") => tools::setup().and_then(|t| build::all(&t)),
        Some("dev") => dev::run(&args[1..]),
        Some("test") => test::run(&args[1..]),
        Some("fuzz") => fuzz::run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("eval") => eval::run(&args[1..]),
        Some("train") => train::run(&args[1..]),
        Some("-h" | "--help" | "help") | None => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown command {other:?}\n\n{USAGE}")),
    };
    match result {
        Ok(_) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("xtask: error: {err}");
            ExitCode::FAILURE
        }
    }
}
