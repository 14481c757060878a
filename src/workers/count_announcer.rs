//! Tells the other instances sharing the PostgreSQL database which
//! petitions changed here, in batches; [`crate::live::bridge`] says why.

use std::sync::Arc;
use std::time::Duration;

use crate::counts::CountStore;
use crate::db::models::counts as count_rows;
use crate::db::Db;
use crate::live::bridge;
use crate::workers::{Deps, Heartbeat, Job};

/// The longest a change waits before it is announced; also the shortest
/// time between two announcements from one instance.
pub const ANNOUNCE_EVERY: Duration = Duration::from_millis(100);
/// Pause after a failed announcement, so a database outage is not a spin.
const RETRY_PAUSE: Duration = Duration::from_millis(200);

pub struct CountAnnouncer {
    counts: Arc<CountStore>,
    db: Db,
}

impl CountAnnouncer {
    pub fn new(deps: &Deps) -> Self {
        Self {
            counts: deps.counts.clone(),
            db: deps.db.clone(),
        }
    }
}

impl Job for CountAnnouncer {
    const NAME: &'static str = "count_announcer";

    async fn run(&self, beat: &Heartbeat) {
        let counts = &self.counts;
        let sender = counts.instance_id().to_owned();
        loop {
            beat.beat();
            // Wakes at least every second, to beat.
            let _ = tokio::time::timeout(Duration::from_secs(1), counts.outgoing_changed()).await;
            let ids = counts.take_outgoing();
            if ids.is_empty() {
                continue;
            }
            let payloads = bridge::payloads(&sender, &ids);
            let snapshot_ids = ids.clone();
            let sent = self
                .db
                .run(move |conn| {
                    // The listing snapshot moves with the announcement, so that
                    // sorting by signatures never trails a busy petition by a
                    // whole safety-net refresh.
                    for id in &snapshot_ids {
                        count_rows::store_snapshot_from_shards(conn, id)?;
                    }
                    for payload in &payloads {
                        count_rows::announce(conn, payload)?;
                    }
                    Ok(())
                })
                .await;
            if let Err(err) = sent {
                tracing::warn!(error = ?err, "announcing changed counts failed; retrying");
                counts.restore_outgoing(ids);
                tokio::time::sleep(RETRY_PAUSE).await;
            }
            tokio::time::sleep(ANNOUNCE_EVERY).await;
        }
    }
}
