//! The email outbox: claims queued emails and sends them (each with
//! [`crate::email::outbox::deliver`], which also decides on retries).
//!
//! # Why sends are slots, not passes
//!
//! An earlier worker claimed a batch, sent it with `join_all` and only then
//! claimed more. One send that never finished (a relay that accepted the
//! connection but never sent its greeting, as happens when a relay's listen
//! queue overflows under a burst) held the pass, and with it every later
//! email, forever. Now each send holds one of `email.concurrency` slots and
//! is bounded by `email.send_timeout_ms`; the loop claims more whenever
//! slots free up, so a slow send delays only itself.
//!
//! Its claims and records go through the group-commit writer, like the
//! signatures: on SQLite a second writer would only queue on the file's one
//! write lock, in the busy handler's sleeps, and slow down both.

use std::sync::Arc;
use std::time::Duration;

use lettre::message::Mailbox;
use tokio::sync::{watch, Notify};
use tokio::task::JoinSet;

use crate::config::EmailSettings;
use crate::db::models::now;
use crate::db::models::outbox::{self, AttemptRecord};
use crate::db::{Backend, Db};
use crate::email::outbox::{deliver, Backoff};
use crate::email::relay::RelayMonitor;
use crate::metrics::Metrics;
use crate::workers::{Deps, Heartbeat, Job};

/// Polling picks up retries and other instances' rows; local writes wake
/// the worker at once through `wake`.
const POLL: Duration = Duration::from_millis(500);
/// Pause after a failed database call, so a database outage is not a spin.
const DB_RETRY: Duration = Duration::from_secs(1);

pub struct EmailOutbox {
    db: Db,
    relay: Arc<RelayMonitor>,
    from: Mailbox,
    settings: EmailSettings,
    wake: Arc<Notify>,
    metrics: Arc<Metrics>,
    /// Set by [`EmailOutbox::stop`]; the worker then drains and returns.
    stopping: watch::Sender<bool>,
    /// Set by the worker once everything in flight is sent and recorded.
    drained: watch::Sender<bool>,
}

impl EmailOutbox {
    pub fn new(deps: &Deps) -> anyhow::Result<Self> {
        let settings = deps.settings.email.clone();
        let from = settings.from.parse()?;
        Ok(Self {
            db: deps.db.clone(),
            relay: deps.relay.clone(),
            from,
            settings,
            wake: deps.outbox_wake.clone(),
            metrics: deps.metrics.clone(),
            stopping: watch::channel(false).0,
            drained: watch::channel(false).0,
        })
    }

    /// A claimed message is hidden from other workers this long: past the
    /// send timeout, so a live worker records first, and a dead one's
    /// claims expire soon.
    fn lease(&self) -> time::Duration {
        time::Duration::milliseconds(self.settings.send_timeout_ms as i64 + 10_000)
    }

    /// Releases stale claims on a single-process backend. Call once per
    /// process, before the loop starts.
    pub async fn recover(&self) {
        if self.db.backend() == Backend::Sqlite {
            // A SQLite file has one server process: claims left over are
            // from a previous run that died, so they can be retried now.
            if let Err(err) = self.db.run(outbox::release_all_leases).await {
                tracing::warn!(error = ?err, "releasing stale email claims failed");
            }
        }
    }
}

impl Job for EmailOutbox {
    const NAME: &'static str = "email_outbox";

