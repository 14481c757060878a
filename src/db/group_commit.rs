//! Group commit: writes from many requests share one transaction.
//!
//! # Why
//!
//! On SQLite every write transaction takes the database's single write
//! lock. With a connection per request, concurrent signers queue on that
//! lock, and SQLite's busy handler makes them wait by sleeping, so signing
//! ran at a tenth of what the file can take. Here a writer thread takes
//! every job waiting in the queue, runs each in its own savepoint inside one
//! transaction, commits once, and only then answers each caller. A job that
//! fails rolls back its own savepoint and nothing else; an acknowledged
//! write is always a committed one.
//!
//! SQLite gets one writer (it has one write lock anyway). PostgreSQL gets a
//! few, since each commit waits for its WAL flush and a single writer ran
//! at a third of the rate. Two PostgreSQL batches that hold the same two
//! addresses in opposite order can deadlock (so can two instances'); the
//! victim's requests get a 503 asking them to retry (see
//! `db::is_unavailable`).

use std::any::Any;
use std::sync::{Arc, Mutex};

use anyhow::Context;
use diesel::r2d2;
use tokio::sync::{mpsc, oneshot};

use super::{
    is_unavailable, write_transaction, Backend, ConnectionManager, DbConnection, Unavailable,
};

/// The most jobs one transaction takes. Large enough to amortize a commit,
/// small enough that one batch holds the write lock only briefly.
const MAX_BATCH: usize = 256;
/// Jobs waiting beyond this make callers wait to enqueue (backpressure).
const QUEUE: usize = 4096;

type Output = anyhow::Result<Box<dyn Any + Send>>;
type Work = Box<dyn FnOnce(&mut DbConnection) -> Output + Send>;

struct Job {
    work: Work,
    reply: oneshot::Sender<Output>,
}

#[derive(Clone)]
pub struct GroupCommit {
    jobs: mpsc::Sender<Job>,
    writers: Arc<Mutex<Vec<std::thread::JoinHandle<()>>>>,
}

impl GroupCommit {
    /// Starts the writer threads. They stop once every handle is dropped
    /// and the queue is drained.
    pub fn start(pool: r2d2::Pool<ConnectionManager>, backend: Backend) -> anyhow::Result<Self> {
        let (jobs, queue) = mpsc::channel(QUEUE);
        let queue = Arc::new(Mutex::new(queue));
        let writers = match backend {
            Backend::Sqlite => 1,
            Backend::Postgresql => (pool.max_size() as usize / 2).clamp(1, 4),
        };
        let mut handles = Vec::with_capacity(writers);
        for n in 0..writers {
            let (queue, pool) = (queue.clone(), pool.clone());
            handles.push(
                std::thread::Builder::new()
                    .name(format!("group-commit-{n}"))
                    .spawn(move || write_batches(&queue, &pool))
                    .context("starting a group-commit writer")?,
            );
        }
        Ok(Self {
            jobs,
            writers: Arc::new(Mutex::new(handles)),
        })
    }

    /// Stops the writers and waits for them, when this is the last handle:
    /// each holds a pooled connection, which must be closed before the
    /// process exits rather than while it does.
    pub fn close(self) {
        let last = self.jobs.strong_count() == 1;
        drop(self.jobs);
        if !last {
            return;
        }
        let handles = std::mem::take(
            &mut *self
                .writers
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        );
        for handle in handles {
            let _ = handle.join();
        }
    }

    /// Runs `work` in the next batch and returns its result once the batch
    /// has committed. `work` must leave the connection as it found it
    /// (no transaction of its own left open); it runs inside a savepoint.
    pub async fn run<T, F>(&self, work: F) -> anyhow::Result<T>
    where
        F: FnOnce(&mut DbConnection) -> anyhow::Result<T> + Send + 'static,
        T: Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let work: Work = Box::new(move |conn| {
            write_transaction(conn, work).map(|value| Box::new(value) as Box<dyn Any + Send>)
        });
        self.jobs
            .send(Job { work, reply })
            .await
            .map_err(|_| anyhow::anyhow!("the group-commit writer has stopped"))?;
        let value = answer
            .await
            .context("the group-commit writer dropped a job")??;
        Ok(*value
            .downcast::<T>()
            .expect("a job's output has the type it was sent with"))
    }
}

fn write_batches(queue: &Mutex<mpsc::Receiver<Job>>, pool: &r2d2::Pool<ConnectionManager>) {
    loop {
        let batch = {
            // A poisoned lock only means another writer panicked while
            // holding it; the queue itself is intact.
            let mut queue = queue
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let Some(first) = queue.blocking_recv() else {
                return; // every sender is gone: shutting down
            };
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH {
                match queue.try_recv() {
                    Ok(job) => batch.push(job),
                    Err(_) => break,
                }
            }
            batch
        };
        // Whatever goes wrong in a batch, the writer must live on: every
        // later signature depends on it. Callers of a batch that blew up
        // get an error, never a false acknowledgement.
        let outcome =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| commit_batch(batch, pool)));
        if outcome.is_err() {
            tracing::error!("a group commit panicked; its callers were told it failed");
        }
    }
}

fn commit_batch(batch: Vec<Job>, pool: &r2d2::Pool<ConnectionManager>) {
    let mut conn = match pool.get_timeout(super::POOL_WAIT) {
        Ok(conn) => conn,
        Err(err) => {
            let cause = err.to_string();
            for job in batch {
                let _ = job.reply.send(Err(Unavailable(cause.clone()).into()));
            }
            return;
        }
    };
    let mut outputs = Vec::with_capacity(batch.len());
    let mut replies = Vec::with_capacity(batch.len());
    let committed = write_transaction(&mut conn, |conn| {
        for job in batch {
            // Each job's own write_transaction is a savepoint here. A job
            // that panics may have left its savepoint half done, so the
            // whole batch rolls back and every caller gets an error: none
            // is told its write committed, and the writer thread lives on.
            let work = job.work;
            match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(conn))) {
                Ok(output) => outputs.push(output),
                Err(_) => anyhow::bail!("a job panicked; the batch was rolled back"),
            }
            replies.push(job.reply);
        }
        Ok(())
    });
    match committed {
        Ok(()) => {
            for (reply, output) in replies.into_iter().zip(outputs) {
                let _ = reply.send(output);
            }
        }
        Err(err) => {
            let message = format!("{err:#}");
            let unavailable = is_unavailable(&err);
            tracing::error!(error = %message, jobs = replies.len(), "a group commit failed");
            for reply in replies {
                let _ = reply.send(Err(if unavailable {
                    Unavailable(message.clone()).into()
                } else {
                    anyhow::anyhow!("group commit failed: {message}")
                }));
            }
        }
    }
}
