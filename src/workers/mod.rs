//! The background jobs, one file each, and their supervision.
//!
//! A job is a type implementing [`Job`], made from [`Deps`]; [`start_all`]
//! starts every job this backend needs, and is all `startup.rs` knows of
//! them. A new job is a new file here and a line in [`start_all`].
//!
//! # Supervision
//!
//! A worker runs in its own task. If it panics it is logged and restarted
//! after a short pause; a worker that stops beating (stuck, or restarting)
//! makes `/health` answer 503. Before this, a worker could die or hang with
//! nobody noticing, which is how confirmation emails once stopped for good.

pub mod count_announcer;
pub mod count_listener;
pub mod count_refresher;
pub mod email_outbox;
pub mod goal_watch;
pub mod head_publisher;
pub mod janitor;
pub mod live_fanout;
pub mod log_sequencer;
pub mod reconciler;
pub mod update_fanout;
pub mod wal_checkpoint;

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

use crate::config::Settings;
use crate::counts::CountStore;
use crate::db::{Backend, Db};
use crate::email::relay::RelayMonitor;
use crate::live::Hub;
use crate::metrics::Metrics;
use count_announcer::CountAnnouncer;
use count_listener::CountListener;
use count_refresher::CountRefresher;
use email_outbox::EmailOutbox;
use goal_watch::GoalWatch;
use head_publisher::HeadPublisher;
use janitor::Janitor;
use live_fanout::LiveFanout;
use log_sequencer::LogSequencer;
use reconciler::Reconciler;
use update_fanout::UpdateFanout;
use wal_checkpoint::WalCheckpoint;

/// What jobs are made from: the parts of the application they work with.
pub struct Deps<'a> {
    pub settings: &'a Settings,
    pub db: &'a Db,
    pub counts: &'a Arc<CountStore>,
    pub live: &'a Arc<Hub>,
    pub metrics: &'a Arc<Metrics>,
    pub relay: &'a Arc<RelayMonitor>,
    /// Wakes the email outbox after queueing an email.
    pub outbox_wake: &'a Arc<Notify>,
    /// The per-address daily email cap, which the mail jobs write also
    /// count against.
    pub limits: &'a Arc<crate::security::limits::Limits>,
}

/// Starts every job this database's backend needs, each under
/// supervision. Call once per process, after the count store's first load.
pub async fn start_all(deps: &Deps<'_>) -> anyhow::Result<Running> {
    // What can fail comes first, so a failed start leaves no job running.
    let outbox = Arc::new(EmailOutbox::new(deps)?);
    let heads = HeadPublisher::new(deps)?;
    let workers = Workers::new();
    // Only PostgreSQL is shared between instances, and only SQLite has a
    // log that needs help to stay small.
    let shared = deps.db.backend() == Backend::Postgresql;
    workers.start(CountRefresher::new(deps));
    if shared {
        workers.start(CountAnnouncer::new(deps));
        workers.start(CountListener::new(deps));
    }
    workers.start(Janitor::new(deps));
    workers.start(LiveFanout::new(deps));
    outbox.recover().await;
    workers.start(outbox.clone());
    workers.start(UpdateFanout::new(deps));
    workers.start(GoalWatch::new(deps));
    workers.start(Reconciler::new(deps));
    workers.start(LogSequencer::new(deps));
    workers.start(heads);
    if !shared {
        workers.start(WalCheckpoint::new(deps));
    }
    Ok(Running {
        workers,
        outbox,
        db: deps.db.clone(),
    })
}

/// The started jobs.
pub struct Running {
    /// Their heartbeats, for `/health`.
    pub workers: Workers,
    outbox: Arc<EmailOutbox>,
    db: Db,
}

impl Running {
    /// Call once the server has stopped serving. Lets the emails being sent
    /// finish and be recorded, places the public log's queued entries, and
    /// leaves SQLite's log empty, so a stopped server leaves one file.
    pub async fn stop(&self) {
        self.outbox.stop().await;
        // What was queued for the public log is placed now, not at the
        // next start.
        if let Err(err) = log_sequencer::pass(&self.db).await {
            tracing::warn!(error = ?err, "placing the last log entries failed");
        }
        if let Err(err) = wal_checkpoint::checkpoint(&self.db).await {
            tracing::warn!(error = ?err, "the last checkpoint failed");
        }
    }
}

/// A background job: a loop that runs as long as the process does, under
/// [`Workers`]' supervision.
pub trait Job: Send + Sync + 'static {
    /// The worker's name in `/health`.
    const NAME: &'static str;

    /// Runs as long as the process does, beating `beat` well within
    /// [`STALL_LIMIT`]. After a panic it is called again on the same job;
    /// returning means the job is done, and it is not restarted.
    fn run(&self, beat: &Heartbeat) -> impl Future<Output = ()> + Send;
}

/// So that a job can be started and still be reached, as the email outbox
/// is to drain it at shutdown.
impl<J: Job> Job for Arc<J> {
    const NAME: &'static str = J::NAME;

    fn run(&self, beat: &Heartbeat) -> impl Future<Output = ()> + Send {
        J::run(self, beat)
    }
}

