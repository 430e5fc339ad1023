//! The desk's routing decision, natively: the criterion benchmark in desk/benches/routing.rs
//! (group `route/N`, N queued conversations), read from the estimates criterion writes.

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

use crate::bench::cpu::{estimate, round};
use crate::paths::repo_root;
use crate::process::run;

/// The agents each size of queue is routed over, as the benchmark sets them up.
const AGENTS_PER_QUEUED: u64 = 5;

pub fn measure() -> Result<Value, String> {
    let root = repo_root();
    run(Command::new("cargo").args(["bench", "-p", "baton-desk", "--bench", "routing"]).current_dir(&root))?;
    read(&root.join("target/criterion"))
}

/// Each size criterion measured, smallest first: the whole decision's time in microseconds.
pub fn read(criterion: &Path) -> Result<Value, String> {
    let dir = criterion.join("route");
    let mut sizes: Vec<(u64, Value)> = Vec::new();
    for entry in std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
        let Some(queued) = entry.file_name().to_str().and_then(|n| n.parse::<u64>().ok()) else { continue };
        let (mean, median, _) = estimate(&entry.path())?;
        sizes.push((
            queued,
            json!({
                "queued": queued,
                "agents": queued / AGENTS_PER_QUEUED,
                "mean_us": round(mean / 1000.0),
                "median_us": round(median / 1000.0),
            }),
        ));
    }
    sizes.sort_by_key(|(n, _)| *n);
    Ok(json!({ "sizes": sizes.into_iter().map(|(_, v)| v).collect::<Vec<_>>() }))
}
