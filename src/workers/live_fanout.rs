//! Passes count changes to live count streams, sends them heartbeats and
//! forgets petitions nobody watches; [`crate::live`] says why one task per
//! process does this for every subscriber.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::broadcast;

use crate::counts::CountStore;
use crate::live::{Hub, MIN_GAP};
use crate::workers::{Deps, Heartbeat, Job};

pub struct LiveFanout {
    hub: Arc<Hub>,
    counts: Arc<CountStore>,
    heartbeat_every: Duration,
}

impl LiveFanout {
    pub fn new(deps: &Deps) -> Self {
        Self {
            hub: deps.live.clone(),
            counts: deps.counts.clone(),
            heartbeat_every: Duration::from_millis(deps.settings.live.heartbeat_ms),
        }
    }
}

impl Job for LiveFanout {
    const NAME: &'static str = "live_fanout";

    async fn run(&self, beat: &Heartbeat) {
        let mut changes = self.counts.subscribe();
        let mut tick = tokio::time::interval(MIN_GAP);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut next_heartbeat = Instant::now() + self.heartbeat_every;
        let mut stopping = std::pin::pin!(stop_signal());
        loop {
            tokio::select! {
                change = changes.recv() => match change {
                    Ok(change) => self.hub.send(&change.slug),
                    // Missed changes are caught by the next tick.
                    Err(broadcast::error::RecvError::Lagged(_)) => {}
                    Err(broadcast::error::RecvError::Closed) => return,
                },
                _ = tick.tick() => {
                    beat.beat();
                    self.hub.sweep();
                    if Instant::now() >= next_heartbeat {
                        next_heartbeat = Instant::now() + self.heartbeat_every;
                        self.hub.send_heartbeat();
                    }
                }
                () = &mut stopping => {
                    // Open streams would otherwise hold a graceful shutdown
                    // for its whole timeout.
                    self.hub.close_all();
                    std::future::pending::<()>().await;
                }
            }
        }
    }
}

/// Resolves when the process is asked to stop (SIGTERM or Ctrl-C), as the
/// HTTP server is.
async fn stop_signal() {
    // Without signal handling there is nothing to wait for: never resolve.
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                Some(()) = term.recv() => {}
                () = interrupt => {}
            }
            return;
        }
    }
    interrupt.await
}
