//! The real stack: `wrangler dev` (workerd, Durable Objects with SQLite storage) serving the
//! release build from `dist/` and `edge/build/`, with the demo site seeded.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::process::{Guarded, free_port};
use crate::repo_root;
use crate::wait::until_some;

pub struct Stack {
    pub base: String,
    pub port: u16,
    pub persist_dir: PathBuf,
    wrangler: Option<Guarded>,
}

fn wrangler_bin() -> PathBuf {
    std::env::var_os("BATON_WRANGLER")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("node_modules/.bin/wrangler"))
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
    /// Starts `wrangler dev` on a free port with fresh state and seeds the demo site.
    pub async fn start() -> Stack {
        let port = free_port();
        let nanos =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        let persist_dir = repo_root().join("target/e2e-state").join(format!("{port}-{nanos}"));
        let mut stack = Stack { base: format!("http://127.0.0.1:{port}"), port, persist_dir, wrangler: None };
        stack.launch().await;
        stack.seed_demo().await;
        stack
    }

    async fn launch(&mut self) {
        let log_dir = repo_root().join("target/e2e-logs");
        let _ = std::fs::create_dir_all(&log_dir);
        let log = std::fs::File::create(log_dir.join(format!("wrangler-{}.log", self.port)))
            .unwrap_or_else(|e| panic!("cannot create wrangler log: {e}"));
        let err = log.try_clone().unwrap_or_else(|e| panic!("cannot clone log handle: {e}"));
        let mut cmd = Command::new(wrangler_bin());
        cmd.args(["dev", "--ip", "127.0.0.1", "--port", &self.port.to_string(), "--persist-to"])
            .arg(&self.persist_dir)
            .arg("--show-interactive-dev-session=false")
            .env("WRANGLER_SEND_METRICS", "false")
            .env("CI", "true")
            .current_dir(repo_root())
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(err);
        let mut guard = Guarded::spawn("wrangler dev", &mut cmd);
        let client = reqwest::Client::new();
        let health = format!("{}/api/health", self.base);
        until_some("wrangler dev to answer /api/health", Duration::from_secs(90), || {
            guard.assert_running();
            let req = client.get(&health).timeout(Duration::from_secs(2)).send();
            async move { req.await.ok().filter(|r| r.status().is_success()).map(|_| ()) }
        })
        .await;
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
        let body = std::fs::read_to_string(repo_root().join("demo/site.json"))
            .unwrap_or_else(|e| panic!("cannot read demo/site.json: {e}"));
        self.put_site("demo", body).await;
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
