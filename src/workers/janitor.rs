//! The janitor: deletes what the platform has no reason to keep. Expired
//! sessions and tokens, pending signatures nobody confirmed in time, and
//! emails long since sent or given up.

use std::time::Duration;

use crate::db::models::{now, outbox, privacy, sessions, signatures};
use crate::db::Db;
use crate::workers::{Deps, Heartbeat, Job};

/// Often enough that expired personal data does not linger; each pass is a
/// few indexed deletes.
const EVERY: Duration = Duration::from_secs(15 * 60);
const DAILY: Duration = Duration::from_secs(24 * 60 * 60);
/// Sent emails are kept, wiped, this long for the metrics.
const KEEP_FINISHED_EMAILS: time::Duration = time::Duration::days(7);

/// One pass; logs what it removed.
pub async fn purge_once(db: &Db) -> anyhow::Result<()> {
    let (sessions, signatures, tokens, emails) = db
        .run(|conn| {
            let at = now();
            let sessions = sessions::purge_expired(conn, at)?;
            let (signatures, tokens) = signatures::purge_expired(conn, at)?;
            let emails = outbox::purge_finished(conn, at, KEEP_FINISHED_EMAILS)?;
            Ok((sessions, signatures, tokens, emails))
        })
        .await?;
    if sessions + signatures + tokens + emails > 0 {
        tracing::info!(
            sessions,
            pending_signatures = signatures,
            tokens,
            emails,
            "purged expired data"
        );
    }
    Ok(())
}

/// Makes anonymous the signers of long-closed petitions; logs how many.
pub async fn anonymise_once(db: &Db, retention_days: u32) -> anyhow::Result<()> {
    let changed = db
        .run(move |conn| privacy::anonymise_closed(conn, now(), retention_days))
        .await?;
    if changed > 0 {
        tracing::info!(
            signatures = changed,
            retention_days,
            "anonymised signers of closed petitions"
        );
    }
    Ok(())
}

/// Runs [`purge_once`] at start and then every [`EVERY`], and
/// [`anonymise_once`] at start and then daily.
pub struct Janitor {
    db: Db,
    retention_days: u32,
}

impl Janitor {
    pub fn new(deps: &Deps) -> Self {
        Self {
            db: deps.db.clone(),
            retention_days: deps.settings.privacy.retention_days,
        }
    }
}

impl Job for Janitor {
    const NAME: &'static str = "janitor";

    async fn run(&self, heartbeat: &Heartbeat) {
        let mut daily = tokio::time::interval(DAILY);
        let mut interval = tokio::time::interval(EVERY);
        // Beat more often than the pass runs, so a quiet janitor is not taken
        // for a dead one.
        let mut beat = tokio::time::interval(Duration::from_secs(1));
        loop {
            tokio::select! {
                _ = interval.tick() => {
                    heartbeat.beat();
                    if let Err(err) = purge_once(&self.db).await {
                        tracing::warn!(error = ?err, "purging expired data failed");
                    }
                }
                _ = daily.tick() => {
                    heartbeat.beat();
                    if let Err(err) = anonymise_once(&self.db, self.retention_days).await {
                        tracing::warn!(error = ?err, "anonymising signers failed");
                    }
                }
                _ = beat.tick() => heartbeat.beat(),
            }
        }
    }
}
