//! Part 5, natively: the bot's CPU per customer message and per knowledge-base build, from the
//! criterion benchmark in brain/benches/bot_cpu.rs (groups `build/N` and `respond/N`, and
//! `read/frames` and `read/frames_and_model` for reading a request for a person), read from the
//! estimates criterion writes under target/criterion.

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

use crate::paths::repo_root;
use crate::process::run;

const BENCH_FILE: &str = "brain/benches/bot_cpu.rs";
const GROUPS: [&str; 2] = ["build", "respond"];
const READERS: [&str; 2] = ["frames", "frames_and_model"];

/// Runs the benchmark if the brain has it; `None` when it does not.
pub fn measure() -> Option<Result<Value, String>> {
    let root = repo_root();
    if !root.join(BENCH_FILE).exists() {
        return None;
    }
    let ran = run(Command::new("cargo").args(["bench", "-p", "baton-brain", "--bench", "bot_cpu"]).current_dir(&root));
    Some(ran.and_then(|()| read(&root.join("target/criterion"))))
}

/// One benchmark's mean and median time per iteration and its elements per iteration.
pub(crate) fn estimate(dir: &Path) -> Result<(f64, f64, u64), String> {
    let load = |file: &str| -> Result<Value, String> {
        let path = dir.join("new").join(file);
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    };
    let estimates = load("estimates.json")?;
    let benchmark = load("benchmark.json")?;
    let mean = estimates["mean"]["point_estimate"].as_f64().ok_or("no mean estimate")?;
    let median = estimates["median"]["point_estimate"].as_f64().ok_or("no median estimate")?;
    let elements = benchmark["throughput"]["Elements"].as_u64().unwrap_or(1).max(1);
    Ok((mean, median, elements))
}

/// Every size criterion measured in each group, smallest first, in microseconds per element
/// (per message for `respond`) or per iteration (per whole index for `build`).
pub fn read(criterion: &Path) -> Result<Value, String> {
    let mut out = serde_json::Map::new();
    for group in GROUPS {
        let dir = criterion.join(group);
        let mut sizes: Vec<(u64, Value)> = Vec::new();
        for entry in std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))? {
            let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
            let Some(size) = entry.file_name().to_str().and_then(|n| n.parse::<u64>().ok()) else { continue };
            let (mean, median, elements) = estimate(&entry.path())?;
            let per = if group == "respond" { elements as f64 } else { 1.0 };
            sizes.push((
                size,
                json!({
                    "articles": size,
                    "mean_us": round(mean / 1000.0 / per),
                    "median_us": round(median / 1000.0 / per),
                    "per": if group == "respond" { "message" } else { "index build" },
                }),
            ));
        }
        sizes.sort_by_key(|(size, _)| *size);
        out.insert(group.to_string(), Value::Array(sizes.into_iter().map(|(_, v)| v).collect()));
    }
    // Reading a request for a person, per message; absent from a checkout without the group.
    let mut read = serde_json::Map::new();
    for reader in READERS {
        let dir = criterion.join("read").join(reader);
        if dir.exists() {
            let (mean, median, elements) = estimate(&dir)?;
            let per = elements as f64;
            read.insert(
                reader.to_string(),
                json!({ "mean_us": round(mean / 1000.0 / per), "median_us": round(median / 1000.0 / per) }),
            );
        }
    }
    if !read.is_empty() {
        out.insert("read".to_string(), Value::Object(read));
    }
    Ok(Value::Object(out))
}

pub(crate) fn round(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_criterion_estimates() {
        let dir = std::env::temp_dir().join(format!("xtask-criterion-{}", std::process::id()));
        for (group, name, ns, elements) in [
            ("build", "10", 2_000_000.0, 10),
            ("respond", "10", 400_000.0, 20),
            ("respond", "1000", 800_000.0, 20),
            ("read", "frames", 100_000.0, 20),
            ("read", "frames_and_model", 160_000.0, 20),
        ] {
            let new = dir.join(group).join(name).join("new");
            std::fs::create_dir_all(&new).unwrap();
            let estimates = json!({ "mean": { "point_estimate": ns }, "median": { "point_estimate": ns } });
            std::fs::write(new.join("estimates.json"), estimates.to_string()).unwrap();
            std::fs::write(new.join("benchmark.json"), json!({ "throughput": { "Elements": elements } }).to_string())
                .unwrap();
        }
        std::fs::create_dir_all(dir.join("respond/report")).unwrap();
        let figures = read(&dir).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(figures["build"][0]["mean_us"], json!(2000.0));
        assert_eq!(figures["respond"][0]["mean_us"], json!(20.0));
        assert_eq!(figures["respond"][1]["articles"], json!(1000));
        assert_eq!(figures["read"]["frames"]["mean_us"], json!(5.0));
        assert_eq!(figures["read"]["frames_and_model"]["mean_us"], json!(8.0));
    }
}
