//! Release builds of the three deployables: widget, console and edge, plus the demo page.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use crate::csp;
use crate::paths::{dist, repo_root};
use crate::process::{run, step};
use crate::tools::Tools;

/// Features the wasm produced by Rust 1.95 uses; wasm-opt must be told to keep them.
/// wasm-opt passes for the widget, chosen by measurement (gzip of the whole module): flattening
/// and re-looping the control flow before two size passes, repeated until nothing shrinks,
/// gives about 1.6 KB less than `-Oz` alone.
const WIDGET_OPT: &[&str] = &["--flatten", "--rereloop", "-Os", "-Os", "--converge"];

const WASM_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
    "--enable-call-indirect-overlong",
];

/// Only the widget, and its weight: for working on the widget's size.
pub fn widget_only(tools: &Tools) -> Result<(), String> {
    std::fs::create_dir_all(dist()).map_err(|e| format!("cannot create dist/: {e}"))?;
    timed("widget", || widget(tools))
}

/// Only the worker: for working on the edge while the web apps stay as built.
pub fn edge_only(tools: &Tools) -> Result<(), String> {
    timed("edge", || edge(tools))
}

pub fn all(tools: &Tools) -> Result<(), String> {
    std::fs::create_dir_all(dist()).map_err(|e| format!("cannot create dist/: {e}"))?;
    timed("widget", || widget(tools))?;
    timed("console", || console(tools))?;
    timed("demo page", demo)?;
    timed("edge", || edge(tools))?;
    Ok(())
}

fn timed(what: &str, f: impl FnOnce() -> Result<(), String>) -> Result<(), String> {
    step(&format!("build {what}"));
    let started = Instant::now();
    f()?;
    println!("built {what} in {:.1}s", started.elapsed().as_secs_f64());
    Ok(())
}

/// Widget: wasm-bindgen `--target web` output under dist/widget/, loader at dist/widget.js.
pub fn widget(tools: &Tools) -> Result<(), String> {
    let root = repo_root();
    run(Command::new("cargo")
        .args(["build", "--release", "--target", "wasm32-unknown-unknown", "-p", "baton-widget"])
        .current_dir(&root))?;
    let out_dir = dist().join("widget");
    let wasm = root.join("target/wasm32-unknown-unknown/release/baton_widget.wasm");
    run(Command::new(&tools.wasm_bindgen)
        .args(["--target", "web", "--no-typescript", "--out-dir"])
        .arg(&out_dir)
        .arg(&wasm))?;
    let bg = out_dir.join("baton_widget_bg.wasm");
    run(Command::new(&tools.wasm_opt).args(WIDGET_OPT).args(WASM_FEATURES).arg(&bg).arg("-o").arg(&bg))?;
    let glue = out_dir.join("baton_widget.js");
    run(Command::new(&tools.esbuild)
        .arg(&glue)
        .args(["--minify", "--format=esm", "--target=es2020", "--log-level=warning", "--allow-overwrite"])
        .arg(format!("--outfile={}", glue.display())))?;
    headers()?;
    copy(&root.join("widget/loader/baton.d.ts"), &dist().join("baton.d.ts"))?;
    run(Command::new(&tools.esbuild)
        .arg(root.join("widget/loader/widget.js"))
        .args(["--minify", "--target=es2020", "--log-level=warning"])
        .arg(format!("--outfile={}", dist().join("widget.js").display())))?;
    Ok(())
}

/// Console: Trunk, configured by Trunk.toml to write dist/console/.
pub fn console(tools: &Tools) -> Result<(), String> {
    run(Command::new(&tools.trunk)
        .args(["build", "--release"])
        .env("PATH", tools.path_env())
        .current_dir(repo_root()))?;
    headers()
}

/// dist/_headers: the widget's headers, then the console's with the hashes of the inline scripts
/// of the console build in dist/ (none yet when only the widget was built).
fn headers() -> Result<(), String> {
    let read = |path: &Path| std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()));
    let root = repo_root();
    let mut out = read(&root.join("widget/loader/_headers"))?;
    let console_page = dist().join("console/index.html");
    if console_page.exists() {
        let hashes = csp::inline_script_hashes(&read(&console_page)?);
        if hashes.is_empty() {
            return Err("dist/console/index.html has no inline boot script to allow".into());
        }
        out.push_str(&read(&root.join("console/_headers"))?.replace("SCRIPT_HASHES", &hashes.join(" ")));
    }
    std::fs::write(dist().join("_headers"), out).map_err(|e| format!("cannot write dist/_headers: {e}"))
}

pub fn demo() -> Result<(), String> {
    copy(&repo_root().join("demo/demo.html"), &dist().join("demo.html"))?;
    copy(&repo_root().join("demo/index.html"), &dist().join("index.html"))
}

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::copy(from, to).map(|_| ()).map_err(|e| format!("cannot copy {} to {}: {e}", from.display(), to.display()))
}

/// Edge: worker-build, pointed at the pinned local tools so it never downloads its own.
pub fn edge(tools: &Tools) -> Result<(), String> {
    run(Command::new(&tools.worker_build)
        .arg("--release")
        .env("WASM_BINDGEN_BIN", &tools.wasm_bindgen)
        .env("WASM_OPT_BIN", &tools.wasm_opt)
        .env("ESBUILD_BIN", &tools.esbuild)
        .current_dir(repo_root().join("edge")))
}
