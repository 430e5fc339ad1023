//! Seeds the demo site through the admin API of a running edge.

use crate::paths::repo_root;
use crate::secrets::dev_var;

pub fn demo_site(base: &str) -> Result<(), String> {
    let path = repo_root().join("demo/site.json");
    let body = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let admin = dev_var("ADMIN_SECRET")?;
    ureq::put(&format!("{base}/api/admin/sites/demo"))
        .header("Authorization", &format!("Bearer {admin}"))
        .header("Content-Type", "application/json")
        .send(body.as_str())
        .map_err(|e| format!("seeding the demo site failed: {e}"))?;
    Ok(())
}

/// Waits until the edge answers its health check.
pub fn wait_healthy(base: &str, child: &mut std::process::Child) -> Result<(), String> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(90);
    while std::time::Instant::now() < deadline {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("wrangler dev exited early with {status}"));
        }
        if ureq::get(&format!("{base}/api/health")).call().is_ok() {
            return Ok(());
        }
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
    Err(format!("{base}/api/health did not answer within 90 s"))
}
