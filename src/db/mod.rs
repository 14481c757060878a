//! The database layer: one connection type over SQLite and PostgreSQL.
//!
//! The backend is chosen from the URL scheme, never by trial: diesel's own
//! multi-backend `establish` tries each backend in turn and would happily
//! create a SQLite file named after a mistyped PostgreSQL URL.
//!
//! Queries run through [`db_run!`], which hands the body the concrete
//! connection. Each query is therefore compiled once per backend with that
//! backend's full type support (booleans, `ON CONFLICT`), which diesel's
//! `MultiConnection` derive lacks. Dialect differences stay inside
//! `db::models`; writes that span several statements go through
//! [`write_transaction`].

pub mod group_commit;
pub mod migrations;
pub mod models;
pub mod schema;
pub mod text_enum;

use std::time::Duration;

use anyhow::Context;
use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection, R2D2Connection};
use diesel::{PgConnection, SqliteConnection};
use secrecy::{ExposeSecret, SecretString};

use crate::config::redact_url;

/// How long a request waits for a pooled connection. Short, so that a dead
/// database gives a quick 503 rather than a hanging request.
pub(crate) const POOL_WAIT: Duration = Duration::from_millis(500);
/// How long start-up waits for its first connection, retrying. A database
/// that is still starting, or a busy machine, slows start-up rather than
/// failing it; one that stays away this long stops it with a clear message.
const START_WAIT: Duration = Duration::from_secs(30);
/// libpq's own limit for opening a connection, unless the URL sets one.
/// libpq counts whole seconds and treats anything below 2 as 2.
const PG_CONNECT_TIMEOUT_S: u32 = 2;

/// The database could not be reached: no pooled connection came free in
/// time, or the connection failed under a query. Requests answer 503 for
/// it, not 500; see `AppError`.
#[derive(Debug, thiserror::Error)]
#[error("the database is unavailable: {0}")]
pub struct Unavailable(pub String);

/// Whether `err` says the database, rather than the request, failed, so
/// that the same request may well succeed if tried again: a connection
/// that is gone, or a transaction PostgreSQL chose as a deadlock victim.
pub fn is_unavailable(err: &anyhow::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    err.chain().any(|cause| {
        cause.is::<Unavailable>()
            || match cause.downcast_ref::<Error>() {
                Some(Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _))
                | Some(Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _))
                | Some(Error::BrokenTransactionManager) => true,
                // diesel has no kind for SQLSTATE 40P01.
                Some(Error::DatabaseError(_, info)) => {
                    info.message().starts_with("deadlock detected")
                }
                _ => false,
            }
    })
}

pub enum DbConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

/// Runs `$body` with `$conn` bound to the concrete connection.
#[macro_export]
macro_rules! db_run {
    ($conn:ident: $body:block) => {
        match $conn {
            $crate::db::DbConnection::Postgresql($conn) => $body,
            $crate::db::DbConnection::Sqlite($conn) => $body,
        }
    };
}

impl DbConnection {
    pub fn backend(&self) -> Backend {
        match self {
            Self::Postgresql(_) => Backend::Postgresql,
            Self::Sqlite(_) => Backend::Sqlite,
        }
    }

    /// A round trip that proves the connection works.
    pub fn ping(&mut self) -> diesel::QueryResult<()> {
        let conn = self;
        db_run!(conn: { conn.batch_execute("SELECT 1") })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgresql,
    Sqlite,
}

/// A parsed `database.url`.
#[derive(Clone)]
pub struct DatabaseUrl {
    pub backend: Backend,
    /// What the driver receives: the URL for PostgreSQL, the path for SQLite.
    pub target: SecretString,
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatabaseUrl")
            .field("backend", &self.backend)
            .field("target", &redact_url(self.target.expose_secret()))
            .finish()
    }
}

