//! File descriptors: a thousand conversations hold two thousand sockets here and as many in
//! workerd, which inherits this process's limit.

/// Raises the soft limit on open files to the hard limit; returns (soft, hard) afterwards.
pub fn raise_open_files() -> Result<(u64, u64), String> {
    let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit writes into the struct it is given.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        return Err(format!("getrlimit: {}", std::io::Error::last_os_error()));
    }
    if limit.rlim_cur < limit.rlim_max {
        let raised = libc::rlimit { rlim_cur: limit.rlim_max, rlim_max: limit.rlim_max };
        // SAFETY: setrlimit only reads the struct; raising the soft limit up to the hard one is allowed.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } != 0 {
            return Err(format!("setrlimit: {}", std::io::Error::last_os_error()));
        }
        limit = raised;
    }
    Ok((limit.rlim_cur, limit.rlim_max))
}

/// Whether `sockets` descriptors fit under the limit, with room for everything else a process
/// of the run opens (each side of a socket is in its own process: here, and in workerd).
pub fn fits(sockets: usize, soft_limit: u64) -> bool {
    sockets as u64 + 512 <= soft_limit
}
