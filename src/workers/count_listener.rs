//! Applies the other instances' announcements (see [`crate::live::bridge`])
//! to this instance's count store.
//!
//! If its connection is lost it reconnects with backoff and then re-reads
//! every petition, since announcements made meanwhile are lost.

use std::sync::Arc;
use std::time::Duration;

use crate::counts::CountStore;
use crate::db::models::counts as count_rows;
use crate::db::{Db, DbConnection};
use crate::live::bridge;
use crate::workers::{Deps, Heartbeat, Job};

/// How often the listening connection is checked for announcements.
const POLL_EVERY: Duration = Duration::from_millis(50);
/// How often the listening connection proves it is still alive: a server
/// that vanished without closing the socket would otherwise go unnoticed.
const PING_EVERY: Duration = Duration::from_secs(10);
const BACKOFF_MIN: Duration = Duration::from_millis(200);
const BACKOFF_MAX: Duration = Duration::from_secs(10);

pub struct CountListener {
    counts: Arc<CountStore>,
    db: Db,
}

impl CountListener {
    pub fn new(deps: &Deps) -> Self {
        Self {
            counts: deps.counts.clone(),
            db: deps.db.clone(),
        }
    }
}

impl Job for CountListener {
    const NAME: &'static str = "count_listener";

    async fn run(&self, beat: &Heartbeat) {
        let own = self.counts.instance_id().to_owned();
        let mut backoff = BACKOFF_MIN;
        let mut first = true;
        loop {
            beat.beat();
            let connected = {
                let db = self.db.clone();
                tokio::task::spawn_blocking(move || {
                    let mut conn = db.dedicated_connection()?;
                    count_rows::listen(&mut conn)?;
                    anyhow::Ok(conn)
                })
                .await
            };
            let conn = match connected {
                Ok(Ok(conn)) => conn,
                Ok(Err(err)) => {
                    tracing::warn!(error = ?err, "cannot listen for count changes; retrying");
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(BACKOFF_MAX);
                    continue;
                }
                Err(err) => {
                    tracing::warn!(error = ?err, "listening task failed; retrying");
                    tokio::time::sleep(backoff).await;
                    continue;
                }
            };
            if !first {
                tracing::info!("listening for count changes again");
            }
            first = false;
            // Whatever was announced while not listening (before the first
            // LISTEN too) is lost: re-read everything once.
            if let Err(err) = self.counts.refresh(&self.db).await {
                tracing::warn!(error = ?err, "refreshing counts after listening failed");
            }
            backoff = BACKOFF_MIN;
            if let Err(err) = self.listen(conn, &own, beat).await {
                tracing::warn!(error = ?err, "lost the connection listening for count changes");
            }
        }
    }
}

impl CountListener {
    /// Reads announcements until the connection fails.
    async fn listen(
        &self,
        mut conn: DbConnection,
        own: &str,
        beat: &Heartbeat,
    ) -> anyhow::Result<()> {
        let mut poll = tokio::time::interval(POLL_EVERY);
        poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_ping = tokio::time::Instant::now();
        loop {
            poll.tick().await;
            beat.beat();
            let ping = last_ping.elapsed() >= PING_EVERY;
            if ping {
                last_ping = tokio::time::Instant::now();
            }
            // Reading what already arrived does not wait for the network, but
            // a ping does, and libpq calls are blocking in general.
            let (back, payloads) = tokio::task::spawn_blocking(move || {
                let read = count_rows::take_announcements(&mut conn).and_then(|payloads| {
                    if ping {
                        conn.ping().map_err(anyhow::Error::new)?;
                    }
                    Ok(payloads)
                });
                (conn, read)
            })
            .await?;
            conn = back;
            let mut ids: Vec<String> = payloads?
                .iter()
                .filter_map(|p| bridge::parse(p, own))
                .flatten()
                .collect();
            ids.sort_unstable();
            ids.dedup();
            if let Err(err) = self.counts.reload_some(&self.db, ids).await {
                tracing::warn!(error = ?err, "re-reading announced counts failed");
            }
        }
    }
}
