use std::sync::Arc;

use tokio::sync::Notify;

use crate::config::Settings;
use crate::counts::CountStore;
use crate::db::Db;
use crate::metrics::Metrics;
use crate::security::csrf::Csrf;

/// Everything handlers need, passed as `web::Data<AppState>`. No globals, so
/// tests can run many apps side by side.
pub struct AppState {
    pub settings: Settings,
    pub db: Db,
    pub counts: Arc<CountStore>,
    pub csrf: Csrf,
    /// Wakes the outbox worker after queueing an email.
    pub outbox_wake: Arc<Notify>,
    /// Counters other parts increment (rate limits, email failures).
    pub metrics: Arc<Metrics>,
}

impl AppState {
    /// An absolute URL for a path on this site.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.settings.server.public_url)
    }

    pub fn petition_url(&self, slug: &str) -> String {
        self.url(&format!("/petitions/{slug}"))
    }
}
