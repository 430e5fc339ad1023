//! Child processes that die with the test: each runs in its own process group, and the
//! whole group (wrangler's workerd, chromedriver's browsers) is killed on drop.

use std::net::TcpListener;
use std::process::{Child, Command};

pub struct Guarded {
    pub name: &'static str,
    child: Child,
}

impl Guarded {
    pub fn spawn(name: &'static str, cmd: &mut Command) -> Guarded {
        use std::os::unix::process::CommandExt;
        let child = cmd
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {name} ({:?}): {e}", cmd.get_program()));
        Guarded { name, child }
    }

    /// Whether the process has already died.
    pub fn exited(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(Some(_)))
    }

    /// Panics with the exit status if the process has already died.
    pub fn assert_running(&mut self) {
        if let Ok(Some(status)) = self.child.try_wait() {
            panic!("{} exited unexpectedly with {status}", self.name);
        }
    }

    pub fn stop(&mut self) {
        let pgid = self.child.id() as libc::pid_t;
        // SAFETY: plain syscall on a process group this guard created.
        unsafe {
            libc::kill(-pgid, libc::SIGTERM);
        }
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while std::time::Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        // SAFETY: as above; makes sure nothing of the group survives.
        unsafe {
            libc::kill(-pgid, libc::SIGKILL);
        }
        let _ = self.child.wait();
    }
}

impl Drop for Guarded {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A loopback port that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free port: {e}"))
}
