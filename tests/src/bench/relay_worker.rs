//! The bare relay of `bench/relay/` under `wrangler dev`, started next to Baton's stack. Like
//! the stack it runs from a copy under target/bench/, so wrangler's scratch files and state stay
//! out of the source tree.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use baton_e2e::process::{Guarded, free_port};
use baton_e2e::repo_root;

const FILES: [&str; 2] = ["wrangler.toml", "worker.js"];
const HEALTH_LIMIT: Duration = Duration::from_secs(90);
const POLL: Duration = Duration::from_millis(200);

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
        let log = std::fs::File::create(&log_path).map_err(|e| format!("cannot create {}: {e}", log_path.display()))?;
        let err = log.try_clone().map_err(|e| format!("cannot clone the log handle: {e}"))?;
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
            .stdout(log)
            .stderr(err);
        let mut worker = RelayWorker {
            base: format!("http://127.0.0.1:{port}"),
            dir,
            wrangler: Guarded::spawn("wrangler dev (bare relay)", &mut cmd),
        };
        worker.wait_healthy(&log_path).await?;
        Ok(worker)
    }

    async fn wait_healthy(&mut self, log: &std::path::Path) -> Result<(), String> {
        let client = reqwest::Client::new();
        let health = format!("{}/health", self.base);
        let deadline = Instant::now() + HEALTH_LIMIT;
        loop {
            self.wrangler.assert_running();
            let answer = client.get(&health).timeout(Duration::from_secs(2)).send().await;
            if answer.is_ok_and(|r| r.status().is_success()) {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "the bare relay did not answer {health} within {HEALTH_LIMIT:?}; see {}",
                    log.display()
                ));
            }
            tokio::time::sleep(POLL).await;
        }
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
