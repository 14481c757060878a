//! The reference for signing throughput in `benches/run`: how many
//! signatures per second this machine's SQLite can store when nothing but
//! SQLite is in the way. No HTTP, no pool, no ORM, no templates, and not the
//! app's schema either, but the least a signature needs:
//!
//! - a signatures row (integer key, petition, email, name, time) whose only
//!   index is the unique key deduplication needs, `(petition_id, email)`;
//! - an outbox row (integer key, signature, recipient, a payload of about
//!   300 bytes, due time), with no index at all;
//! - both in one `BEGIN IMMEDIATE` transaction per signature, in WAL mode
//!   with `synchronous = NORMAL` (a commit appends to the log and does not
//!   wait for the disk), through statements prepared once, straight on the
//!   SQLite C API (libsqlite3-sys, the very library diesel links).
//!
//! Such commits cost CPU, not I/O: a commit appends its pages to the log
//! and returns, and only the checkpoints, which copy the log into the
//! database, wait for the disk (an fsync of the log, then of the database:
//! milliseconds each here). SQLite's default runs them in the committing
//! connection every 1,000 pages, leaving its CPU idle meanwhile: half the
//! time or more on a disk whose fsyncs take a few milliseconds. By default a
//! second thread does them on its own connection (`--checkpoint
//! background`): passive checkpoints back to back, which never block the
//! writer. The log can only start over once a checkpoint has copied all of
//! it, and with commits arriving throughout none ever does, so whenever the
//! log passes `--wal-limit-mb` the writer waits for the checkpoint then
//! running to finish, and the next transaction starts the log over. (The
//! app does the same with a `TRUNCATE` checkpoint every two seconds.)
//!
//! The writer then keeps its CPU busy. The line printed says how busy
//! (`writer_cpu`: from the thread's scheduler statistics, as is
//! `writer_queued`, the time it was ready but another process had the
//! CPU), how often and how long it waited for a checkpoint, and the
//! largest the log grew. What is left is the disk's limit: every page of
//! the log is written out once by a checkpoint, about 14 KB per signature
//! (three or four 4 KiB pages: the table's, the unique index's and the
//! outbox's last leaves), and when the disk cannot take that as fast as the
//! writer produces it, the writer waits at the limit. `--checkpoint writer`
//! measures SQLite's default instead.
//!
//! ```sh
//! cargo run --release --example raw_sqlite_minimal -- --db /tmp/min.db --seconds 10
//! ```
//!
//! Prints one line: `signatures=N seconds=S writer_cpu=P% writer_queued=Q%
//! checkpoint_waits=W waited_ms=M wal_peak_mb=L per_second=R`.

use std::ffi::{c_char, c_int, CStr, CString};
use std::ptr;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context};
use clap::{Parser, ValueEnum};
use libsqlite3_sys as ffi;

#[derive(Parser)]
struct Args {
    /// The SQLite file to create; it must not exist yet.
    #[arg(long)]
    db: std::path::PathBuf,
    /// How long to keep writing signatures.
    #[arg(long, default_value_t = 10.0)]
    seconds: f64,
    /// Size of the outbox row's payload.
    #[arg(long, default_value_t = 300)]
    payload_bytes: usize,
    /// Signatures per transaction (1 is the app's case; more shows what
    /// batching would buy).
    #[arg(long, default_value_t = 1)]
    batch: u64,
    /// Who runs the checkpoints.
    #[arg(long, value_enum, default_value_t = Checkpoint::Background)]
    checkpoint: Checkpoint,
    /// With background checkpoints, the log's size at which the writer
    /// waits for a checkpoint so that the log can start over.
    #[arg(long, default_value_t = 64)]
    wal_limit_mb: i64,
    /// The database's page size (SQLite's default, as the app's, is 4096).
    #[arg(long, default_value_t = 4096)]
    page_size: i64,
}

#[derive(Clone, Copy, ValueEnum)]
enum Checkpoint {
    /// A second thread, so the writer never waits on an fsync.
    Background,
    /// SQLite's default: the committing connection, every 1,000 pages.
    Writer,
}