/// Runs `pass` at once and then every `every`, beating each second in
/// between, so that a long wait between passes never looks like a stall.
pub async fn periodically<F, Fut>(heartbeat: &Heartbeat, every: Duration, mut pass: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()>,
{
    let mut due = tokio::time::interval(every);
    due.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut beat = tokio::time::interval(Duration::from_secs(1));
    loop {
        tokio::select! {
            _ = due.tick() => {
                heartbeat.beat();
                pass().await;
            }
            _ = beat.tick() => heartbeat.beat(),
        }
    }
}

/// How long a worker may go without a heartbeat before it counts as dead.
/// Every worker loop beats at least once a second or so.
pub const STALL_LIMIT: Duration = Duration::from_secs(30);
/// Pause before restarting a worker that panicked, so a worker that panics
/// at once does not spin.
const RESTART_PAUSE: Duration = Duration::from_millis(500);

/// A worker's liveness, shared by the worker, its supervisor and `/health`.
pub struct Heartbeat {
    name: &'static str,
    started: Instant,
    /// Milliseconds since `started` at the last beat.
    last_beat_ms: AtomicI64,
    running: AtomicBool,
    restarts: AtomicI64,
}

impl Heartbeat {
    fn new(name: &'static str) -> Self {
        Self {
            name,
            started: Instant::now(),
            last_beat_ms: AtomicI64::new(0),
            running: AtomicBool::new(false),
            restarts: AtomicI64::new(0),
        }
    }

    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Called by the worker each time round its loop.
    pub fn beat(&self) {
        let ms = self.started.elapsed().as_millis() as i64;
        self.last_beat_ms.store(ms, Ordering::Relaxed);
    }

    pub fn restarts(&self) -> i64 {
        self.restarts.load(Ordering::Relaxed)
    }

    /// Running, and beating recently.
    pub fn is_alive(&self) -> bool {
        let since_beat =
            self.started.elapsed().as_millis() as i64 - self.last_beat_ms.load(Ordering::Relaxed);
        self.running.load(Ordering::Relaxed) && since_beat <= STALL_LIMIT.as_millis() as i64
    }
}

/// Every supervised worker's heartbeat, for `/health` and `/metrics`.
#[derive(Default, Clone)]
pub struct Workers {
    all: Arc<Mutex<Vec<Arc<Heartbeat>>>>,
}

impl Workers {
    pub fn new() -> Self {
        Self::default()
    }

    /// Runs `make()` in a task, again whenever it panics. `make` receives
    /// the heartbeat to beat. A worker that returns normally is done (the
    /// server is stopping) and is not restarted.
    pub fn spawn<F, Fut>(&self, name: &'static str, make: F) -> Arc<Heartbeat>
    where
        F: Fn(Arc<Heartbeat>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let heartbeat = Arc::new(Heartbeat::new(name));
        self.all.lock().unwrap().push(heartbeat.clone());
        let beat = heartbeat.clone();
        tokio::spawn(async move {
            loop {
                beat.beat();
                beat.running.store(true, Ordering::Relaxed);
                let outcome = tokio::spawn(make(beat.clone())).await;
                beat.running.store(false, Ordering::Relaxed);
                match outcome {
                    Ok(()) => {
                        tracing::info!(worker = name, "worker stopped");
                        return;
                    }
                    Err(err) if err.is_panic() => {
                        beat.restarts.fetch_add(1, Ordering::Relaxed);
                        tracing::error!(worker = name, error = ?err, "worker panicked; restarting it");
                    }
                    Err(err) => {
                        tracing::warn!(worker = name, error = ?err, "worker cancelled");
                        return;
                    }
                }
                tokio::time::sleep(RESTART_PAUSE).await;
            }
        });
        heartbeat
    }

    /// Runs `job` under supervision, as [`Workers::spawn`] does.
    pub fn start<J: Job>(&self, job: J) -> Arc<Heartbeat> {
        let job = Arc::new(job);
        self.spawn(J::NAME, move |beat| {
            let job = job.clone();
            async move { job.run(&beat).await }
        })
    }

    /// The names of workers that are not alive.
    pub fn dead(&self) -> Vec<&'static str> {
        self.all
            .lock()
            .unwrap()
            .iter()
            .filter(|h| !h.is_alive())
            .map(|h| h.name())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[tokio::test]
    async fn a_panicking_worker_is_restarted_and_counted() {
        let workers = Workers::new();
        let runs = Arc::new(AtomicUsize::new(0));
        let counter = runs.clone();
        let heartbeat = workers.spawn("flaky", move |beat| {
            let counter = counter.clone();
            async move {
                beat.beat();
                if counter.fetch_add(1, Ordering::SeqCst) == 0 {
                    panic!("first run fails");
                }
                // The second run keeps going, as a healthy worker does.
                loop {
                    beat.beat();
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            }
        });
        for _ in 0..200 {
            if runs.load(Ordering::SeqCst) >= 2 && heartbeat.is_alive() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(runs.load(Ordering::SeqCst), 2);
        assert_eq!(heartbeat.restarts(), 1);
        assert!(workers.dead().is_empty());
    }

    #[tokio::test]
    async fn a_finished_worker_counts_as_dead() {
        let workers = Workers::new();
        let heartbeat = workers.spawn("done", |_beat| async {});
        for _ in 0..200 {
            if !heartbeat.is_alive() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert_eq!(workers.dead(), vec!["done"]);
    }
}
