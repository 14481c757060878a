//! Sending one queued email, and what follows: recorded as sent, retried
//! later with exponential backoff and jitter, or given up. The loop that
//! claims queued emails and sends them is
//! [`crate::workers::email_outbox`].

use lettre::message::Mailbox;
use rand::Rng;

use super::mailer::SendError;
use super::relay::RelayMonitor;
use crate::db::models::now;
use crate::db::models::outbox::{Attempt, AttemptRecord, QueuedEmail};
use crate::metrics::{EmailFailure, Metrics};

pub(crate) async fn deliver(
    relay: &RelayMonitor,
    from: &Mailbox,
    email: QueuedEmail,
    max_attempts: i32,
    backoff: Backoff,
    metrics: &Metrics,
) -> AttemptRecord {
    let result = relay.mailer().send(from, &email).await;
    match &result {
        Ok(()) => relay.observe(None),
        Err(SendError::Temporary(reason)) => {
            relay.observe(Some(reason.clone()));
            metrics.email_send_failed(EmailFailure::Temporary)
        }
        // The relay answered; it is the message it refused.
        Err(SendError::Permanent(_)) => {
            relay.observe(None);
            metrics.email_send_failed(EmailFailure::Permanent)
        }
    }
    let attempts = email.attempts + 1;
    let attempt = match result {
        Ok(()) => Attempt::Sent,
        Err(SendError::Permanent(reason)) => {
            tracing::warn!(email_id = %email.id, %reason, "email rejected permanently; giving up");
            Attempt::GaveUp(reason)
        }
        Err(SendError::Temporary(reason)) if attempts >= max_attempts => {
            tracing::error!(email_id = %email.id, %reason, attempts, "email still failing; giving up");
            Attempt::GaveUp(reason)
        }
        Err(SendError::Temporary(reason)) => {
            let delay = backoff.after(attempts);
            tracing::warn!(email_id = %email.id, %reason, attempts, retry_in_ms = delay.whole_milliseconds() as u64, "email send failed; will retry");
            Attempt::RetryAt(now() + delay, reason)
        }
    };
    AttemptRecord {
        id: email.id,
        attempts,
        attempt,
    }
}

#[derive(Clone, Copy)]
pub(crate) struct Backoff {
    pub(crate) base_ms: u64,
    pub(crate) max_ms: u64,
}

impl Backoff {
    /// base · 2^(attempts-1), capped, then scaled by a random 50–100% so
    /// that a burst of failures does not retry in lockstep.
    pub(crate) fn after(&self, attempts: i32) -> time::Duration {
        let exp = attempts.clamp(1, 30) as u32 - 1;
        let raw = self
            .base_ms
            .saturating_mul(1u64 << exp.min(20))
            .min(self.max_ms);
        let jittered = raw / 2 + rand::rng().random_range(0..=raw / 2);
        time::Duration::milliseconds(jittered as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::Backoff;

    #[test]
    fn backoff_grows_and_is_capped() {
        let backoff = Backoff {
            base_ms: 100,
            max_ms: 1_000,
        };
        for _ in 0..50 {
            let first = backoff.after(1).whole_milliseconds();
            assert!((50..=100).contains(&first), "{first}");
            let third = backoff.after(3).whole_milliseconds();
            assert!((200..=400).contains(&third), "{third}");
            let late = backoff.after(30).whole_milliseconds();
            assert!((500..=1_000).contains(&late), "{late}");
        }
    }
}
