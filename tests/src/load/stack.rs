//! The stack under load: `wrangler dev` serving a private copy of the release build.
//!
//! wrangler dev watches its build and reloads when `edge/build/` or `dist/` change, which resets
//! every socket and every Durable Object. A load test has to measure one build whatever else
//! happens in the working tree meanwhile (in a first run a `cargo xtask build` elsewhere reloaded
//! the server eight times in one minute), so unlike `baton_e2e::Stack` it serves a snapshot.
//! Everything else (process group, port, health wait) is the harness's.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::time::Duration;

use baton_e2e::process::{Guarded, free_port};
use baton_e2e::repo_root;
use baton_e2e::stack::{wait_until_answers, wrangler_dev};

/// What wrangler dev needs: its config, the local secrets, the worker and the static assets.
const SNAPSHOT: &[&str] = &["wrangler.toml", ".dev.vars", "edge/build", "dist"];
const HEALTH_LIMIT: Duration = Duration::from_secs(90);

pub struct FrozenStack {
    pub base: String,
    pub dir: PathBuf,
    pub log: PathBuf,
    port: u16,
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
        let mut cmd = wrangler_dev(port, &dir, &dir.join("state"), &log)?;
        let mut stack = FrozenStack {
            base: format!("http://127.0.0.1:{port}"),
            dir,
            log,
            port,
            wrangler: Guarded::spawn("wrangler dev", &mut cmd),
        };
        stack.wait_healthy().await?;
        Ok(stack)
    }

    async fn wait_healthy(&mut self) -> Result<(), String> {
        wait_until_answers(&mut self.wrangler, &format!("{}/api/health", self.base), HEALTH_LIMIT, &self.log).await
    }

    /// Stops wrangler, runs `work` (which must not need the server: it may touch the state
    /// directory, nothing holding it), then starts wrangler again on the same port, snapshot and
    /// state, logging to `wrangler-restarted.log`, and waits until it answers.
    #[allow(dead_code)] // The bench's history part; the load generators never restart.
    pub async fn while_stopped<T>(&mut self, work: impl Future<Output = T>) -> Result<T, String> {
        self.wrangler.stop();
        let value = work.await;
        let log = self.dir.join("wrangler-restarted.log");
        let mut cmd = wrangler_dev(self.port, &self.dir, &self.dir.join("state"), &log)?;
        self.wrangler = Guarded::spawn("wrangler dev", &mut cmd);
        self.log = log;
        self.wait_healthy().await?;
        Ok(value)
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