const SCHEMA: &str = "
    PRAGMA journal_mode = WAL;
    CREATE TABLE signatures (
        id INTEGER PRIMARY KEY,
        petition_id INTEGER NOT NULL,
        email TEXT NOT NULL,
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        UNIQUE (petition_id, email)
    );
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        signature_id INTEGER NOT NULL,
        recipient TEXT NOT NULL,
        payload TEXT NOT NULL,
        due_at INTEGER NOT NULL
    );";

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.db.exists() {
        bail!(
            "{} exists; the reference starts from a fresh file",
            args.db.display()
        );
    }
    let path = CString::new(args.db.to_str().context("the path is not UTF-8")?)?;
    let db = Db::open(&path)?;
    db.exec(&format!("PRAGMA page_size = {};", args.page_size))?;
    db.exec(SCHEMA)?;
    db.exec("PRAGMA synchronous = NORMAL;")?;
    let shared = Arc::new(Shared::default());
    let checkpointer = match args.checkpoint {
        Checkpoint::Writer => None,
        Checkpoint::Background => {
            db.exec("PRAGMA wal_autocheckpoint = 0;")?;
            // SAFETY: db is open; the hook, a plain function, only stores
            // into a static.
            unsafe { ffi::sqlite3_wal_hook(db.0, Some(wal_hook), ptr::null_mut()) };
            let (path, shared) = (path.clone(), shared.clone());
            Some(std::thread::spawn(move || {
                let result = checkpoint(&path, &shared);
                // Lets the writer go on, and find the error when it joins.
                shared.set(Phase::Stopped);
                result
            }))
        }
    };
    // The log's size in frames (a page and a 24-byte header each).
    let frame_bytes = args.page_size + 24;
    let wal_limit = args.wal_limit_mb * 1024 * 1024 / frame_bytes;

    let begin = db.prepare("BEGIN IMMEDIATE")?;
    let commit = db.prepare("COMMIT")?;
    let insert_signature = db.prepare(
        "INSERT INTO signatures (petition_id, email, name, created_at) VALUES (?1, ?2, ?3, ?4)",
    )?;
    let insert_outbox = db.prepare(
        "INSERT INTO outbox (signature_id, recipient, payload, due_at) VALUES (?1, ?2, ?3, ?4)",
    )?;
    let petition_id = 1;
    let mut email = String::with_capacity(64);
    let payload_head = "Please confirm your signature for \"Save the bees\": ";
    let mut payload = String::with_capacity(args.payload_bytes + 64);

    let deadline = Duration::from_secs_f64(args.seconds);
    let sched_start = thread_sched()?;
    let start = Instant::now();
    let mut signatures = 0u64;
    let (mut waits, mut waited, mut peak, mut resumed) = (0u64, Duration::ZERO, 0i64, false);
    while start.elapsed() < deadline {
        begin.run()?;
        for _ in 0..args.batch {
            let now = unix_ms();
            email.clear();
            use std::fmt::Write;
            write!(email, "raw-{signatures}@example.org")?;
            insert_signature.bind_int(1, petition_id)?;
            insert_signature.bind_text(2, &email)?;
            insert_signature.bind_text(3, "Jane Doe")?;
            insert_signature.bind_int(4, now)?;
            insert_signature.run()?;
            let signature_id = db.last_insert_rowid();
            // The payload: a line naming the link, padded to its size.
            payload.clear();
            writeln!(
                payload,
                "{payload_head}https://petitions.example.org/confirm/{signature_id:016x}"
            )?;
            while payload.len() < args.payload_bytes {
                payload.push('.');
            }
            insert_outbox.bind_int(1, signature_id)?;
            insert_outbox.bind_text(2, &email)?;
            insert_outbox.bind_text(3, &payload)?;
            insert_outbox.bind_int(4, now)?;
            insert_outbox.run()?;
            signatures += 1;
        }
        commit.run()?;
        if checkpointer.is_some() {
            if resumed {
                // This transaction started the log over.
                shared.change(Phase::CaughtUp, Phase::Running);
                resumed = false;
            }
            let frames = WAL_FRAMES.load(Ordering::Relaxed);
            peak = peak.max(frames);
            if frames >= wal_limit {
                let at = Instant::now();
                shared.set(Phase::Waiting);
                shared.wait_while(|phase| phase == Phase::Waiting);
                if shared.get() == Phase::Stopped {
                    break;
                }
                waited += at.elapsed();
                waits += 1;
                resumed = true;
            }
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    let (cpu, queued) = thread_sched()? - sched_start;
    shared.set(Phase::Stopped);
    if let Some(checkpointer) = checkpointer {
        checkpointer.join().expect("the checkpoint thread")?;
    } else {
        // SQLite's own checkpoints keep the log at about 1,000 pages.
        peak = 1000;
    }
    println!(
        "signatures={signatures} seconds={seconds:.2} writer_cpu={:.0}% writer_queued={:.0}% \
         checkpoint_waits={waits} waited_ms={} wal_peak_mb={:.0} per_second={:.0}",
        cpu.as_secs_f64() / seconds * 100.0,
        queued.as_secs_f64() / seconds * 100.0,
        waited.as_millis(),
        (peak * frame_bytes) as f64 / 1048576.0,
        signatures as f64 / seconds
    );
    Ok(())
}

/// The log's length in frames after the last commit, which SQLite reports
/// to the writer's WAL hook.
static WAL_FRAMES: AtomicI64 = AtomicI64::new(0);

unsafe extern "C" fn wal_hook(
    _: *mut std::ffi::c_void,
    _: *mut ffi::sqlite3,
    _: *const c_char,
    frames: c_int,
) -> c_int {
    WAL_FRAMES.store(i64::from(frames), Ordering::Relaxed);
    ffi::SQLITE_OK
}

/// Where the writer and the checkpoint thread stand.
#[derive(Clone, Copy, PartialEq, Default)]
enum Phase {
    /// Writing; checkpoints run alongside.
    #[default]
    Running,
    /// The writer waits for a checkpoint to copy the whole log.
    Waiting,
    /// It has: the writer's next transaction starts the log over, and no
    /// checkpoint may hold a lock meanwhile, which would prevent that.
    CaughtUp,
    Stopped,
}

#[derive(Default)]
struct Shared {
    phase: Mutex<Phase>,
    changed: Condvar,
}

impl Shared {
    fn get(&self) -> Phase {
        *self.phase.lock().unwrap()
    }

    fn set(&self, phase: Phase) {
        *self.phase.lock().unwrap() = phase;
        self.changed.notify_all();
    }

    /// Sets `to` if the phase is `from`.
    fn change(&self, from: Phase, to: Phase) {
        let mut phase = self.phase.lock().unwrap();
        if *phase == from {
            *phase = to;
            self.changed.notify_all();
        }
    }

    fn wait_while(&self, mut condition: impl FnMut(Phase) -> bool) {
        let guard = self.phase.lock().unwrap();
        drop(self.changed.wait_while(guard, |p| condition(*p)).unwrap());
    }
}

/// The background checkpoints: passive ones back to back, which copy the
/// log into the database without ever blocking the writer. One that
/// starts while the writer waits copies all of the log, and lets it go on.
fn checkpoint(path: &CStr, shared: &Shared) -> anyhow::Result<()> {
    let db = Db::open(path)?;
    // Reads the header, without which the connection does not know the
    // database is in WAL mode, and its checkpoints do nothing.
    db.exec("PRAGMA journal_mode = WAL;")?;
    loop {
        let phase = shared.get();
        match phase {
            Phase::Stopped => return Ok(()),
            Phase::CaughtUp => {
                shared.wait_while(|p| p == Phase::CaughtUp);
                continue;
            }
            Phase::Running | Phase::Waiting => {}
        }
        let (mut log, mut done) = (0, 0);
        // SAFETY: db is open; a null schema name means every attached one.
        let rc = unsafe {
            ffi::sqlite3_wal_checkpoint_v2(
                db.0,
                ptr::null(),
                ffi::SQLITE_CHECKPOINT_PASSIVE,
                &mut log,
                &mut done,
            )
        };
        match rc {
            // The writer held the lock a checkpoint needs (it began its
            // transaction just as the previous one finished); again.
            ffi::SQLITE_BUSY => {
                std::thread::sleep(Duration::from_micros(100));
                continue;
            }
            ffi::SQLITE_OK if log >= 0 => {}
            _ => bail!("checkpoint: {} (log {log}, copied {done})", db.error()),
        }
        if log == done {
            if phase == Phase::Waiting {
                shared.set(Phase::CaughtUp);
            } else {
                std::thread::sleep(Duration::from_millis(1));
            }
        }
    }
}

/// One connection, used by one thread (opened without SQLite's mutexes).
struct Db(*mut ffi::sqlite3);

// SAFETY: a connection moves to the thread that then alone uses it.
unsafe impl Send for Db {}

impl Db {
    fn open(path: &CStr) -> anyhow::Result<Self> {
        let mut db = ptr::null_mut();
        let flags = ffi::SQLITE_OPEN_READWRITE | ffi::SQLITE_OPEN_CREATE | ffi::SQLITE_OPEN_NOMUTEX;
        // SAFETY: path is NUL-terminated; db receives the handle.
        let rc = unsafe { ffi::sqlite3_open_v2(path.as_ptr(), &mut db, flags, ptr::null()) };
        let db = Self(db);
        if rc != ffi::SQLITE_OK {
            bail!("opening {}: {}", path.to_string_lossy(), db.error());
        }
        Ok(db)
    }

    fn exec(&self, sql: &str) -> anyhow::Result<()> {
        let sql = CString::new(sql)?;
        // SAFETY: self.0 is open and sql NUL-terminated.
        let rc = unsafe {
            ffi::sqlite3_exec(self.0, sql.as_ptr(), None, ptr::null_mut(), ptr::null_mut())
        };
        if rc != ffi::SQLITE_OK {
            bail!("{}: {}", sql.to_string_lossy().trim(), self.error());
        }
        Ok(())
    }

    fn prepare(&self, sql: &str) -> anyhow::Result<Statement<'_>> {
        let mut stmt = ptr::null_mut();
        // SAFETY: self.0 is open; the length is the text's, without a NUL.
        let rc = unsafe {
            ffi::sqlite3_prepare_v3(
                self.0,
                sql.as_ptr().cast::<c_char>(),
                c_int::try_from(sql.len())?,
                ffi::SQLITE_PREPARE_PERSISTENT,
                &mut stmt,
                ptr::null_mut(),
            )
        };
        if rc != ffi::SQLITE_OK {
            bail!("preparing {sql}: {}", self.error());
        }
        Ok(Statement { db: self, stmt })
    }

    fn last_insert_rowid(&self) -> i64 {
        // SAFETY: self.0 is open.
        unsafe { ffi::sqlite3_last_insert_rowid(self.0) }
    }

    fn error(&self) -> String {
        // SAFETY: sqlite3_errmsg accepts any handle open_v2 returned, even a
        // failed one, and returns a NUL-terminated string.
        unsafe { CStr::from_ptr(ffi::sqlite3_errmsg(self.0)) }
            .to_string_lossy()
            .into_owned()
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        // SAFETY: every statement borrowed self and is finalized already.
        unsafe { ffi::sqlite3_close(self.0) };
    }
}

