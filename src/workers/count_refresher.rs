//! Re-reads every petition's count now and then: the safety net under the
//! count store (see [`crate::counts`]).

use std::sync::Arc;
use std::time::Duration;

use crate::counts::CountStore;
use crate::db::{Backend, Db};
use crate::workers::{Deps, Heartbeat, Job};

/// How often every petition is re-read. On PostgreSQL announcements carry
/// changes between instances within a second, and this is a safety net; on
/// SQLite it is how a second process's writes to the file are seen.
const EVERY_POSTGRES: Duration = Duration::from_secs(30);
const EVERY_SQLITE: Duration = Duration::from_secs(1);

pub struct CountRefresher {
    counts: Arc<CountStore>,
    db: Db,
    every: Duration,
}

impl CountRefresher {
    pub fn new(deps: &Deps) -> Self {
        let every = match deps.db.backend() {
            Backend::Postgresql => EVERY_POSTGRES,
            Backend::Sqlite => EVERY_SQLITE,
        };
        Self {
            counts: deps.counts.clone(),
            db: deps.db.clone(),
            every,
        }
    }
}

impl Job for CountRefresher {
    const NAME: &'static str = "count_refresher";

    async fn run(&self, heartbeat: &Heartbeat) {
        // Beats more often than it refreshes: a slow refresh interval must
        // not look like a dead worker.
        let tick = self.every.min(Duration::from_secs(1));
        let ticks_per_refresh =
            (self.every.as_millis().div_ceil(tick.as_millis().max(1)) as u64).max(1);
        let mut interval = tokio::time::interval(tick);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut ticks = 0u64;
        loop {
            interval.tick().await;
            heartbeat.beat();
            ticks += 1;
            // The first tick, at once, refreshes; then every nth.
            if !(ticks - 1).is_multiple_of(ticks_per_refresh) {
                continue;
            }
            if let Err(err) = self.counts.refresh(&self.db).await {
                tracing::warn!(error = ?err, "refreshing counts failed");
            }
        }
    }
}
