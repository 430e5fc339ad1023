//! The stack under load: `wrangler dev` serving a private copy of the release build.
//!
//! wrangler dev watches its build and reloads when `edge/build/` or `dist/` change, which resets
//! every socket and every Durable Object. A load test has to measure one build whatever else
//! happens in the working tree meanwhile (in a first run a `cargo xtask build` elsewhere reloaded
//! the server eight times in one minute), so unlike `baton_e2e::Stack` it serves a snapshot.
//! Everything else (process group, port, health wait) is the harness's.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use baton_e2e::process::{Guarded, free_port};
use baton_e2e::repo_root;

/// What wrangler dev needs: its config, the local secrets, the worker and the static assets.
const SNAPSHOT: &[&str] = &["wrangler.toml", ".dev.vars", "edge/build", "dist"];
const HEALTH_LIMIT: Duration = Duration::from_secs(90);

pub struct FrozenStack {
    pub base: String,
    pub dir: PathBuf,
    pub log: PathBuf,
    wrangler: Guarded,
}

fn copy_tree(from: &Path, to: &Path) -> Result<(), String> {
    let fail = |e: std::io::Error| format!("copying {} to {}: {e}", from.display(), to.display());
    if from.is_dir() {
        std::fs::create_dir_all(to).map_err(fail)?;
        for entry in std::fs::read_dir(from).map_err(fail)? {
            let entry = entry.map_err(fail)?;
            // worker-build's scratch space, possibly mid-write.
            if entry.file_name() == ".tmp" {
                continue;
            }
            copy_tree(&entry.path(), &to.join(entry.file_name()))?;
        }
        Ok(())
    } else {
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(fail)?;
        }
        std::fs::copy(from, to).map(|_| ()).map_err(fail)
    }
}

impl FrozenStack {
    /// Copies the build, starts `wrangler dev` on it with fresh state on a free port, and waits
    /// until it answers.
    pub async fn start() -> Result<FrozenStack, String> {
        let port = free_port();
        let root = repo_root();
        let dir = root.join(format!("target/bench/stack-{port}"));
        let _ = std::fs::remove_dir_all(&dir);
        for item in SNAPSHOT {
            copy_tree(&root.join(item), &dir.join(item))?;
        }
        let log = dir.join("wrangler.log");
        let out = std::fs::File::create(&log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
        let err = out.try_clone().map_err(|e| format!("cannot clone the log handle: {e}"))?;
        let wrangler_bin = std::env::var_os("BATON_WRANGLER")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("node_modules/.bin/wrangler"));
        let mut cmd = Command::new(wrangler_bin);
        cmd.args(["dev", "--ip", "127.0.0.1", "--port", &port.to_string(), "--persist-to"])
            .arg(dir.join("state"))
            .arg("--show-interactive-dev-session=false")
            .env("WRANGLER_SEND_METRICS", "false")
            .env("CI", "true")
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err);
        let mut stack = FrozenStack {
            base: format!("http://127.0.0.1:{port}"),
            dir,
            log,
            wrangler: Guarded::spawn("wrangler dev", &mut cmd),
        };
        stack.wait_healthy().await?;
        Ok(stack)
    }

    async fn wait_healthy(&mut self) -> Result<(), String> {
        let client = reqwest::Client::new();
        let health = format!("{}/api/health", self.base);
        let deadline = std::time::Instant::now() + HEALTH_LIMIT;
        loop {
            self.wrangler.assert_running();
            let answer = client.get(&health).timeout(Duration::from_secs(2)).send().await;
            if answer.is_ok_and(|r| r.status().is_success()) {
                return Ok(());
            }
            if std::time::Instant::now() >= deadline {
                return Err(format!(
                    "wrangler dev did not answer {health} within {HEALTH_LIMIT:?}; see {}",
                    self.log.display()
                ));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// How often wrangler reloaded the worker after it was ready (it should not, serving a snapshot).
    pub fn reloads(&self) -> usize {
        std::fs::read_to_string(&self.log).unwrap_or_default().matches("Reloading local server").count()
    }

    /// Stops wrangler (dropping its guard kills the process group); the snapshot and its state
    /// stay for a look at what went wrong.
    pub fn stop(self) {
        drop(self.wrangler);
    }

    /// Stops wrangler and deletes the snapshot and its state.
    pub fn remove(self) {
        let dir = self.dir.clone();
        self.stop();
        let _ = std::fs::remove_dir_all(dir);
    }
}
