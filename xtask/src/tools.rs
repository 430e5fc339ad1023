//! The pinned toolchain. Every tool is installed once per version into the tool cache
//! and reused; `setup` skips whatever is already there.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::paths::{node_bin, repo_root, tools_cache};
use crate::process::{output, run, step};

/// Must equal the `wasm-bindgen` version pinned in Cargo.toml (and therefore Cargo.lock).
pub const WASM_BINDGEN: &str = "0.2.130";
pub const WORKER_BUILD: &str = "0.8.7";
pub const TRUNK: &str = "0.21.14";
/// Installed by `cargo xtask fuzz` only, so `setup` does not spend a build on it.
pub const CARGO_FUZZ: &str = "0.13.2";
/// Installed by `cargo xtask bench` only (the wasm's largest items for BENCHMARKS.md).
pub const TWIGGY: &str = "0.8.0";

/// Paths of the installed tools, handed to the build steps.
pub struct Tools {
    pub wasm_bindgen: PathBuf,
    pub worker_build: PathBuf,
    pub trunk: PathBuf,
    pub wasm_opt: PathBuf,
    pub esbuild: PathBuf,
    pub wrangler: PathBuf,
    pub chromium: PathBuf,
    pub chromedriver: PathBuf,
}

impl Tools {
    /// PATH with the pinned wasm-bindgen and wasm-opt first, as Trunk looks them up there.
    pub fn path_env(&self) -> String {
        path_with_first([self.wasm_bindgen.parent(), self.wasm_opt.parent()].into_iter().flatten())
    }
}

/// PATH with `dirs` searched before the inherited entries.
pub fn path_with_first<'a>(dirs: impl IntoIterator<Item = &'a Path>) -> String {
    let mut all: Vec<PathBuf> = dirs.into_iter().map(Path::to_path_buf).collect();
    if let Some(path) = std::env::var_os("PATH") {
        all.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(all).map(|p| p.to_string_lossy().into_owned()).unwrap_or_default()
}

struct CargoTool {
    krate: &'static str,
    binary: &'static str,
    version: &'static str,
    /// wasm-bindgen-cli does not build with `--locked` from the registry mirror.
    locked: bool,
}

impl CargoTool {
    fn bin(&self) -> PathBuf {
        tools_cache().join(format!("{}-{}", self.binary, self.version)).join("bin").join(self.binary)
    }

    fn ensure(&self) -> Result<PathBuf, String> {
        let bin = self.bin();
        let installed = output(&bin, &["--version"]).is_some_and(|v| v.contains(self.version));
        if installed {
            println!("{} {} is installed ({})", self.binary, self.version, bin.display());
            return Ok(bin);
        }
        println!("installing {} {} with cargo (takes minutes; only once per machine)", self.krate, self.version);
        let started = Instant::now();
        let root = bin.parent().and_then(Path::parent).ok_or("bad tool path")?;
        let mut cmd = Command::new("cargo");
        cmd.args(["install", self.krate, "--version", &format!("={}", self.version), "--root"]).arg(root);
        if self.locked {
            cmd.arg("--locked");
        }
        // Tool builds must not inherit the workspace's wasm target flags.
        cmd.env_remove("RUSTFLAGS").env_remove("CARGO_BUILD_TARGET").current_dir(tools_cache());
        run(&mut cmd)?;
        println!("installed {} {} in {:.0?}", self.binary, self.version, started.elapsed());
        Ok(bin)
    }
}

const CARGO_TOOLS: [CargoTool; 3] = [
    CargoTool { krate: "wasm-bindgen-cli", binary: "wasm-bindgen", version: WASM_BINDGEN, locked: false },
    CargoTool { krate: "worker-build", binary: "worker-build", version: WORKER_BUILD, locked: true },
    CargoTool { krate: "trunk", binary: "trunk", version: TRUNK, locked: true },
];

/// twiggy, the wasm code-size profiler, installed on first use like the tools `setup` installs.
pub fn twiggy() -> Result<PathBuf, String> {
    CargoTool { krate: "twiggy", binary: "twiggy", version: TWIGGY, locked: true }.ensure()
}

fn ensure_wasm_target() -> Result<(), String> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .current_dir(repo_root())
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("wasm32-unknown-unknown"))
        .unwrap_or(false);
    if installed {
        println!("wasm32-unknown-unknown target is installed");
        return Ok(());
    }
    run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]).current_dir(repo_root()))
}

/// wrangler (with workerd), binaryen's wasm-opt and esbuild, exactly as package-lock.json pins them.
fn ensure_npm_tools() -> Result<(), String> {
    let wrangler = node_bin("wrangler");
    let lock = repo_root().join("package-lock.json");
    let marker = repo_root().join("node_modules/.package-lock.json");
    let fresh = wrangler.exists() && modified(&marker) >= modified(&lock);
    if fresh {
        println!("npm tools are installed (node_modules is up to date with package-lock.json)");
        return Ok(());
    }
    println!("installing npm tools from package-lock.json (wrangler, workerd, binaryen)");
    run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(repo_root()))
}

fn modified(path: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Debian's Chromium and ChromeDriver for the browser tests.
fn ensure_browser() -> Result<(PathBuf, PathBuf), String> {
    let chromium = PathBuf::from("/usr/bin/chromium");
    let driver = PathBuf::from("/usr/bin/chromedriver");
    if chromium.exists() && driver.exists() {
        println!("chromium and chromedriver are installed");
        return Ok((chromium, driver));
    }
    println!("installing Debian's chromium and chromium-driver (about a minute)");
    run(Command::new("apt-get").args(["update", "-qq"]))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "-qq", "--no-install-recommends", "chromium", "chromium-driver"])
        .env("DEBIAN_FRONTEND", "noninteractive"))?;
    Ok((chromium, driver))
}

pub fn setup() -> Result<Tools, String> {
    step("setup: pinned tools");
    std::fs::create_dir_all(tools_cache()).map_err(|e| format!("cannot create {}: {e}", tools_cache().display()))?;
    ensure_wasm_target()?;
    ensure_npm_tools()?;
    let (chromium, chromedriver) = ensure_browser()?;
    let mut bins = Vec::new();
    for tool in &CARGO_TOOLS {
        bins.push(tool.ensure()?);
    }
    crate::secrets::ensure_dev_vars()?;
    let [wasm_bindgen, worker_build, trunk] = <[PathBuf; 3]>::try_from(bins).map_err(|_| "tool list changed")?;
    Ok(Tools {
        wasm_bindgen,
        worker_build,
        trunk,
        wasm_opt: node_bin("wasm-opt"),
        esbuild: node_bin("esbuild"),
        wrangler: node_bin("wrangler"),
        chromium,
        chromedriver,
    })
}