impl DatabaseUrl {
    pub fn parse(url: &str) -> anyhow::Result<Self> {
        let url = url.trim();
        if url.is_empty() {
            anyhow::bail!("database.url is empty");
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self {
                backend: Backend::Postgresql,
                target: with_connect_timeout(url).into(),
            });
        }
        let path = url.strip_prefix("sqlite://").unwrap_or(url);
        if path.contains("://") {
            anyhow::bail!(
                "database.url {:?} has an unknown scheme; use sqlite://PATH or postgres://…",
                redact_url(url)
            );
        }
        if path.is_empty() {
            anyhow::bail!("database.url {url:?} has no SQLite file path");
        }
        Ok(Self {
            backend: Backend::Sqlite,
            target: path.into(),
        })
    }

    /// The SQLite file's path; `None` on PostgreSQL.
    pub fn sqlite_path(&self) -> Option<&std::path::Path> {
        (self.backend == Backend::Sqlite).then(|| std::path::Path::new(self.target.expose_secret()))
    }
}

/// Adds libpq's `connect_timeout` unless the URL has one, so that opening a
/// connection to an unreachable server gives up instead of waiting on TCP.
fn with_connect_timeout(url: &str) -> String {
    if url.contains("connect_timeout=") {
        return url.to_owned();
    }
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}connect_timeout={PG_CONNECT_TIMEOUT_S}")
}

/// Creates the SQLite file (and its folder) readable by the owner only,
/// before SQLite opens it: SQLite gives its -wal and -shm files the mode of
/// the database file. An existing file is tightened too.
fn prepare_sqlite_file(path: &std::path::Path) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        crate::config::create_private_dir(dir).with_context(|| {
            format!(
                "cannot create the directory for SQLite file {}",
                path.display()
            )
        })?;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(path)
            .with_context(|| format!("cannot open SQLite file {}", path.display()))?;
        let mode = file.metadata()?.permissions().mode();
        if mode & 0o077 != 0 {
            file.set_permissions(std::fs::Permissions::from_mode(0o600))
                .with_context(|| format!("cannot restrict SQLite file {}", path.display()))?;
        }
    }
    Ok(())
}

/// Opens connections for r2d2, choosing the backend from the URL scheme.
#[derive(Debug, Clone)]
pub struct ConnectionManager {
    url: DatabaseUrl,
}

/// Turns on SQLite's query planner stability guarantee for every
/// connection this process opens.
///
/// Without it SQLite plans a statement with `LIMIT ?` (diesel's `first()`)
/// by the value bound to the limit, so binding it again, as diesel does on
/// every execution of a cached statement, makes SQLite parse and plan the
/// statement anew each time: most of what the signature writer's lookups
/// cost. The guarantee keeps the first plan. Plans then ignore bound
/// values: no `LIKE ?` prefix or STAT4 use here, but a partial index is
/// matched only by a literal in the query (see `purge_expired`).
fn plan_statements_once() {
    static REGISTERED: std::sync::Once = std::sync::Once::new();
    REGISTERED.call_once(|| {
        // SAFETY: registers a function with the C signature SQLite expects;
        // SQLite calls it for each new connection before handing it out.
        let rc = unsafe { libsqlite3_sys::sqlite3_auto_extension(Some(enable_qpsg)) };
        if rc != libsqlite3_sys::SQLITE_OK {
            tracing::warn!(
                rc,
                "SQLite would not take the connection hook; plans stay per binding"
            );
        }
    });
}

unsafe extern "C" fn enable_qpsg(
    db: *mut libsqlite3_sys::sqlite3,
    _error: *mut *mut std::ffi::c_char,
    _api: *const libsqlite3_sys::sqlite3_api_routines,
) -> std::ffi::c_int {
    // SAFETY: `db` is the live connection SQLite is opening; this option
    // takes an int and an optional out-pointer, here null.
    unsafe {
        libsqlite3_sys::sqlite3_db_config(
            db,
            libsqlite3_sys::SQLITE_DBCONFIG_ENABLE_QPSG,
            1 as std::ffi::c_int,
            std::ptr::null_mut::<std::ffi::c_int>(),
        );
    }
    libsqlite3_sys::SQLITE_OK
}

/// Initialises OpenSSL, which libpq uses for TLS, before libpq does.
/// Left to libpq, OpenSSL registers an exit handler that frees its
/// per-thread state while other threads may still be freeing theirs: a
/// process exiting with connections open could abort with a double free.
/// Call it before the first PostgreSQL connection; later calls do nothing.
pub fn init_tls() {
    openssl_sys::init();
}

