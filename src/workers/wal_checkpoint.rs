//! SQLite's write-ahead log, kept small. Under steady load readers are
//! always somewhere in the log, so SQLite's own passive checkpoints never
//! get to restart it, and it grows without bound: a burst of 5,000
//! signatures left hundreds of megabytes beside a 15 MB database. A
//! `TRUNCATE` checkpoint waits briefly for readers, copies the log into
//! the database and empties the file.

use std::time::Duration;

use anyhow::Context;
use diesel::connection::SimpleConnection;

use crate::db::{Db, DbConnection};
use crate::workers::{Deps, Heartbeat, Job};

/// Often enough that a burst leaves a log of a few megabytes at most.
const EVERY: Duration = Duration::from_secs(2);

/// Moves the log into the database and empties it. A no-op on PostgreSQL.
pub async fn checkpoint(db: &Db) -> anyhow::Result<()> {
    db.run(|conn| {
        if let DbConnection::Sqlite(conn) = conn {
            conn.batch_execute("PRAGMA wal_checkpoint(TRUNCATE);")
                .context("checkpointing the write-ahead log")?;
        }
        Ok(())
    })
    .await
}

pub struct WalCheckpoint {
    db: Db,
}

impl WalCheckpoint {
    pub fn new(deps: &Deps) -> Self {
        Self {
            db: deps.db.clone(),
        }
    }
}

impl Job for WalCheckpoint {
    const NAME: &'static str = "wal_checkpoint";

    async fn run(&self, heartbeat: &Heartbeat) {
        let mut pass = tokio::time::interval(EVERY);
        pass.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            pass.tick().await;
            heartbeat.beat();
            if let Err(err) = checkpoint(&self.db).await {
                tracing::warn!(error = ?err, "checkpointing SQLite's log failed");
            }
        }
    }
}
