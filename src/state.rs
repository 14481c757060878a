use std::sync::Arc;

use tokio::sync::Notify;

use crate::config::Settings;
use crate::counts::CountStore;
use crate::db::models::petitions::Petition;
use crate::db::Db;
use crate::email::relay::RelayMonitor;
use crate::live::Hub;
use crate::metrics::Metrics;
use crate::petition_cache::PetitionCache;
use crate::security::csrf::Csrf;
use crate::security::erasure::ErasedSigners;
use crate::security::limits::Limits;
use crate::security::password::HashingGate;
use crate::share_card::ShareCards;
use crate::transparency::head::LogKey;
use crate::workers::Workers;

/// Everything handlers need, passed as `web::Data<AppState>`. No globals, so
/// tests can run many apps side by side.
pub struct AppState {
    pub settings: Settings,
    pub db: Db,
    pub counts: Arc<CountStore>,
    /// Live count streams.
    pub live: Arc<Hub>,
    pub csrf: Csrf,
    /// Fingerprints that stand in for erased signers' addresses.
    pub erased_signers: ErasedSigners,
    /// The mail relay's state, for `/health`.
    pub email_relay: Arc<RelayMonitor>,
    /// Wakes the outbox worker after queueing an email.
    pub outbox_wake: Arc<Notify>,
    /// The background workers' heartbeats, for `/health`.
    pub workers: Workers,
    /// Rate limits under `limits`.
    pub limits: Arc<Limits>,
    /// Every argon2 hash goes through this.
    pub hashing: HashingGate,
    /// Counters other parts increment (rate limits, email failures).
    pub metrics: Arc<Metrics>,
    /// Drawn `og:image` cards, by petition.
    pub share_cards: Arc<ShareCards>,
    /// What public pages show of each petition, for a moment.
    pub petitions: Arc<PetitionCache>,
    /// Signs the public log's heads; its public half is published.
    pub log_key: LogKey,
}

impl AppState {
    /// An absolute URL for a path on this site.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.settings.server.public_url)
    }

    pub fn petition_url(&self, slug: &str) -> String {
        self.url(&format!("/petitions/{slug}"))
    }

    /// Call after creating or changing a petition on this instance, so
    /// counts and cached pages follow at once.
    pub fn petition_changed(&self, petition: &Petition) {
        self.counts.upsert_petition(petition);
        self.petitions.invalidate(&petition.slug);
    }
}
