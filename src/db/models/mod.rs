//! One file per table group. Every function takes `&mut DbConnection` and
//! is the only place that knows how its statement is written per backend.

pub mod abuse;
pub mod accounts;
pub mod admin;
pub mod api_tokens;
pub mod counts;
pub mod goals;
pub mod metrics;
pub mod organizers;
pub mod outbox;
pub mod petitions;
pub mod privacy;
pub mod public_log;
pub mod sessions;
pub mod signatures;
pub mod statistics;
pub mod updates;

use time::{OffsetDateTime, PrimitiveDateTime};

/// The current time as stored: UTC without an offset.
pub fn now() -> PrimitiveDateTime {
    let now = OffsetDateTime::now_utc();
    PrimitiveDateTime::new(now.date(), now.time())
}

/// A new row key. Time-ordered (UUIDv7), so that rows written together sit
/// together in every index keyed by it: random keys made each signature
/// dirty pages all over the B-trees, and every commit write them out.
/// Its millisecond timestamp tells nothing that `created_at` does not.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
