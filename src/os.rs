//! What the operating system lets the process hold: open files, which every
//! connection, live stream and database socket takes one of.

/// Descriptors kept back from client connections: the database pool, the
/// mail relay's sessions, the listener, logs, migrations and static files.
const RESERVED_FILES: u64 = 256;

/// Raises the soft open-file limit to the hard one (what an unprivileged
/// process may do), and says how many client connections fit under it.
/// `None` when the limit cannot be read.
pub fn connection_ceiling() -> Option<usize> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit only read and write the struct given.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return None;
        }
        if limit.rlim_cur < limit.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: limit.rlim_max,
                rlim_max: limit.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                limit = raised;
            }
        }
    }
    let files: u64 = limit.rlim_cur;
    Some(usize::try_from(files.saturating_sub(RESERVED_FILES).max(16)).unwrap_or(usize::MAX))
}
