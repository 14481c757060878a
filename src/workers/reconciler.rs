//! The reconciler: recounts every petition's confirmed signatures now and
//! then, and corrects the durable count if it drifted. Counts are kept by
//! increments in the confirming transaction, so they should never drift;
//! this is how we would find out if they do (a bug, a manual edit, a
//! restored backup), and it puts them right. It also checks the public
//! log's adds minus revokes against the signatures, and reports a gap.

use std::sync::Arc;
use std::time::Duration;

use crate::counts::CountStore;
use crate::db::models::counts as count_rows;
use crate::db::Db;
use crate::metrics::Metrics;
use crate::workers::{periodically, Deps, Heartbeat, Job};

pub struct Reconciler {
    db: Db,
    counts: Arc<CountStore>,
    metrics: Arc<Metrics>,
    every: Duration,
}

impl Reconciler {
    pub fn new(deps: &Deps) -> Self {
        Self {
            db: deps.db.clone(),
            counts: deps.counts.clone(),
            metrics: deps.metrics.clone(),
            every: Duration::from_secs(deps.settings.counts.reconcile_every_s.max(1)),
        }
    }
}

impl Job for Reconciler {
    const NAME: &'static str = "reconciler";

    async fn run(&self, heartbeat: &Heartbeat) {
        periodically(heartbeat, self.every, || async {
            if let Err(err) = self.pass(heartbeat).await {
                tracing::warn!(error = ?err, "reconciling counts failed");
            }
        })
        .await
    }
}

impl Reconciler {
    /// One petition at a time, so no lock is held for long.
    async fn pass(&self, heartbeat: &Heartbeat) -> anyhow::Result<()> {
        let mut log_gap = 0;
        for id in self.db.run(count_rows::petition_ids).await? {
            heartbeat.beat();
            let counts = self.counts.clone();
            let petition = id.clone();
            let found = self
                .db
                .run(move |conn| {
                    let found = count_rows::reconcile(conn, &petition)?;
                    if found.drift != 0 {
                        counts.reload_one(conn, &petition)?;
                    }
                    Ok(found)
                })
                .await?;
            if found.drift != 0 {
                self.metrics.count_drift_found(found.drift.unsigned_abs());
                tracing::warn!(petition = %id, drift = found.drift, "count drifted from its confirmed signatures; corrected");
            }
            if found.log_gap != 0 {
                log_gap += found.log_gap.unsigned_abs();
                tracing::error!(
                    petition = %id,
                    gap = found.log_gap,
                    "confirmed signatures differ from the public log's adds minus revokes"
                );
            }
        }
        self.metrics.set_public_log_gap(log_gap);
        Ok(())
    }
}
