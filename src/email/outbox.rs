//! The outbox worker: claims queued emails, sends them, and retries
//! temporary failures with exponential backoff and jitter.

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::join_all;
use lettre::message::Mailbox;
use rand::Rng;
use tokio::sync::Notify;

use super::mailer::{Mailer, SendError};
use crate::config::EmailSettings;
use crate::db::models::now;
use crate::db::models::outbox::{self, Attempt};
use crate::db::{Backend, Db};

/// How many messages one pass sends concurrently.
const BATCH: i64 = 32;
/// A claimed message is hidden from other workers this long: twice the SMTP
/// timeout, so a live worker finishes first, and a dead one's claims expire
/// soon.
const LEASE: time::Duration = time::Duration::seconds(30);
/// Polling picks up retries and other instances' rows; local writes wake
/// the worker at once through `wake`.
const POLL: Duration = Duration::from_millis(500);

pub struct OutboxWorker {
    db: Db,
    mailer: Mailer,
    from: Mailbox,
    settings: EmailSettings,
    wake: Arc<Notify>,
}

impl OutboxWorker {
    pub fn new(db: Db, settings: EmailSettings, wake: Arc<Notify>) -> anyhow::Result<Self> {
        let mailer = Mailer::from_settings(&settings)?;
        let from = settings.from.parse()?;
        Ok(Self {
            db,
            mailer,
            from,
            settings,
            wake,
        })
    }

    pub async fn run(self) {
        if self.db.backend() == Backend::Sqlite {
            // A SQLite file has one server process: claims left over are
            // from a previous run that died, so they can be retried now.
            if let Err(err) = self.db.run(outbox::release_all_leases).await {
                tracing::warn!(error = ?err, "releasing stale email claims failed");
            }
        }
        loop {
            match self.deliver_due().await {
                // A full batch suggests more are waiting.
                Ok(sent) if sent as i64 == BATCH => continue,
                Ok(_) => {}
                Err(err) => tracing::error!(error = ?err, "email outbox pass failed"),
            }
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(POLL) => {}
            }
        }
    }

    /// One pass: claim due messages and try each once.
    async fn deliver_due(&self) -> anyhow::Result<usize> {
        let batch = self
            .db
            .run(|conn| outbox::claim_due(conn, now(), LEASE, BATCH))
            .await?;
        let count = batch.len();
        join_all(batch.into_iter().map(|email| self.deliver(email))).await;
        Ok(count)
    }

    async fn deliver(&self, email: outbox::QueuedEmail) {
        let result = self.mailer.send(&self.from, &email).await;
        let attempts = email.attempts + 1;
        let attempt = match result {
            Ok(()) => Attempt::Sent,
            Err(SendError::Permanent(reason)) => {
                tracing::warn!(email_id = %email.id, %reason, "email rejected permanently; giving up");
                Attempt::GaveUp(reason)
            }
            Err(SendError::Temporary(reason)) if attempts >= self.settings.max_attempts => {
                tracing::error!(email_id = %email.id, %reason, attempts, "email still failing; giving up");
                Attempt::GaveUp(reason)
            }
            Err(SendError::Temporary(reason)) => {
                let delay = self.backoff(attempts);
                tracing::warn!(email_id = %email.id, %reason, attempts, retry_in_ms = delay.whole_milliseconds() as u64, "email send failed; will retry");
                Attempt::RetryAt(now() + delay, reason)
            }
        };
        let id = email.id;
        let recorded = self
            .db
            .run(move |conn| outbox::record_attempt(conn, &id, attempts, attempt, now()))
            .await;
        if let Err(err) = recorded {
            tracing::error!(error = ?err, "recording an email's outcome failed");
        }
    }

    /// base · 2^(attempts-1), capped, then scaled by a random 50–100% so
    /// that a burst of failures does not retry in lockstep.
    fn backoff(&self, attempts: i32) -> time::Duration {
        let exp = attempts.clamp(1, 30) as u32 - 1;
        let raw = self
            .settings
            .retry_base_ms
            .saturating_mul(1u64 << exp.min(20))
            .min(self.settings.retry_max_ms);
        let jittered = raw / 2 + rand::rng().random_range(0..=raw / 2);
        time::Duration::milliseconds(jittered as i64)
    }
}
