//! Local secrets for `wrangler dev`. In production these are `wrangler secret put`.

use crate::paths::repo_root;

fn random_hex(bytes: usize) -> Result<String, String> {
    let mut buf = vec![0u8; bytes];
    getrandom::getrandom(&mut buf).map_err(|e| format!("no randomness: {e}"))?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

/// The worker's secrets: tokens, the admin API, and the sites' identity secrets.
const SECRETS: [&str; 3] = ["TOKEN_SECRET", "ADMIN_SECRET", "IDENTITY_SECRET"];

/// Creates `.dev.vars` with fresh random secrets, adding any an older one lacks.
pub fn ensure_dev_vars() -> Result<(), String> {
    let path = repo_root().join(".dev.vars");
    let mut body = std::fs::read_to_string(&path).unwrap_or_default();
    let mut added = Vec::new();
    for name in SECRETS {
        if !body.lines().any(|line| line.split_once('=').is_some_and(|(key, _)| key.trim() == name)) {
            if !body.is_empty() && !body.ends_with('\n') {
                body.push('\n');
            }
            body.push_str(&format!("{name}={}\n", random_hex(32)?));
            added.push(name);
        }
    }
    if added.is_empty() {
        // Readable by this user only, also when an older setup wrote it open to all.
        private(&path)?;
        println!(".dev.vars exists (local secrets)");
        return Ok(());
    }
    write_private(&path, &body)?;
    println!("wrote random {} to .dev.vars", added.join(", "));
    Ok(())
}

/// Writes `body` to a file only its owner may read (mode 0600 on Unix).
fn write_private(path: &std::path::Path, body: &str) -> Result<(), String> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    std::io::Write::write_all(&mut file, body.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    private(path)
}

/// Takes the file's permissions back to its owner (a no-op where there are no modes).
fn private(path: &std::path::Path) -> Result<(), String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| format!("cannot restrict {}: {e}", path.display()))?;
    }
    let _ = path;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn local_secrets_are_readable_by_their_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let path = std::env::temp_dir().join(format!("baton-dev-vars-{}", std::process::id()));
        write_private(&path, "TOKEN_SECRET=x\n").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        let _ = std::fs::remove_file(&path);
        assert_eq!(mode, 0o600);
    }
}
