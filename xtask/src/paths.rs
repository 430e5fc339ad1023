//! Where things live: the repository, its build output, and the per-user tool cache.

use std::path::PathBuf;

pub fn repo_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().map(PathBuf::from).unwrap_or(manifest_dir)
}

pub fn dist() -> PathBuf {
    repo_root().join("dist")
}

pub fn node_bin(name: &str) -> PathBuf {
    repo_root().join("node_modules/.bin").join(name)
}

/// Tools are cached outside the clone, keyed by name and version, so fresh clones
/// (and CI runs on the same machine) skip the multi-minute builds.
pub fn tools_cache() -> PathBuf {
    if let Some(dir) = std::env::var_os("BATON_TOOLS_DIR") {
        return PathBuf::from(dir);
    }
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/tmp"));
    home.join(".cache/baton-tools")
}
