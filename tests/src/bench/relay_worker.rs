//! The bare relay of `bench/relay/` under `wrangler dev`, started next to Baton's stack. Like
//! the stack it runs from a copy under target/bench/, so wrangler's scratch files and state stay
//! out of the source tree.

use std::path::PathBuf;
use std::time::Duration;

use baton_e2e::process::{Guarded, free_port};
use baton_e2e::repo_root;
use baton_e2e::stack::{wait_until_answers, wrangler_dev};

const FILES: [&str; 2] = ["wrangler.toml", "worker.js"];
const HEALTH_LIMIT: Duration = Duration::from_secs(90);

pub struct RelayWorker {
    pub base: String,
    pub dir: PathBuf,
    wrangler: Guarded,
}

impl RelayWorker {
    pub async fn start() -> Result<RelayWorker, String> {
        let port = free_port();
        let root = repo_root();
        let dir = root.join(format!("target/bench/relay-{port}"));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        for file in FILES {
            let from = root.join("bench/relay").join(file);
            std::fs::copy(&from, dir.join(file)).map_err(|e| format!("cannot copy {}: {e}", from.display()))?;
        }
        let log_path = dir.join("wrangler.log");
        let mut cmd = wrangler_dev(port, &dir, &dir.join("state"), &log_path)?;
        let mut worker = RelayWorker {
            base: format!("http://127.0.0.1:{port}"),
            dir,
            wrangler: Guarded::spawn("wrangler dev (bare relay)", &mut cmd),
        };
        worker.wait_healthy(&log_path).await?;
        Ok(worker)
    }

    async fn wait_healthy(&mut self, log: &std::path::Path) -> Result<(), String> {
        wait_until_answers(&mut self.wrangler, &format!("{}/health", self.base), HEALTH_LIMIT, log).await
    }

    pub fn room_url(&self, room: &str) -> String {
        format!("{}/relay/{room}", self.base.replacen("http", "ws", 1))
    }

    /// Stops wrangler and removes the copy.
    pub fn remove(self) {
        let dir = self.dir.clone();
        drop(self.wrangler);
        let _ = std::fs::remove_dir_all(dir);
    }
}
