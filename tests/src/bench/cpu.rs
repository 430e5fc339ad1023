//! CPU time from /proc: this process's (to show the client was not the bottleneck) and the
//! `workerd` serving a stack (to turn a run into CPU milliseconds per message).

use std::path::{Path, PathBuf};

/// User + system seconds of one process, from /proc/PID/stat.
fn process_cpu_seconds(stat_path: &Path) -> Option<f64> {
    let stat = std::fs::read_to_string(stat_path).ok()?;
    // The command name may contain spaces; the fields after it start at the state (field 3).
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let (user, system): (f64, f64) = (fields.get(11)?.parse().ok()?, fields.get(12)?.parse().ok()?);
    // SAFETY: sysconf only reads a configuration value.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    (ticks > 0.0).then(|| (user + system) / ticks)
}

pub fn own_cpu_seconds() -> f64 {
    process_cpu_seconds(Path::new("/proc/self/stat")).unwrap_or(0.0)
}

/// The `workerd` processes started in `dir`: wrangler runs its runtime in the directory it
/// was started in, and every stack of the bench starts in a directory of its own.
pub fn workerd_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
    let wanted = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit())))
        .filter(|p| std::fs::read_to_string(p.join("comm")).is_ok_and(|c| c.trim() == "workerd"))
        .filter(|p| std::fs::read_link(p.join("cwd")).is_ok_and(|cwd| cwd == wanted))
        .collect()
}

/// CPU seconds used so far by the given processes (those that have exited count as 0).
pub fn cpu_seconds(processes: &[PathBuf]) -> f64 {
    processes.iter().filter_map(|p| process_cpu_seconds(&p.join("stat"))).sum()
}

/// CPU used between two readings, by this process and by a stack's workerd.
#[derive(Debug, Clone)]
pub struct Meter {
    workerd: Vec<PathBuf>,
    started_own: f64,
    started_workerd: f64,
    started: std::time::Instant,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Usage {
    pub wall_seconds: f64,
    pub own_seconds: f64,
    pub workerd_seconds: f64,
}

impl Meter {
    pub fn start(stack_dir: &Path) -> Meter {
        let workerd = workerd_in(stack_dir);
        Meter {
            started_own: own_cpu_seconds(),
            started_workerd: cpu_seconds(&workerd),
            workerd,
            started: std::time::Instant::now(),
        }
    }

    pub fn read(&self) -> Usage {
        Usage {
            wall_seconds: self.started.elapsed().as_secs_f64(),
            own_seconds: own_cpu_seconds() - self.started_own,
            workerd_seconds: cpu_seconds(&self.workerd) - self.started_workerd,
        }
    }
}

impl Usage {
    pub fn json(&self) -> serde_json::Value {
        use crate::bench::stats::round;
        serde_json::json!({
            "wall_s": round(self.wall_seconds),
            "bench_client_cpu_s": round(self.own_seconds),
            "workerd_cpu_s": round(self.workerd_seconds),
        })
    }
}