struct Statement<'db> {
    db: &'db Db,
    stmt: *mut ffi::sqlite3_stmt,
}

impl Statement<'_> {
    fn bind_int(&self, index: c_int, value: i64) -> anyhow::Result<()> {
        // SAFETY: stmt is a prepared statement of an open connection.
        self.check(unsafe { ffi::sqlite3_bind_int64(self.stmt, index, value) })
    }

    /// Binds without copying: the text must outlive the next `run`, which
    /// every caller's does.
    fn bind_text(&self, index: c_int, value: &str) -> anyhow::Result<()> {
        // SAFETY: as above; SQLITE_STATIC (None) as the text stays put
        // until the statement has run and been reset.
        self.check(unsafe {
            ffi::sqlite3_bind_text(
                self.stmt,
                index,
                value.as_ptr().cast::<c_char>(),
                c_int::try_from(value.len())?,
                None,
            )
        })
    }

    /// Steps to the end, then resets for the next use.
    fn run(&self) -> anyhow::Result<()> {
        // SAFETY: stmt is a prepared statement of an open connection.
        let rc = unsafe { ffi::sqlite3_step(self.stmt) };
        // SAFETY: as above; resetting keeps the bindings.
        unsafe { ffi::sqlite3_reset(self.stmt) };
        if rc != ffi::SQLITE_DONE {
            bail!("{}", self.db.error());
        }
        Ok(())
    }

    fn check(&self, rc: c_int) -> anyhow::Result<()> {
        if rc != ffi::SQLITE_OK {
            bail!("{}", self.db.error());
        }
        Ok(())
    }
}

impl Drop for Statement<'_> {
    fn drop(&mut self) {
        // SAFETY: stmt was prepared on db and is finalized once.
        unsafe { ffi::sqlite3_finalize(self.stmt) };
    }
}

fn unix_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// This thread's time on a CPU and time waiting for one while runnable,
/// from the kernel's scheduler statistics (the first two fields of
/// /proc/thread-self/schedstat, in nanoseconds).
fn thread_sched() -> anyhow::Result<Sched> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat")
        .context("reading /proc/thread-self/schedstat")?;
    let mut fields = stat.split_whitespace().map(|n| n.parse::<u64>());
    match (fields.next(), fields.next()) {
        (Some(Ok(cpu)), Some(Ok(queued))) => Ok(Sched(cpu, queued)),
        _ => bail!("parsing /proc/thread-self/schedstat: {stat}"),
    }
}

struct Sched(u64, u64);

impl std::ops::Sub for Sched {
    type Output = (Duration, Duration);

    fn sub(self, earlier: Sched) -> (Duration, Duration) {
        (
            Duration::from_nanos(self.0 - earlier.0),
            Duration::from_nanos(self.1 - earlier.1),
        )
    }
}
