//! Signs the public logs' heads: every `log.publish_every_s` for each log
//! that grew, and once more after its petition closes. Several instances
//! may run it; each head is claimed in the database, so none is signed
//! twice.

use std::time::Duration;

use secrecy::ExposeSecret;

use crate::db::models::now;
use crate::db::models::public_log;
use crate::db::Db;
use crate::transparency::head::LogKey;
use crate::workers::{periodically, Deps, Heartbeat, Job};

pub struct HeadPublisher {
    db: Db,
    key: LogKey,
    every: Duration,
}

impl HeadPublisher {
    pub fn new(deps: &Deps) -> anyhow::Result<Self> {
        Ok(Self {
            db: deps.db.clone(),
            key: LogKey::from_base64(deps.settings.log.signing_key.expose_secret())?,
            every: Duration::from_secs(deps.settings.log.publish_every_s.max(1)),
        })
    }

    /// Publishes every head that is due; returns how many.
    pub async fn pass(&self) -> anyhow::Result<usize> {
        // A head covers what was queued before it, not only what the
        // sequencer happened to place by now.
        super::log_sequencer::pass(&self.db).await?;
        let due = self
            .db
            .run(|conn| public_log::due_heads(conn, now()))
            .await?;
        let mut published = 0;
        for log in due {
            let key = self.key.clone();
            let done = self
                .db
                .run(move |conn| public_log::publish_head(conn, &log, &key, now()))
                .await?;
            published += usize::from(done);
        }
        Ok(published)
    }
}

impl Job for HeadPublisher {
    const NAME: &'static str = "head_publisher";

    async fn run(&self, heartbeat: &Heartbeat) {
        periodically(heartbeat, self.every, || async {
            match self.pass().await {
                Ok(0) => {}
                Ok(published) => tracing::debug!(published, "signed log heads"),
                Err(err) => tracing::warn!(error = ?err, "signing log heads failed"),
            }
        })
        .await
    }
}
