//! What the bench and load binaries do before their run: help, options, an async runtime.

use std::process::ExitCode;

/// The options from the command line, or the code to exit with: success after printing `usage`
/// for `-h`/`--help`, 2 after saying what is wrong with them.
pub fn options<T>(usage: &str, parse: impl FnOnce(&[String]) -> Result<T, String>) -> Result<T, ExitCode> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        print!("{usage}");
        return Err(ExitCode::SUCCESS);
    }
    parse(&args).map_err(|message| {
        eprintln!("{message}");
        ExitCode::from(2)
    })
}

/// A multi-threaded tokio runtime, or the failure code after saying why there is none.
pub fn runtime(program: &str) -> Result<tokio::runtime::Runtime, ExitCode> {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| {
        eprintln!("{program}: cannot start the async runtime: {e}");
        ExitCode::FAILURE
    })
}