    async fn run(&self, heartbeat: &Heartbeat) {
        let slots = self.settings.concurrency.max(1);
        let mut in_flight: JoinSet<AttemptRecord> = JoinSet::new();
        let mut finished: Vec<AttemptRecord> = Vec::new();
        let mut timer_or_wake = true;
        let mut stopping = self.stopping.subscribe();
        loop {
            heartbeat.beat();
            if *stopping.borrow_and_update() {
                break;
            }
            while let Some(done) = in_flight.try_join_next() {
                collect(done, &mut finished);
            }
            if !finished.is_empty() {
                let records = finished.clone();
                let recorded = self
                    .db
                    .run_batched(move |conn| outbox::record_attempts(conn, &records, now()))
                    .await;
                if let Err(err) = recorded {
                    // Keep the outcomes and record them on the next turn:
                    // forgetting a sent email would send it again once its
                    // claim ran out.
                    tracing::error!(error = ?err, "recording email outcomes failed; will retry");
                    tokio::time::sleep(DB_RETRY).await;
                    continue;
                }
                finished.clear();
            }

            // After a send finishes, claim only once half the slots are
            // free, so a steady stream costs few claim transactions; a wake
            // or the poll timer fills whatever is free.
            let free = slots - in_flight.len();
            let mut claimed_all = false;
            if free > 0 && (timer_or_wake || free * 2 >= slots) {
                let lease = self.lease();
                match self
                    .db
                    .run_batched(move |conn| outbox::claim_due(conn, now(), lease, free as i64))
                    .await
                {
                    Ok(batch) => {
                        claimed_all = batch.len() == free;
                        for email in batch {
                            let relay = self.relay.clone();
                            let from = self.from.clone();
                            let max_attempts = self.settings.max_attempts;
                            let backoff = self.backoff();
                            let metrics = self.metrics.clone();
                            in_flight.spawn(async move {
                                deliver(&relay, &from, email, max_attempts, backoff, &metrics).await
                            });
                        }
                    }
                    Err(err) => {
                        tracing::error!(error = ?err, "claiming due emails failed");
                        tokio::time::sleep(DB_RETRY).await;
                        continue;
                    }
                }
            }
            if claimed_all {
                // Every free slot was filled: more may be waiting.
                continue;
            }
            timer_or_wake = tokio::select! {
                _ = stopping.changed() => true,
                _ = self.wake.notified() => true,
                _ = tokio::time::sleep(POLL) => true,
                Some(done) = in_flight.join_next(), if !in_flight.is_empty() => {
                    collect(done, &mut finished);
                    false
                }
            };
        }
        self.drain(in_flight, finished).await;
    }
}

impl EmailOutbox {
    /// Asks the worker to stop claiming, and waits (at most a send timeout
    /// and a little) until what it has in flight is sent and recorded. A
    /// send cut off at shutdown would otherwise go out again after the
    /// restart.
    pub async fn stop(&self) {
        let mut drained = self.drained.subscribe();
        self.stopping.send_replace(true);
        let limit = Duration::from_millis(self.settings.send_timeout_ms) + Duration::from_secs(5);
        if tokio::time::timeout(limit, drained.wait_for(|done| *done))
            .await
            .is_err()
        {
            tracing::warn!("the email outbox did not drain before shutdown");
        }
    }

    /// The end of the loop: each send in flight is bounded by the send
    /// timeout; their outcomes are recorded before returning.
    async fn drain(&self, mut in_flight: JoinSet<AttemptRecord>, mut finished: Vec<AttemptRecord>) {
        while let Some(done) = in_flight.join_next().await {
            collect(done, &mut finished);
        }
        for _ in 0..3 {
            if finished.is_empty() {
                break;
            }
            let records = finished.clone();
            match self
                .db
                .run_batched(move |conn| outbox::record_attempts(conn, &records, now()))
                .await
            {
                Ok(()) => finished.clear(),
                Err(err) => {
                    tracing::error!(error = ?err, "recording email outcomes at shutdown failed");
                    tokio::time::sleep(DB_RETRY).await;
                }
            }
        }
        self.drained.send_replace(true);
    }

    fn backoff(&self) -> Backoff {
        Backoff {
            base_ms: self.settings.retry_base_ms,
            max_ms: self.settings.retry_max_ms,
        }
    }
}

fn collect(done: Result<AttemptRecord, tokio::task::JoinError>, into: &mut Vec<AttemptRecord>) {
    match done {
        Ok(record) => into.push(record),
        // The claim runs out and the message is tried again.
        Err(err) => tracing::error!(error = ?err, "an email send task failed"),
    }
}
