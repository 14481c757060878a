//! Places the entries that confirmations, withdrawals and invalidations
//! queue for the public log, in the order they were queued, about once a
//! second. A confirmation only queues its leaf, so confirmations never
//! wait on each other for the log; this job does the Merkle work in
//! batches. Several instances may run it: they take turns.

use std::time::Duration;

use crate::db::models::public_log;
use crate::db::Db;
use crate::workers::{periodically, Deps, Heartbeat, Job};

/// How long an entry waits for its place at most, give or take a batch.
const EVERY: Duration = Duration::from_secs(1);

pub struct LogSequencer {
    db: Db,
}

impl LogSequencer {
    pub fn new(deps: &Deps) -> Self {
        Self {
            db: deps.db.clone(),
        }
    }
}

/// Places every queued entry; returns how many.
pub async fn pass(db: &Db) -> anyhow::Result<usize> {
    db.run(public_log::sequence).await
}

impl Job for LogSequencer {
    const NAME: &'static str = "log_sequencer";

    async fn run(&self, heartbeat: &Heartbeat) {
        periodically(heartbeat, EVERY, || async {
            match pass(&self.db).await {
                Ok(0) => {}
                Ok(placed) => tracing::debug!(placed, "placed log entries"),
                Err(err) => tracing::warn!(error = ?err, "placing log entries failed"),
            }
        })
        .await
    }
}
