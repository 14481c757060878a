//! What `/health` says about the mail relay: the outcome of the latest
//! send, or, when nothing was sent lately, of a probe.
//!
//! The relay's state is reported, not judged: a relay that refuses for a
//! minute is retried, and `/health` turns 503 only once mail has waited
//! past `email.max_due_age_s`. Operators still see at once that the relay
//! is failing, and why.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::mailer::Mailer;

/// A send or probe younger than this speaks for the relay; an older one is
/// refreshed by a probe, so load balancers polling `/health` every few
/// seconds cost the relay one short session per interval at most.
const FRESH: Duration = Duration::from_secs(30);
/// `undersigned healthcheck` gives up after 3 s; the probe must not take
/// the whole of it.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum RelayState {
    Ok,
    Failing,
}

#[derive(Debug, Clone, Serialize)]
pub struct RelayReport {
    /// `smtp` or `file`.
    pub transport: &'static str,
    pub state: RelayState,
    /// Why it is failing, with no address in it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Seconds since this was observed.
    pub checked_s_ago: u64,
}

struct Observation {
    at: Instant,
    error: Option<String>,
}

pub struct RelayMonitor {
    mailer: Arc<Mailer>,
    latest: Mutex<Option<Observation>>,
    /// One probe at a time, however many `/health` requests arrive.
    probing: tokio::sync::Mutex<()>,
}

impl RelayMonitor {
    pub fn new(mailer: Arc<Mailer>) -> Self {
        Self {
            mailer,
            latest: Mutex::new(None),
            probing: tokio::sync::Mutex::new(()),
        }
    }

    pub fn mailer(&self) -> &Arc<Mailer> {
        &self.mailer
    }

    /// Records a send the relay took (even if it refused the recipient:
    /// it answered), or a temporary failure with its reason.
    pub fn observe(&self, error: Option<String>) {
        *self.latest.lock().expect("relay state lock") = Some(Observation {
            at: Instant::now(),
            error,
        });
    }

    /// The latest observation, probing the relay first if it is stale.
    pub async fn report(&self) -> RelayReport {
        if self.fresh().is_none() {
            let _one = self.probing.lock().await;
            // Another request may have probed while this one waited.
            if self.fresh().is_none() {
                let error = match tokio::time::timeout(PROBE_TIMEOUT, self.mailer.probe()).await {
                    Ok(result) => result.err(),
                    Err(_) => Some(format!(
                        "no answer from the mail relay within {} ms",
                        PROBE_TIMEOUT.as_millis()
                    )),
                };
                self.observe(error);
            }
        }
        let (age, error) = self.fresh().unwrap_or((Duration::ZERO, None));
        RelayReport {
            transport: self.mailer.transport_name(),
            state: if error.is_none() {
                RelayState::Ok
            } else {
                RelayState::Failing
            },
            error,
            checked_s_ago: age.as_secs(),
        }
    }

    fn fresh(&self) -> Option<(Duration, Option<String>)> {
        let latest = self.latest.lock().expect("relay state lock");
        let observation = latest.as_ref()?;
        let age = observation.at.elapsed();
        (age < FRESH).then(|| (age, observation.error.clone()))
    }
}
