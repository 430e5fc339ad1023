//! The real stack: `wrangler dev` (workerd, Durable Objects with SQLite storage) serving the
//! release build from `dist/` and `edge/build/`, with the demo site seeded.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::process::{Guarded, free_port};
use crate::repo_root;

pub struct Stack {
    pub base: String,
    pub port: u16,
    pub persist_dir: PathBuf,
    wrangler: Option<Guarded>,
}

/// The pinned wrangler: `BATON_WRANGLER` when xtask passes it, else the repository's
/// `node_modules/.bin/wrangler`.
pub fn wrangler_bin() -> PathBuf {
    std::env::var_os("BATON_WRANGLER")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("node_modules/.bin/wrangler"))
}

/// `wrangler dev` on 127.0.0.1:`port` for the project in `dir`, with its Durable Object state in
/// `persist_dir` and everything it prints in the file `log`.
pub fn wrangler_dev(port: u16, dir: &Path, persist_dir: &Path, log: &Path) -> Result<Command, String> {
    let out = std::fs::File::create(log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
    let err = out.try_clone().map_err(|e| format!("cannot clone the log handle: {e}"))?;
    let mut cmd = Command::new(wrangler_bin());
    cmd.args(["dev", "--ip", "127.0.0.1", "--port", &port.to_string(), "--persist-to"])
        .arg(persist_dir)
        .arg("--show-interactive-dev-session=false")
        .env("WRANGLER_SEND_METRICS", "false")
        .env("CI", "true")
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err);
    Ok(cmd)
}

/// Waits until `url` answers with a success, or fails naming `log`. Fails at once if the
/// process behind it died.
pub async fn wait_until_answers(wrangler: &mut Guarded, url: &str, limit: Duration, log: &Path) -> Result<(), String> {
    let client = reqwest::Client::new();
    let deadline = Instant::now() + limit;
    loop {
        wrangler.assert_running();
        let answer = client.get(url).timeout(Duration::from_secs(2)).send().await;
        if answer.is_ok_and(|r| r.status().is_success()) {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(format!("wrangler dev did not answer {url} within {limit:?}; see {}", log.display()));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The demo site's seed (`demo/site.json`), for tests that seed a variant of it.
pub fn demo_seed() -> serde_json::Value {
    let body = std::fs::read_to_string(repo_root().join("demo/site.json"))
        .unwrap_or_else(|e| panic!("cannot read demo/site.json: {e}"));
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("demo/site.json: {e}"))
}

pub fn dev_var(name: &str) -> String {
    let path = repo_root().join(".dev.vars");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {} (run `cargo xtask setup`): {e}", path.display()));
    text.lines()
        .filter_map(|l| l.split_once('='))
        .find(|(k, _)| k.trim() == name)
        .map(|(_, v)| v.trim().trim_matches('"').to_string())
        .unwrap_or_else(|| panic!("{name} missing from .dev.vars"))
}

impl Stack {
    /// Starts `wrangler dev` on a free port with fresh state and seeds the demo site. A port is
    /// free when picked but may be taken before workerd binds it (workerd opens ports of its
    /// own): then another port is tried.
    pub async fn start() -> Stack {
        for _ in 0..3 {
            let port = free_port();
            let nanos =
                std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
            let persist_dir = repo_root().join("target/e2e-state").join(format!("{port}-{nanos}"));
            let mut stack = Stack { base: format!("http://127.0.0.1:{port}"), port, persist_dir, wrangler: None };
            if stack.launch_on_free_port().await {
                stack.seed_demo().await;
                return stack;
            }
        }
        panic!("wrangler dev found its port taken three times in a row");
    }

    /// Launches; `false` if workerd could not bind the port (someone took it meanwhile).
    async fn launch_on_free_port(&mut self) -> bool {
        let log = self.log_path();
        let mut cmd = wrangler_dev(self.port, &repo_root(), &self.persist_dir, &log).unwrap_or_else(|e| panic!("{e}"));
        let mut guard = Guarded::spawn("wrangler dev", &mut cmd);
        let health = format!("{}/api/health", self.base);
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(90);
        loop {
            if guard.exited() {
                let said = std::fs::read_to_string(&log).unwrap_or_default();
                if said.contains("Address already in use") {
                    return false;
                }
                guard.assert_running();
            }
            let answer = client.get(&health).timeout(Duration::from_secs(2)).send().await;
            if answer.is_ok_and(|r| r.status().is_success()) {
                self.wrangler = Some(guard);
                return true;
            }
            assert!(
                Instant::now() < deadline,
                "wrangler dev did not answer {health} within 90 s; see {}",
                log.display()
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    fn log_path(&self) -> PathBuf {
        let log_dir = repo_root().join("target/e2e-logs");
        let _ = std::fs::create_dir_all(&log_dir);
        log_dir.join(format!("wrangler-{}.log", self.port))
    }

    async fn launch(&mut self) {
        let log_dir = repo_root().join("target/e2e-logs");
        let _ = std::fs::create_dir_all(&log_dir);
        let log = log_dir.join(format!("wrangler-{}.log", self.port));
        let mut cmd = wrangler_dev(self.port, &repo_root(), &self.persist_dir, &log).unwrap_or_else(|e| panic!("{e}"));
        let mut guard = Guarded::spawn("wrangler dev", &mut cmd);
        let health = format!("{}/api/health", self.base);
        wait_until_answers(&mut guard, &health, Duration::from_secs(90), &log).await.unwrap_or_else(|e| panic!("{e}"));
        self.wrangler = Some(guard);
    }

    /// Stops workerd and starts it again on the same port and persisted state.
    pub async fn restart(&mut self) {
        self.stop();
        self.launch().await;
    }

    /// Stops workerd; `start_again` brings it back on the same port and state.
    pub fn stop(&mut self) {
        if let Some(mut old) = self.wrangler.take() {
            old.stop();
        }
    }

    pub async fn start_again(&mut self) {
        self.launch().await;
    }

    pub async fn seed_demo(&self) {
        self.put_site("demo", demo_seed().to_string()).await;
    }

    /// Seeds `site` as a copy of the demo site with `change` made to its seed.
    pub async fn seed_demo_as(&self, site: &str, change: impl FnOnce(&mut serde_json::Value)) {
        let mut seed = demo_seed();
        change(&mut seed);
        self.seed_site(site, &seed).await;
    }

    /// Creates or replaces a site through the admin API.
    pub async fn seed_site(&self, site: &str, seed: &serde_json::Value) {
        self.put_site(site, seed.to_string()).await;
    }

    async fn put_site(&self, site: &str, body: String) {
        let (status, reply) = self.try_put_site(site, body).await;
        assert_eq!(status, 200, "seeding site {site}: {reply}");
    }

    /// PUTs a site seed and returns the status and body, for seeds that must be refused.
    pub async fn try_put_site(&self, site: &str, body: String) -> (u16, serde_json::Value) {
        let response = reqwest::Client::new()
            .put(format!("{}/api/admin/sites/{site}", self.base))
            .bearer_auth(dev_var("ADMIN_SECRET"))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("seeding site {site}: {e}"));
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(serde_json::Value::Null))
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}