impl ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConnection, Self::Error> {
        match self.url.backend {
            Backend::Postgresql => {
                init_tls();
                PgConnection::establish(self.url.target.expose_secret())
                    .map(DbConnection::Postgresql)
                    .map_err(diesel::r2d2::Error::ConnectionError)
            }
            Backend::Sqlite => {
                plan_statements_once();
                let mut conn = SqliteConnection::establish(self.url.target.expose_secret())
                    .map_err(diesel::r2d2::Error::ConnectionError)?;
                // WAL with synchronous=NORMAL survives a process crash;
                // foreign keys are off by default in SQLite. After a
                // checkpoint the log is cut back to 16 MB at most. Every
                // job of a group commit runs in a savepoint, whose undo
                // copies of the pages it changes go to a statement journal:
                // in memory, not in a temporary file written, then deleted,
                // on every batch (a quarter of the writer's time).
                // The busy timeout comes first: the pool opens connections
                // while the writer and the checkpoint work, and setting the
                // journal mode without it failed at once ("database is
                // locked") when a checkpoint held the file.
                conn.batch_execute(
                    "PRAGMA busy_timeout = 10000;
                     PRAGMA journal_mode = WAL;
                     PRAGMA synchronous = NORMAL;
                     PRAGMA foreign_keys = ON;
                     PRAGMA journal_size_limit = 16777216;
                     PRAGMA temp_store = MEMORY;",
                )
                .map_err(diesel::r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), Self::Error> {
        conn.ping().map_err(diesel::r2d2::Error::QueryError)
    }

    /// A connection dropped during a panic, or whose transaction manager is
    /// in error or still inside a transaction, is closed, not reused.
    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        std::thread::panicking() || db_run!(conn: { R2D2Connection::is_broken(conn) })
    }
}

/// A cheap, clonable handle to the connection pool. All blocking diesel work
/// goes through [`Db::run`], which moves it onto the blocking thread pool.
#[derive(Clone)]
pub struct Db {
    pool: r2d2::Pool<ConnectionManager>,
    manager: ConnectionManager,
    backend: Backend,
    group_commit: group_commit::GroupCommit,
}

impl Db {
    pub fn connect(url: &SecretString, pool_size: Option<u32>) -> anyhow::Result<Self> {
        let url = DatabaseUrl::parse(url.expose_secret())?;
        if let Some(path) = url.sqlite_path() {
            prepare_sqlite_file(path)?;
        }
        let backend = url.backend;
        // 0, the shipped default, means the backend's own.
        let size = pool_size.filter(|&n| n > 0).unwrap_or(match backend {
            // SQLite has one writer at a time; a few readers suffice.
            Backend::Sqlite => 8,
            Backend::Postgresql => 16,
        });
        // The pool's own timeout is start-up's: building it waits for the
        // first connection, retrying failed attempts. Requests then wait
        // only POOL_WAIT, through `get_timeout`.
        let pool = r2d2::Pool::builder()
            .max_size(size)
            .min_idle(Some(1))
            .connection_timeout(START_WAIT)
            .error_handler(Box::new(LogConnectionErrors))
            .build(ConnectionManager { url: url.clone() })
            .with_context(|| {
                format!(
                    "cannot connect to the database (waited {} s)",
                    START_WAIT.as_secs()
                )
            })?;
        let group_commit = group_commit::GroupCommit::start(pool.clone(), backend)?;
        Ok(Self {
            pool,
            manager: ConnectionManager { url },
            backend,
            group_commit,
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Closes every connection now, on this thread, once the last handle
    /// is given back: the command line calls it before `main` returns.
    /// Left to the process's exit, a writer thread closing its PostgreSQL
    /// connection (and with it TLS state) raced the exit handlers freeing
    /// the same library state, and glibc aborted with "double free or
    /// corruption".
    pub fn close(self) {
        let Self {
            pool, group_commit, ..
        } = self;
        group_commit.close();
        drop(pool);
    }

    /// A new connection of its own, outside the pool, for work that holds
    /// one for a long time (listening for notifications). Blocking.
    pub fn dedicated_connection(&self) -> anyhow::Result<DbConnection> {
        self.manager
            .connect()
            .map_err(|e| Unavailable(e.to_string()).into())
    }

    /// Runs `f` with a pooled connection on the blocking thread pool.
    pub async fn run<F, T>(&self, f: F) -> anyhow::Result<T>
    where
        F: FnOnce(&mut DbConnection) -> anyhow::Result<T> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = pool
                .get_timeout(POOL_WAIT)
                .map_err(|e| Unavailable(e.to_string()))?;
            f(&mut conn)
        })
        .await
        .context("database task panicked")?
    }

