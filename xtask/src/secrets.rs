//! Local secrets for `wrangler dev`. In production these are `wrangler secret put`.

use crate::paths::repo_root;

fn random_hex(bytes: usize) -> Result<String, String> {
    let mut buf = vec![0u8; bytes];
    getrandom::getrandom(&mut buf).map_err(|e| format!("no randomness: {e}"))?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

/// Creates `.dev.vars` with fresh random secrets unless it exists.
pub fn ensure_dev_vars() -> Result<(), String> {
    let path = repo_root().join(".dev.vars");
    if path.exists() {
        println!(".dev.vars exists (local secrets)");
        return Ok(());
    }
    let body = format!("TOKEN_SECRET={}\nADMIN_SECRET={}\n", random_hex(32)?, random_hex(32)?);
    std::fs::write(&path, body).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!("generated .dev.vars with random TOKEN_SECRET and ADMIN_SECRET");
    Ok(())
}

/// Reads one value from `.dev.vars`.
pub fn dev_var(name: &str) -> Result<String, String> {
    let path = repo_root().join(".dev.vars");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    text.lines()
        .filter_map(|line| line.split_once('='))
        .find(|(key, _)| key.trim() == name)
        .map(|(_, value)| value.trim().trim_matches('"').to_string())
        .ok_or_else(|| format!("{name} missing from .dev.vars"))
}