    /// Runs `f` as one job of a group commit (see [`group_commit`]): in a
    /// savepoint of a transaction shared with other callers, answered once
    /// that transaction has committed. For small, hot writes.
    pub async fn run_batched<F, T>(&self, f: F) -> anyhow::Result<T>
    where
        F: FnOnce(&mut DbConnection) -> anyhow::Result<T> + Send + 'static,
        T: Send + 'static,
    {
        self.group_commit.run(f).await
    }

    /// Like [`Db::run`], for callers that are already off the executor (the CLI).
    pub fn run_blocking<T>(
        &self,
        f: impl FnOnce(&mut DbConnection) -> anyhow::Result<T>,
    ) -> anyhow::Result<T> {
        let mut conn = self
            .pool
            .get_timeout(POOL_WAIT)
            .map_err(|e| Unavailable(e.to_string()))?;
        f(&mut conn)
    }
}

/// Says why a connection could not be opened, at start-up (what start-up
/// is waiting for) and in an outage alike.
#[derive(Debug)]
struct LogConnectionErrors;

impl r2d2::HandleError<diesel::r2d2::Error> for LogConnectionErrors {
    fn handle_error(&self, error: diesel::r2d2::Error) {
        tracing::warn!("cannot open a database connection, retrying: {error}");
    }
}

/// `true` if the error is a unique-constraint violation.
pub fn is_unique_violation(err: &diesel::result::Error) -> bool {
    matches!(
        err,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}

fn in_transaction(conn: &mut SqliteConnection) -> bool {
    AnsiTransactionManager::transaction_manager_status_mut(conn)
        .transaction_depth()
        .ok()
        .flatten()
        .is_some()
}

/// Runs `f` in one write transaction, or in a savepoint when a transaction
/// is already open. On SQLite it begins with
/// `BEGIN IMMEDIATE`: the busy timeout does not cover upgrading a read
/// transaction to a write, so a deferred start could fail with SQLITE_BUSY.
pub fn write_transaction<T>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    match conn {
        DbConnection::Postgresql(c) => AnsiTransactionManager::begin_transaction(c),
        DbConnection::Sqlite(c) => {
            if in_transaction(c) {
                // Inside a transaction (a group-commit batch): a savepoint.
                AnsiTransactionManager::begin_transaction(c)
            } else {
                AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")
            }
        }
    }
    .context("cannot begin a transaction")?;
    let result = f(conn);
    let finish = match (&result, &mut *conn) {
        (Ok(_), DbConnection::Postgresql(c)) => AnsiTransactionManager::commit_transaction(c),
        (Ok(_), DbConnection::Sqlite(c)) => AnsiTransactionManager::commit_transaction(c),
        (Err(_), DbConnection::Postgresql(c)) => AnsiTransactionManager::rollback_transaction(c),
        (Err(_), DbConnection::Sqlite(c)) => AnsiTransactionManager::rollback_transaction(c),
    };
    match (result, finish) {
        (Ok(value), Ok(())) => Ok(value),
        (Ok(_), Err(commit_err)) => {
            // A failed commit leaves the transaction open; close it.
            let _ = match conn {
                DbConnection::Postgresql(c) => AnsiTransactionManager::rollback_transaction(c),
                DbConnection::Sqlite(c) => AnsiTransactionManager::rollback_transaction(c),
            };
            Err(anyhow::Error::new(commit_err).context("commit failed"))
        }
        (Err(err), _) => Err(err),
    }
}
